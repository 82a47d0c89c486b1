/**
 * The access gate under concurrency, without HTTP, in its own process (warehouse opened read-only): CONCURRENCY
 * callers of one login each run the same metric query through `gate.read` back to back until TOTAL queries are done.
 * - open: as the server does it now (AccessGate: a new connection, with its view setup, whenever no idle one of that
 *   scope is free; at most 4 idle connections kept per scope).
 * - capped:K: the same gate behind a first-come-first-served limit of K queries at a time (so at most K connections of
 *   the scope exist and all of them stay pooled). This is the fix proposed in docs/benchmarks.md, tried here outside
 *   src/access.
 * Prints latencies (ms) and the wall time as JSON.
 * Usage: node gate-child.js DB LOGIN QUERY_JSON CONCURRENCY TOTAL MODE [MODE…]
 */
import { AccessGate, accessOf } from '../../src/access/index.js';
import { DEFAULT_PERMISSIONS, type User } from '../../src/accounts/index.js';
import { buildCatalog } from '../../src/metrics/catalog/index.js';
import { runQuery } from '../../src/query/run.js';
import type { Query } from '../../src/query/types.js';
import { openWarehouse } from '../../src/warehouse/index.js';
import { LOGINS } from './endpoints.js';

const [db, loginName, queryJson, concArg, totalArg, ...modes] = process.argv.slice(2);
const l = LOGINS.find((x) => x.login === loginName);
if (!db || !l || !queryJson || !modes.length) throw new Error('usage: gate-child.js DB LOGIN QUERY_JSON CONCURRENCY TOTAL MODE…');
const query = JSON.parse(queryJson) as Query;
const concurrency = Number(concArg);
const total = Number(totalArg);

/** First come, first served: at most `k` holders at a time. */
class Limit {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly k: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.k) await new Promise<void>((r) => this.waiting.push(r));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

const wh = await openWarehouse({ path: db, readOnly: true });
const catalog = buildCatalog();
const user: User = { userId: 0, login: l.login, displayName: null, role: l.role, employeeId: l.employeeId ?? null, department: l.department ?? null, branch: null, disabled: false, failedAttempts: 0, lockedUntil: null, passwordChangedAt: '', createdAt: '' };
const access = accessOf(user, DEFAULT_PERMISSIONS[l.role]);
const today = query.to;
const out: Record<string, unknown>[] = [];
for (const mode of modes) {
  const gate = new AccessGate(wh);
  const limit = mode.startsWith('capped:') ? new Limit(Number(mode.slice(7))) : null;
  const once = () => gate.read(access, (c) => runQuery(c, catalog, query, today ? { today } : {}));
  await once(); // warm: one pooled connection, like a server that has answered before
  const lat: number[] = [];
  let started = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started++;
        const t = performance.now();
        await (limit ? limit.run(once) : once());
        lat.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - t0;
  await gate.close();
  out.push({ mode, concurrency, total, wallMs: Math.round(wall), perSec: Math.round((total / wall) * 1000 * 100) / 100, p50: Math.round(pct(lat, 50)), p90: Math.round(pct(lat, 90)), p99: Math.round(pct(lat, 99)), max: Math.round(Math.max(...lat)) });
}
await wh.close();
process.stdout.write(JSON.stringify({ login: l.login, query, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), results: out }) + '\n');
