/** Rule texts of saved segments, shared by the list and the detail. */
import { api, type ResponseOf } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { label, type Locale } from '../../i18n/index.js';
import { formatNumber } from '../../i18n/format.js';
import { fmtDay } from './profile-format.js';
import { ruleParts, type RuleDefinition } from './segments-format.js';
import { useSegM } from './segments-messages.js';

type Segment = ResponseOf<'GET /api/segments'>['segments'][number];
type M = ReturnType<typeof useSegM>['m'];

/** Metric names from the catalog (GET /api/metrics) for rule texts; dimension keys show as they are. */
export function useMetricNames(locale: Locale): (key: string) => string {
  const metrics = useApi((signal) => api.get('/api/metrics', { signal }), []);
  const names = new Map((metrics.data?.metrics ?? []).map((x) => [x.key, label(x.label, locale)]));
  return (key) => names.get(key) ?? key;
}

export function RuleText({ s, name, m }: { s: Pick<Segment, 'kind' | 'definition'>; name: (key: string) => string; m: M }) {
  const { locale } = useSegM();
  if (s.kind === 'static') return <span className="muted">{m('staticDef')}</span>;
  const parts = ruleParts(s.definition as RuleDefinition | null, name, (c) => (c.days ? m('window', { days: formatNumber(c.days, locale) }) : c.from || c.to ? m('range', { from: c.from ? fmtDay(c.from, locale) : '…', to: c.to ? fmtDay(c.to, locale) : '…' }) : undefined));
  if (!parts.length) return <span className="muted">{m('noDef')}</span>;
  return (
    <span className="sg-def">
      {parts.map((p, i) => (
        <code key={i}>{p}</code>
      ))}
    </span>
  );
}

