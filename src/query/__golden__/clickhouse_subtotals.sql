-- clickhouse_subtotals
-- query: {"metrics":["revenue","buying_customers"],"dimensions":["province","channel"],"subtotals":true,"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01"]
WITH `f0_orders` AS (
  SELECT `customer`.`province` AS `province`, `t`.`channel` AS `channel`, GROUPING(`customer`.`province`, `t`.`channel`) AS `_grouping`, sumIf(`t`.`amount`, (`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled') AS `revenue`, uniqExactIf(`t`.`customer_id`, ((`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled') AND (`t`.`customer_id` IS NOT NULL) AND ((`t`.`is_anonymous` IS NULL) OR NOT (`t`.`is_anonymous`))) AS `buying_customers`
  FROM `orders` AS `t`
  LEFT JOIN `customers` AS `customer` ON `customer`.`customer_id` = `t`.`customer_id`
  WHERE `t`.`ordered_at` >= CAST({p1:String} AS DateTime64(6)) AND `t`.`ordered_at` < CAST({p2:String} AS DateTime64(6))
  GROUP BY GROUPING SETS ((`customer`.`province`, `t`.`channel`), (`customer`.`province`), ())
)
SELECT `province` AS `province`, `channel` AS `channel`, `_grouping` AS `_grouping`, coalesce(`revenue`, 0) AS `revenue`, coalesce(`buying_customers`, 0) AS `buying_customers`
FROM `f0_orders` AS `f0_orders`
ORDER BY `_grouping` >= 3 ASC NULLS LAST, `province` ASC NULLS LAST, `_grouping` >= 1 ASC NULLS LAST, `channel` ASC NULLS LAST
SETTINGS join_use_nulls = 1, group_by_use_nulls = 1
