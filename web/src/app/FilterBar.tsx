import { useT } from '../i18n/index.js';
import { clearFilters, setFilter, setPeriod, useShared } from './filters.js';

function iso(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Presets relative to today (the browser's date; the server clamps to the data). */
export function presets(today = new Date()): { key: 'last30' | 'last90' | 'last12m' | 'thisYear' | 'lastYear' | 'all'; from?: string; to?: string }[] {
  const y = today.getFullYear();
  const back = (days: number) => iso(new Date(today.getTime() - days * 86_400_000));
  const monthsBack = new Date(today);
  monthsBack.setFullYear(y - 1);
  monthsBack.setDate(monthsBack.getDate() + 1);
  return [
    { key: 'last30', from: back(29), to: iso(today) },
    { key: 'last90', from: back(89), to: iso(today) },
    { key: 'last12m', from: iso(monthsBack), to: iso(today) },
    { key: 'thisYear', from: `${y}-01-01`, to: iso(today) },
    { key: 'lastYear', from: `${y - 1}-01-01`, to: `${y - 1}-12-31` },
    { key: 'all' },
  ];
}

/** The period and filters shared by every page (kept in the URL). */
export function FilterBar() {
  const { t } = useT();
  const s = useShared();
  const ps = presets();
  const active = ps.find((p) => p.from === s.from && p.to === s.to)?.key ?? '';
  return (
    <div className="filter-bar" data-testid="filter-bar">
      <label className="inline">
        <span className="muted">{t('filters.range')}</span>
        <select
          value={active}
          onChange={(e) => {
            const p = ps.find((x) => x.key === e.target.value);
            if (p) setPeriod(p.from, p.to);
          }}
          aria-label={t('filters.range')}
        >
          {active === '' && <option value="">{`${s.from ?? '…'} – ${s.to ?? '…'}`}</option>}
          {ps.map((p) => (
            <option key={p.key} value={p.key}>
              {t(`filters.${p.key}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span className="muted">{t('filters.from')}</span>
        <input type="date" value={s.from ?? ''} max={s.to} onChange={(e) => setPeriod(e.target.value || undefined, s.to)} />
      </label>
      <label className="inline">
        <span className="muted">{t('filters.to')}</span>
        <input type="date" value={s.to ?? ''} min={s.from} onChange={(e) => setPeriod(s.from, e.target.value || undefined)} />
      </label>
      {s.filters.map((f) => (
        <span className="chip filter-chip" key={f.dimension} data-testid={`filter-${f.dimension}`}>
          {f.dimension}: {(f.values ?? []).join(', ')}
          <button type="button" aria-label={`${t('common.delete')} ${f.dimension}`} onClick={() => setFilter(f.dimension, [])}>
            ×
          </button>
        </span>
      ))}
      {s.filters.length > 0 && (
        <button type="button" className="btn btn-link" onClick={clearFilters}>
          {t('filters.clear')}
        </button>
      )}
    </div>
  );
}
