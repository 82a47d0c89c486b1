-- clickhouse_two_facts_same_grain
-- query: {"metrics":["revenue","item_revenue","tickets"],"dimensions":["province","month"],"from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","2024-01-01","2024-04-01","2024-01-01","2024-04-01"]
WITH `f0_orders` AS (
  SELECT `customer`.`province` AS `province`, toStartOfMonth(`t`.`ordered_at`) AS `month`, sum(`t`.`amount`) AS `revenue`
  FROM `orders` AS `t`
  LEFT JOIN `customers` AS `customer` ON `customer`.`customer_id` = `t`.`customer_id`
  WHERE `t`.`ordered_at` >= CAST({p1:String} AS DateTime64(6)) AND `t`.`ordered_at` < CAST({p2:String} AS DateTime64(6)) AND ((`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled')
  GROUP BY `customer`.`province`, toStartOfMonth(`t`.`ordered_at`)
),
`f1_order_items` AS (
  SELECT `order__customer`.`province` AS `province`, toStartOfMonth(`order`.`ordered_at`) AS `month`, sum(`t`.`amount`) AS `item_revenue`
  FROM `order_items` AS `t`
  LEFT JOIN `orders` AS `order` ON `order`.`order_id` = `t`.`order_id`
  LEFT JOIN `customers` AS `order__customer` ON `order__customer`.`customer_id` = `order`.`customer_id`
  WHERE `order`.`ordered_at` >= CAST({p3:String} AS DateTime64(6)) AND `order`.`ordered_at` < CAST({p4:String} AS DateTime64(6)) AND ((`order`.`status` IS NULL) OR `order`.`status` <> 'cancelled')
  GROUP BY `order__customer`.`province`, toStartOfMonth(`order`.`ordered_at`)
),
`f2_service_tickets` AS (
  SELECT `customer`.`province` AS `province`, toStartOfMonth(`t`.`opened_at`) AS `month`, count() AS `tickets`
  FROM `service_tickets` AS `t`
  LEFT JOIN `customers` AS `customer` ON `customer`.`customer_id` = `t`.`customer_id`
  WHERE `t`.`opened_at` >= CAST({p5:String} AS DateTime64(6)) AND `t`.`opened_at` < CAST({p6:String} AS DateTime64(6))
  GROUP BY `customer`.`province`, toStartOfMonth(`t`.`opened_at`)
),
`combined` AS (
  SELECT `province` AS `province`, `month` AS `month`, max(`revenue`) AS `revenue`, max(`item_revenue`) AS `item_revenue`, max(`tickets`) AS `tickets`
  FROM (SELECT `province` AS `province`, `month` AS `month`, `revenue` AS `revenue`, NULL AS `item_revenue`, NULL AS `tickets`
    FROM `f0_orders` AS `f0_orders`
    UNION ALL
    SELECT `province` AS `province`, `month` AS `month`, NULL AS `revenue`, `item_revenue` AS `item_revenue`, NULL AS `tickets`
    FROM `f1_order_items` AS `f1_order_items`
    UNION ALL
    SELECT `province` AS `province`, `month` AS `month`, NULL AS `revenue`, NULL AS `item_revenue`, `tickets` AS `tickets`
    FROM `f2_service_tickets` AS `f2_service_tickets`) AS `facts`
  GROUP BY `province`, `month`
)
SELECT `province` AS `province`, `month` AS `month`, coalesce(`revenue`, 0) AS `revenue`, coalesce(`item_revenue`, 0) AS `item_revenue`, coalesce(`tickets`, 0) AS `tickets`
FROM `combined` AS `combined`
ORDER BY `province` ASC NULLS LAST, `month` ASC NULLS LAST
SETTINGS join_use_nulls = 1, group_by_use_nulls = 1
