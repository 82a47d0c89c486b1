import { resolve } from 'node:path';

/** The warehouse file: --db, else $TIDEMARK_DB, else ./data/tidemark.duckdb. */
export function defaultDbPath(flag?: string): string {
  return resolve(flag ?? process.env.TIDEMARK_DB ?? 'data/tidemark.duckdb');
}

/** Written by `tidemark serve` next to the warehouse it holds: `{ pid, url, startedAt }`. */
export function serverFileOf(warehousePath: string): string {
  return `${warehousePath}.server.json`;
}
