export * from './port.js';
export { openWarehouse, warehouseTimeZone, DEFAULT_TIME_ZONE, type OpenOptions } from './duckdb.js';
export { defaultDbPath } from './location.js';
