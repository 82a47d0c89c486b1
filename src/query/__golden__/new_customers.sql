-- new_customers
-- query: {"metrics":["new_customers","new_customer_share"],"dimensions":["quarter"],"from":"2024-01-01","to":"2024-06-30"}
-- params: ["2024-01-01","2024-01-01","2024-07-01"]
WITH "customer_stats" AS (
  SELECT "customer_id" AS "customer_id", min("ordered_at") AS "first_order_at", max("ordered_at") AS "last_order_at", count(*) AS "lifetime_orders", sum("amount") AS "lifetime_revenue", CAST(date_trunc('month', min("ordered_at")) AS DATE) AS "cohort_month", CAST(date_trunc('week', min("ordered_at")) AS DATE) AS "cohort_week"
  FROM "orders" AS "orders"
  WHERE ("customer_id" IS NOT NULL) AND (("is_anonymous" IS NULL) OR "is_anonymous" = false) AND (("status" IS NULL) OR "status" <> 'cancelled')
  GROUP BY "customer_id"
),
"f0_orders" AS (
  SELECT date_trunc('quarter', "t"."ordered_at") AS "quarter", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")) AND "customer_stats"."first_order_at" >= greatest(date_trunc('quarter', "t"."ordered_at"), CAST($1 AS TIMESTAMP))) AS "new_customers", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "buying_customers"
  FROM "orders" AS "t"
  LEFT JOIN "customer_stats" AS "customer_stats" ON "customer_stats"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($2 AS TIMESTAMP) AND "t"."ordered_at" < CAST($3 AS TIMESTAMP)
  GROUP BY date_trunc('quarter', "t"."ordered_at")
)
SELECT "quarter" AS "quarter", coalesce("new_customers", 0) AS "new_customers", CAST(coalesce("new_customers", 0) AS DOUBLE) / nullif(coalesce("buying_customers", 0), 0) AS "new_customer_share"
FROM "f0_orders" AS "f0_orders"
ORDER BY "quarter" ASC NULLS LAST
