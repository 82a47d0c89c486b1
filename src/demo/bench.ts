/**
 * Measures demo generation: `node dist/src/demo/bench.js [customers] [db-path] [seed]`.
 * Prints the time per step, the total, the row counts and the peak RSS as JSON on stdout.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { openWarehouse } from '../warehouse/index.js';
import { generateDemo } from './index.js';

export async function benchDemo(customers: number, path: string, seed = 42): Promise<Record<string, unknown>> {
  if (path !== ':memory:') for (const f of [path, `${path}.wal`]) rmSync(f, { force: true });
  const wh = await openWarehouse({ path });
  const steps: Record<string, number> = {};
  let last = performance.now();
  let lastStep = '';
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  try {
    const summary = await generateDemo(wh, {
      customers,
      seed,
      onProgress: (step) => {
        const now = performance.now();
        if (lastStep) steps[lastStep] = Math.round(now - last) / 1000;
        last = now;
        lastStep = step;
        peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    return { ...summary, steps, peakRssMB: Math.round(peak / 1048576) };
  } finally {
    clearInterval(timer);
    await wh.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const customers = Number(process.argv[2] ?? 20000);
  const path = process.argv[3] ?? ':memory:';
  const seed = Number(process.argv[4] ?? 42);
  benchDemo(customers, path, seed)
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
