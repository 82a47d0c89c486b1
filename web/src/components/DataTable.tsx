import { useMemo, useState, type ReactNode } from 'react';
import { useT } from '../i18n/index.js';

export interface Column<R> {
  readonly key: string;
  readonly header: ReactNode;
  /** Text or element for a cell (default: the raw value). */
  readonly cell?: (row: R) => ReactNode;
  /** The value sorted on (default: row[key]). */
  readonly sortValue?: (row: R) => unknown;
  readonly numeric?: boolean;
  /** The totals row's cell. */
  readonly total?: ReactNode;
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'zh-CN');
}

/** A table sortable by clicking a header (client-side, over the rows given), with an optional totals row. */
export function DataTable<R extends Record<string, unknown>>({
  columns,
  rows,
  onRowClick,
  totals,
  testId,
  rowKey,
  initialSort,
}: {
  columns: readonly Column<R>[];
  rows: readonly R[];
  onRowClick?: (row: R) => void;
  totals?: boolean;
  testId?: string;
  rowKey?: (row: R, i: number) => string;
  initialSort?: { key: string; desc: boolean };
}) {
  const { t } = useT();
  const [sort, setSort] = useState<{ key: string; desc: boolean } | undefined>(initialSort);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    const val = col?.sortValue ?? ((r: R) => r[sort.key]);
    return [...rows].sort((a, b) => (sort.desc ? -1 : 1) * compare(val(a), val(b)));
  }, [rows, sort, columns]);
  return (
    <div className="table-wrap" data-testid={testId}>
      <table className="table">
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                className={c.numeric ? 'num' : undefined}
                aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
                onClick={() => setSort((s) => (s?.key === c.key ? { key: c.key, desc: !s.desc } : { key: c.key, desc: !!c.numeric }))}
              >
                {c.header}
                <span className="sort-mark">{sort?.key === c.key ? (sort.desc ? ' ▼' : ' ▲') : ''}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r, i) => (
            <tr key={rowKey ? rowKey(r, i) : i} className={onRowClick ? 'clickable' : undefined} onClick={onRowClick ? () => onRowClick(r) : undefined}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.cell ? c.cell(r) : String(r[c.key] ?? '–')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {totals && (
          <tfoot>
            <tr>
              {columns.map((c, i) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {i === 0 && c.total === undefined ? t('common.total') : c.total}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
    </div>
  );
}
