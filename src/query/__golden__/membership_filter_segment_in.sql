-- membership_filter_segment_in
-- query: {"metrics":["revenue"],"filters":[{"dimension":"segment","op":"in","values":["s1","s2"]}]}
-- params: ["s1","s2"]
WITH "f0_orders" AS (
  SELECT sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  WHERE ("t"."ordered_at" IS NOT NULL) AND ("t"."customer_id" IN (SELECT "mm"."customer_id" AS "customer_id"
  FROM "tm_segment_members" AS "mm"
  WHERE ("mm"."segment_key" IN ($1, $2)))) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
)
SELECT coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
