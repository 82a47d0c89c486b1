import { resolve } from 'node:path';

/** The warehouse file: --db, else $TIDEMARK_DB, else ./data/tidemark.duckdb. */
export function defaultDbPath(flag?: string): string {
  return resolve(flag ?? process.env.TIDEMARK_DB ?? 'data/tidemark.duckdb');
}
