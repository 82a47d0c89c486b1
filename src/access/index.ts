/**
 * Who may see which rows, and which personal data in clear. Every read of customer data by the API goes through
 * {@link AccessGate.read}: it hands the caller a connection on which the warehouse tables are replaced by views that
 * keep only the rows in the caller's scope and mask personal data when the caller may not see it. Metric queries,
 * reports, analyses, exports, profiles and the SQL console all run on such a connection, so none can go around it.
 */
export { accessOf, scopeLabel, type Access, type Scope } from './scope.js';
export { AccessGate } from './gate.js';
export { mask, MASK_KINDS, type MaskKind } from './mask.js';
