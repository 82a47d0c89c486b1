import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { ENTITIES, schemaMarkdown, validateSchema, warehouseDdl } from './index.js';

describe('canonical schema', () => {
  it('validates', () => {
    expect(validateSchema()).toEqual([]);
  });

  it('reports bad definitions by entity and field', () => {
    const errs = validateSchema([
      { name: 'x', label: 'X', labelZh: 'X', description: '', key: ['id'], fields: [{ name: 'id', type: 'id', label: '', labelZh: '' }] },
      { name: 'y', label: 'Y', labelZh: 'Y', description: '', key: ['a'], fields: [{ name: 'b', type: 'enum', label: '', labelZh: '', references: 'x.nope' }] },
    ]);
    expect(errs).toContain('x.id: key fields must be required');
    expect(errs).toContain('y: key field a is not a field');
    expect(errs).toContain('y.b: enum without values');
    expect(errs).toContain('y.b: references unknown x.nope');
  });

  it('covers the issue list of entities', () => {
    const names = ENTITIES.map((e) => e.name);
    for (const n of ['customers', 'customer_identities', 'products', 'orders', 'order_items', 'returns', 'leads', 'opportunities', 'opportunity_stages', 'contracts', 'receivables', 'payments', 'activities', 'service_tickets', 'interactions', 'campaigns', 'campaign_touches', 'tier_changes', 'points_ledger', 'employees', 'org_units', 'purchases']) {
      expect(names).toContain(n);
    }
  });

  it('DDL runs on a real DuckDB', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    for (const s of warehouseDdl()) await c.run(s);
    const r = await c.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY table_name`);
    const names = r.getRowObjects().map((o) => String(o.table_name));
    expect(names.filter((n) => !n.startsWith('tm_'))).toEqual(ENTITIES.map((e) => e.name).sort());
    expect(names.filter((n) => n.startsWith('tm_'))).toEqual(
      ['tm_cluster', 'tm_customer_tags', 'tm_imports', 'tm_lifecycle', 'tm_matrix', 'tm_meta', 'tm_quarantine', 'tm_rfm', 'tm_segment_members', 'tm_segments', 'tm_tags', 'tm_tiers'],
    );
    c.closeSync();
  });

  it('docs/schema.md is current', () => {
    const onDisk = readFileSync(new URL('../../docs/schema.md', import.meta.url), 'utf8');
    expect(onDisk).toBe(schemaMarkdown() + '\n');
  });
});
