import { openWarehouse } from '../../src/warehouse/index.js';
import { ENTRIES } from './entries.js';

/** One side (tidemark or hand) of the given entries (run.ts passes one at a time) in its own process, so peak RSS is that side's alone: per entry a warm-up run (whose rows are compared), then ROUNDS timed runs. */
const [side, db, asOf, roundsArg, only] = process.argv.slice(2);
if ((side !== 'tidemark' && side !== 'hand') || !db || !asOf) throw new Error('usage: child.js tidemark|hand DB AS_OF [ROUNDS] [ENTRY,…]');
const rounds = Number(roundsArg ?? 3);
const names = only ? only.split(',') : null;
const wh = await openWarehouse({ path: db, readOnly: true });
const out: { name: string; rows: unknown[]; warmMs: number; runs: number[] }[] = [];
for (const e of ENTRIES) {
  if (names && !names.includes(e.name)) continue;
  const run = () => (side === 'tidemark' ? e.tidemark(wh, { asOf }) : e.hand(wh, { asOf }));
  let t = performance.now();
  const rows = await run();
  const warmMs = performance.now() - t;
  const runs: number[] = [];
  for (let i = 0; i < rounds; i++) {
    t = performance.now();
    await run();
    runs.push(performance.now() - t);
  }
  out.push({ name: e.name, rows, warmMs, runs });
}
await wh.close();
process.stdout.write(JSON.stringify({ side, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), entries: out }, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) + '\n');
