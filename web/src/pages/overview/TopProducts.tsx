import type { Loaded } from '../../api/use-api.js';
import { Card } from '../../components/Card.js';
import { DataTable, type Column as TableColumn } from '../../components/DataTable.js';
import { Empty, Loadable } from '../../components/States.js';
import { label } from '../../i18n/index.js';
import { formatPercent, formatValue } from '../../i18n/format.js';
import { columnOf, type QueryResult, type Row } from './data.js';
import { num } from './kpis.js';
import { useM } from './messages.js';

/** Sales and units (buyers per product would count distinct customers over every item: 3× slower on 1M customers). */
export const PRODUCT_METRICS = ['item_revenue', 'units_sold'] as const;

/** The best-selling products of the period by product sales, with units, buyers and share. */
export function TopProducts({ state }: { state: Loaded<QueryResult> }) {
  const { m, locale } = useM();
  return (
    <Card title={m('topProducts')} testId="overview-products">
      <Loadable state={state} isEmpty={(r) => !r.rows.some((x) => !Number(x._grouping))} empty={<Empty title={m('noRows')} hint={m('noRowsHint')} />}>
        {(r) => {
          // totals: true gives the period's product sales over every product (the share's base), after the top rows
          const detail = r.rows.filter((x) => !Number(x._grouping));
          const total = num(r.rows.find((x) => Number(x._grouping))?.item_revenue) ?? detail.reduce((s, x) => s + (num(x.item_revenue) ?? 0), 0);
          const cols: TableColumn<Row>[] = [
            { key: 'product', header: label(columnOf(r, 'product')?.label ?? m('product'), locale), cell: (x) => String(x.product ?? '–') },
            ...PRODUCT_METRICS.map((k) => {
              const c = columnOf(r, k);
              return { key: k, header: label(c?.label ?? k, locale), numeric: true, cell: (x: Row) => formatValue(x[k], c?.unit, locale, c?.unit === 'currency') };
            }),
            { key: 'share', header: m('share'), numeric: true, sortValue: (x) => num(x.item_revenue), cell: (x) => (total ? formatPercent((num(x.item_revenue) ?? 0) / total, locale) : '–') },
          ];
          return <DataTable columns={cols} rows={detail} rowKey={(x, i) => `${String(x.product)}-${i}`} testId="products-table" />;
        }}
      </Loadable>
    </Card>
  );
}
