/**
 * What bench/api loads: the endpoints (one row each) and the logins that call them. Each endpoint names the hand
 * SQL (hand.ts) that answers the same question directly in DuckDB, the baseline of the same run.
 */

/** The period every endpoint asks about: the last calendar year of the data. */
export interface Period {
  readonly from: string;
  readonly to: string;
}

export interface Endpoint {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: (p: Period) => string;
  readonly body?: (p: Period) => unknown;
  /** The key of the hand-written DuckDB SQL for the same question (hand.ts). */
  readonly hand: string;
  readonly what: string;
}

/** The overview's headline metrics by month (what the cockpit chart shows). */
const HEADLINE = ['revenue', 'orders', 'buying_customers', 'aov', 'repurchase_rate'];
/** B2B: opportunities and activities, which a sales rep of the demo owns (its company customers have no orders). */
const PIPELINE = ['opportunities', 'won_deals', 'won_amount', 'win_rate', 'activities'];
/** The figures of `overview()` (src/overview) for a period, as one metric query. */
const OVERVIEW_FIGURES = ['buying_customers', 'new_customers', 'returning_customers', 'repeat_customers', 'orders', 'anonymous_orders', 'cancelled_orders', 'revenue'];

export const ENDPOINTS: readonly Endpoint[] = [
  { name: 'status', method: 'GET', path: () => '/api/status', hand: 'status', what: 'rows per table (count(*) of every table through the caller’s views)' },
  {
    name: 'query_trend',
    method: 'POST',
    path: () => '/api/query',
    body: (p) => ({ metrics: HEADLINE, dimensions: ['month'], from: p.from, to: p.to }),
    hand: 'trend',
    what: `POST /api/query ${HEADLINE.join(', ')} by month over the last year (the overview’s trend)`,
  },
  {
    name: 'query_figures',
    method: 'POST',
    path: () => '/api/query',
    body: (p) => ({ metrics: OVERVIEW_FIGURES, from: p.from, to: p.to }),
    hand: 'figures',
    what: 'POST /api/query with the overview’s period figures (buying, new, returning, repeat customers, orders, revenue …) for the last year',
  },
  {
    name: 'query_pipeline',
    method: 'POST',
    path: () => '/api/query',
    body: (p) => ({ metrics: PIPELINE, dimensions: ['month'], from: p.from, to: p.to }),
    hand: 'pipeline',
    what: `POST /api/query ${PIPELINE.join(', ')} by month over the last year (B2B: the data a sales rep of the demo has)`,
  },
  {
    name: 'overview',
    method: 'GET',
    path: (p) => `/api/overview?from=${p.from}&to=${p.to}`,
    hand: 'overview',
    what: 'GET /api/overview for the last year (customers, active, new/returning, orders, revenue, AOV, repurchase rate)',
  },
  {
    name: 'report_sales',
    method: 'POST',
    path: () => '/api/reports/sales',
    body: (p) => ({ from: p.from, to: p.to }),
    hand: 'report_sales',
    what: 'POST /api/reports/sales for the last year (7 sections: headline 环比/同比, trend, new/returning, channels, stores, regions)',
  },
  {
    name: 'drill',
    method: 'POST',
    path: () => '/api/drill',
    body: (p) => ({ metric: 'revenue', cell: { month: `${p.to.slice(0, 7)}` }, from: p.from, to: p.to, limit: 50 }),
    hand: 'drill',
    what: 'POST /api/drill: the orders behind the last month’s revenue, first page of 50 with the total count (customer name and phone joined, masked for roles without see_personal_data)',
  },
];

/** Endpoints that need routes main did not have when the benchmark was written (GET /api/overview, reports, drill). */
export const NEEDS_ANALYSIS_ROUTES = new Set(['overview', 'report_sales', 'drill']);

export interface Login {
  readonly login: string;
  readonly role: 'admin' | 'analyst' | 'manager' | 'sales_rep' | 'viewer';
  readonly employeeId?: string;
  readonly department?: string;
  /** The row scope written by hand for the baseline: every customer, or the customers owned by these employees. */
  readonly scope: { readonly kind: 'all' } | { readonly kind: 'owners'; readonly sql: string };
  readonly note: string;
}

/** One login per role, placed in the demo org (src/demo): department U101 has 3 employees; E020 owns 465 company customers. */
export const LOGINS: readonly Login[] = [
  { login: 'bench_admin', role: 'admin', scope: { kind: 'all' }, note: 'all rows, personal data in clear' },
  { login: 'bench_analyst', role: 'analyst', scope: { kind: 'all' }, note: 'all rows, personal data masked' },
  { login: 'bench_viewer', role: 'viewer', scope: { kind: 'all' }, note: 'all rows (no org position), masked' },
  { login: 'bench_manager', role: 'manager', department: 'U101', scope: { kind: 'owners', sql: `SELECT employee_id FROM employees WHERE unit_id = 'U101'` }, note: 'department U101 (3 employees), clear' },
  { login: 'bench_rep', role: 'sales_rep', employeeId: 'E020', scope: { kind: 'owners', sql: `SELECT 'E020'` }, note: 'employee E020 (465 company customers), clear' },
];
