-- clickhouse_compare_yoy
-- query: {"metrics":["revenue","aov"],"dimensions":["month"],"compare":"yoy","from":"2024-01-01","to":"2024-03-31"}
-- params: ["2024-01-01","2024-04-01","2023-01-01","2023-04-01"]
WITH `f0_orders` AS (
  SELECT toStartOfMonth(`t`.`ordered_at`) AS `month`, sum(`t`.`amount`) AS `revenue`, count() AS `orders`
  FROM `orders` AS `t`
  WHERE `t`.`ordered_at` >= CAST({p1:String} AS DateTime64(6)) AND `t`.`ordered_at` < CAST({p2:String} AS DateTime64(6)) AND ((`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled')
  GROUP BY toStartOfMonth(`t`.`ordered_at`)
),
`f1_orders__prev` AS (
  SELECT toStartOfMonth((`t`.`ordered_at` + INTERVAL 1 YEAR)) AS `month`, sum(`t`.`amount`) AS `revenue__prev`, count() AS `orders__prev`
  FROM `orders` AS `t`
  WHERE `t`.`ordered_at` >= CAST({p3:String} AS DateTime64(6)) AND `t`.`ordered_at` < CAST({p4:String} AS DateTime64(6)) AND ((`t`.`status` IS NULL) OR `t`.`status` <> 'cancelled')
  GROUP BY toStartOfMonth((`t`.`ordered_at` + INTERVAL 1 YEAR))
),
`combined` AS (
  SELECT `month` AS `month`, max(`revenue`) AS `revenue`, max(`orders`) AS `orders`, max(`revenue__prev`) AS `revenue__prev`, max(`orders__prev`) AS `orders__prev`
  FROM (SELECT `month` AS `month`, `revenue` AS `revenue`, `orders` AS `orders`, NULL AS `revenue__prev`, NULL AS `orders__prev`
    FROM `f0_orders` AS `f0_orders`
    UNION ALL
    SELECT `month` AS `month`, NULL AS `revenue`, NULL AS `orders`, `revenue__prev` AS `revenue__prev`, `orders__prev` AS `orders__prev`
    FROM `f1_orders__prev` AS `f1_orders__prev`) AS `facts`
  GROUP BY `month`
)
SELECT `month` AS `month`, coalesce(`revenue`, 0) AS `revenue`, CAST(coalesce(`revenue`, 0) AS Float64) / nullif(coalesce(`orders`, 0), 0) AS `aov`, coalesce(`revenue__prev`, 0) AS `revenue__prev`, CAST(coalesce(`revenue`, 0) - coalesce(`revenue__prev`, 0) AS Float64) / nullif(abs(coalesce(`revenue__prev`, 0)), 0) AS `revenue__change`, CAST(coalesce(`revenue__prev`, 0) AS Float64) / nullif(coalesce(`orders__prev`, 0), 0) AS `aov__prev`, CAST(CAST(coalesce(`revenue`, 0) AS Float64) / nullif(coalesce(`orders`, 0), 0) - CAST(coalesce(`revenue__prev`, 0) AS Float64) / nullif(coalesce(`orders__prev`, 0), 0) AS Float64) / nullif(abs(CAST(coalesce(`revenue__prev`, 0) AS Float64) / nullif(coalesce(`orders__prev`, 0), 0)), 0) AS `aov__change`
FROM `combined` AS `combined`
ORDER BY `month` ASC NULLS LAST
SETTINGS join_use_nulls = 1, group_by_use_nulls = 1
