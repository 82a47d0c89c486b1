import type { ResponseOf } from '../../api/client.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { formatNumber } from '../../i18n/format.js';
import { label, type Locale } from '../../i18n/index.js';
import { IMPORT_TARGETS } from '../../../../src/import/targets.js';
import { balanced } from './format.js';
import { useM } from './messages.js';

export type ImportReport = NonNullable<ResponseOf<'GET /api/imports/{id}'>['report']>;
type Rule = ImportReport['rules'][number];

/** An entity's name in the current language, from the schema the importer uses. */
export function entityLabel(name: string, locale: Locale): string {
  const e = IMPORT_TARGETS.find((x) => x.name === name);
  return e ? label({ en: e.label, zh: e.labelZh }, locale) : name;
}

/** A field's name in the current language (the entity's schema field, else the key). */
function fieldLabel(entity: string, field: string, locale: Locale): string {
  const f = IMPORT_TARGETS.find((x) => x.name === entity)?.fields.find((x) => x.name === field);
  return f ? label({ en: f.label, zh: f.labelZh }, locale) : field;
}

/** rows read = loaded + merged + quarantined, shown as the sum it is. */
export function Reconciliation({ counts }: { counts: { rowsRead: number; loaded: number; merged: number; quarantined: number } }) {
  const { m, locale } = useM();
  const n = (v: number) => formatNumber(v, locale);
  const ok = balanced(counts);
  return (
    <div className="reconcile" data-testid="reconcile">
      <div className="reconcile-sum">
        <span className="reconcile-item total">
          <b data-testid="count-read">{n(counts.rowsRead)}</b> {m('report.reconcile')}
        </span>
        <span className="reconcile-op">=</span>
        <span className="reconcile-item good">
          <b data-testid="count-loaded">{n(counts.loaded)}</b> {m('report.loaded')}
        </span>
        <span className="reconcile-op">+</span>
        <span className="reconcile-item">
          <b data-testid="count-merged">{n(counts.merged)}</b> {m('report.merged')}
        </span>
        <span className="reconcile-op">+</span>
        <span className={`reconcile-item${counts.quarantined ? ' warn' : ''}`}>
          <b data-testid="count-quarantined">{n(counts.quarantined)}</b> {m('report.quarantined')}
        </span>
      </div>
      <div className={ok ? 'good' : 'bad'} data-testid="reconcile-check">
        {ok ? `✓ ${m('report.balanced')}` : `✗ ${m('report.unbalanced')}`}
      </div>
    </div>
  );
}

function RuleExamples({ rule }: { rule: Rule }) {
  const { m } = useM();
  if (!rule.examples.length) return <span className="muted">–</span>;
  return (
    <ul className="rule-examples">
      {rule.examples.map((x, i) => (
        <li key={i}>
          {x.line !== null && <span className="muted">{m('report.line', { line: x.line })} </span>}
          <code>{x.before ?? '∅'}</code> → <code>{x.after ?? '∅'}</code>
        </li>
      ))}
    </ul>
  );
}

/** An import's report: counts reconciled, file facts, column mapping, tables written, the cleaning log. */
export function ReportView({ report, showSample = false }: { report: ImportReport; showSample?: boolean }) {
  const { m, locale } = useM();
  const n = (v: number) => formatNumber(v, locale);
  const mapping = Object.entries(report.mapping).map(([field, column]) => ({ field, column }));
  const tables = Object.entries(report.tables).map(([table, c]) => ({ table, ...c }));
  const mappingCols: Column<{ field: string; column: string }>[] = [
    { key: 'field', header: m('report.field'), cell: (r) => <span title={r.field}>{fieldLabel(report.entity, r.field, locale)}</span> },
    { key: 'column', header: m('report.column'), cell: (r) => <code>{r.column}</code> },
  ];
  const tableCols: Column<{ table: string; inserted: number; updated: number; unchanged: number }>[] = [
    { key: 'table', header: m('report.table'), cell: (r) => `${entityLabel(r.table, locale)} (${r.table})` },
    { key: 'inserted', header: m('report.inserted'), numeric: true, cell: (r) => n(r.inserted) },
    { key: 'updated', header: m('report.updated'), numeric: true, cell: (r) => n(r.updated) },
    { key: 'unchanged', header: m('report.unchanged'), numeric: true, cell: (r) => n(r.unchanged) },
  ];
  const ruleCols: Column<Rule & Record<string, unknown>>[] = [
    { key: 'rule', header: m('report.rule'), cell: (r) => <code>{r.rule}</code> },
    { key: 'field', header: m('report.field'), cell: (r) => (r.field ? fieldLabel(report.entity, r.field, locale) : '–') },
    { key: 'count', header: m('report.count'), numeric: true, cell: (r) => n(r.count) },
    { key: 'detail', header: m('report.examples'), cell: (r) => (
      <div className="rule-detail">
        {r.detail && <div className="muted">{r.detail}</div>}
        <RuleExamples rule={r} />
      </div>
    ) },
  ];
  return (
    <div className="report" data-testid="import-report">
      <Reconciliation counts={report} />
      <dl className="facts">
        <div><dt>{m('report.file')}</dt><dd data-testid="report-file">{report.file}</dd></div>
        <div><dt>{m('report.entity')}</dt><dd>{entityLabel(report.entity, locale)}</dd></div>
        <div><dt>{m('report.format')}</dt><dd>{report.format}</dd></div>
        <div><dt>{m('report.encoding')}</dt><dd data-testid="report-encoding">{report.encoding}</dd></div>
        <div><dt>{m('report.seconds')}</dt><dd>{m('report.secondsValue', { s: formatNumber(report.seconds, locale, 2) })}</dd></div>
      </dl>
      <div className="grid grid-2">
        <Card title={m('report.mapping')} testId="report-mapping">
          <DataTable columns={mappingCols} rows={mapping} rowKey={(r) => r.field} />
          {report.customFields.length > 0 && <p className="muted">{m('report.customFields', { fields: report.customFields.join(', ') })}</p>}
        </Card>
        <Card title={m('report.tables')} testId="report-tables">
          <DataTable columns={tableCols} rows={tables} rowKey={(r) => r.table} />
        </Card>
      </div>
      <Card title={m('report.rules')} testId="cleaning-log">
        {report.rules.length ? (
          <DataTable columns={ruleCols} rows={report.rules as (Rule & Record<string, unknown>)[]} rowKey={(r, i) => `${r.rule}|${r.field ?? ''}|${i}`} initialSort={{ key: 'count', desc: true }} />
        ) : (
          <p className="muted">{m('report.noRules')}</p>
        )}
      </Card>
      {showSample && report.quarantineSample.length > 0 && (
        <Card title={m('quarantine.sample')} testId="quarantine-sample">
          <DataTable
            columns={[
              { key: 'line', header: m('quarantine.line'), numeric: true, cell: (r) => (r.line === null ? '–' : n(r.line)) },
              { key: 'reason', header: m('quarantine.reason') },
              { key: 'raw', header: m('quarantine.raw'), cell: (r) => (r.raw === null ? <span className="muted">{m('quarantine.masked')}</span> : <code className="raw-line">{r.raw}</code>) },
            ] as Column<ImportReport['quarantineSample'][number]>[]}
            rows={report.quarantineSample}
            rowKey={(_, i) => String(i)}
          />
        </Card>
      )}
    </div>
  );
}
