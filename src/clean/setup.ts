import type { Warehouse } from '../warehouse/port.js';
import type { CleanConfig } from './types.js';
import { createMacros } from './macros.js';
import { setupRegions } from './regions.js';
import { reEscape } from './sql.js';
import { T2S_MACRO, T2S_UDF } from './text.js';

/**
 * The optional warehouse capability the Traditional → Simplified rule needs: registering a JS scalar function
 * VARCHAR → VARCHAR on the warehouse's connection (NULL in, NULL out). Proposed addition to the Warehouse port.
 */
export interface UdfHost {
  registerFunction?(name: string, fn: (s: string | null) => string | null): void;
}

export interface CleaningSetup {
  /** Whether traditional_to_simplified can run (the warehouse registered the OpenCC function). */
  readonly traditionalToSimplified: boolean;
}

type Converter = (s: string) => string;

let t2s: Promise<{ convert: Converter; chars: string }> | undefined;

/**
 * OpenCC Traditional (Hong Kong and Taiwan variants) → Simplified (mainland), and the characters that can trigger a
 * change: the keys of its character dictionaries, and in each phrase that changes the characters it changes. A string
 * with none of them is left as it is by every dictionary, so the UDF need not see it.
 */
function loadT2s(): Promise<{ convert: Converter; chars: string }> {
  t2s ??= import('opencc-js/t2cn').then(({ ConverterFactory, Locale }) => {
    const groups = [Locale.from.hk ?? [], Locale.from.tw ?? [], Locale.to.cn ?? []];
    const chars = new Set<string>();
    for (const group of groups) {
      for (const dict of group) {
        const pairs = typeof dict === 'string' ? dict.split('|').map((pair) => pair.split(' ')) : dict;
        for (const [from = '', to = ''] of pairs) {
          const a = [...from];
          const b = [...to];
          if (from === to) continue;
          if (a.length !== b.length) a.forEach((ch) => chars.add(ch));
          else a.forEach((ch, i) => ch !== b[i] && chars.add(ch));
        }
      }
    }
    return { convert: ConverterFactory(...groups), chars: [...chars].join('') };
  });
  return t2s;
}

let variants: Promise<(s: string) => readonly string[]> | undefined;

/** Traditional-script forms (Taiwan and Hong Kong) of a region name, so 廣東省 and 臺北市 match without t2s. */
function loadVariants(): Promise<(s: string) => readonly string[]> {
  variants ??= import('opencc-js/cn2t').then(({ Converter }) => {
    const tw = Converter({ from: 'cn', to: 'tw' });
    const hk = Converter({ from: 'cn', to: 'hk' });
    return (s: string) => [tw(s), hk(s)];
  });
  return variants;
}

/** Bounded memo of conversions: region names, enum values and the like repeat heavily. */
function memo(convert: Converter, max = 100_000): (s: string | null) => string | null {
  const cache = new Map<string, string>();
  return (s) => {
    if (s === null) return null;
    let out = cache.get(s);
    if (out === undefined) {
      out = convert(s);
      if (cache.size >= max) cache.clear();
      cache.set(s, out);
    }
    return out;
  };
}

const registered = new WeakSet<object>();

/**
 * Prepares a warehouse connection for the SQL that cleanFieldSql generates: the rule macros (tm_clean_*, see
 * macros.ts), the region lookup table, and (when the warehouse can register functions) the OpenCC UDF `tm_t2s` with
 * the macro `tm_t2s_lazy`, which calls it only for values holding a character OpenCC would change.
 * Idempotent; call it once per connection before an import (all of it is TEMP, so per connection).
 * Without registerFunction the macro raises a clear error if an import asks for traditional_to_simplified.
 * With a config whose traditionalToSimplified is false, the OpenCC Traditional → Simplified dictionaries are not
 * loaded (the region table still gets the Traditional forms of the names, from OpenCC's Simplified → Traditional).
 */
export async function setupCleaning(wh: Warehouse & UdfHost, config?: Partial<CleanConfig>): Promise<CleaningSetup> {
  await createMacros(wh);
  await setupRegions(wh, await loadVariants());
  if (config && !config.traditionalToSimplified) return { traditionalToSimplified: false };
  if (typeof wh.registerFunction !== 'function') {
    await wh.run(
      `CREATE OR REPLACE TEMP MACRO ${T2S_MACRO}(s) AS CASE WHEN s IS NULL THEN NULL ELSE error('traditional_to_simplified needs a warehouse with registerFunction (Warehouse.registerFunction is not available)') END`,
    );
    return { traditionalToSimplified: false };
  }
  const { convert, chars } = await loadT2s();
  if (!registered.has(wh)) {
    wh.registerFunction(T2S_UDF, memo(convert));
    registered.add(wh);
  }
  await wh.run(`CREATE OR REPLACE TEMP MACRO ${T2S_MACRO}(s) AS CASE WHEN regexp_matches(s, '[${reEscape(chars).replace(/'/g, "''")}]') THEN ${T2S_UDF}(s) ELSE s END`);
  return { traditionalToSimplified: true };
}
