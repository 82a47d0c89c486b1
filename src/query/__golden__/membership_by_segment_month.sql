-- membership_by_segment_month
-- query: {"metrics":["revenue"],"dimensions":["segment","month"],"from":"2024-01-01","to":"2024-02-29"}
-- params: ["2024-01-01","2024-03-01"]
WITH "f0_orders" AS (
  SELECT "m_segment"."segment_key" AS "segment", date_trunc('month', "t"."ordered_at") AS "month", sum("t"."amount") AS "revenue"
  FROM "orders" AS "t"
  LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND (("t"."status" IS NULL) OR "t"."status" <> 'cancelled')
  GROUP BY "m_segment"."segment_key", date_trunc('month', "t"."ordered_at")
)
SELECT "segment" AS "segment", "month" AS "month", coalesce("revenue", 0) AS "revenue"
FROM "f0_orders" AS "f0_orders"
ORDER BY "segment" ASC NULLS LAST, "month" ASC NULLS LAST
