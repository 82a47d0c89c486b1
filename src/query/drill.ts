/** Drill-down and drill-up along the catalog's hierarchies (time year → day, region, product, org). */
import type { Catalog, DimensionDef } from '../metrics/types.js';
import { findByName } from './compile.js';
import { QueryError, type Query } from './types.js';

function levels(catalog: Catalog, hierarchy: string): DimensionDef[] {
  return [...catalog.dimensions.values()].filter((d) => d.hierarchy === hierarchy).sort((a, b) => (a.level ?? 0) - (b.level ?? 0));
}

function dim(catalog: Catalog, name: string, field: string): DimensionDef {
  const d = findByName(catalog.dimensions, name);
  if (!d) throw new QueryError([{ code: 'unknown_dimension', field, message: `unknown dimension '${name}'; dimensions: ${[...catalog.dimensions.keys()].join(', ')}` }]);
  return d;
}

/**
 * Drill down from one value: `year = 2024` → the same query by quarter, filtered to 2024.
 * The dimension must be in the query and have a finer level.
 */
export function drillDown(catalog: Catalog, q: Query, dimension: string, value: string): Query {
  const d = dim(catalog, dimension, 'drill.dimension');
  const dims = (q.dimensions ?? []).map((x) => findByName(catalog.dimensions, x)?.key ?? x);
  if (!dims.includes(d.key)) throw new QueryError([{ code: 'drill_not_in_query', field: 'drill.dimension', message: `drill: ${d.key} is not a dimension of the query (${dims.join(', ') || 'none'})` }]);
  if (!d.hierarchy) throw new QueryError([{ code: 'no_hierarchy', field: 'drill.dimension', message: `drill: ${d.key} is not part of a hierarchy; hierarchies: time (year → day), region (province → district), product (category → product), org (branch → rep)` }]);
  const next = levels(catalog, d.hierarchy).find((x) => (x.level ?? 0) > (d.level ?? 0));
  if (!next) throw new QueryError([{ code: 'no_finer_level', field: 'drill.dimension', message: `drill: ${d.key} is the finest level of ${d.hierarchy}` }]);
  return {
    ...q,
    dimensions: dims.map((x) => (x === d.key ? next.key : x)),
    filters: [...(q.filters ?? []), { dimension: d.key, op: 'eq', values: [value] }],
  };
}

/** Drill up: the dimension replaced by its parent level; filters on it and finer levels of the hierarchy are dropped. */
export function drillUp(catalog: Catalog, q: Query, dimension: string): Query {
  const d = dim(catalog, dimension, 'drill.dimension');
  const dims = (q.dimensions ?? []).map((x) => findByName(catalog.dimensions, x)?.key ?? x);
  if (!dims.includes(d.key)) throw new QueryError([{ code: 'drill_not_in_query', field: 'drill.dimension', message: `drill: ${d.key} is not a dimension of the query (${dims.join(', ') || 'none'})` }]);
  if (!d.hierarchy) throw new QueryError([{ code: 'no_hierarchy', field: 'drill.dimension', message: `drill: ${d.key} is not part of a hierarchy` }]);
  const all = levels(catalog, d.hierarchy);
  const parent = [...all].reverse().find((x) => (x.level ?? 0) < (d.level ?? 0));
  if (!parent) throw new QueryError([{ code: 'no_coarser_level', field: 'drill.dimension', message: `drill: ${d.key} is the top level of ${d.hierarchy}` }]);
  const dropped = new Set(all.filter((x) => (x.level ?? 0) >= (parent.level ?? 0)).map((x) => x.key));
  return {
    ...q,
    dimensions: dims.map((x) => (x === d.key ? parent.key : x)),
    filters: (q.filters ?? []).filter((f) => !dropped.has(findByName(catalog.dimensions, f.dimension)?.key ?? f.dimension)),
  };
}
