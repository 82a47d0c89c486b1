-- time_grain_and_category
-- query: {"metrics":["item_revenue","units_sold"],"dimensions":["month","category"],"from":"2024-01-01","to":"2024-06-30"}
-- params: ["2024-01-01","2024-07-01"]
WITH "f0_order_items" AS (
  SELECT date_trunc('month', "order"."ordered_at") AS "month", "product"."category_l1" AS "category", sum("t"."amount") AS "item_revenue", sum("t"."quantity") AS "units_sold"
  FROM "order_items" AS "t"
  LEFT JOIN "orders" AS "order" ON "order"."order_id" = "t"."order_id"
  LEFT JOIN "products" AS "product" ON "product"."product_id" = "t"."product_id"
  WHERE "order"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "order"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("order"."status" IS NULL) OR "order"."status" <> 'cancelled')
  GROUP BY date_trunc('month', "order"."ordered_at"), "product"."category_l1"
)
SELECT "month" AS "month", "category" AS "category", coalesce("item_revenue", 0) AS "item_revenue", coalesce("units_sold", 0) AS "units_sold"
FROM "f0_order_items" AS "f0_order_items"
ORDER BY "month" ASC NULLS LAST, "category" ASC NULLS LAST
