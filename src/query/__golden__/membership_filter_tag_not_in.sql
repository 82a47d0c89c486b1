-- membership_filter_tag_not_in
-- query: {"metrics":["revenue"],"filters":[{"dimension":"tag","op":"not_in","values":["t1"]}]}
-- params: ["t1"]
WITH "f0_orders" AS (
  SELECT sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  WHERE ("t"."ordered_at" IS NOT NULL) AND (("t"."customer_id" IS NULL) OR NOT (("t"."customer_id" IN (SELECT "mm"."customer_id" AS "customer_id"
  FROM "tm_customer_tags" AS "mm"
  WHERE "mm"."tag_key" = $1)))) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
)
SELECT coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
