-- custom_field
-- query: {"metrics":["gold_card_revenue","revenue"],"dimensions":["card_type"],"filters":[{"dimension":"card_type","op":"ne","values":["银卡'"]}],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","银卡'"]
WITH "f0_orders" AS (
  SELECT json_extract_string("customer"."extra", '$."会员卡类型"') AS "card_type", sum("t"."amount") FILTER (WHERE json_extract_string("customer"."extra", '$."会员卡类型"') = '金卡') AS "gold_card_revenue", sum("t"."amount") FILTER (WHERE ("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AS "revenue"
  FROM "orders" AS "t"
  LEFT JOIN "customers" AS "customer" ON "customer"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND ((json_extract_string("customer"."extra", '$."会员卡类型"') IS NULL) OR json_extract_string("customer"."extra", '$."会员卡类型"') <> $3)
  GROUP BY json_extract_string("customer"."extra", '$."会员卡类型"')
)
SELECT "card_type" AS "card_type", coalesce("gold_card_revenue", 0) AS "gold_card_revenue", coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
ORDER BY "card_type" ASC NULLS LAST
