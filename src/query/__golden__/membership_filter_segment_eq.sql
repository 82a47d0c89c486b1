-- membership_filter_segment_eq
-- query: {"metrics":["revenue"],"filters":[{"dimension":"segment","op":"eq","values":["s1"]}]}
-- params: ["s1"]
WITH "f0_orders" AS (
  SELECT sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  WHERE ("t"."ordered_at" IS NOT NULL) AND ("t"."customer_id" IN (SELECT "mm"."customer_id" AS "customer_id"
  FROM "tm_segment_members" AS "mm"
  WHERE "mm"."segment_key" = $1)) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
)
SELECT coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
