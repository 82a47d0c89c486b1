/**
 * `tidemark serve`: the API on a port. The server opens the warehouse read-write and holds it while it runs
 * (DuckDB allows one process per file), and writes `<db>.server.json` (PID and URL) so a CLI command that finds
 * the file locked can say where the server is.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { AccessGate } from '../access/index.js';
import { MetaStore, metaPathOf, type AuthPolicy } from '../accounts/index.js';
import type { Catalog } from '../metrics/types.js';
import { openWarehouse } from '../warehouse/duckdb.js';
import { serverFileOf } from '../warehouse/location.js';
import { createApp } from './app.js';
import { defaultDashboardDir } from './static.js';

export interface ServeOptions {
  readonly dbPath: string;
  readonly catalog: Catalog;
  /** 0 picks a free port. */
  readonly port: number;
  readonly host: string;
  readonly secureCookies?: boolean | 'auto';
  readonly policy?: Partial<AuthPolicy>;
  readonly version?: string;
  /** The largest file upload in bytes (default 1 GiB). */
  readonly maxUploadBytes?: number;
  /** The built dashboard; default dist/web when it exists. */
  readonly dashboardDir?: string;
}

export interface RunningServer {
  readonly url: string;
  /** Whether the dashboard is served (dist/web was built). */
  readonly dashboard: boolean;
  readonly meta: MetaStore;
  close(): Promise<void>;
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const warehouse = await openWarehouse({ path: opts.dbPath });
  const meta = MetaStore.open(metaPathOf(warehouse.path));
  const gate = new AccessGate(warehouse);
  const dashboardDir = opts.dashboardDir ?? defaultDashboardDir();
  const app = createApp({
    warehouse,
    gate,
    meta,
    catalog: opts.catalog,
    ...(opts.secureCookies !== undefined ? { secureCookies: opts.secureCookies } : {}),
    ...(opts.policy ? { policy: opts.policy } : {}),
    ...(opts.version ? { version: opts.version } : {}),
    ...(opts.maxUploadBytes ? { maxUploadBytes: opts.maxUploadBytes } : {}),
    ...(dashboardDir ? { dashboardDir } : {}),
  });
  let server: ReturnType<typeof serve>;
  try {
    server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, port: opts.port, hostname: opts.host }, () => resolve(s));
      s.once('error', reject);
    });
  } catch (e) {
    meta.close();
    await gate.close();
    await warehouse.close();
    throw e;
  }
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${host}:${addr.port}`;
  const serverFile = serverFileOf(warehouse.path);
  writeFileSync(serverFile, `${JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() }, null, 2)}\n`);
  let closed = false;
  return {
    url,
    dashboard: dashboardDir !== undefined,
    meta,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(serverFile, { force: true });
      meta.close();
      await gate.close();
      await warehouse.close();
    },
  };
}
