-- per_customer
-- query: {"metrics":["repeat_customers","repurchase_rate","orders_per_customer"],"dimensions":["month"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","2024-01-01","2024-04-01","2024-01-01","2024-04-01"]
WITH "f0_orders" AS (
  SELECT "month" AS "month", count(*) AS "repeat_customers"
  FROM (SELECT date_trunc('month', "t"."ordered_at") AS "month", count(*) AS "__v_n"
    FROM "orders" AS "t"
    WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AND ("t"."customer_id" IS NOT NULL)
    GROUP BY date_trunc('month', "t"."ordered_at"), "t"."customer_id"
    HAVING count(*) >= 2) AS "per_key"
  GROUP BY "month"
),
"f1_orders" AS (
  SELECT date_trunc('month', "t"."ordered_at") AS "month", count(DISTINCT "t"."customer_id") AS "buying_customers"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")))
  GROUP BY date_trunc('month', "t"."ordered_at")
),
"f2_orders" AS (
  SELECT "month" AS "month", avg("__v_n") AS "orders_per_customer"
  FROM (SELECT date_trunc('month', "t"."ordered_at") AS "month", count(*) AS "__v_n"
    FROM "orders" AS "t"
    WHERE "t"."ordered_at" >= CAST($5 AS TIMESTAMP) AND "t"."ordered_at" < CAST($6 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AND ("t"."customer_id" IS NOT NULL)
    GROUP BY date_trunc('month', "t"."ordered_at"), "t"."customer_id") AS "per_key"
  GROUP BY "month"
),
"combined" AS (
  SELECT "month" AS "month", max("repeat_customers") AS "repeat_customers", max("buying_customers") AS "buying_customers", max("orders_per_customer") AS "orders_per_customer"
  FROM (SELECT "month" AS "month", "repeat_customers" AS "repeat_customers", NULL AS "buying_customers", NULL AS "orders_per_customer"
    FROM "f0_orders" AS "f0_orders"
    UNION ALL
    SELECT "month" AS "month", NULL AS "repeat_customers", "buying_customers" AS "buying_customers", NULL AS "orders_per_customer"
    FROM "f1_orders" AS "f1_orders"
    UNION ALL
    SELECT "month" AS "month", NULL AS "repeat_customers", NULL AS "buying_customers", "orders_per_customer" AS "orders_per_customer"
    FROM "f2_orders" AS "f2_orders") AS "facts"
  GROUP BY "month"
)
SELECT "month" AS "month", coalesce("repeat_customers", 0) AS "repeat_customers", CAST(coalesce("repeat_customers", 0) AS DOUBLE) / nullif(coalesce("buying_customers", 0), 0) AS "repurchase_rate", "orders_per_customer" AS "orders_per_customer"
FROM "combined" AS "combined"
ORDER BY "month" ASC NULLS LAST
