/**
 * Customer clustering: k-means on standardised behavioural features, k given or chosen by silhouette, each
 * cluster described in plain words from its profile.
 *
 * Sources: D. Arthur and S. Vassilvitskii, "k-means++: the advantages of careful seeding", SODA 2007 (seeding;
 * the greedy variant with 2 + ⌊ln k⌋ candidates per centre is scikit-learn's); S. P. Lloyd, "Least squares
 * quantization in PCM", IEEE Trans. Inf. Theory 28(2), 1982 (the iterations); G. Hamerly, "Making k-means even
 * faster", SDM 2010 (the bounds that skip distance computations without changing the result); P. S. Bradley and
 * U. M. Fayyad, "Refining initial points for k-means clustering", ICML 1998 (choosing the start on subsamples for
 * large inputs); P. J. Rousseeuw,
 * "Silhouettes: a graphical aid to the interpretation and validation of cluster analysis", J. Comput. Appl.
 * Math. 20, 1987 (choosing k). The result is checked against scikit-learn's KMeans (cluster.test.ts).
 *
 * Definitions:
 * - **Counted order, window, as-of**: as RFM (src/analyses/rfm): an order whose status is NULL or not
 *   'cancelled', of a known, non-anonymous customer, with `from` ≤ order time < `asOf` (the start of that day).
 *   Default `from`: all history; default `asOf`: the day after the last counted order.
 * - **Customers clustered**: those with at least one counted order in the window.
 * - **Features** per customer:
 *   - `recency_days`: `asOf` − the day of the last counted order in the window (≥ 1);
 *   - `frequency`: counted orders in the window; `monetary`: their summed amounts (NULL counts 0);
 *   - `tenure_days`: `asOf` − the start of the relationship: the earlier of the registration day
 *     (customers.registered_at) and the day of the first counted order before `asOf` (all history, not only the
 *     window); a registration on or after that first order day is ignored;
 *   - `interactions`: interaction events (interactions.occurred_at) in the window;
 *   - `service_contacts`: service tickets opened (service_tickets.opened_at) in the window;
 *   - category mix `share_1 … share_N`: the share of the customer's line spend (order_items of counted orders in
 *     the window; line amount, else quantity × unit price; negative lines count 0) in each of the N top-level
 *     categories (products.category_l1) with the most line spend in the window (N = `topCategories`, default 8),
 *     and `share_other` for the remaining categories and lines without a category. 0 for a customer without
 *     lines; absent when the warehouse has no order lines.
 * - **Transform**: log1p (ln(1 + x), negative values as 0) of frequency, monetary, interactions and service
 *   contacts, which are heavy-tailed; recency, tenure and shares as they are. Then z-scores with the population
 *   standard deviation (scikit-learn's StandardScaler). A feature equal for every customer is left out.
 * - **k-means**: k-means++ seeding (greedy, 2 + ⌊ln k⌋ candidates), Lloyd iterations until no label changes or
 *   the summed squared centre shift ≤ `tol` × the mean feature variance, at most `maxIter`; `restarts` runs from
 *   each from its own seeded generator (SplitMix64, src/demo/random.ts, keyed by seed, k and restart
 *   number), the lowest inertia (sum of squared distances to the centres) kept; on large inputs the restarts run on
 *   worker threads, which does not change the result. An empty cluster takes the point farthest from its centre.
 * - **k-means from 50,000 customers up** (the start chosen on a subsample, after Bradley & Fayyad 1998): a seeded
 *   sample of 100,000 customers (all when fewer; drawn without replacement, the same for every k) gets
 *   5 × `restarts` k-means++ + Lloyd runs (each its own generator, keyed by seed, k and run number); its 3
 *   lowest-inertia distinct solutions (an inertia within 10⁻⁵ relative of the one taken before counts as the same
 *   local minimum) are the starts of Lloyd on all customers, and the lowest full-data inertia wins. On large n a
 *   single k-means++ start ends in one of many local minima (on the 1M demo 1.01–1.09 × the best known inertia), so
 *   best-of-10 is a coin toss around 1%; 50 starts on a 100,000-row sample cost less than 10 on all rows and rank
 *   the minima nearly as the full data does. Below 50,000 customers: plain restarts as scikit-learn's KMeans.
 * - **Choosing k**: with no `k`, every k in `kRange` (default 2..8, capped at customers − 1) is run and the one
 *   with the highest mean silhouette wins (the smaller k on a tie). The silhouette uses Euclidean distances on
 *   the z-scores, exact up to `silhouetteSample` customers (default 10,000), else on a seeded sample of that
 *   many (the same sample for every k), as scikit-learn's silhouette_score(sample_size=…).
 * - **Clusters** are numbered 1 … k by size, largest first. **Description**: the features whose cluster mean is
 *   at least 0.5 standard deviations from the all-customer average, strongest three first, in words with the
 *   cluster's own figures; recency as "lapsed N+ days" with N the 25th percentile of the cluster's recency
 *   rounded down to 7/14/30/60/90/120/180/270/365/540/730/1095 days, or "bought within N days" with the 75th
 *   percentile rounded up.
 * - **Stored results**: `tm_cluster`, one row per customer and as-of date, replaced per as-of date in one
 *   transaction; the catalog dimension `cluster` reads the latest as-of date (model table `customer_cluster`).
 */
export * from './params.js';
export { extractFeatures, standardise, baseSql, mixSql, categoriesSql, type FeatureDef, type FeatureKind, type FeatureTable, type Standardised } from './features.js';
export { kmeans, kmeansParallel, kmeansPlusPlus, lloyd, restart, absoluteTol, samplePlan, pickCandidates, drawSample, SAMPLE_FROM, SAMPLE_SIZE, SAMPLE_RESTARTS_PER_RESTART, SAMPLE_CANDIDATES, SAME_MINIMUM, type KMeansOptions, type KMeansResult, type KMeansRun, type SamplePlan } from './kmeans.js';
export { silhouetteScores, sampleIndices } from './silhouette.js';
export { describeCluster, floorDays, ceilDays, type ClusterProfile, type Description } from './describe.js';
export * from './run.js';
