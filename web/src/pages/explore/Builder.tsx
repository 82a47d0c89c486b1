/** The left panel: metrics (grouped, searchable), row and column dimensions, filters and compare. */
import { useMemo, useState } from 'react';
import { label } from '../../i18n/index.js';
import { DIM_GROUPS, dimGroup, matches, ownerLabel, type Catalog } from './catalog.js';
import { FilterEditor } from './FilterEditor.js';
import { useM } from './messages.js';
import { compareApplies, type Compare, type ExploreState } from './state.js';

export function Builder({ cat, st, update }: { cat: Catalog; st: ExploreState; update: (s: Partial<ExploreState>) => void }) {
  const { m } = useM();
  return (
    <aside className="explore-builder" data-testid="explore-builder">
      <MetricPicker cat={cat} selected={st.metrics} onChange={(metrics) => update({ metrics })} />
      <DimPicker title={m('rows')} testId="rows" cat={cat} selected={st.rows} exclude={st.cols} onChange={(rows) => update({ rows, drill: [], sort: undefined })} />
      <DimPicker title={m('columns')} testId="cols" cat={cat} selected={st.cols} exclude={st.rows} onChange={(cols) => update({ cols, drill: [], sort: undefined })} />
      <section className="explore-section">
        <h3>{m('compare')}</h3>
        <select
          data-testid="compare"
          value={compareApplies(st) ? (st.compare ?? '') : ''}
          disabled={!compareApplies(st)}
          onChange={(e) => update({ compare: (e.target.value || undefined) as Compare | undefined })}
          aria-label={m('compare')}
        >
          <option value="">{m('compare.none')}</option>
          <option value="yoy">{m('compare.yoy')}</option>
          <option value="mom">{m('compare.mom')}</option>
        </select>
        {!compareApplies(st) && <p className="muted small">{m('compare.pivotOnly')}</p>}
      </section>
      <FilterEditor cat={cat} st={st} />
    </aside>
  );
}

function MetricPicker({ cat, selected, onChange }: { cat: Catalog; selected: readonly string[]; onChange: (v: string[]) => void }) {
  const { m, locale } = useM();
  const [q, setQ] = useState('');
  const groups = useMemo(() => {
    const out = new Map<string, typeof cat.metrics>();
    for (const x of cat.metrics) {
      if (!matches(q, x.key, x.label)) continue;
      const g = ownerLabel(x.owner, locale);
      out.set(g, [...(out.get(g) ?? []), x]);
    }
    return [...out];
  }, [cat, q, locale]);
  const toggle = (k: string) => onChange(selected.includes(k) ? selected.filter((x) => x !== k) : [...selected, k]);
  return (
    <section className="explore-section">
      <h3>
        {m('metrics')} {selected.length > 0 && <span className="muted small">{m('selected', { count: selected.length })}</span>}
      </h3>
      {selected.length > 0 && (
        <div className="explore-chips" data-testid="metrics-selected">
          {selected.map((k) => (
            <span className="chip filter-chip" key={k}>
              {label(cat.metricByKey.get(k)?.label ?? k, locale)}
              <button type="button" aria-label={m('remove', { name: k })} onClick={() => toggle(k)}>
                ×
              </button>
            </span>
          ))}
        </div>
      )}
      <input type="search" className="explore-search" placeholder={m('searchMetrics')} value={q} onChange={(e) => setQ(e.target.value)} data-testid="metric-search" aria-label={m('searchMetrics')} />
      <div className="explore-list" data-testid="metric-list">
        {groups.length === 0 && <div className="muted small">{m('noMatch')}</div>}
        {groups.map(([g, items]) => (
          <div key={g} className="explore-group">
            <div className="explore-group-title">{g}</div>
            {items.map((x) => (
              <label key={x.key} className="explore-option" title={x.description} data-testid={`metric-${x.key}`}>
                <input type="checkbox" checked={selected.includes(x.key)} onChange={() => toggle(x.key)} />
                <span>{label(x.label, locale)}</span>
              </label>
            ))}
          </div>
        ))}
      </div>
    </section>
  );
}

function DimPicker({ title, testId, cat, selected, exclude, onChange }: { title: string; testId: string; cat: Catalog; selected: readonly string[]; exclude: readonly string[]; onChange: (v: string[]) => void }) {
  const { m, locale } = useM();
  const available = cat.dimensions.filter((d) => !selected.includes(d.key) && !exclude.includes(d.key));
  return (
    <section className="explore-section">
      <h3>{title}</h3>
      <div className="explore-chips" data-testid={`${testId}-selected`}>
        {selected.map((k, i) => (
          <span className="chip filter-chip" key={k} data-testid={`${testId}-${k}`}>
            {label(cat.dimByKey.get(k)?.label ?? k, locale)}
            {i > 0 && (
              <button type="button" aria-label="←" title="←" onClick={() => onChange(selected.map((x, j) => (j === i - 1 ? k : j === i ? selected[i - 1]! : x)))}>
                ‹
              </button>
            )}
            <button type="button" aria-label={m('remove', { name: k })} onClick={() => onChange(selected.filter((x) => x !== k))}>
              ×
            </button>
          </span>
        ))}
        <select
          className="explore-add"
          value=""
          data-testid={`add-${testId}`}
          aria-label={`${title} ${m('addDimension')}`}
          onChange={(e) => e.target.value && onChange([...selected, e.target.value])}
        >
          <option value="">{m('addDimension')}</option>
          {DIM_GROUPS.map((g) => {
            const items = available.filter((d) => dimGroup(d) === g);
            return items.length ? (
              <optgroup key={g} label={m(`group.${g}`)}>
                {items.map((d) => (
                  <option key={d.key} value={d.key} title={d.description}>
                    {label(d.label, locale)}
                  </option>
                ))}
              </optgroup>
            ) : null;
          })}
        </select>
      </div>
    </section>
  );
}
