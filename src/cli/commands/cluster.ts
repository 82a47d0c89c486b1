import { Option, type Command } from 'commander';
import { ClusterError, runCluster, saveCluster, type ClusterParams, type ClusterResult } from '../../analyses/cluster/index.js';
import { openWarehouse } from '../../warehouse/duckdb.js';
import { addCommonOptions, dbPathOf, formatNumber, formatPercent, renderTable, UsageError, write, type CommonOptions } from '../output.js';
import { type AnalysisOptions, langOf, resultFormat, saveJson, saveTables } from './analysis.js';

interface ClusterOptions extends CommonOptions, Omit<AnalysisOptions, 'catalog'> {
  readonly asOf?: string;
  readonly to?: string;
  readonly from?: string;
  readonly k?: string;
  readonly kRange?: string;
  readonly seed?: string;
  readonly restarts?: string;
  readonly maxIter?: string;
  readonly silhouetteSample?: string;
  readonly topCategories?: string;
  readonly save?: boolean;
  readonly sql?: boolean;
}

function int(flag: string, v: string): number {
  if (!/^-?\d+$/.test(v.trim())) throw new UsageError(`--${flag} '${v}': expected a whole number`);
  return Number(v);
}

export function clusterParamsFromFlags(opts: ClusterOptions): ClusterParams {
  if (opts.asOf && opts.to && opts.asOf !== opts.to) throw new UsageError(`--to ${opts.to} and --as-of ${opts.asOf}: give one of them (both mean the first day after the window)`);
  let kRange: [number, number] | undefined;
  if (opts.kRange !== undefined) {
    const m = /^\s*(\d+)\s*(?:\.\.|-|,)\s*(\d+)\s*$/.exec(opts.kRange);
    if (!m) throw new UsageError(`--k-range '${opts.kRange}': write two whole numbers like 2..8`);
    kRange = [Number(m[1]), Number(m[2])];
  }
  const asOf = opts.asOf ?? opts.to;
  return {
    ...(asOf ? { asOf } : {}),
    ...(opts.from ? { from: opts.from } : {}),
    ...(opts.k !== undefined ? { k: int('k', opts.k) } : {}),
    ...(kRange ? { kRange } : {}),
    ...(opts.seed !== undefined ? { seed: int('seed', opts.seed) } : {}),
    ...(opts.restarts !== undefined ? { restarts: int('restarts', opts.restarts) } : {}),
    ...(opts.maxIter !== undefined ? { maxIter: int('max-iter', opts.maxIter) } : {}),
    ...(opts.silhouetteSample !== undefined ? { silhouetteSample: int('silhouette-sample', opts.silhouetteSample) } : {}),
    ...(opts.topCategories !== undefined ? { topCategories: int('top-categories', opts.topCategories) } : {}),
  };
}

const FLAG: Record<string, string> = { asOf: '--as-of', from: '--from', k: '--k', kRange: '--k-range', seed: '--seed', restarts: '--restarts', maxIter: '--max-iter', silhouetteSample: '--silhouette-sample', topCategories: '--top-categories', tol: '--tol' };

function asUsage(e: unknown, opts: ClusterOptions): unknown {
  if (e instanceof ClusterError) {
    const flag = (f: string) => (f === 'asOf' && opts.to && !opts.asOf ? '--to' : FLAG[f]);
    return new UsageError(e.issues.map((i) => (flag(i.field) ? `${flag(i.field)}: ${i.message.replace(/^[\w.]+: /, '')}` : i.message)).join('; '));
  }
  return e;
}

/** JSON body: everything but the per-customer assignment. */
function jsonBody(r: ClusterResult): Omit<ClusterResult, 'assignment'> {
  const { assignment: _drop, ...rest } = r;
  return { ...rest, ms: Math.round(r.ms) };
}

async function runClusterCommand(opts: ClusterOptions): Promise<void> {
  const lang = langOf(opts);
  const zh = lang === 'zh';
  const format = resultFormat(opts);
  const params = clusterParamsFromFlags(opts);
  const wh = await openWarehouse({ path: dbPathOf(opts), readOnly: !opts.save });
  try {
    let result: ClusterResult;
    try {
      result = await runCluster(wh, params);
    } catch (e) {
      throw asUsage(e, opts);
    }
    if (opts.save) {
      const saved = await saveCluster(wh, result);
      process.stderr.write(`Saved ${formatNumber(saved)} customers' clusters (k = ${result.k}) as of ${result.params.asOf} to tm_cluster\n`);
    }
    if (format === 'csv' || format === 'xlsx') {
      const { customerIds, clusters, values } = result.assignment;
      const desc = new Map(result.clusters.map((c) => [c.cluster, zh ? c.zh : c.en]));
      const rows = customerIds.map((id, i) => [id, clusters[i]!, desc.get(clusters[i]!) ?? '', ...values.map((v) => v[i]!)]);
      const notes = [`${zh ? '截至' : 'as of'} ${result.params.asOf} · k = ${result.k} · ${zh ? '种子' : 'seed'} ${result.params.seed}`];
      const columns = [{ header: 'customer_id' }, { header: 'cluster' }, { header: zh ? '聚类描述' : 'description' }, ...result.features.map((f) => ({ header: f.category && f.category !== 'other' ? `${f.key} (${f.category})` : f.key }))];
      await saveTables(format, opts.out, [{ name: zh ? '客户聚类' : 'Clusters', notes: opts.out ? notes : [], columns, rows }]);
      if (opts.out) process.stderr.write(`Wrote ${formatNumber(rows.length)} customers to ${opts.out}\n`);
      return;
    }
    if (format === 'json') {
      await saveJson(opts.out, jsonBody(result));
      return;
    }
    const f1 = (v: number | undefined) => (v === undefined ? '—' : formatNumber(v, 1));
    const R = 'right' as const;
    const rows = result.clusters.map((c) => ({
      cluster: String(c.cluster),
      customers: formatNumber(c.customers),
      share: formatPercent(c.share),
      recency: f1(c.means.recency_days),
      frequency: c.means.frequency === undefined ? '—' : formatNumber(c.means.frequency, 2),
      monetary: c.means.monetary === undefined ? '—' : formatNumber(c.means.monetary, 2),
      tenure: f1(c.means.tenure_days),
      description: zh ? c.zh : c.en,
    }));
    let text = renderTable(
      [
        { key: 'cluster', header: zh ? '类' : 'Cluster', align: R },
        { key: 'customers', header: zh ? '客户数' : 'Customers', align: R },
        { key: 'share', header: zh ? '占比' : 'Share', align: R },
        { key: 'recency', header: zh ? '平均R(天)' : 'Avg R (days)', align: R },
        { key: 'frequency', header: zh ? '平均F(单)' : 'Avg F (orders)', align: R },
        { key: 'monetary', header: zh ? '平均M' : 'Avg M', align: R },
        { key: 'tenure', header: zh ? '平均客龄(天)' : 'Avg tenure (days)', align: R },
        { key: 'description', header: zh ? '描述' : 'Description', maxWidth: 60 },
      ],
      rows,
    );
    const p = result.params;
    const sil = result.silhouette === null ? '—' : result.silhouette.toFixed(3);
    const exact = result.silhouetteSample >= result.customers;
    text += `\n${formatNumber(result.customers)} ${zh ? '位客户' : 'customers'} · ${zh ? '截至' : 'as of'} ${p.asOf} · ${zh ? '窗口' : 'window'} ${p.from ?? (zh ? '全部历史' : 'all history')} → ${p.asOf} · k = ${result.k}${result.chosenBy === 'silhouette' ? (zh ? '（按轮廓系数选出）' : ' (chosen by silhouette)') : ''} · ${zh ? '轮廓系数' : 'silhouette'} ${sil}${exact ? '' : zh ? `（抽样 ${formatNumber(result.silhouetteSample)} 位）` : ` (sample of ${formatNumber(result.silhouetteSample)})`} · ${zh ? '种子' : 'seed'} ${p.seed} · ${p.restarts} ${zh ? '次重启' : 'restarts'} · ${Math.round(result.ms)} ms\n`;
    if (result.candidates.length > 1) {
      const cand = result.candidates.map((c) => ({ k: String(c.k), inertia: formatNumber(c.inertia, 1), silhouette: c.silhouette === null ? '—' : c.silhouette.toFixed(3), mark: c.k === result.k ? '←' : '' }));
      text += `\n${renderTable([{ key: 'k', header: 'k', align: R }, { key: 'inertia', header: zh ? '簇内平方和' : 'Inertia', align: R }, { key: 'silhouette', header: zh ? '轮廓系数' : 'Silhouette', align: R }, { key: 'mark', header: '' }], cand)}\n`;
    }
    const unused = result.features.filter((f) => !f.used).map((f) => f.key);
    if (unused.length) text += `${zh ? '未使用（所有客户取值相同）' : 'Not used (the same for every customer)'}: ${unused.join(', ')}\n`;
    if (opts.sql) {
      text += `\n${result.sql.base}\n-- params: ${JSON.stringify(result.sqlParams.base)}\n`;
      if (result.sql.mix) text += `\n${result.sql.mix}\n-- params: ${JSON.stringify(result.sqlParams.mix)}\n`;
    }
    await write(text);
  } finally {
    await wh.close();
  }
}

export function registerCluster(program: Command): void {
  const cmd = program
    .command('cluster')
    .description('Customer clustering: k-means on standardised behaviour (RFM, tenure, category mix, interactions, service contacts), each cluster described in words')
    .option('--as-of <YYYY-MM-DD>', 'analysis date: orders, interactions and tickets before this day count (default: the day after the last order)')
    .option('--to <YYYY-MM-DD>', 'the same as --as-of: the first day after the window [from, to)')
    .option('--from <YYYY-MM-DD>', 'first day of the window (default: all history)')
    .option('--k <n>', 'number of clusters (default: chosen by silhouette over --k-range)')
    .option('--k-range <a..b>', 'k values to choose from by silhouette (default 2..8)')
    .option('--seed <n>', 'seed of the k-means++ draws and the silhouette sample (default 0)')
    .option('--restarts <n>', 'k-means runs from different k-means++ starts; the lowest inertia is kept (default 10; from 50,000 customers 5× as many on a 100,000-customer sample)')
    .option('--max-iter <n>', 'Lloyd iterations per run at most (default 300)')
    .option('--silhouette-sample <n>', 'silhouette on all customers up to n, else on a seeded sample of n (default 10000)')
    .option('--top-categories <n>', 'top-level categories with their own spend-share feature; the rest pooled as other (default 8)')
    .option('--save', 'store each customer’s cluster in the warehouse (tm_cluster), replacing that as-of date; used by the dimension cluster')
    .addOption(new Option('--lang <lang>', 'language of headers and descriptions (default: $TIDEMARK_LANG, else zh)').choices(['zh', 'en']))
    .addOption(new Option('--format <format>', 'table on a terminal, json when piped; csv/xlsx with --out write each customer’s cluster').choices(['table', 'json', 'csv', 'xlsx']))
    .option('--out <file>', 'write each customer’s cluster (.csv, .xlsx) or the summary (.json)')
    .option('--sql', 'also print the feature SQL that ran');
  addCommonOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  tidemark cluster                      # k chosen by silhouette over 2..8
  tidemark cluster --k 5 --seed 7 --restarts 20
  tidemark cluster --from 2024-01-01 --to 2025-01-01 --k-range 3..6
  tidemark cluster --k 5 --save && tidemark query --metrics revenue --by cluster
  tidemark cluster --k 5 --out clusters.xlsx
`,
  );
  cmd.action(runClusterCommand);
}
