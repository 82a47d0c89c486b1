-- age_band_as_of
-- query: {"metrics":["member_revenue"],"dimensions":["age_band"],"from":"2024-01-01","to":"2024-03-31","asOf":"2024-04-01"}
-- params: ["2024-01-01","2024-04-01"]
WITH "f0_orders" AS (
  SELECT CASE WHEN ("customer"."birth_date" IS NULL) THEN NULL WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 18 THEN '<18' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 25 THEN '18-24' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 35 THEN '25-34' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 45 THEN '35-44' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 55 THEN '45-54' ELSE '55+' END AS "age_band", sum("t"."amount") AS "member_revenue"
  FROM "orders" AS "t"
  LEFT JOIN "customers" AS "customer" ON "customer"."customer_id" = "t"."customer_id"
  WHERE "t"."ordered_at" >= CAST($1 AS TIMESTAMP) AND "t"."ordered_at" < CAST($2 AS TIMESTAMP) AND ((("t"."status" IS NULL) OR "t"."status" <> 'cancelled') AND ("t"."customer_id" IS NOT NULL) AND (("t"."is_anonymous" IS NULL) OR NOT ("t"."is_anonymous")) AND ("customer"."member_tier" IS NOT NULL))
  GROUP BY CASE WHEN ("customer"."birth_date" IS NULL) THEN NULL WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 18 THEN '<18' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 25 THEN '18-24' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 35 THEN '25-34' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 45 THEN '35-44' WHEN date_part('year', age(CAST(CAST('2024-04-01' AS DATE) AS TIMESTAMP), CAST("customer"."birth_date" AS TIMESTAMP))) < 55 THEN '45-54' ELSE '55+' END
)
SELECT "age_band" AS "age_band", coalesce("member_revenue", 0) AS "member_revenue"
FROM "f0_orders" AS "f0_orders"
ORDER BY "age_band" ASC NULLS LAST
