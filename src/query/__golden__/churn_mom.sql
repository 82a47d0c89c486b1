-- churn_mom
-- query: {"metrics":["churn_rate"],"dimensions":["month"],"compare":"mom","from":"2024-02-01","to":"2024-03-31"}
-- params: ["2024-02-01","2024-02-01","2024-02-01","2024-03-31","2024-02-01","2023-11-03","2024-04-01","2024-02-01","2024-02-01","2024-02-01","2024-02-01","2024-03-31","2024-02-01","2023-11-03","2024-04-01","2024-02-01","2024-01-01","2024-01-01","2024-01-01","2024-02-29","2024-01-01","2023-10-03","2024-03-01","2024-01-01","2024-01-01","2024-01-01","2024-01-01","2024-02-29","2024-01-01","2023-10-03","2024-03-01","2024-01-01"]
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
"f2_orders__prev" AS (
  SELECT "month" AS "month", count(*) AS "churned_customers__prev"
  FROM (SELECT date_trunc('month', ("s"."bucket" + INTERVAL 1 MONTH)) AS "month", count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($17 AS TIMESTAMP)))) AS "__v_before", count(*) FILTER (WHERE "t"."ordered_at" >= greatest("s"."bucket", CAST($18 AS TIMESTAMP))) AS "__v_during"
    FROM "orders" AS "t"
    JOIN (SELECT CAST(range AS TIMESTAMP) AS bucket FROM range(CAST(date_trunc('month', CAST($19 AS TIMESTAMP)) AS TIMESTAMP), CAST(date_trunc('month', CAST($20 AS TIMESTAMP)) AS TIMESTAMP) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS "s" ON "t"."ordered_at" >= (greatest("s"."bucket", CAST($21 AS TIMESTAMP)) + to_days(CAST(-90 AS INTEGER))) AND "t"."ordered_at" < ("s"."bucket" + INTERVAL 1 MONTH)
    WHERE "t"."ordered_at" >= CAST($22 AS TIMESTAMP) AND "t"."ordered_at" < CAST($23 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AND ("t"."customer_id" IS NOT NULL)
    GROUP BY date_trunc('month', ("s"."bucket" + INTERVAL 1 MONTH)), "t"."customer_id"
    HAVING count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($24 AS TIMESTAMP)))) > 0 AND count(*) FILTER (WHERE "t"."ordered_at" >= greatest("s"."bucket", CAST($25 AS TIMESTAMP))) = 0) AS "per_key"
  GROUP BY "month"
),
"f3_orders__prev" AS (
  SELECT "month" AS "month", count(*) AS "churn_base_customers__prev"
  FROM (SELECT date_trunc('month', ("s"."bucket" + INTERVAL 1 MONTH)) AS "month", count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($26 AS TIMESTAMP)))) AS "__v_before"
    FROM "orders" AS "t"
    JOIN (SELECT CAST(range AS TIMESTAMP) AS bucket FROM range(CAST(date_trunc('month', CAST($27 AS TIMESTAMP)) AS TIMESTAMP), CAST(date_trunc('month', CAST($28 AS TIMESTAMP)) AS TIMESTAMP) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)) AS "s" ON "t"."ordered_at" >= (greatest("s"."bucket", CAST($29 AS TIMESTAMP)) + to_days(CAST(-90 AS INTEGER))) AND "t"."ordered_at" < ("s"."bucket" + INTERVAL 1 MONTH)
    WHERE "t"."ordered_at" >= CAST($30 AS TIMESTAMP) AND "t"."ordered_at" < CAST($31 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AND ("t"."customer_id" IS NOT NULL)
    GROUP BY date_trunc('month', ("s"."bucket" + INTERVAL 1 MONTH)), "t"."customer_id"
    HAVING count(*) FILTER (WHERE NOT ("t"."ordered_at" >= greatest("s"."bucket", CAST($32 AS TIMESTAMP)))) > 0) AS "per_key"
  GROUP BY "month"
),
"combined" AS (
  SELECT "month" AS "month", max("churned_customers") AS "churned_customers", max("churn_base_customers") AS "churn_base_customers", max("churned_customers__prev") AS "churned_customers__prev", max("churn_base_customers__prev") AS "churn_base_customers__prev"
  FROM (SELECT "month" AS "month", "churned_customers" AS "churned_customers", NULL AS "churn_base_customers", NULL AS "churned_customers__prev", NULL AS "churn_base_customers__prev"
    FROM "f0_orders" AS "f0_orders"
    UNION ALL
    SELECT "month" AS "month", NULL AS "churned_customers", "churn_base_customers" AS "churn_base_customers", NULL AS "churned_customers__prev", NULL AS "churn_base_customers__prev"
    FROM "f1_orders" AS "f1_orders"
    UNION ALL
    SELECT "month" AS "month", NULL AS "churned_customers", NULL AS "churn_base_customers", "churned_customers__prev" AS "churned_customers__prev", NULL AS "churn_base_customers__prev"
    FROM "f2_orders__prev" AS "f2_orders__prev"
    UNION ALL
    SELECT "month" AS "month", NULL AS "churned_customers", NULL AS "churn_base_customers", NULL AS "churned_customers__prev", "churn_base_customers__prev" AS "churn_base_customers__prev"
    FROM "f3_orders__prev" AS "f3_orders__prev") AS "facts"
  GROUP BY "month"
)
SELECT "month" AS "month", CAST(coalesce("churned_customers", 0) AS DOUBLE) / nullif(coalesce("churn_base_customers", 0), 0) AS "churn_rate", CAST(coalesce("churned_customers__prev", 0) AS DOUBLE) / nullif(coalesce("churn_base_customers__prev", 0), 0) AS "churn_rate__prev", CAST(coalesce("churned_customers", 0) AS DOUBLE) / nullif(coalesce("churn_base_customers", 0), 0) - CAST(coalesce("churned_customers__prev", 0) AS DOUBLE) / nullif(coalesce("churn_base_customers__prev", 0), 0) AS "churn_rate__change"
FROM "combined" AS "combined"
ORDER BY "month" ASC NULLS LAST
