-- membership_by_segment_per_customer
-- query: {"metrics":["repeat_customers","repurchase_rate"],"dimensions":["segment"],"from":"2024-01-01","to":"2024-02-29"}
-- params: ["2024-01-01","2024-03-01"]
WITH "f0_orders" AS (
  SELECT "segment" AS "segment", count(*) FILTER (WHERE "__p0" > 0) AS "buying_customers", count(*) FILTER (WHERE "__p0" > 0 AND "__p1" >= 2) AS "repeat_customers"
  FROM (SELECT "m_segment"."segment_key" AS "segment", count(*) FILTER (WHERE ("t"."customer_id" IS NOT NULL)) AS "__p0", count(*) AS "__p1"
    FROM "orders" AS "t"
    LEFT JOIN "tm_segment_members" AS "m_segment" ON "m_segment"."customer_id" = "t"."customer_id"
    WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")))
    GROUP BY "m_segment"."segment_key", "t"."customer_id") AS "per_key"
  GROUP BY "segment"
)
SELECT "segment" AS "segment", coalesce("repeat_customers", 0) AS "repeat_customers", CAST(coalesce("repeat_customers", 0) AS DOUBLE) / nullif(coalesce("buying_customers", 0), 0) AS "repurchase_rate"
FROM "f0_orders" AS "f0_orders"
ORDER BY "segment" ASC NULLS LAST
