-- membership_by_tag_items
-- query: {"metrics":["item_revenue"],"dimensions":["tag"],"from":"2024-01-01","to":"2024-02-29"}
-- params: ["2024-01-01","2024-03-01"]
WITH "f0_order_items" AS (
  SELECT "m_tag"."tag_key" AS "tag", sum("t"."amount") AS "item_revenue"
  FROM "order_items" AS "t"
  LEFT JOIN "orders" AS "order" ON "order"."order_id" = "t"."order_id"
  LEFT JOIN "tm_customer_tags" AS "m_tag" ON "m_tag"."customer_id" = "order"."customer_id"
  WHERE "order"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "order"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("order"."status" IS NULL) OR "order"."status" <> 'cancelled')
  GROUP BY "m_tag"."tag_key"
)
SELECT "tag" AS "tag", coalesce("item_revenue", 0) AS "item_revenue"
FROM "f0_order_items" AS "f0_order_items"
ORDER BY "tag" ASC NULLS LAST
