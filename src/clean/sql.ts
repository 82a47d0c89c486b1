/** Small helpers for generating DuckDB SQL from our own constant vocabularies. */

/** A SQL string literal; single quotes are doubled. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A DuckDB MAP literal from string keys to SQL expressions (already rendered). */
export function mapOf(entries: Iterable<readonly [string, string]>): string {
  const parts: string[] = [];
  for (const [k, v] of entries) parts.push(`${lit(k)}: ${v}`);
  return `MAP {${parts.join(', ')}}`;
}

/** A VARCHAR list literal: ['a', 'b']. */
export function listOf(values: Iterable<string>): string {
  return `[${[...values].map(lit).join(', ')}]`;
}

/** `CASE WHEN ok THEN value END`, i.e. value where ok holds, NULL elsewhere. */
export function when(ok: string, value: string): string {
  return `CASE WHEN ${ok} THEN ${value} END`;
}

/** Escapes a string for use inside an RE2 character class or pattern as a literal. */
export function reEscape(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|\-/]/g, (c) => `\\${c}`);
}

/**
 * `let name = expr in body`: DuckDB has no LET, so this is a one-element list_transform. It keeps the generated SQL
 * linear (expr is written once however often body uses it), costs about 10 ns a row, and DuckDB's
 * common-subexpression pass still shares identical lets across the columns of a SELECT. The body must accept a
 * NULL name (the lambda runs for NULL inputs too). Names start with __tm_ so they cannot capture a real column.
 */
export function letIn(expr: string, name: string, body: (v: string) => string): string {
  return `list_transform([${expr}], lambda ${name}: ${body(name)})[1]`;
}

/** A call of one of the cleaning macros that setupCleaning creates. */
export function macroCall(name: string, ...args: string[]): string {
  return `${name}(${args.join(', ')})`;
}
