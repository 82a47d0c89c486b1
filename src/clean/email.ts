import { lit, macroCall } from './sql.js';

const LOCAL = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const DOMAIN = '(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}';
export const EMAIL_RE = `^${LOCAL}@${DOMAIN}$`;

export const EMAIL_MACRO = 'tm_clean_email';

/** Lower-cased email without a mailto: prefix, NULL unless it looks like local@domain.tld. */
export function emailBody(x: string): string {
  const e = `lower(regexp_replace(${x}, '^mailto:', '', 'i'))`;
  return `CASE WHEN regexp_full_match(${e}, ${lit(EMAIL_RE)}) THEN ${e} END`;
}

export const emailSql = (x: string): string => macroCall(EMAIL_MACRO, x);

export const EMAIL_EXPECTED = 'an email address such as name@example.com';
