-- membership_by_segment_filtered
-- query: {"metrics":["revenue"],"dimensions":["segment"],"filters":[{"dimension":"segment","op":"in","values":["s2","s3"]}]}
-- params: ["s2","s3","s2","s3"]
WITH "f0_orders" AS (
  SELECT "m_segment"."segment_key" AS "segment", sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
  WHERE ("t"."ordered_at" IS NOT NULL) AND ("t"."customer_id" IN (SELECT "mm"."customer_id" AS "customer_id"
  FROM "tm_segment_members" AS "mm"
  WHERE ("mm"."segment_key" IN ($1, $2)))) AND ("m_segment"."segment_key" IN ($3, $4)) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "m_segment"."segment_key"
)
SELECT "segment" AS "segment", coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
ORDER BY "segment" ASC NULLS LAST
