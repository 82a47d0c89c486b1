-- sort_by_change
-- query: {"metrics":["revenue"],"dimensions":["channel"],"compare":"yoy","sort":[{"key":"revenue__change","desc":true}],"limit":10,"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","2023-01-01","2023-04-01"]
WITH "f0_orders" AS (
  SELECT "t"."channel" AS "channel", sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "t"."channel"
),
"f1_orders__prev" AS (
  SELECT "t"."channel" AS "channel", sum("t"."amount") AS "revenue__prev"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "t"."channel"
),
"combined" AS (
  SELECT "channel" AS "channel", max("revenue") AS "revenue", max("revenue__prev") AS "revenue__prev"
  FROM (SELECT "channel" AS "channel", "revenue" AS "revenue", NULL AS "revenue__prev"
    FROM "f0_orders" AS "f0_orders"
    UNION ALL
    SELECT "channel" AS "channel", NULL AS "revenue", "revenue__prev" AS "revenue__prev"
    FROM "f1_orders__prev" AS "f1_orders__prev") AS "facts"
  GROUP BY "channel"
)
SELECT "channel" AS "channel", coalesce("revenue", 0) AS "revenue", coalesce("revenue__prev", 0) AS "revenue__prev", CAST(coalesce("revenue", 0) - coalesce("revenue__prev", 0) AS DOUBLE) / nullif(abs(coalesce("revenue__prev", 0)), 0) AS "revenue__change"
FROM "combined" AS "combined"
ORDER BY "revenue__change" DESC NULLS LAST
LIMIT 10
