import { api } from '../../api/client.js';
import { useApi } from '../../api/use-api.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column } from '../../components/DataTable.js';
import { Empty, Loadable } from '../../components/States.js';
import { formatNumber, formatPercent } from '../../i18n/format.js';
import { label } from '../../i18n/index.js';
import { formatBytes, useM } from './messages.js';
import { entityLabel } from './report.js';

type TableRow = { table: string; label: string; labelZh: string; rows: number };
type ImportRow = { importId: number; startedAt: string; file: string; entity: string; rowsRead: number; loaded: number; merged: number; quarantined: number };

/** The Tables tab: the warehouse file, its time zone, rows per table, the last imports (GET /api/status). */
export default function TablesTab() {
  const { m, locale } = useM();
  const state = useApi((signal) => api.get('/api/status', { signal }), []);
  const n = (v: unknown) => formatNumber(v, locale);
  return (
    <Loadable state={state}>
      {(s) => {
        const total = s.tables.reduce((a, t) => a + t.rows, 0);
        const cols: Column<TableRow>[] = [
          { key: 'label', header: m('tables.label'), sortValue: (r) => label({ en: r.label, zh: r.labelZh }, locale), cell: (r) => label({ en: r.label, zh: r.labelZh }, locale), total: m('tables.totalRows') },
          { key: 'table', header: m('tables.name'), cell: (r) => <code>{r.table}</code> },
          { key: 'rows', header: m('tables.rows'), numeric: true, cell: (r) => <span data-testid={`status-rows-${r.table}`}>{n(r.rows)}</span>, total: <span data-testid="status-rows-total">{n(total)}</span> },
          { key: 'share', header: m('tables.share'), numeric: true, sortValue: (r) => r.rows, cell: (r) => (
            <span className="share">
              <span className="share-bar" style={{ width: `${total ? (60 * r.rows) / total : 0}px` }} />
              {formatPercent(total ? r.rows / total : 0, locale)}
            </span>
          ), total: '' },
        ];
        const imports = s.imports as unknown as ImportRow[];
        const icols: Column<ImportRow>[] = [
          { key: 'importId', header: '#', numeric: true },
          { key: 'startedAt', header: m('history.when'), cell: (r) => r.startedAt },
          { key: 'file', header: m('history.file'), cell: (r) => <span className="cell-clip" title={r.file}>{r.file}</span> },
          { key: 'entity', header: m('history.entity'), cell: (r) => entityLabel(r.entity, locale) },
          { key: 'rowsRead', header: m('history.read'), numeric: true, cell: (r) => n(r.rowsRead) },
          { key: 'loaded', header: m('history.loaded'), numeric: true, cell: (r) => n(r.loaded) },
          { key: 'merged', header: m('history.merged'), numeric: true, cell: (r) => n(r.merged) },
          { key: 'quarantined', header: m('history.quarantined'), numeric: true, cell: (r) => n(r.quarantined) },
        ];
        return (
          <div className="data-tables">
            <Card title={m('tables.warehouse')} testId="warehouse">
              <dl className="facts">
                <div><dt>{m('tables.path')}</dt><dd><code data-testid="status-path">{s.path}</code></dd></div>
                <div><dt>{m('tables.size')}</dt><dd data-testid="status-size">{formatBytes(s.sizeBytes)}</dd></div>
                {s.walBytes > 0 && <div><dt>{m('tables.wal')}</dt><dd>{formatBytes(s.walBytes)}</dd></div>}
                <div><dt>{m('tables.timeZone')}</dt><dd data-testid="status-tz">{s.timeZone}</dd></div>
                <div><dt>{m('tables.schema')}</dt><dd>{s.schemaVersion ?? '–'}</dd></div>
                <div><dt>{m('tables.totalRows')}</dt><dd>{n(total)}</dd></div>
              </dl>
            </Card>
            <Card title={m('tables.tables')} testId="status-tables">
              <DataTable columns={cols} rows={s.tables} rowKey={(r) => r.table} totals initialSort={{ key: 'rows', desc: true }} />
            </Card>
            <Card title={m('tables.recent')} testId="status-imports">
              {imports.length ? <DataTable columns={icols} rows={imports} rowKey={(r) => String(r.importId)} /> : <Empty title={m('tables.noImports')} />}
            </Card>
          </div>
        );
      }}
    </Loadable>
  );
}
