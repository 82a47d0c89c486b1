/** Strings that would change a statement they were concatenated into: quotes, comments, UNION, LIKE wildcards, a lone backslash, a placeholder. */
export const INJECTION_CORPUS: readonly string[] = [
  `' OR 1=1 --`,
  `%' UNION SELECT customer_id, name, phone FROM main.customers --`,
  `\\`,
  `%_`,
  `%`,
  `_`,
  `'; DROP TABLE customers; --`,
  `') OR ('1'='1`,
  `" OR ""="`,
  `$1`,
  `*`,
];
