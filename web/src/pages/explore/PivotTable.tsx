/**
 * The result table: row dimensions, then the numbers (per column value × metric in a pivot), a total column and a
 * totals row. Headers sort (kept in the URL); a row label with a finer level (▸) drills down; a number opens the
 * records behind it.
 */
import { formatValue } from '../../i18n/format.js';
import { label } from '../../i18n/index.js';
import { valueLabel, type Catalog } from './catalog.js';
import { cellOf, sortRows, type Cell, type Grid, type GridColumn, type Row } from './grid.js';
import { useM } from './messages.js';
import { canDrill, type ExploreState } from './state.js';

const MAX_ROWS = 1000;

export function columnHeader(c: GridColumn, g: Grid, cat: Catalog, locale: 'en' | 'zh-CN', totalLabel: string): string {
  if (c.kind === 'dimension') return label(cat.dimByKey.get(c.key)?.label ?? c.label, locale);
  if (g.mode === 'query') return label(c.label, locale);
  const metricCount = new Set(g.columns.filter((x) => x.kind === 'metric').map((x) => x.metric)).size;
  const metric = metricCount > 1 && c.metric ? ` · ${label(cat.metricByKey.get(c.metric)?.label ?? c.metric, locale)}` : '';
  if (c.isTotal) return `${totalLabel}${metric}`;
  return `${g.colDims.map((d) => valueLabel(cat, d, c.colValues?.[d], locale)).join(' · ')}${metric}`;
}

export function PivotTable({
  grid,
  cat,
  st,
  onSort,
  onDrillDown,
  onDrillThrough,
}: {
  grid: Grid;
  cat: Catalog;
  st: ExploreState;
  onSort: (key: string) => void;
  onDrillDown: (dimension: string, value: string) => void;
  onDrillThrough: (cell: Cell) => void;
}) {
  const { m, locale } = useM();
  const dims = new Map(cat.dimensions.map((d) => [d.key, d]));
  const rows = sortRows(grid.rows, st.sort?.key, st.sort?.desc ?? false);
  const shown = rows.slice(0, MAX_ROWS);
  const numberCell = (r: Row | null, c: GridColumn, i: number) => {
    const cell = cellOf(grid, r, c);
    const v = r ? r[c.key] : grid.totals?.[c.key];
    const text = formatValue(v, c.unit === 'change' ? 'ratio' : c.unit, locale);
    const cls = `num${c.isTotal ? ' explore-total' : ''}${c.kind === 'change' && typeof v === 'number' ? (v >= 0 ? ' good' : ' bad') : ''}`;
    if (!cell || v === null || v === undefined) {
      return (
        <td key={c.key} className={cls}>
          {c.kind === 'change' && typeof v === 'number' && v > 0 ? '+' : ''}
          {text}
        </td>
      );
    }
    return (
      <td
        key={c.key}
        className={`${cls} explore-cell`}
        data-testid="cell"
        data-metric={c.metric}
        data-col={c.key}
        data-row={r ? i : 'total'}
        data-value={String(v)}
        title={m('drill.through', { value: text })}
        tabIndex={0}
        onClick={() => onDrillThrough(cell)}
        onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onDrillThrough(cell))}
      >
        {text}
      </td>
    );
  };
  return (
    <div className="table-wrap explore-table" data-testid="pivot-table">
      <table className="table">
        <thead>
          <tr>
            {grid.columns.map((c) => (
              <th
                key={c.key}
                className={c.kind === 'dimension' ? undefined : 'num'}
                aria-sort={st.sort?.key === c.key ? (st.sort.desc ? 'descending' : 'ascending') : 'none'}
                onClick={() => onSort(c.key)}
                data-testid={`th-${c.key}`}
              >
                {(() => {
                  const text = columnHeader(c, grid, cat, locale, m('pivotTotal'));
                  const d = grid.colDims.length === 1 ? grid.colDims[0]! : undefined;
                  const v = d ? c.colValues?.[d] : undefined;
                  if (!d || v === undefined || v === '' || c.isTotal || !canDrill(st, dims, d)) return text;
                  return (
                    <button
                      type="button"
                      className="explore-drill"
                      data-testid="drill-down-col"
                      data-dimension={d}
                      data-value={v}
                      title={m('drill.down', { value: text })}
                      onClick={(e) => {
                        e.stopPropagation();
                        onDrillDown(d, v);
                      }}
                    >
                      ▸ {text}
                    </button>
                  );
                })()}
                <span className="sort-mark">{st.sort?.key === c.key ? (st.sort.desc ? ' ▼' : ' ▲') : ''}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r, i) => (
            <tr key={grid.rowDims.map((d) => String(r[d] ?? '')).join('\u0001') || i}>
              {grid.columns.map((c) => {
                if (c.kind !== 'dimension') return numberCell(r, c, i);
                const v = r[c.key];
                const text = valueLabel(cat, c.key, v, locale, m('empty'));
                return (
                  <td key={c.key} className="explore-label" data-dim={c.key} data-key={v === null || v === undefined ? '' : String(v)}>
                    {v !== null && v !== undefined && canDrill(st, dims, c.key) ? (
                      <button type="button" className="explore-drill" data-testid="drill-down" data-dimension={c.key} data-value={String(v)} title={m('drill.down', { value: text })} onClick={() => onDrillDown(c.key, String(v))}>
                        ▸ {text}
                      </button>
                    ) : (
                      text
                    )}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
        {grid.totals && grid.rowDims.length > 0 && (
          <tfoot>
            <tr data-testid="totals-row">
              {grid.columns.map((c, i) =>
                c.kind === 'dimension' ? (
                  <td key={c.key}>{i === 0 ? m('grandTotal') : ''}</td>
                ) : (
                  numberCell(null, c, -1)
                ),
              )}
            </tr>
          </tfoot>
        )}
      </table>
      <div className="muted small explore-foot">
        {rows.length > MAX_ROWS ? `${MAX_ROWS} / ` : ''}
        {m('rowsShown', { count: rows.length })}
      </div>
    </div>
  );
}
