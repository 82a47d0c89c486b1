import { dimensionLabel, dimensionValueLabel, useDimensions } from '../api/dimensions.js';
import { defineMessages } from '../i18n/index.js';
import { clearFilters, setFilter, setPeriod, useExtent, useShared } from './filters.js';
import { presetsFor, type Preset } from './period.js';
import { useSession } from './session.js';

const useM = defineMessages(
  'filterbar',
  {
    thisYear: '{{year}} to date',
    lastYear: 'Year {{year}}',
    dataThrough: 'Data through {{day}}',
    noData: 'No orders yet',
    custom: 'Custom',
  },
  {
    thisYear: '{{year}}年初至今',
    lastYear: '{{year}}全年',
    dataThrough: '数据截至 {{day}}',
    noData: '暂无订单',
    custom: '自定义',
  },
);

/**
 * The period and filters shared by every page (kept in the URL). Presets count back from the last order day of the
 * data in the user's scope (GET /api/extent), not from the browser's date; a URL without a period gets the last 12
 * months of data.
 */
export function FilterBar() {
  const { m, t, locale } = useM();
  const dims = useDimensions();
  const s = useShared();
  const { me } = useSession();
  const { extent } = useExtent(me.login);
  const ps = presetsFor(extent);
  const active = ps.find((p) => p.from === s.from && p.to === s.to)?.key ?? '';
  const presetLabel = (p: Preset) => (p.key === 'thisYear' || p.key === 'lastYear' ? m(p.key, { year: p.year }) : t(`filters.${p.key}`));
  return (
    <div className="filter-bar" data-testid="filter-bar">
      <label className="inline">
        <span className="muted">{t('filters.range')}</span>
        <select
          value={active}
          data-testid="period-preset"
          onChange={(e) => {
            const p = ps.find((x) => x.key === e.target.value);
            if (p) setPeriod(p.from, p.to);
          }}
          aria-label={t('filters.range')}
        >
          {active === '' && <option value="">{s.from || s.to ? `${s.from ?? '…'} – ${s.to ?? '…'}` : m('custom')}</option>}
          {ps.map((p) => (
            <option key={p.key} value={p.key}>
              {presetLabel(p)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <span className="muted">{t('filters.from')}</span>
        <input type="date" data-testid="period-from" value={s.from ?? ''} min={extent?.firstDay ?? undefined} max={s.to} onChange={(e) => setPeriod(e.target.value || undefined, s.to)} />
      </label>
      <label className="inline">
        <span className="muted">{t('filters.to')}</span>
        <input type="date" data-testid="period-to" value={s.to ?? ''} min={s.from} onChange={(e) => setPeriod(s.from, e.target.value || undefined)} />
      </label>
      {extent && (
        <span className="muted data-through" data-testid="data-through">
          {extent.lastDay ? m('dataThrough', { day: extent.lastDay }) : m('noData')}
        </span>
      )}
      {s.filters.map((f) => (
        <span className="chip filter-chip" key={f.dimension} data-testid={`filter-${f.dimension}`} title={`${f.dimension}: ${(f.values ?? []).join(', ')}`}>
          {dimensionLabel(dims, f.dimension, locale)}: {(f.values ?? []).map((v) => dimensionValueLabel(dims, f.dimension, v, locale)).join(', ')}
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
