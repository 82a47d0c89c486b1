/** The metric catalog's vocabulary (after evidence-dev: a metric is a typed object; derived metrics reference others). */

export type Unit = 'currency' | 'count' | 'ratio' | 'number' | 'days' | 'hours' | 'score' | 'points';

export interface Label {
  readonly en: string;
  readonly zh: string;
}

/** A row-level aggregate over one source table, or a formula over other metrics. */
export interface MetricDef {
  readonly key: string;
  readonly label: Label;
  readonly description: string;
  readonly unit: Unit;
  /** Decimals shown (default by unit). */
  readonly decimals?: number;
  /** The department that owns the definition (分析指标清单's 责任部门). */
  readonly owner: string;
  /** Aggregate metrics: the source table, the aggregate formula, the rows it counts and the time field periods are taken on. */
  readonly source?: string;
  readonly measure?: string;
  readonly filter?: string;
  readonly time?: string;
  /**
   * Two-stage metrics: first aggregate per `key` (e.g. per customer) into named `values`, keep the keys
   * whose values pass `having`, then `measure` aggregates over those (`count(*)`, `avg(spend)`).
   */
  readonly per?: { readonly key: string; readonly values: Readonly<Record<string, string>>; readonly having?: string };
  /**
   * Look-back metrics (churn): rows from `lookbackDays` before each period's start up to its end are read;
   * `in_period()` tells the rows inside the period from the look-back ones.
   */
  readonly lookbackDays?: number;
  /** Derived metrics: arithmetic over `{other_metric}` references. */
  readonly formula?: string;
  /** 'higher' when an increase is good (green), 'lower' when it is bad (churn, refunds). */
  readonly better?: 'higher' | 'lower';
}

export interface DimensionDef {
  readonly key: string;
  readonly label: Label;
  readonly description?: string;
  /** Category dimensions: a formula over the first of `anchors` that the metric's source reaches. */
  readonly anchors?: readonly { readonly table: string; readonly expr: string }[];
  /** Time dimensions: how the metric's own time field is bucketed. */
  readonly time?: 'year' | 'quarter' | 'month' | 'week' | 'day' | 'month_of_year' | 'quarter_of_year' | 'season' | 'weekday' | 'hour_of_day';
  /** Drill path: the hierarchy it belongs to, and its level in it (0 = top). */
  readonly hierarchy?: string;
  readonly level?: number;
  /** Value → display labels (enum codes). */
  readonly values?: Readonly<Record<string, Label>>;
  /**
   * Membership dimensions (saved segments, tags): the anchor gives the customer id; a customer belongs to
   * any number of keys, listed in `table` (columns `key` and customer_id), the keys themselves in `catalog`.
   * Filters are semi-joins; grouping joins the membership, so groups overlap.
   */
  readonly membership?: { readonly table: string; readonly key: string; readonly catalog: string };
}

export interface CatalogSettings {
  /** Churn: a customer who bought in the `churnDays` days before a period and not in it has churned. */
  readonly churnDays: number;
}

export interface Catalog {
  readonly metrics: ReadonlyMap<string, MetricDef>;
  readonly dimensions: ReadonlyMap<string, DimensionDef>;
  readonly settings: CatalogSettings;
}

/** A problem in a catalog definition; `field` is e.g. `metrics.aov.formula`. */
export interface CatalogIssue {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}
