-- filters_each_op
-- query: {"metrics":["revenue"],"dimensions":["channel"],"from":"2024-01-01","to":"2024-12-31","filters":[{"dimension":"channel","op":"eq","values":["tmall"]},{"dimension":"gender","op":"ne","values":["unknown"]},{"dimension":"province","op":"in","values":["浙江省","广东省"]},{"dimension":"tier","op":"not_in","values":["黑卡"]},{"dimension":"month","op":"gt","values":["2024-01"]},{"dimension":"month","op":"lte","values":["2024年11月"]},{"dimension":"quarter","op":"gte","values":["2024-Q1"]},{"dimension":"weekday","op":"lt","values":[6]},{"dimension":"day","op":"between","values":["2024-01-01","2024-12-31"]},{"dimension":"store","op":"contains","values":["西湖"]},{"dimension":"industry","op":"is_null"},{"dimension":"customer","op":"not_null"}]}
-- params: ["2024-01-01","2025-01-01","tmall","unknown","浙江省","广东省","黑卡","2024-01-01","2024-11-01","2024-01-01",6,"2024-01-01","2024-12-31","西湖"]
WITH "f0_orders" AS (
  SELECT "t"."channel" AS "channel", sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  LEFT JOIN "customers" AS "customer" ON "customer"."customer_id" = "t"."customer_id"
  LEFT JOIN "stores" AS "store" ON "store"."store_id" = "t"."store_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND "t"."channel" = $3 AND (("customer"."gender" IS NULL) OR "customer"."gender" <> $4) AND ("customer"."province" IN ($5, $6)) AND (("customer"."member_tier" IS NULL) OR ("customer"."member_tier" NOT IN ($7))) AND date_trunc('month', "t"."ordered_at") > CAST($8 AS TIMESTAMP) AND date_trunc('month', "t"."ordered_at") <= CAST($9 AS TIMESTAMP) AND date_trunc('quarter', "t"."ordered_at") >= CAST($10 AS TIMESTAMP) AND isodow("t"."ordered_at") < $11 AND (date_trunc('day', "t"."ordered_at") >= CAST($12 AS TIMESTAMP) AND date_trunc('day', "t"."ordered_at") <= CAST($13 AS TIMESTAMP)) AND contains(CAST(coalesce("store"."name", "t"."store_id") AS VARCHAR), $14) AND ("customer"."industry" IS NULL) AND ("t"."customer_id" IS NOT NULL) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "t"."channel"
)
SELECT "channel" AS "channel", coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
ORDER BY "channel" ASC NULLS LAST
