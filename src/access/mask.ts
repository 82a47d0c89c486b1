/**
 * Personal-data masks, defined once in two forms that tests keep equal: SQL macros (the access gate's views apply them)
 * and JS functions (for values that never pass through SQL, e.g. a log line). Characters are Unicode code points.
 * - name: first character, then one * per further character (张三 → 张*, 欧阳娜娜 → 欧***).
 * - phone: the 4 characters before the last 4 become **** (13812345678 → 138****5678, +8613812345678 → +86138****5678,
 *   057188886666 → 0571****6666); 7 or fewer: **** + last 2.
 * - email: first character of the local part, ***, then @domain (zhang.san@example.com → z***@example.com).
 * - id_number: first 3 and last 4 kept, the rest one * each (110101199001011234 → 110***********1234); 7 or fewer: all *.
 * - address: the first 6 characters (province and city, usually), then **** (北京市朝阳区建国路88号 → 北京市朝阳区****).
 * - external_id: first 2 and last 2 with **** between; 4 or fewer: ****.
 * NULL stays NULL and '' stays ''. The `extra` column (unmapped input columns, which may hold anything) is withheld
 * (NULL) from masked callers by the views.
 */
export const MASK_KINDS = ['name', 'phone', 'email', 'id_number', 'address', 'external_id'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

const cp = (s: string) => Array.from(s);

export const MASKS: Readonly<Record<MaskKind, (s: string) => string>> = {
  name: (s) => {
    const c = cp(s);
    return c.length === 0 ? s : c[0]! + '*'.repeat(Math.max(1, c.length - 1));
  },
  phone: (s) => {
    const c = cp(s);
    if (c.length === 0) return s;
    return c.length > 7 ? `${c.slice(0, c.length - 8).join('')}****${c.slice(-4).join('')}` : `****${c.slice(-2).join('')}`;
  },
  email: (s) => {
    if (s === '') return s;
    const at = s.lastIndexOf('@');
    if (at < 0) return `${cp(s)[0] ?? ''}***`;
    return `${cp(s)[0] ?? ''}***${s.slice(at)}`;
  },
  id_number: (s) => {
    const c = cp(s);
    if (c.length === 0) return s;
    return c.length > 7 ? `${c.slice(0, 3).join('')}${'*'.repeat(c.length - 7)}${c.slice(-4).join('')}` : '*'.repeat(c.length);
  },
  address: (s) => {
    const c = cp(s);
    return c.length === 0 ? s : `${c.slice(0, 6).join('')}****`;
  },
  external_id: (s) => {
    const c = cp(s);
    if (c.length === 0) return s;
    return c.length > 4 ? `${c.slice(0, 2).join('')}****${c.slice(-2).join('')}` : '****';
  },
};

export function mask(kind: MaskKind, value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : MASKS[kind](value);
}

/** The SQL macro name for a kind: tm_mask_<kind>(VARCHAR) → VARCHAR. */
export const maskMacro = (kind: MaskKind) => `tm_mask_${kind}`;

/** Temp macros created on every gate connection; each mirrors {@link MASKS}. */
export const MASK_MACROS_SQL: readonly string[] = [
  `CREATE OR REPLACE TEMP MACRO tm_mask_name(s) AS CASE WHEN s IS NULL OR s = '' THEN s ELSE left(s, 1) || repeat('*', greatest(1, length(s) - 1)) END`,
  `CREATE OR REPLACE TEMP MACRO tm_mask_phone(s) AS CASE WHEN s IS NULL OR s = '' THEN s WHEN length(s) > 7 THEN left(s, length(s) - 8) || '****' || right(s, 4) ELSE '****' || right(s, 2) END`,
  `CREATE OR REPLACE TEMP MACRO tm_mask_email(s) AS CASE WHEN s IS NULL OR s = '' THEN s WHEN strpos(s, '@') = 0 THEN left(s, 1) || '***'
     ELSE left(s, 1) || '***' || substr(s, length(s) - strpos(reverse(s), '@') + 1) END`,
  `CREATE OR REPLACE TEMP MACRO tm_mask_id_number(s) AS CASE WHEN s IS NULL OR s = '' THEN s WHEN length(s) > 7 THEN left(s, 3) || repeat('*', length(s) - 7) || right(s, 4) ELSE repeat('*', length(s)) END`,
  `CREATE OR REPLACE TEMP MACRO tm_mask_address(s) AS CASE WHEN s IS NULL OR s = '' THEN s ELSE left(s, 6) || '****' END`,
  `CREATE OR REPLACE TEMP MACRO tm_mask_external_id(s) AS CASE WHEN s IS NULL OR s = '' THEN s WHEN length(s) > 4 THEN left(s, 2) || '****' || right(s, 2) ELSE '****' END`,
];
