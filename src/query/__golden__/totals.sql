-- totals
-- query: {"metrics":["revenue","orders"],"dimensions":["channel"],"totals":true,"limit":3,"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01"]
WITH "f0_orders" AS (
  SELECT "t"."channel" AS "channel", GROUPING("t"."channel") AS "_grouping", sum("t"."amount") AS "revenue", count(*) AS "orders"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY GROUPING SETS (("t"."channel"), ())
)
SELECT "channel" AS "channel", "_grouping" AS "_grouping", coalesce("revenue", 0) AS "revenue", coalesce("orders", 0) AS "orders"
FROM "f0_orders" AS "f0_orders"
ORDER BY "_grouping" ASC NULLS LAST, "channel" ASC NULLS LAST
