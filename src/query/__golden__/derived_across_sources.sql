-- derived_across_sources
-- query: {"metrics":["refund_rate","aov","gross_margin"],"dimensions":["channel"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","2024-01-01","2024-04-01","2024-01-01","2024-04-01"]
WITH "f0_returns" AS (
  SELECT "order"."channel" AS "channel", sum("t"."amount") AS "refunds"
  FROM "returns" AS "t"
  LEFT JOIN "orders" AS "order" ON "order"."order_id" = "t"."order_id"
  WHERE "t"."requested_at" >= CAST($1 AS TIMESTAMP) AND "t"."requested_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'rejected')
  GROUP BY "order"."channel"
),
"f1_orders" AS (
  SELECT "t"."channel" AS "channel", sum("t"."amount") AS "revenue", count(*) AS "orders"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "t"."channel"
),
"f2_order_items" AS (
  SELECT "order"."channel" AS "channel", sum("t"."amount" - "t"."quantity" * "product"."cost") AS "gross_profit", sum("t"."amount") AS "costed_item_revenue"
  FROM "order_items" AS "t"
  LEFT JOIN "orders" AS "order" ON "order"."order_id" = "t"."order_id"
  LEFT JOIN "products" AS "product" ON "product"."product_id" = "t"."product_id"
  WHERE "order"."ordered_at" >= CAST($5 AS TIMESTAMP) AND "order"."ordered_at" < CAST($6 AS TIMESTAMP) AND ((("order"."status" IS NULL) OR "order"."status" <> 'cancelled') AND ("product"."cost" IS NOT NULL))
  GROUP BY "order"."channel"
),
"combined" AS (
  SELECT "channel" AS "channel", max("refunds") AS "refunds", max("revenue") AS "revenue", max("orders") AS "orders", max("gross_profit") AS "gross_profit", max("costed_item_revenue") AS "costed_item_revenue"
  FROM (SELECT "channel" AS "channel", "refunds" AS "refunds", NULL AS "revenue", NULL AS "orders", NULL AS "gross_profit", NULL AS "costed_item_revenue"
    FROM "f0_returns" AS "f0_returns"
    UNION ALL
    SELECT "channel" AS "channel", NULL AS "refunds", "revenue" AS "revenue", "orders" AS "orders", NULL AS "gross_profit", NULL AS "costed_item_revenue"
    FROM "f1_orders" AS "f1_orders"
    UNION ALL
    SELECT "channel" AS "channel", NULL AS "refunds", NULL AS "revenue", NULL AS "orders", "gross_profit" AS "gross_profit", "costed_item_revenue" AS "costed_item_revenue"
    FROM "f2_order_items" AS "f2_order_items") AS "facts"
  GROUP BY "channel"
)
SELECT "channel" AS "channel", CAST(coalesce("refunds", 0) AS DOUBLE) / nullif(coalesce("revenue", 0), 0) AS "refund_rate", CAST(coalesce("revenue", 0) AS DOUBLE) / nullif(coalesce("orders", 0), 0) AS "aov", CAST(coalesce("gross_profit", 0) AS DOUBLE) / nullif(coalesce("costed_item_revenue", 0), 0) AS "gross_margin"
FROM "combined" AS "combined"
ORDER BY "channel" ASC NULLS LAST
