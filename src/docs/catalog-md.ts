/** docs/metrics.md: the metric catalog, dimensions and standard reports, generated from the code. */
import { formulaText } from '../cli/commands/metrics.js';
import { buildCatalog } from '../metrics/catalog/index.js';
import { STANDARD_REPORTS } from '../reports/standard.js';

const esc = (s: string) => s.replace(/\|/g, '\\|');

export function catalogMarkdown(): string {
  const c = buildCatalog();
  const out: string[] = [
    '# Metric catalog (分析指标清单)',
    '',
    '<!-- Generated from src/metrics/catalog and src/reports by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every number Tidemark shows is one of these metrics, defined once. Aggregate metrics read one source table and',
    'count the rows in the period by their own time field (orders by order time, deals by close time…); derived metrics',
    'are formulas over other metrics and are computed after each part is aggregated to the same grain, so parts from',
    'different tables never multiply each other. `tidemark metrics --out 指标清单.xlsx` exports this list.',
    '',
    `Settings: churn look-back \`churnDays\` = ${c.settings.churnDays} (change it in the catalog config: \`{ "settings": { "churnDays": 120 } }\`).`,
    '',
    '## Metrics',
    '',
    '| key | 名称 | name | formula | source · period field | unit | owner | definition |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const m of c.metrics.values()) {
    out.push(`| \`${m.key}\` | ${m.label.zh} | ${esc(m.label.en)} | \`${esc(formulaText(m))}\` | ${m.source ? `${m.source} · ${m.time}` : 'derived'} | ${m.unit} | ${m.owner} | ${esc(m.description)} |`);
  }
  out.push('', '## Dimensions', '', '| key | 名称 | name | hierarchy | value of |', '| --- | --- | --- | --- | --- |');
  for (const d of c.dimensions.values()) {
    const of = d.time ? `the metric's time field (${d.time})` : (d.anchors ?? []).map((a) => `\`${a.table}.${esc(a.expr)}\``).join(', ');
    out.push(`| \`${d.key}\` | ${d.label.zh} | ${d.label.en} | ${d.hierarchy ? `${d.hierarchy} ${(d.level ?? 0) + 1}` : ''} | ${of}${d.description ? ` — ${esc(d.description)}` : ''} |`);
  }
  out.push(
    '',
    'A category dimension takes its value from the first listed table that the metric\'s source table reaches through',
    'many-to-one references (itself first, then the nearest): `province` of an order is its customer\'s province, of a lead',
    'the lead\'s own. A dimension no path reaches is refused with the metrics that can be split by it.',
    '',
    '## Standard reports',
    '',
  );
  for (const r of STANDARD_REPORTS) {
    out.push(`### \`${r.key}\` — ${r.title.zh} / ${r.title.en}`, '', r.description, '', '| section | metrics | by |', '| --- | --- | --- |');
    for (const s of r.sections) out.push(`| ${s.title.zh} (\`${s.key}\`) | ${s.metrics.join(', ')} | ${(s.dimensions ?? []).join(' × ') || '—'}${s.compare ? ` (${s.compare === 'yoy' ? '同比' : '环比'})` : ''}${s.subtotals ? ', subtotals' : s.totals ? ', total' : ''}${s.limit ? `, top ${s.limit}` : ''} |`);
    out.push('');
  }
  return out.join('\n');
}
