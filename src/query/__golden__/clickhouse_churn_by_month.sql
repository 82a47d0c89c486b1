-- clickhouse_churn_by_month
-- query: {"metrics":["churn_rate","churned_customers"],"dimensions":["month"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-01-01","2024-01-01","2024-03-31","2024-01-01","2023-10-03","2024-04-01","2024-01-01","2024-01-01","2024-01-01","2024-01-01","2024-03-31","2024-01-01","2023-10-03","2024-04-01","2024-01-01"]
WITH `f0_orders` AS (
  SELECT `month` AS `month`, count() AS `churned_customers`
  FROM (SELECT `s`.`bucket` AS `month`, countIf(NOT (`t`.`ordered_at` >= greatest(`s`.`bucket`, CAST({p1:String} AS DateTime64(6))))) AS `__v_before`, countIf(`t`.`ordered_at` >= greatest(`s`.`bucket`, CAST({p2:String} AS DateTime64(6)))) AS `__v_during`
    FROM `orders` AS `t`
    JOIN (SELECT addMonths(toStartOfMonth(CAST({p3:String} AS DateTime64(6))), number) AS bucket FROM numbers(toUInt64(dateDiff('month', toStartOfMonth(CAST({p3:String} AS DateTime64(6))), toStartOfMonth(CAST({p4:String} AS DateTime64(6)))) + 1))) AS `s` ON `t`.`ordered_at` >= addDays(greatest(`s`.`bucket`, CAST({p5:String} AS DateTime64(6))), -90) AND `t`.`ordered_at` < (`s`.`bucket` + INTERVAL 1 MONTH)
    WHERE `t`.`ordered_at` >= CAST({p6:String} AS DateTime64(6)) AND `t`.`ordered_at` < CAST({p7:String} AS DateTime64(6)) AND (((`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled') AND (`t`.`customer_id` IS NOT NULL) AND ((`t`.`is_anonymous` IS NULL) OR NOT (`t`.`is_anonymous`))) AND (`t`.`customer_id` IS NOT NULL)
    GROUP BY `s`.`bucket`, `t`.`customer_id`
    HAVING countIf(NOT (`t`.`ordered_at` >= greatest(`s`.`bucket`, CAST({p8:String} AS DateTime64(6))))) > 0 AND countIf(`t`.`ordered_at` >= greatest(`s`.`bucket`, CAST({p9:String} AS DateTime64(6)))) = 0) AS `per_key`
  GROUP BY `month`
),
`f1_orders` AS (
  SELECT `month` AS `month`, count() AS `churn_base_customers`
  FROM (SELECT `s`.`bucket` AS `month`, countIf(NOT (`t`.`ordered_at` >= greatest(`s`.`bucket`, CAST({p10:String} AS DateTime64(6))))) AS `__v_before`
    FROM `orders` AS `t`
    JOIN (SELECT addMonths(toStartOfMonth(CAST({p11:String} AS DateTime64(6))), number) AS bucket FROM numbers(toUInt64(dateDiff('month', toStartOfMonth(CAST({p11:String} AS DateTime64(6))), toStartOfMonth(CAST({p12:String} AS DateTime64(6)))) + 1))) AS `s` ON `t`.`ordered_at` >= addDays(greatest(`s`.`bucket`, CAST({p13:String} AS DateTime64(6))), -90) AND `t`.`ordered_at` < (`s`.`bucket` + INTERVAL 1 MONTH)
    WHERE `t`.`ordered_at` >= CAST({p14:String} AS DateTime64(6)) AND `t`.`ordered_at` < CAST({p15:String} AS DateTime64(6)) AND (((`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled') AND (`t`.`customer_id` IS NOT NULL) AND ((`t`.`is_anonymous` IS NULL) OR NOT (`t`.`is_anonymous`))) AND (`t`.`customer_id` IS NOT NULL)
    GROUP BY `s`.`bucket`, `t`.`customer_id`
    HAVING countIf(NOT (`t`.`ordered_at` >= greatest(`s`.`bucket`, CAST({p16:String} AS DateTime64(6))))) > 0) AS `per_key`
  GROUP BY `month`
),
`combined` AS (
  SELECT `month` AS `month`, max(`churned_customers`) AS `churned_customers`, max(`churn_base_customers`) AS `churn_base_customers`
  FROM (SELECT `month` AS `month`, `churned_customers` AS `churned_customers`, NULL AS `churn_base_customers`
    FROM `f0_orders` AS `f0_orders`
    UNION ALL
    SELECT `month` AS `month`, NULL AS `churned_customers`, `churn_base_customers` AS `churn_base_customers`
    FROM `f1_orders` AS `f1_orders`) AS `facts`
  GROUP BY `month`
)
SELECT `month` AS `month`, CAST(coalesce(`churned_customers`, 0) AS Float64) / nullif(coalesce(`churn_base_customers`, 0), 0) AS `churn_rate`, coalesce(`churned_customers`, 0) AS `churned_customers`
FROM `combined` AS `combined`
ORDER BY `month` ASC NULLS LAST
SETTINGS join_use_nulls = 1, group_by_use_nulls = 1
