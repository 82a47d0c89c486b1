-- compare_mom_by_range
-- query: {"metrics":["orders"],"dimensions":["channel"],"compare":"mom","from":"2024-03-01","to":"2024-03-31"}
-- params: ["2024-03-01","2024-04-01","2024-02-01","2024-03-01"]
WITH "f0_orders" AS (
  SELECT "t"."channel" AS "channel", count(*) AS "orders"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "t"."channel"
),
"f1_orders__prev" AS (
  SELECT "t"."channel" AS "channel", count(*) AS "orders__prev"
  FROM "orders" AS "t"
  WHERE "t"."ordered_at" >= CAST($3 AS TIMESTAMP) AND "t"."ordered_at" < CAST($4 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "t"."channel"
),
"combined" AS (
  SELECT "channel" AS "channel", max("orders") AS "orders", max("orders__prev") AS "orders__prev"
  FROM (SELECT "channel" AS "channel", "orders" AS "orders", NULL AS "orders__prev"
    FROM "f0_orders" AS "f0_orders"
    UNION ALL
    SELECT "channel" AS "channel", NULL AS "orders", "orders__prev" AS "orders__prev"
    FROM "f1_orders__prev" AS "f1_orders__prev") AS "facts"
  GROUP BY "channel"
)
SELECT "channel" AS "channel", coalesce("orders", 0) AS "orders", coalesce("orders__prev", 0) AS "orders__prev", CAST(coalesce("orders", 0) - coalesce("orders__prev", 0) AS DOUBLE) / nullif(abs(coalesce("orders__prev", 0)), 0) AS "orders__change"
FROM "combined" AS "combined"
ORDER BY "channel" ASC NULLS LAST
