import { dimensionValueLabel, useDimensions } from '../../api/dimensions.js';
import { useMemo, useState } from 'react';
import type { ResponseOf } from '../../api/client.js';
import { Chart } from '../../charts/Chart.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty } from '../../components/States.js';
import { useM } from './messages.js';
import { buildChart, formatCell, lab, shapeOf, type ColumnInfo, type Row, type SectionData } from './model.js';

export type ReportResult = ResponseOf<'POST /api/reports/{key}'>;
export type ApiSection = ReportResult['sections'][number];

/** A dimension value as shown: null → "(none)". (Coded values such as channels are shown as stored.) */
export function useValueLabel(): (dimension: string, value: unknown) => string {
  const { m, locale } = useM();
  const dims = useDimensions();
  return (d, v) => (v === null || v === undefined || v === '' ? m('none') : dimensionValueLabel(dims, d, v, locale));
}

/** One section of a report: its chart (or headline tiles), its table with the server's totals, its SQL. */
export function ReportSection({ section }: { section: ApiSection }) {
  const { m, t, locale } = useM();
  const [sql, setSql] = useState(false);
  const valueLabel = useValueLabel();
  const data = section as unknown as SectionData;
  const shape = useMemo(() => shapeOf(data), [data]);
  const built = useMemo(() => buildChart(data, { locale, valueLabel, previousLabel: m('previous') }), [data, locale]); // eslint-disable-line react-hooks/exhaustive-deps
  const title = lab(section.title, locale);
  const empty = shape.dims.length > 0 ? shape.leaves.length === 0 : section.rows.length === 0;
  return (
    <Card
      title={title}
      className="report-section"
      testId={`section-${section.key}`}
      actions={
        <button type="button" className="btn btn-link no-print" data-testid={`sql-${section.key}`} aria-expanded={sql} onClick={() => setSql((x) => !x)}>
          {sql ? t('common.hideSql') : t('common.viewSql')}
        </button>
      }
    >
      {sql && (
        <pre className="report-sql" data-testid={`sql-text-${section.key}`}>
          {section.sql}
        </pre>
      )}
      {empty ? (
        <Empty title={m('noRows')} hint={m('noRowsHint')} />
      ) : shape.dims.length === 0 ? (
        <Headline section={data} />
      ) : (
        <>
          {built.option && (
            <div className="report-chart" data-chart-kind={built.kind}>
              <Chart option={built.option} height={built.kind === 'hbar' ? Math.max(220, 26 * (built.shown ?? 8) + 60) : 300} testId={`chart-${section.key}`} ariaLabel={m('chartOf', { title })} />
              {built.count !== undefined && built.shown !== undefined && built.shown < built.count && <p className="muted small">{m('showing', { shown: built.shown, count: built.count })}</p>}
            </div>
          )}
          <SectionTable section={data} />
        </>
      )}
    </Card>
  );
}

/** Headline figures (no dimension): a tile per metric with its comparison, and the same as a table. */
function Headline({ section }: { section: SectionData }) {
  const { m, locale } = useM();
  const row = section.rows[0] ?? {};
  const metrics = section.columns.filter((c) => c.kind === 'metric');
  const prevOf = (c: ColumnInfo) => section.columns.find((x) => x.kind === 'previous' && x.metric === c.metric);
  const changeOf = (c: ColumnInfo) => section.columns.find((x) => x.kind === 'change' && x.metric === c.metric);
  const rows = metrics.map((c) => ({ key: c.key, c, p: prevOf(c), ch: changeOf(c) }));
  const hasPrev = rows.some((r) => r.p);
  const cls = (v: unknown) => (typeof v === 'number' && v !== 0 ? (v > 0 ? 'good' : 'bad') : 'muted');
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'metric', header: m('metric'), cell: (r) => lab(r.c.label, locale), sortValue: (r) => lab(r.c.label, locale) },
    { key: 'value', header: m('value'), numeric: true, cell: (r) => formatCell(row[r.c.key], r.c, locale), sortValue: (r) => row[r.c.key] },
    ...(hasPrev
      ? [
          { key: 'previous', header: m('previous'), numeric: true, cell: (r: (typeof rows)[number]) => (r.p ? formatCell(row[r.p.key], r.p, locale) : '–'), sortValue: (r: (typeof rows)[number]) => (r.p ? row[r.p.key] : null) },
          { key: 'change', header: m('change'), numeric: true, cell: (r: (typeof rows)[number]) => (r.ch ? <span className={cls(row[r.ch.key])}>{formatCell(row[r.ch.key], r.ch, locale)}</span> : '–'), sortValue: (r: (typeof rows)[number]) => (r.ch ? row[r.ch.key] : null) },
        ]
      : []),
  ];
  return (
    <>
      <div className="grid grid-kpi report-kpis">
        {rows.map((r) => (
          <div className="kpi" key={r.key} data-testid={`kpi-${r.key}`}>
            <div className="kpi-label">{lab(r.c.label, locale)}</div>
            <div className="kpi-value">{formatCell(row[r.c.key], r.c, locale, true)}</div>
            {r.ch && (
              <div className="kpi-deltas">
                <span className={cls(row[r.ch.key])}>{formatCell(row[r.ch.key], r.ch, locale)}</span>
                {r.p && <span className="muted"> · {formatCell(row[r.p.key], r.p, locale, true)}</span>}
              </div>
            )}
          </div>
        ))}
      </div>
      <DataTable columns={columns} rows={rows} rowKey={(r) => r.key} />
    </>
  );
}

/** The section's rows: dimensions then values, formatted by unit; subtotals marked; the grand total in the footer. */
function SectionTable({ section }: { section: SectionData }) {
  const { m, locale } = useM();
  const valueLabel = useValueLabel();
  const shape = shapeOf(section);
  // Server order: subtotals follow their group (ROLLUP); the grand total goes to the footer.
  const rows: Row[] = section.rows.filter((r) => r !== shape.total);
  const isSub = (r: Row) => Number(r._grouping ?? 0) > 0;
  const dimCell = (d: ColumnInfo, i: number) => (r: Row) => {
    const v = r[d.key];
    if (isSub(r) && (v === null || v === undefined)) {
      // The first rolled-up dimension of a subtotal row names what it adds up.
      const first = shape.dims.findIndex((x) => r[x.key] === null || r[x.key] === undefined);
      return first === i && i > 0 ? <strong>{m('subtotal', { name: valueLabel(shape.dims[i - 1]!.key, r[shape.dims[i - 1]!.key]) })}</strong> : '';
    }
    return isSub(r) ? <strong>{valueLabel(d.key, v)}</strong> : valueLabel(d.key, v);
  };
  const columns: Column<Row>[] = [
    ...shape.dims.map((d, i) => ({ key: d.key, header: lab(d.label, locale), cell: dimCell(d, i), sortValue: (r: Row) => r[d.key] })),
    ...shape.values.map((c) => ({
      key: c.key,
      header: lab(c.label, locale),
      numeric: true,
      cell: (r: Row) => {
        const text = formatCell(r[c.key], c, locale);
        return isSub(r) ? <strong>{text}</strong> : text;
      },
      sortValue: (r: Row) => r[c.key],
      ...(shape.total ? { total: formatCell(shape.total[c.key], c, locale) } : {}),
    })),
  ];
  return <DataTable columns={columns} rows={rows} totals={shape.total !== undefined} testId={`table-${section.key}`} />;
}
