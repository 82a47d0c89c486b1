-- membership_by_segment
-- query: {"metrics":["revenue","orders","buying_customers"],"dimensions":["segment"]}
-- params: []
WITH "f0_orders" AS (
  SELECT "m_segment"."segment_key" AS "segment", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "revenue", count(*) FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "orders", count(DISTINCT "t"."customer_id") FILTER (WHERE (("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous"))) AS "buying_customers"
  FROM "orders" AS "t"
  LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
  WHERE ("t"."ordered_at" IS NOT NULL)
  GROUP BY "m_segment"."segment_key"
)
SELECT "segment" AS "segment", coalesce("revenue", 0) AS "revenue", coalesce("orders", 0) AS "orders", coalesce("buying_customers", 0) AS "buying_customers"
FROM "f0_orders" AS "f0_orders"
ORDER BY "segment" ASC NULLS LAST
