-- membership_by_month_segment_subtotals
-- query: {"metrics":["revenue","buying_customers"],"dimensions":["month","segment"],"subtotals":true,"from":"2024-01-01","to":"2024-02-29"}
-- params: ["2024-01-01","2024-03-01","2024-01-01","2024-03-01"]
WITH "f0_orders" AS (
  SELECT date_trunc('month', "t"."ordered_at") AS "month", "m_segment"."segment_key" AS "segment", GROUPING(date_trunc('month', "t"."ordered_at"), "m_segment"."segment_key") AS "_grouping", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "revenue", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "buying_customers"
  FROM "orders" AS "t"
  LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP)
  GROUP BY GROUPING SETS ((date_trunc('month', "t"."ordered_at"), "m_segment"."segment_key"))
),
"r_f0_orders" AS (
  SELECT date_trunc('month', "t"."ordered_at") AS "month", GROUPING(date_trunc('month', "t"."ordered_at")) AS "_grouping", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "revenue", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "buying_customers"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP)
  GROUP BY GROUPING SETS ((date_trunc('month', "t"."ordered_at")), ())
)
SELECT "month" AS "month", "segment" AS "segment", "_grouping" AS "_grouping", "revenue" AS "revenue", "buying_customers" AS "buying_customers"
FROM (SELECT "month" AS "month", "segment" AS "segment", "_grouping" AS "_grouping", coalesce("revenue", 0) AS "revenue", coalesce("buying_customers", 0) AS "buying_customers"
  FROM "f0_orders" AS "f0_orders"
  UNION ALL
  SELECT "month" AS "month", NULL AS "segment", "_grouping" * 2 + 1 AS "_grouping", coalesce("revenue", 0) AS "revenue", coalesce("buying_customers", 0) AS "buying_customers"
  FROM "r_f0_orders" AS "r_f0_orders") AS "overlapping"
ORDER BY "_grouping" >= 3 ASC NULLS LAST, "month" ASC NULLS LAST, "_grouping" >= 1 ASC NULLS LAST, "segment" ASC NULLS LAST
