export { importFile } from './pipeline.js';
export { ImportError } from './errors.js';
export { readMappingFile, mapColumns } from './mapping.js';
export { IMPORT_TARGETS, SALES_LINES } from './targets.js';
export type { ImportOptions, ImportReport, RuleLog } from './types.js';
