import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint, scratch } from '../testing/index.js';
import { openWarehouse } from '../warehouse/index.js';
import { importFile } from './index.js';

const BIN = new URL('../../bin/tidemark.js', import.meta.url).pathname;

function orders(n: number, offset = 0): string {
  const lines = ['订单号,会员ID,下单时间,订单金额'];
  for (let j = offset; j < offset + n; j++) lines.push(`O${j},C${j % 997},2024-0${1 + (j % 9)}-1${j % 10} 10:00,${(j % 500) + 0.5}`);
  return lines.join('\n') + '\n';
}

/** Starts `tidemark import`, waits for the failpoint inside the transaction, then SIGKILLs it. */
function killInsideTransaction(db: string, file: string): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'import', file, '--entity', 'orders', '--db', db, '--json'], {
      env: { ...process.env, TIDEMARK_FAILPOINT: 'import-before-commit' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes('failpoint import-before-commit reached')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve({ signal, stderr }));
  });
}

describe('a killed import leaves the warehouse as it was', () => {
  it('SIGKILL inside the import transaction: previous state, and the file opens', async () => {
    const s = scratch();
    try {
      const db = join(s.dir, 'wh.duckdb');
      const first = join(s.dir, 'first.csv');
      writeFileSync(first, orders(1000));
      const wh = await openWarehouse({ path: db });
      await importFile(wh, { file: first, entity: 'orders' });
      const before = await fingerprint(wh);
      await wh.close();

      const second = join(s.dir, 'second.csv');
      writeFileSync(second, orders(200_000, 500));
      const { signal, stderr } = await killInsideTransaction(db, second);
      expect(stderr).toContain('failpoint import-before-commit reached');
      expect(signal).toBe('SIGKILL');

      const again = await openWarehouse({ path: db });
      try {
        expect(await fingerprint(again)).toEqual(before);
        // and it still takes writes
        const r = await importFile(again, { file: second, entity: 'orders' });
        expect(r.loaded).toBe(200_000 - 500);
        expect(r.merged).toBe(500);
      } finally {
        await again.close();
      }
    } finally {
      s.cleanup();
    }
  });
});
