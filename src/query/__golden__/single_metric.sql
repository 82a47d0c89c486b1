-- single_metric
-- query: {"metrics":["revenue"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01"]
WITH "f0_orders" AS (
  SELECT sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
)
SELECT coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
