/**
 * What the analysis tabs share: the request body from the shared period (an analysis's own parameters are in the URL
 * too), running an analysis with a designed loading state that says how long it has been running, and the run's
 * footer (as-of date, time taken, the SQL that ran).
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../../api/client.js';
import { useApi, type Loaded } from '../../api/use-api.js';
import { Empty, ErrorState, Loading } from '../../components/States.js';
import { formatDate, formatNumber } from '../../i18n/format.js';
import { useAm } from './analyses-messages.js';

export { monthWindow, nextDay, snapshotWindow } from './analysis-logic.js';

export type AnalysisName = 'rfm' | 'tiers' | 'matrix' | 'cluster' | 'lifecycle' | 'cohorts' | 'members';

/** Common fields of every analysis answer. */
export interface RunInfo {
  readonly params: Record<string, unknown>;
  readonly sql?: unknown;
  readonly sqlParams?: unknown;
  readonly ms: number;
}

/** POST /api/analyses/<name> with `body`, re-run when the body changes. */
export function useAnalysis<R>(name: AnalysisName, body: Record<string, unknown>): Loaded<R> {
  return useApi(async (signal) => (await api.post(`/api/analyses/${name}` as '/api/analyses/rfm', { body: body as never, signal })) as unknown as R, [name, body]);
}

/** Seconds since `running` became true (0 when not running): the progress text of a long analysis. */
function useElapsed(running: boolean): number {
  const [s, setS] = useState(0);
  useEffect(() => {
    if (!running) return;
    setS(0);
    const start = Date.now();
    const id = setInterval(() => setS(Math.floor((Date.now() - start) / 1000)), 500);
    return () => clearInterval(id);
  }, [running]);
  return running ? s : 0;
}

/** The analyses' codes for "nothing to analyse" (a 400): shown as the empty state with the server's reason. */
const EMPTY_CODES = ['empty_window', 'no_member_data', 'no_variation'];

/** Loading (with what runs and for how long), error (server message and code, retry), empty, or the result. */
export function AnalysisState<R>({ state, what, isEmpty, emptyHint, children }: { state: Loaded<R>; what: string; isEmpty?: (r: R) => boolean; emptyHint?: string; children: (r: R) => ReactNode }) {
  const { m, locale } = useAm();
  const secs = useElapsed(state.loading);
  const text = secs >= 1 ? m('running.long', { what, secs: formatNumber(secs, locale) }) : m('running', { what });
  if (state.error instanceof ApiError && EMPTY_CODES.includes(state.error.code)) return <Empty title={m('empty')} hint={state.error.message} />;
  if (state.error) return <ErrorState error={state.error} retry={state.reload} />;
  if (state.data === undefined) return <Loading label={text} />;
  if (isEmpty?.(state.data)) return <Empty title={m('empty')} hint={emptyHint ?? m('empty.hint')} />;
  return (
    <div className={`ca-result${state.loading ? ' reloading' : ''}`} aria-busy={state.loading}>
      {state.loading && (
        <div className="ca-rerun muted" role="status">
          {text}
        </div>
      )}
      {children(state.data)}
    </div>
  );
}

/** The footer of a result: the as-of date and window it ran with, time taken, and the SQL behind it. */
export function RunFooter({ run, testId, toInclusive }: { run: RunInfo; testId?: string; toInclusive?: boolean }) {
  const { m, locale } = useAm();
  const p = run.params;
  const parts: string[] = [];
  if (typeof p.from === 'string') parts.push(m('run.from', { d: formatDate(p.from, locale) }));
  if (typeof p.to === 'string') parts.push(m(toInclusive ? 'run.toIncl' : 'run.to', { d: formatDate(p.to, locale) }));
  if (typeof p.asOf === 'string') parts.push(m('run.asOf', { d: formatDate(p.asOf, locale) }));
  parts.push(m('run.ms', { ms: formatNumber(run.ms, locale) }));
  const sql = typeof run.sql === 'string' ? run.sql : JSON.stringify(run.sql, null, 2);
  return (
    <details className="ca-footer" data-testid={testId}>
      <summary className="muted">
        {parts.join(' · ')} · {m('run.sql')}
      </summary>
      <pre className="sql">{sql}</pre>
      {run.sqlParams !== undefined && <pre className="sql">{JSON.stringify(run.sqlParams)}</pre>}
    </details>
  );
}

/** A note when filters are set: the customer analyses run on every customer in the user's scope, not on filters. */
export function FiltersNote({ count }: { count: number }) {
  const { m } = useAm();
  if (!count) return null;
  return <div className="ca-note muted">{m('filtersIgnored')}</div>;
}

/** A headline figure. */
export function Kpi({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="ca-kpi">
      <div className="kpi-label">{label}</div>
      <div className="ca-kpi-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

/** A segmented switch (size by customers / revenue …) kept in the URL by its caller. */
export function Switch<V extends string>({ value, options, onChange, testId }: { value: V; options: readonly { value: V; label: string }[]; onChange: (v: V) => void; testId?: string }) {
  return (
    <div className="ca-switch" role="group" data-testid={testId}>
      {options.map((o) => (
        <button key={o.value} type="button" className={`chip${o.value === value ? ' active' : ''}`} aria-pressed={o.value === value} data-testid={testId ? `${testId}-${o.value}` : undefined} onClick={() => onChange(o.value)}>
          {o.label}
        </button>
      ))}
    </div>
  );
}
