import type { Label } from '../metrics/types.js';
import type { Filter, SortKey } from '../query/types.js';

/** One table of a report: a query over the catalog. */
export interface ReportSection {
  readonly key: string;
  readonly title: Label;
  readonly metrics: readonly string[];
  readonly dimensions?: readonly string[];
  /** `--by` replaces this section's dimensions (trend sections: month → week). */
  readonly byable?: boolean;
  readonly filters?: readonly Filter[];
  readonly compare?: 'yoy' | 'mom';
  readonly sort?: readonly SortKey[];
  readonly limit?: number;
  readonly totals?: boolean;
  readonly subtotals?: boolean;
}

/** A named report: sections over the metric catalog, run for a period. */
export interface ReportDef {
  readonly key: string;
  readonly title: Label;
  readonly description: string;
  readonly sections: readonly ReportSection[];
}
