-- membership_by_segment_totals
-- query: {"metrics":["revenue","orders","buying_customers"],"dimensions":["segment"],"totals":true}
-- params: []
WITH "f0_orders" AS (
  SELECT "m_segment"."segment_key" AS "segment", GROUPING("m_segment"."segment_key") AS "_grouping", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "revenue", count(*) FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "orders", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "buying_customers"
  FROM "orders" AS "t"
  LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
  WHERE ("t"."ordered_at" IS NOT NULL)
  GROUP BY GROUPING SETS (("m_segment"."segment_key"))
),
"r_f0_orders" AS (
  SELECT sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "revenue", count(*) FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "orders", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "buying_customers"
  FROM "orders" AS "t"
  WHERE ("t"."ordered_at" IS NOT NULL)
)
SELECT "segment" AS "segment", "_grouping" AS "_grouping", "revenue" AS "revenue", "orders" AS "orders", "buying_customers" AS "buying_customers"
FROM (SELECT "segment" AS "segment", "_grouping" AS "_grouping", coalesce("revenue", 0) AS "revenue", coalesce("orders", 0) AS "orders", coalesce("buying_customers", 0) AS "buying_customers"
  FROM "f0_orders" AS "f0_orders"
  UNION ALL
  SELECT NULL AS "segment", 1 AS "_grouping", coalesce("revenue", 0) AS "revenue", coalesce("orders", 0) AS "orders", coalesce("buying_customers", 0) AS "buying_customers"
  FROM "r_f0_orders" AS "r_f0_orders") AS "overlapping"
ORDER BY "_grouping" ASC NULLS LAST, "segment" ASC NULLS LAST
