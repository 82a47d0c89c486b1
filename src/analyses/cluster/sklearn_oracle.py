"""scikit-learn oracle for the clustering (Debian's python3-sklearn at /usr/bin/python3).

Reads a row-major float64 matrix (little-endian, n x d) written by the test or the benchmark and runs
scikit-learn's KMeans(n_clusters=k, n_init=10, random_state=0) on it (algorithm 'lloyd', k-means++ init;
--random-state R for another seed).
Optionally: --labels FILE (int32, one cluster per row): silhouette_score of those labels (exact, or with
--sample-size as sklearn samples); --raw FILE (float64, n x d, the columns before z-scoring): the largest
absolute difference between StandardScaler().fit_transform(raw) and the matrix.
Prints JSON: {"inertia", "seconds", "n_iter", "silhouette"?, "scaler_max_abs_diff"?, "max_rss_mb"}.
Usage: python3 sklearn_oracle.py MATRIX N D K [--random-state R] [--labels FILE] [--sample-size S] [--raw FILE]
"""
import json
import resource
import sys
import time

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

args = sys.argv[1:]
path, n, d, k = args[0], int(args[1]), int(args[2]), int(args[3])
opts = dict(zip(args[4::2], args[5::2]))
X = np.fromfile(path, dtype="<f8").reshape(n, d)
t = time.perf_counter()
km = KMeans(n_clusters=k, n_init=10, random_state=int(opts.get("--random-state", 0))).fit(X)
out = {"inertia": float(km.inertia_), "seconds": time.perf_counter() - t, "n_iter": int(km.n_iter_)}
if "--labels" in opts:
    labels = np.fromfile(opts["--labels"], dtype="<i4")
    size = int(opts["--sample-size"]) if "--sample-size" in opts else None
    out["silhouette"] = float(silhouette_score(X, labels, sample_size=size, random_state=0))
if "--raw" in opts:
    raw = np.fromfile(opts["--raw"], dtype="<f8").reshape(n, d)
    out["scaler_max_abs_diff"] = float(np.abs(StandardScaler().fit_transform(raw) - X).max())
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
