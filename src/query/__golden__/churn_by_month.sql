-- churn_by_month
-- query: {"metrics":["churn_rate","churned_customers"],"dimensions":["month"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-01-01","2024-01-01","2024-03-31","2024-01-01","2023-10-03","2024-04-01","2024-01-01","2024-01-01","2024-01-01","2024-01-01","2024-03-31","2024-01-01","2023-10-03","2024-04-01","2024-01-01"]
WITH "f0_orders" AS (
  SELECT "month" AS "month", count(*) AS "churned_customers"
  FROM (SELECT "s"."bucket" AS "month", count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($1 AS TIMESTAMP)))) AS "__v_before", count(*) FILTER (WHERE "t"."ordered_at" >= greatest("s"."bucket", CAST($2 AS TIMESTAMP))) AS "__v_during"
    FROM "orders" AS "t"
    JOIN (SELECT CAST(range AS TIMESTAMP) AS bucket FROM range(CAST(date_trunc('month', CAST($3 AS TIMESTAMP)) AS TIMESTAMP), CAST(date_trunc('month', CAST($4 AS TIMESTAMP)) AS TIMESTAMP) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS "s" ON "t"."ordered_at" >= (greatest("s"."bucket", CAST($5 AS TIMESTAMP)) + to_days(CAST(-90 AS INTEGER))) AND "t"."ordered_at" < ("s"."bucket" + INTERVAL 1 MONTH)
    WHERE "t"."ordered_at" >= CAST($6 AS TIMESTAMP) AND "t"."ordered_at" < CAST($7 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AND ("t"."customer_id" IS NOT NULL)
    GROUP BY "s"."bucket", "t"."customer_id"
    HAVING count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($8 AS TIMESTAMP)))) > 0 AND count(*) FILTER (WHERE "t"."ordered_at" >= greatest("s"."bucket", CAST($9 AS TIMESTAMP))) = 0) AS "per_key"
  GROUP BY "month"
),
"f1_orders" AS (
  SELECT "month" AS "month", count(*) AS "churn_base_customers"
  FROM (SELECT "s"."bucket" AS "month", count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($10 AS TIMESTAMP)))) AS "__v_before"
    FROM "orders" AS "t"
    JOIN (SELECT CAST(range AS TIMESTAMP) AS bucket FROM range(CAST(date_trunc('month', CAST($11 AS TIMESTAMP)) AS TIMESTAMP), CAST(date_trunc('month', CAST($12 AS TIMESTAMP)) AS TIMESTAMP) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS "s" ON "t"."ordered_at" >= (greatest("s"."bucket", CAST($13 AS TIMESTAMP)) + to_days(CAST(-90 AS INTEGER))) AND "t"."ordered_at" < ("s"."bucket" + INTERVAL 1 MONTH)
    WHERE "t"."ordered_at" >= CAST($14 AS TIMESTAMP) AND "t"."ordered_at" < CAST($15 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AND ("t"."customer_id" IS NOT NULL)
    GROUP BY "s"."bucket", "t"."customer_id"
    HAVING count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($16 AS TIMESTAMP)))) > 0) AS "per_key"
  GROUP BY "month"
),
"combined" AS (
  SELECT "month" AS "month", max("churned_customers") AS "churned_customers", max("churn_base_customers") AS "churn_base_customers"
  FROM (SELECT "month" AS "month", "churned_customers" AS "churned_customers", NULL AS "churn_base_customers"
    FROM "f0_orders" AS "f0_orders"
    UNION ALL
    SELECT "month" AS "month", NULL AS "churned_customers", "churn_base_customers" AS "churn_base_customers"
    FROM "f1_orders" AS "f1_orders") AS "facts"
  GROUP BY "month"
)
SELECT "month" AS "month", CAST(coalesce("churned_customers", 0) AS DOUBLE) / nullif(coalesce("churn_base_customers", 0), 0) AS "churn_rate", coalesce("churned_customers", 0) AS "churned_customers"
FROM "combined" AS "combined"
ORDER BY "month" ASC NULLS LAST
