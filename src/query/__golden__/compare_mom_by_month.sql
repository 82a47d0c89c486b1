-- compare_mom_by_month
-- query: {"metrics":["revenue","repurchase_rate"],"dimensions":["month"],"compare":"mom","from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","2023-12-01","2024-03-01"]
WITH "f0_orders" AS (
  SELECT "month" AS "month", sum("__p0") AS "revenue", count(*) FILTER (WHERE "__p1" > 0) AS "buying_customers", count(*) FILTER (WHERE "__p1" > 0 AND "__p2" >= 2) AS "repeat_customers"
  FROM (SELECT date_trunc('month', "t"."ordered_at") AS "month", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "__p0", count(*) FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")) AND ("t"."customer_id" IS NOT NULL)) AS "__p1", count(*) FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "__p2"
    FROM "orders" AS "t"
    WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP)
    GROUP BY date_trunc('month', "t"."ordered_at"), "t"."customer_id") AS "per_key"
  GROUP BY "month"
),
"f1_orders__prev" AS (
  SELECT "month" AS "month", sum("__p0") AS "revenue__prev", count(*) FILTER (WHERE "__p1" > 0) AS "buying_customers__prev", count(*) FILTER (WHERE "__p1" > 0 AND "__p2" >= 2) AS "repeat_customers__prev"
  FROM (SELECT date_trunc('month', ("t"."ordered_at" + INTERVAL 1 MONTH)) AS "month", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "__p0", count(*) FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")) AND ("t"."customer_id" IS NOT NULL)) AS "__p1", count(*) FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "__p2"
    FROM "orders" AS "t"
    WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP)
    GROUP BY date_trunc('month', ("t"."ordered_at" + INTERVAL 1 MONTH)), "t"."customer_id") AS "per_key"
  GROUP BY "month"
),
"combined" AS (
  SELECT "month" AS "month", max("revenue") AS "revenue", max("buying_customers") AS "buying_customers", max("repeat_customers") AS "repeat_customers", max("revenue__prev") AS "revenue__prev", max("buying_customers__prev") AS "buying_customers__prev", max("repeat_customers__prev") AS "repeat_customers__prev"
  FROM (SELECT "month" AS "month", "revenue" AS "revenue", "buying_customers" AS "buying_customers", "repeat_customers" AS "repeat_customers", NULL AS "revenue__prev", NULL AS "buying_customers__prev", NULL AS "repeat_customers__prev"
    FROM "f0_orders" AS "f0_orders"
    UNION ALL
    SELECT "month" AS "month", NULL AS "revenue", NULL AS "buying_customers", NULL AS "repeat_customers", "revenue__prev" AS "revenue__prev", "buying_customers__prev" AS "buying_customers__prev", "repeat_customers__prev" AS "repeat_customers__prev"
    FROM "f1_orders__prev" AS "f1_orders__prev") AS "facts"
  GROUP BY "month"
)
SELECT "month" AS "month", coalesce("revenue", 0) AS "revenue", CAST(coalesce("repeat_customers", 0) AS DOUBLE) / nullif(coalesce("buying_customers", 0), 0) AS "repurchase_rate", coalesce("revenue__prev", 0) AS "revenue__prev", CAST(coalesce("revenue", 0) - coalesce("revenue__prev", 0) AS DOUBLE) / nullif(abs(coalesce("revenue__prev", 0)), 0) AS "revenue__change", CAST(coalesce("repeat_customers__prev", 0) AS DOUBLE) / nullif(coalesce("buying_customers__prev", 0), 0) AS "repurchase_rate__prev", CAST(coalesce("repeat_customers", 0) AS DOUBLE) / nullif(coalesce("buying_customers", 0), 0) - CAST(coalesce("repeat_customers__prev", 0) AS DOUBLE) / nullif(coalesce("buying_customers__prev", 0), 0) AS "repurchase_rate__change"
FROM "combined" AS "combined"
ORDER BY "month" ASC NULLS LAST
