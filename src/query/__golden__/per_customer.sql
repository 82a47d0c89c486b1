-- per_customer
-- query: {"metrics":["repeat_customers","repurchase_rate","orders_per_customer"],"dimensions":["month"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01"]
WITH "f0_orders" AS (
  SELECT "month" AS "month", count(*) FILTER (WHERE "__p0" > 0) AS "buying_customers", count(*) FILTER (WHERE "__p0" > 0 AND "__p1" >= 2) AS "repeat_customers", avg("__p1") FILTER (WHERE "__p0" > 0) AS "orders_per_customer"
  FROM (SELECT date_trunc('month', "t"."ordered_at") AS "month", count(*) FILTER (WHERE ("t"."customer_id" IS NOT NULL)) AS "__p0", count(*) AS "__p1"
    FROM "orders" AS "t"
    WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")))
    GROUP BY date_trunc('month', "t"."ordered_at"), "t"."customer_id") AS "per_key"
  GROUP BY "month"
)
SELECT "month" AS "month", coalesce("repeat_customers", 0) AS "repeat_customers", CAST(coalesce("repeat_customers", 0) AS DOUBLE) / nullif(coalesce("buying_customers", 0), 0) AS "repurchase_rate", "orders_per_customer" AS "orders_per_customer"
FROM "f0_orders" AS "f0_orders"
ORDER BY "month" ASC NULLS LAST
