-- sort_and_limit
-- query: {"metrics":["revenue","orders"],"dimensions":["province"],"sort":[{"key":"revenue","desc":true},{"key":"province"}],"limit":5,"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01"]
WITH "f0_orders" AS (
  SELECT "customer"."province" AS "province", sum("t"."amount") AS "revenue", count(*) AS "orders"
  FROM "orders" AS "t"
  LEFT JOIN "customers" AS "customer" ON "customer"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "customer"."province"
)
SELECT "province" AS "province", coalesce("revenue", 0) AS "revenue", coalesce("orders", 0) AS "orders"
FROM "f0_orders" AS "f0_orders"
ORDER BY "revenue" DESC NULLS LAST, "province" ASC NULLS LAST
LIMIT 5
