/**
 * Deterministic randomness for the demo generator.
 *
 * DuckDB's random() is not reproducible under parallelism, so every random draw in the SQL is
 * derived from hash() of the row's keys and a salt that depends on the seed and the purpose of
 * the draw. DuckDB combines the hashes of several arguments with a multiply-xor, so two draws
 * hash(i, s1) and hash(i, s2) differ by a constant xor and are strongly correlated; the salt is
 * therefore applied *outside* the key hash and the result hashed again:
 * hash(xor(hash(keys...), salt)). DuckDB's integer hash is a MurmurHash3 finaliser, a bijection
 * with full avalanche, so draws of different purposes are independent for practical purposes.
 *
 * Keys must be integer (or text) SQL expressions: hash(1) and hash(1.0) differ.
 *
 * The same seed gives the same data with the same DuckDB version; DuckDB does not promise that
 * hash() stays the same across versions.
 *
 * For the small tables built in TypeScript (catalogue, org chart, B2B funnel) `Rng` is a seeded
 * SplitMix64 generator.
 */

const MASK64 = (1n << 64n) - 1n;

/** 64-bit FNV-1a of a string. */
export function fnv64(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= BigInt(b);
    h = (h * 0x100000001b3n) & MASK64;
  }
  return h;
}

/** SplitMix64 finaliser: a bijective 64-bit mixer. */
export function mix64(x: bigint): bigint {
  let z = (x + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/** The 64-bit salt of one purpose under one seed. */
export function saltOf(seed: number, purpose: string): bigint {
  return mix64(fnv64(`${seed}\u0000${purpose}`) ^ mix64(BigInt.asUintN(64, BigInt(seed))));
}

const INV_2_53 = '1.1102230246251565e-16'; // 2^-53

/**
 * SQL snippets for draws keyed by row: `new Noise(seed).u('purpose', 'i', 'j')` is a DuckDB
 * expression for a uniform in (0, 1) that depends only on (seed, purpose, i, j).
 */
export class Noise {
  constructor(readonly seed: number) {}

  /** A UBIGINT hash of the keys for this purpose. */
  hash(purpose: string, ...keys: string[]): string {
    if (keys.length === 0) throw new Error(`Noise.${purpose}: at least one key is needed`);
    return `hash(xor(hash(${keys.join(', ')}), ${saltOf(this.seed, purpose)}::UBIGINT))`;
  }

  /** Uniform in the open interval (0, 1), 53 bits. */
  u(purpose: string, ...keys: string[]): string {
    return `((${this.hash(purpose, ...keys)} >> 11)::DOUBLE + 0.5) * ${INV_2_53}`;
  }

  /** Integer uniform in [0, n) (n an SQL expression or number; modulo bias is below 2^-40). */
  int(n: number | string, purpose: string, ...keys: string[]): string {
    return `(${this.hash(purpose, ...keys)} % (${n})::UBIGINT)::BIGINT`;
  }

  /** True with probability p (p an SQL expression or number). */
  chance(p: number | string, purpose: string, ...keys: string[]): string {
    return `(${this.u(purpose, ...keys)} < (${p}))`;
  }

  /** Standard normal (Box–Muller). */
  normal(purpose: string, ...keys: string[]): string {
    return `(sqrt(-2.0 * ln(${this.u(`${purpose}#r`, ...keys)})) * cos(6.283185307179586 * ${this.u(`${purpose}#t`, ...keys)}))`;
  }

  /** Exponential with mean 1. */
  exp(purpose: string, ...keys: string[]): string {
    return `(-ln(${this.u(purpose, ...keys)}))`;
  }

  /** Log-normal: exp(ln(median) + sigma * z). */
  lognormal(median: number, sigma: number, purpose: string, ...keys: string[]): string {
    return `exp(${Math.log(median)} + ${sigma} * ${this.normal(purpose, ...keys)})`;
  }

  /**
   * Gamma(shape, 1) for a constant shape > 0: Wilson–Hilferty for shape >= 1, and for shape < 1
   * the boost Gamma(a) = Gamma(a + 1) * U^(1/a).
   */
  gamma(shape: number, purpose: string, ...keys: string[]): string {
    if (!(shape > 0)) throw new Error('gamma shape must be positive');
    const a = shape < 1 ? shape + 1 : shape;
    const wh = wilsonHilferty(String(a), this.normal(`${purpose}#z`, ...keys));
    return shape < 1 ? `(${wh} * pow(${this.u(`${purpose}#b`, ...keys)}, ${1 / shape}))` : wh;
  }

  /** Gamma(k, 1) for an integer-valued SQL expression k >= 1 (exact exponential for k = 1). */
  gammaK(k: string, purpose: string, ...keys: string[]): string {
    return `(CASE WHEN (${k}) <= 1 THEN ${this.exp(`${purpose}#e`, ...keys)} ELSE ${wilsonHilferty(`(${k})::DOUBLE`, this.normal(`${purpose}#z`, ...keys))} END)`;
  }

  /** A standard normal from the quantile table L.q_norm (one hash and a lookup; for the order-level tables). */
  normalQ(purpose: string, ...keys: string[]): string {
    return `L.q_norm[1 + ${this.int(QUANTILES, purpose, ...keys)}]`;
  }

  /** Log-normal from the quantile table. */
  lognormalQ(median: number, sigma: number, purpose: string, ...keys: string[]): string {
    return `exp(${Math.log(median)} + ${sigma} * ${this.normalQ(purpose, ...keys)})`;
  }

  /** Exponential with mean 1 from the quantile table L.q_exp. */
  expQ(purpose: string, ...keys: string[]): string {
    return `L.q_exp[1 + ${this.int(QUANTILES, purpose, ...keys)}]`;
  }

  /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
  beta(a: number, b: number, purpose: string, ...keys: string[]): string {
    const x = this.gamma(a, `${purpose}#x`, ...keys);
    const y = this.gamma(b, `${purpose}#y`, ...keys);
    return `(${x} / (${x} + ${y}))`;
  }
}

/** Size of the quantile tables used for cheap draws on the largest tables. */
export const QUANTILES = 4096;

/** Standard normal quantile function (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error('normalQuantile: p must be in (0, 1)');
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
}

/** Quantiles at the midpoints (k + 0.5) / n of a distribution, for table-driven draws. */
export function quantileTable(inverseCdf: (p: number) => number, n = QUANTILES): number[] {
  return Array.from({ length: n }, (_, k) => inverseCdf((k + 0.5) / n));
}

function wilsonHilferty(a: string, z: string): string {
  return `greatest(1e-9, ${a} * pow(greatest(0.0, 1.0 - 1.0 / (9.0 * ${a}) + ${z} * sqrt(1.0 / (9.0 * ${a}))), 3))`;
}

/** Seeded SplitMix64 generator for the tables built in TypeScript. */
export class Rng {
  private state: bigint;

  constructor(seed: number, purpose: string) {
    this.state = saltOf(seed, purpose);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    return Number(z >> 11n) / 9007199254740992;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Index drawn with the given (non-negative) weights. */
  weightedIndex(weights: readonly number[]): number {
    const total = weights.reduce((s, w) => s + w, 0);
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i] ?? 0;
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const i = this.weightedIndex(items.map(([, w]) => w));
    return (items[i] as readonly [T, number])[0];
  }

  normal(): number {
    const u1 = this.next() || 1e-12;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal with the given median. */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }
}

/**
 * A weighted choice as a slot list: value v appears in proportion to its weight among `slots`
 * entries, so `list[1 + floor(u * slots)]` draws from the distribution in O(1).
 */
export function slotList(weights: readonly number[], slots: number): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) throw new Error('slotList: weights must sum to a positive number');
  const out: number[] = [];
  let cum = 0;
  for (let i = 0; i < weights.length; i++) {
    cum += weights[i] ?? 0;
    const upto = i === weights.length - 1 ? slots : Math.round((cum / total) * slots);
    while (out.length < upto) out.push(i);
  }
  return out;
}
