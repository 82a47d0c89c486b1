import type { Warehouse } from '../warehouse/port.js';
import { TIMESTAMP_MACRO, timestampBody } from './dates.js';
import { EMAIL_MACRO, emailBody } from './email.js';
import { DECIMAL_MACRO, decimalBody, ID_MACRO, idBody, INT_MACRO, intBody, MONEY_MACRO, moneyBody } from './numbers.js';
import { PHONE_MACRO, phoneBody } from './phone.js';
import { FW_MACRO, FW_TEXT_MACRO, fullwidthBody, NULLS_MACRO, nullTokensBody, TRIM_MACRO, trimBody } from './text.js';

/**
 * The rules shared by every field are DuckDB temp macros, created by setupCleaning, so the SQL that cleanFieldSql
 * generates stays short and readable — tm_clean_ts(tm_clean_fw(tm_clean_nulls(tm_clean_trim(...)))) — however
 * much logic each rule holds. DuckDB expands a macro when it binds the query, so it runs exactly as the inlined
 * expression would. Field-specific pieces (enum vocabularies, region lookups) stay inline.
 */
export interface Macro {
  readonly name: string;
  readonly params: readonly string[];
  readonly body: string;
}

export const MACROS: readonly Macro[] = [
  { name: TRIM_MACRO, params: ['x'], body: trimBody('x') },
  { name: NULLS_MACRO, params: ['x', 'raw', 'tokens'], body: nullTokensBody('x', 'raw', 'tokens') },
  { name: FW_MACRO, params: ['x', 'raw'], body: fullwidthBody('x', 'raw', false) },
  { name: FW_TEXT_MACRO, params: ['x', 'raw'], body: fullwidthBody('x', 'raw', true) },
  { name: ID_MACRO, params: ['x'], body: idBody('x') },
  { name: PHONE_MACRO, params: ['x'], body: phoneBody('x') },
  { name: EMAIL_MACRO, params: ['x'], body: emailBody('x') },
  { name: MONEY_MACRO, params: ['x'], body: moneyBody('x') },
  { name: INT_MACRO, params: ['x'], body: intBody('x') },
  { name: DECIMAL_MACRO, params: ['x'], body: decimalBody('x') },
  { name: TIMESTAMP_MACRO, params: ['x', 'tz'], body: timestampBody('x', 'tz') },
];

export async function createMacros(wh: Warehouse): Promise<void> {
  for (const m of MACROS) await wh.run(`CREATE OR REPLACE TEMP MACRO ${m.name}(${m.params.join(', ')}) AS ${m.body}`);
}
