/**
 * The dimension catalog (GET /api/dimensions), loaded once per page load and shared: labels for filter chips,
 * report and chart values (tmall → 天猫 / Tmall).
 */
import { useEffect, useState } from 'react';
import { label, type Locale } from '../i18n/index.js';
import { api, type ResponseOf } from './client.js';

export type Dimension = ResponseOf<'GET /api/dimensions'>['dimensions'][number];
export type DimensionIndex = ReadonlyMap<string, Dimension>;

let loading: Promise<DimensionIndex> | undefined;

function load(): Promise<DimensionIndex> {
  loading ??= api.get('/api/dimensions').then(
    (r) => new Map(r.dimensions.map((d) => [d.key, d])),
    (e: unknown) => {
      loading = undefined;
      throw e;
    },
  );
  return loading;
}

/** The catalog's dimensions by key; empty until loaded (labels fall back to keys and raw values). */
export function useDimensions(): DimensionIndex {
  const [index, setIndex] = useState<DimensionIndex>(new Map());
  useEffect(() => {
    let live = true;
    load().then(
      (i) => live && setIndex(i),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return index;
}

export function dimensionLabel(index: DimensionIndex, key: string, locale: Locale): string {
  const d = index.get(key);
  return d ? label(d.label, locale) : key;
}

/** A dimension value as shown to people: the catalog's label for coded values, else the value itself. */
export function dimensionValueLabel(index: DimensionIndex, key: string, value: unknown, locale: Locale): string {
  const values = index.get(key)?.values as Record<string, unknown> | undefined;
  const l = values?.[String(value)];
  return l ? label(l, locale) : String(value);
}
