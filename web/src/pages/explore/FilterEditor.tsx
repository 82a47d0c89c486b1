/**
 * Filters: the shared ones (kept in the URL as `f`, shown in the top bar, applied on every page) plus a form to add
 * one: a dimension, then its values, offered by querying the dimension (by the first chosen metric, largest first).
 */
import { useMemo, useState } from 'react';
import { api } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { queryScope, setFilter, useShared } from '../../app/filters.js';
import { label } from '../../i18n/index.js';
import { DIM_GROUPS, dimGroup, valueLabel, type Catalog } from './catalog.js';
import { ExploreError } from './ExploreError.js';
import { useM } from './messages.js';
import type { ExploreState } from './state.js';

export function FilterEditor({ cat, st }: { cat: Catalog; st: ExploreState }) {
  const { m, t, locale } = useM();
  const shared = useShared();
  const [dim, setDim] = useState('');
  return (
    <section className="explore-section" data-testid="explore-filters">
      <h3>{m('filters')}</h3>
      {shared.filters.length > 0 && (
        <div className="explore-chips">
          {shared.filters.map((f) => (
            <span className="chip filter-chip" key={f.dimension} data-testid={`explore-filter-${f.dimension}`}>
              {label(cat.dimByKey.get(f.dimension)?.label ?? f.dimension, locale)}: {(f.values ?? []).map((v) => valueLabel(cat, f.dimension, v, locale)).join(', ')}
              <button type="button" aria-label={`${t('common.delete')} ${f.dimension}`} onClick={() => setFilter(f.dimension, [])}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      <select value={dim} onChange={(e) => setDim(e.target.value)} data-testid="filter-dimension" aria-label={m('filter.dimension')}>
        <option value="">{m('filter.pickDimension')}</option>
        {DIM_GROUPS.map((g) => {
          const items = cat.dimensions.filter((d) => dimGroup(d) === g && !d.membership);
          return items.length ? (
            <optgroup key={g} label={m(`group.${g}`)}>
              {items.map((d) => (
                <option key={d.key} value={d.key}>
                  {label(d.label, locale)}
                </option>
              ))}
            </optgroup>
          ) : null;
        })}
      </select>
      {dim && <ValuePicker key={dim} cat={cat} dimension={dim} metric={st.metrics[0] ?? 'revenue'} current={shared.filters.find((f) => f.dimension === dim)?.values?.map(String) ?? []} onDone={() => setDim('')} />}
      <p className="muted small">{m('filter.hint')}</p>
    </section>
  );
}

function ValuePicker({ cat, dimension, metric, current, onDone }: { cat: Catalog; dimension: string; metric: string; current: readonly string[]; onDone: () => void }) {
  const { m, t, locale } = useM();
  const shared = useShared();
  const [chosen, setChosen] = useState<readonly string[]>(current);
  const [q, setQ] = useState('');
  const scope = queryScope(shared);
  const values = useApi(
    (signal) =>
      api.post('/api/query', {
        body: { metrics: [metric], dimensions: [dimension], ...scope, filters: (scope.filters ?? []).filter((f) => f.dimension !== dimension), sort: [{ key: metric, desc: true }], limit: 300 },
        signal,
      }),
    [dimension, metric, scope],
  );
  const list = useMemo(
    () =>
      (values.data?.rows ?? [])
        .map((r) => r[dimension])
        .filter((v) => v !== null && v !== undefined && v !== '')
        .map(String)
        .filter((v) => q === '' || v.toLowerCase().includes(q.toLowerCase()) || valueLabel(cat, dimension, v, locale).includes(q)),
    [values.data, dimension, q, cat, locale],
  );
  const toggle = (v: string) => setChosen((c) => (c.includes(v) ? c.filter((x) => x !== v) : [...c, v]));
  return (
    <div className="explore-values" data-testid="filter-values">
      {values.error ? (
        <ExploreError error={values.error} />
      ) : values.data === undefined ? (
        <div className="muted small">{m('filter.loading')}</div>
      ) : (
        <>
          <input type="search" className="explore-search" placeholder={m('filter.searchValues')} value={q} onChange={(e) => setQ(e.target.value)} aria-label={m('filter.searchValues')} />
          <div className="explore-list short">
            {list.length === 0 && <div className="muted small">{m('noMatch')}</div>}
            {list.map((v) => (
              <label key={v} className="explore-option" data-testid={`filter-value-${v}`}>
                <input type="checkbox" checked={chosen.includes(v)} onChange={() => toggle(v)} />
                <span>{valueLabel(cat, dimension, v, locale)}</span>
              </label>
            ))}
          </div>
        </>
      )}
      <div className="explore-row">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="filter-apply"
          onClick={() => {
            setFilter(dimension, chosen);
            onDone();
          }}
        >
          {t('common.apply')}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          {t('common.cancel')}
        </button>
      </div>
    </div>
  );
}
