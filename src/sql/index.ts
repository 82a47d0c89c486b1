export * from './ast.js';
export type { Dialect } from './dialect.js';
export { duckdb } from './duckdb.js';
export { clickhouse } from './clickhouse.js';
export { render, renderExpr, type Rendered } from './render.js';
