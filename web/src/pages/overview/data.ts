/** The cockpit's requests: few, each answered from the server's result cache on a second visit. */
import { api, type BodyOf, type ResponseOf } from '../../api/client.js';
import { queryScope, type Shared } from '../../app/filters.js';

export type QueryResult = ResponseOf<'POST /api/query'>;
export type Row = QueryResult['rows'][number];
export type Column = QueryResult['columns'][number] & { unit?: string; metric?: string };
export type Metric = ResponseOf<'GET /api/metrics'>['metrics'][number];

export function query(shared: Shared, q: Omit<BodyOf<'POST /api/query'>, 'from' | 'to' | 'filters'>, signal: AbortSignal): Promise<QueryResult> {
  return api.post('/api/query', { body: { ...q, ...queryScope(shared) }, signal });
}

/** The catalog does not change while the server runs: one request per page load. */
let catalog: Promise<Map<string, Metric>> | undefined;
export function metricCatalog(signal: AbortSignal): Promise<Map<string, Metric>> {
  catalog ??= api.get('/api/metrics').then(
    (r) => new Map(r.metrics.map((m) => [m.key, m])),
    (e: unknown) => {
      catalog = undefined;
      throw e;
    },
  );
  void signal;
  return catalog;
}

export function columnOf(r: QueryResult | undefined, key: string): Column | undefined {
  return r?.columns.find((c) => c.key === key) as Column | undefined;
}
