import type { SqlValue } from '../warehouse/port.js';
import type { Expr, FromItem, Select } from './ast.js';
import type { Dialect } from './dialect.js';

export interface Rendered {
  readonly sql: string;
  readonly params: SqlValue[];
}

const PREC: Record<string, number> = { OR: 1, AND: 2, '=': 4, '<>': 4, '<': 4, '<=': 4, '>': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6 };

/** Renders a query for a dialect; parameters are numbered in order of appearance. */
export function render(q: Select, d: Dialect): Rendered {
  const params: SqlValue[] = [];
  const r = new Renderer(d, params);
  const sql = r.select(q, 0);
  return { sql: d.statementSuffix ? `${sql}\n${d.statementSuffix}` : sql, params };
}

/** Renders one expression (for tests and error messages). */
export function renderExpr(e: Expr, d: Dialect): Rendered {
  const params: SqlValue[] = [];
  return { sql: new Renderer(d, params).expr(e), params };
}

class Renderer {
  constructor(
    private readonly d: Dialect,
    private readonly params: SqlValue[],
  ) {}

  private bind(v: SqlValue): string {
    this.params.push(v);
    return this.d.param(this.params.length, v);
  }

  expr(e: Expr, parentPrec = 0): string {
    const d = this.d;
    switch (e.k) {
      case 'col':
        return e.table === undefined ? d.ident(e.name) : `${d.ident(e.table)}.${d.ident(e.name)}`;
      case 'param':
        return this.bind(e.value);
      case 'lit':
        return d.literal(e.value);
      case 'star':
        return '*';
      case 'fn':
        return d.fn(e.name, e.args.map((a) => this.expr(a)));
      case 'agg': {
        const args = e.args.map((a) => this.expr(a));
        return d.agg(e.name, args, e.distinct === true, e.filter === undefined ? undefined : this.expr(e.filter));
      }
      case 'bin': {
        const p = PREC[e.op] ?? 0;
        // Right operands of non-associative operators need brackets at equal precedence: a - (b - c).
        const s = `${this.expr(e.left, p)} ${e.op} ${this.expr(e.right, p + 1)}`;
        return p < parentPrec || (p === parentPrec && p === 4) ? `(${s})` : s;
      }
      case 'not': {
        // NOT binds looser than comparisons and arithmetic: (NOT a) < b needs its brackets.
        const s = `NOT (${this.expr(e.e)})`;
        return parentPrec > 3 ? `(${s})` : s;
      }
      case 'neg':
        return `-(${this.expr(e.e)})`;
      case 'isnull':
        return `(${this.expr(e.e)} IS ${e.not ? 'NOT ' : ''}NULL)`;
      case 'in':
        return `(${this.expr(e.e)} ${e.not ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')}))`;
      case 'like':
        return `(${this.expr(e.e)} ${e.not ? 'NOT ' : ''}LIKE ${this.expr(e.pattern)})`;
      case 'case':
        return `CASE ${e.whens.map(([w, t]) => `WHEN ${this.expr(w)} THEN ${this.expr(t)}`).join(' ')}${e.else === undefined ? '' : ` ELSE ${this.expr(e.else)}`} END`;
      case 'cast':
        return d.cast(this.expr(e.e), e.to);
      case 'trunc':
        return d.trunc(e.unit, this.expr(e.e));
      case 'part':
        return d.part(e.part, this.expr(e.e));
      case 'seconds':
        return d.seconds(this.expr(e.from), this.expr(e.to));
      case 'years':
        return d.years(this.expr(e.from), this.expr(e.to));
      case 'shift':
        return d.shift(this.expr(e.e), e.n, e.unit);
      case 'addDays':
        return d.addDays(this.expr(e.e), this.expr(e.n));
      case 'json':
        return d.json(this.expr(e.e), e.key);
      case 'grouping':
        return d.grouping(e.exprs.map((x) => this.expr(x)));
      case 'inSub':
        return `(${this.expr(e.e)} IN (${this.select(e.query, 1)}))`;
      case 'exists':
        return `(${e.not ? 'NOT ' : ''}EXISTS (${this.select(e.query, 1)}))`;
    }
  }

  private from(f: FromItem, depth: number): string {
    const d = this.d;
    switch (f.k) {
      case 'table':
        return `${d.ident(f.name)} AS ${d.ident(f.as)}`;
      case 'sub':
        return `(${this.select(f.query, depth + 1)}) AS ${d.ident(f.as)}`;
      case 'series':
        return `${d.series(this.expr(f.from), this.expr(f.to), f.unit)} AS ${d.ident(f.as)}`;
    }
  }

  select(q: Select, depth: number): string {
    const d = this.d;
    const nl = '\n' + '  '.repeat(depth);
    const parts: string[] = [];
    if (q.with && q.with.length > 0) {
      parts.push('WITH ' + q.with.map((w) => `${d.ident(w.name)} AS (${nl}  ${this.select(w.query, depth + 1)}${nl})`).join(`,${nl}`));
    }
    parts.push(`SELECT ${q.distinct ? 'DISTINCT ' : ''}${q.select.map((s) => `${this.expr(s.expr)} AS ${d.ident(s.as)}`).join(', ')}`);
    if (q.from) parts.push(`FROM ${this.from(q.from, depth)}`);
    for (const j of q.joins ?? []) parts.push(`${j.kind === 'left' ? 'LEFT JOIN' : 'JOIN'} ${this.from(j.from, depth)} ON ${this.expr(j.on)}`);
    if (q.where) parts.push(`WHERE ${this.expr(q.where)}`);
    if (q.groupBy && q.groupBy.length > 0) {
      const keys = q.groupBy.map((g) => this.expr(g));
      if (q.groupingSets) parts.push(`GROUP BY GROUPING SETS (${q.groupingSets.map((s) => `(${s.map((i) => keys[i]).join(', ')})`).join(', ')})`);
      else parts.push(`GROUP BY ${keys.join(', ')}`);
    } else if (q.groupingSets) {
      parts.push('GROUP BY ()');
    }
    if (q.having) parts.push(`HAVING ${this.expr(q.having)}`);
    let sql = parts.join(nl);
    for (const u of q.unionAll ?? []) sql += `${nl}UNION ALL${nl}${this.select(u, depth)}`;
    const tail: string[] = [];
    if (q.orderBy && q.orderBy.length > 0) tail.push(`ORDER BY ${q.orderBy.map((o) => `${this.expr(o.expr)}${o.desc ? ' DESC' : ' ASC'} NULLS LAST`).join(', ')}`);
    if (q.limit !== undefined) tail.push(`LIMIT ${Math.trunc(q.limit)}`);
    if (q.offset !== undefined) tail.push(`OFFSET ${Math.trunc(q.offset)}`);
    return tail.length > 0 ? sql + nl + tail.join(nl) : sql;
  }
}
