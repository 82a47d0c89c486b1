-- membership_by_segment_month_subtotals
-- query: {"metrics":["revenue"],"dimensions":["segment","month"],"subtotals":true,"from":"2024-01-01","to":"2024-02-29"}
-- params: ["2024-01-01","2024-03-01","2024-01-01","2024-03-01"]
WITH "f0_orders" AS (
  SELECT "m_segment"."segment_key" AS "segment", date_trunc('month', "t"."ordered_at") AS "month", GROUPING("m_segment"."segment_key", date_trunc('month', "t"."ordered_at")) AS "_grouping", sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY GROUPING SETS (("m_segment"."segment_key", date_trunc('month', "t"."ordered_at")), ("m_segment"."segment_key"))
),
"r_f0_orders" AS (
  SELECT sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
)
SELECT "segment" AS "segment", "month" AS "month", "_grouping" AS "_grouping", "revenue" AS "revenue"
FROM (SELECT "segment" AS "segment", "month" AS "month", "_grouping" AS "_grouping", coalesce("revenue", 0) AS "revenue"
  FROM "f0_orders" AS "f0_orders"
  UNION ALL
  SELECT NULL AS "segment", NULL AS "month", 3 AS "_grouping", coalesce("revenue", 0) AS "revenue"
  FROM "r_f0_orders" AS "r_f0_orders") AS "overlapping"
ORDER BY "_grouping" >= 3 ASC NULLS LAST, "segment" ASC NULLS LAST, "_grouping" >= 1 ASC NULLS LAST, "month" ASC NULLS LAST
