"""Independent RFM oracle for the CDNOW test (pandas; Debian's python3-pandas at /usr/bin/python3).

Reads CDNOW_master.txt directly (whitespace-separated: customer_id, YYYYMMDD, cds, dollar_value) and
applies the definitions of src/analyses/rfm/index.ts written from scratch: recency = as-of - last order
day, frequency = orders, monetary = sum of amounts; quintile scores by DuckDB's ntile rule (n rows in 5
buckets, the first n % 5 buckets one row larger) over worst -> best order with customer_id as the tie-break,
then equal values take the lowest score of their tie; high = score above the mean score.
Prints JSON: {customer_id: [recency, frequency, monetary_cents, r, f, m, segment]}.
Usage: python3 cdnow_oracle.py FILE AS_OF(YYYY-MM-DD)
"""
import json
import sys

import pandas as pd

path, as_of = sys.argv[1], pd.Timestamp(sys.argv[2])
df = pd.read_csv(path, sep=r"\s+", header=0, names=["customer_id", "date", "cds", "amount"], dtype={"customer_id": str, "date": str, "amount": str})
df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
df = df[df["date"] < as_of]
# amounts in integer cents: exact sums
df["cents"] = df["amount"].map(lambda s: int(round(float(s) * 100)))
g = df.groupby("customer_id").agg(last=("date", "max"), frequency=("date", "size"), cents=("cents", "sum")).reset_index()
g["recency"] = (as_of - g["last"]).dt.days


def ntile_min(frame, value, ascending):
    """Score 1-5: ntile(5) over value (ascending = worse first), ties broken by customer_id, then min per value."""
    s = frame.sort_values([value, "customer_id"], ascending=[ascending, True]).reset_index(drop=True)
    n = len(s)
    q, r = divmod(n, 5)
    tiles = []
    for b in range(5):
        tiles += [b + 1] * (q + 1 if b < r else q)
    s["tile"] = tiles
    s["score"] = s.groupby(value)["tile"].transform("min")
    return s.set_index("customer_id")["score"]


r, f, m = ntile_min(g, "recency", False), ntile_min(g, "frequency", True), ntile_min(g, "cents", True)
g = g.set_index("customer_id")
g["r"], g["f"], g["m"] = r, f, m
rh, fh, mh = g["r"] > g["r"].mean(), g["f"] > g["f"].mean(), g["m"] > g["m"].mean()
names = {
    (True, True, True): "important_value", (True, False, True): "important_development",
    (False, True, True): "important_retention", (False, False, True): "important_recovery",
    (True, True, False): "general_value", (True, False, False): "general_development",
    (False, True, False): "general_retention", (False, False, False): "general_recovery",
}
out = {}
for cid, row in g.iterrows():
    seg = names[(bool(rh[cid]), bool(fh[cid]), bool(mh[cid]))]
    out[cid] = [int(row["recency"]), int(row["frequency"]), int(row["cents"]), int(row["r"]), int(row["f"]), int(row["m"]), seg]
json.dump(out, sys.stdout)
