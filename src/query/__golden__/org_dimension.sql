-- org_dimension
-- query: {"metrics":["won_amount","win_rate"],"dimensions":["branch"],"from":"2024-01-01","to":"2024-12-31"}
-- params: ["2024-01-01","2025-01-01"]
WITH "f0_opportunities" AS (
  SELECT coalesce("owner__unit__parent"."name", "owner__unit"."name", "owner"."unit_id") AS "branch", sum("t"."amount") FILTER (WHERE "t"."stage" = 'won') AS "won_amount", count(*) FILTER (WHERE "t"."stage" = 'won') AS "won_deals", count(*) FILTER (WHERE "t"."stage" = 'lost') AS "lost_deals"
  FROM "opportunities" AS "t"
  LEFT JOIN "employees" AS "owner" ON "owner"."employee_id" = "t"."owner_employee_id"
  LEFT JOIN "org_units" AS "owner__unit" ON "owner__unit"."unit_id" = "owner"."unit_id"
  LEFT JOIN "org_units" AS "owner__unit__parent" ON "owner__unit__parent"."unit_id" = "owner__unit"."parent_id"
  WHERE "t"."closed_at" >= CAST($1 AS TIMESTAMP) AND "t"."closed_at" < CAST($2 AS TIMESTAMP)
  GROUP BY coalesce("owner__unit__parent"."name", "owner__unit"."name", "owner"."unit_id")
)
SELECT "branch" AS "branch", coalesce("won_amount", 0) AS "won_amount", CAST(coalesce("won_deals", 0) AS DOUBLE) / nullif(coalesce("won_deals", 0) + coalesce("lost_deals", 0), 0) AS "win_rate"
FROM "f0_opportunities" AS "f0_opportunities"
ORDER BY "branch" ASC NULLS LAST
