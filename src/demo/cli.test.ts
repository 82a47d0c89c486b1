import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCustomers, parseSeed, printableSummary, registerDemo } from '../cli/commands/demo.js';
import { configureProgram, runProgram, UsageError } from '../cli/output.js';
import { openWarehouse } from '../warehouse/index.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tidemark-demo-cli-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = configureProgram(new Command('tidemark'));
  registerDemo(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await runProgram(program, ['node', 'tidemark', ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('tidemark demo', () => {
  it('validates --customers and --seed', () => {
    expect(parseCustomers('20000')).toBe(20000);
    expect(parseCustomers('5000000')).toBe(5_000_000);
    for (const bad of ['0', '-3', '1.5', 'abc', '5000001', '']) expect(() => parseCustomers(bad)).toThrow(UsageError);
    expect(() => parseCustomers('5000001')).toThrow(/--customers.*5,000,000/);
    expect(parseSeed('42')).toBe(42);
    expect(parseSeed('-7')).toBe(-7);
    for (const bad of ['x', '1.5', '', '99999999999999999999']) expect(() => parseSeed(bad)).toThrow(/--seed must be an integer/);
  });

  it('exits 2 with a message naming the flag', async () => {
    const db = join(dir, 'bad.duckdb');
    const a = await run(['demo', '--customers', '0', '--db', db]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--customers must be a positive integer/);
    const b = await run(['demo', '--seed', 'abc', '--db', db]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--seed must be an integer/);
    const c = await run(['demo', '--start', '2023-13-01', '--db', db]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--start/);
  });

  it('builds the demo and prints JSON when stdout is not a terminal', async () => {
    const db = join(dir, 'demo.duckdb');
    const r = await run(['demo', '--customers', '500', '--seed', '3', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const out = JSON.parse(r.stdout) as { warehouse: string; seed: number; customers: number; tables: Record<string, number>; seconds: number };
    expect(out).toMatchObject({ warehouse: db, seed: 3, customers: 500 });
    expect(out.tables.customers).toBe(500);
    expect(out.tables.orders).toBeGreaterThan(1000);
    const wh = await openWarehouse({ path: db, readOnly: true });
    try {
      expect((await wh.query(`SELECT value FROM tm_meta WHERE key = 'demo_seed'`)).rows[0]?.value).toBe('3');
    } finally {
      await wh.close();
    }
  });

  it('prints a readable table for people', () => {
    const text = printableSummary('/x/demo.duckdb', { seed: 42, customers: 20000, seconds: 3.21, tables: { customers: 20000, orders: 210000 } });
    expect(text).toMatch(/^Demo warehouse \/x\/demo.duckdb\n20,000 customers, seed 42: 230,000 rows in 3.2 s/);
    expect(text).toMatch(/orders\s+订单\s+210,000/);
  });
});
