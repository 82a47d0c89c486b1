/**
 * Plain-words descriptions of clusters from their profile: the features whose cluster mean lies at least
 * half a standard deviation from the average of all customers (|z| ≥ 0.5), the strongest three first, each
 * phrased with the cluster's own raw figures ("high spend (avg 2,300)", "lapsed 120+ days").
 */
import type { FeatureDef } from './features.js';

export interface ClusterProfile {
  /** Mean z-score of each used feature (the cluster centre), aligned with `defs`. */
  readonly z: readonly number[];
  readonly defs: readonly FeatureDef[];
  /** Raw means of each used feature, aligned with `defs`. */
  readonly means: readonly number[];
  /** 25th and 75th percentile of recency days in the cluster, median frequency. */
  readonly recencyP25: number;
  readonly recencyP75: number;
  readonly medianFrequency: number;
}

export interface Description {
  readonly zh: string;
  readonly en: string;
  /** The features the description names, strongest first. */
  readonly features: readonly { key: string; z: number }[];
}

export const Z_THRESHOLD = 0.5;
const MAX_TRAITS = 3;
const STEPS = [7, 14, 30, 60, 90, 120, 180, 270, 365, 540, 730, 1095];

/** The largest round number of days ≤ x (x itself, whole, below a week). */
export function floorDays(x: number): number {
  let s = Math.floor(x);
  for (const v of STEPS) if (v <= x) s = v;
  return s;
}

/** The smallest round number of days ≥ x. */
export function ceilDays(x: number): number {
  for (const v of STEPS) if (v >= x) return v;
  return Math.ceil(x);
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
const n1 = (v: number) => (Math.round(v * 10) / 10).toLocaleString('en-US');
const pct = (v: number) => `${Math.round(v * 100)}%`;

function trait(def: FeatureDef, z: number, mean: number, p: ClusterProfile): [string, string] {
  const high = z > 0;
  switch (def.kind) {
    case 'recency':
      return high ? [`已${floorDays(p.recencyP25)}天以上未购`, `lapsed ${floorDays(p.recencyP25)}+ days`] : [`近${ceilDays(p.recencyP75)}天内有购买`, `bought within ${ceilDays(p.recencyP75)} days`];
    case 'frequency':
      if (high) return [`高频购买（平均${n1(mean)}单）`, `frequent buyers (avg ${n1(mean)} orders)`];
      return p.medianFrequency <= 1 ? ['多为只买过一次', 'mostly one-off buyers'] : [`低频购买（平均${n1(mean)}单）`, `infrequent buyers (avg ${n1(mean)} orders)`];
    case 'monetary':
      return high ? [`高消费（平均${n0(mean)}）`, `high spend (avg ${n0(mean)})`] : [`低消费（平均${n0(mean)}）`, `low spend (avg ${n0(mean)})`];
    case 'tenure':
      return high ? [`老客户（平均客龄${n1(mean / 365)}年）`, `long-standing (avg ${n1(mean / 365)} years)`] : [`新客户（平均客龄${n0(mean)}天）`, `new customers (avg ${n0(mean)} days)`];
    case 'interactions':
      return high ? [`互动活跃（平均${n1(mean)}次）`, `highly engaged (avg ${n1(mean)} interactions)`] : ['互动少', 'little engagement'];
    case 'service':
      return high ? [`服务联系多（平均${n1(mean)}次）`, `many service contacts (avg ${n1(mean)})`] : ['服务联系少', 'few service contacts'];
    case 'category': {
      const other = def.category === 'other';
      const zh = other ? '其他类目' : def.category!;
      const en = other ? 'other categories' : def.category!;
      return high ? [`偏好${zh}（占消费${pct(mean)}）`, `mostly ${en} (${pct(mean)} of spend)`] : [`少买${zh}`, `little ${en}`];
    }
  }
}

export function describeCluster(p: ClusterProfile): Description {
  const ranked = p.defs
    .map((def, u) => ({ def, u, z: p.z[u] as number }))
    .filter((x) => Math.abs(x.z) >= Z_THRESHOLD)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.u - b.u)
    .slice(0, MAX_TRAITS);
  if (ranked.length === 0) return { zh: '各项接近平均', en: 'close to average on every feature', features: [] };
  const words = ranked.map((x) => trait(x.def, x.z, p.means[x.u] as number, p));
  return { zh: words.map((w) => w[0]).join('、'), en: words.map((w) => w[1]).join(', '), features: ranked.map((x) => ({ key: x.def.key, z: x.z })) };
}
