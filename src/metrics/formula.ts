/**
 * The formula language of the metric catalog. Metrics and dimensions are written as small expressions
 * (`sum(amount)`, `days_between(ordered_at, paid_at)`, `{revenue} / {orders}`) that are parsed here into
 * a tree, checked against the schema, and turned into typed SQL values (src/sql). Nothing a user writes in
 * a config file reaches the database as text: names must resolve to schema fields, values become literals
 * rendered by the dialect.
 */

export type Formula =
  | { readonly k: 'num'; readonly value: number }
  | { readonly k: 'str'; readonly value: string }
  | { readonly k: 'bool'; readonly value: boolean }
  | { readonly k: 'null' }
  /** A field of the source entity or, through references, of a related one: `amount`, `customer.province`, `extra.爱好`. */
  | { readonly k: 'field'; readonly path: readonly string[] }
  /** `{metric}` in a derived metric. */
  | { readonly k: 'metric'; readonly name: string }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Formula[]; readonly star?: boolean; readonly distinct?: boolean }
  | { readonly k: 'bin'; readonly op: string; readonly left: Formula; readonly right: Formula }
  | { readonly k: 'not'; readonly e: Formula }
  | { readonly k: 'neg'; readonly e: Formula }
  | { readonly k: 'isnull'; readonly e: Formula; readonly not: boolean }
  | { readonly k: 'in'; readonly e: Formula; readonly list: readonly Formula[]; readonly not: boolean };

export class FormulaError extends Error {
  override readonly name = 'FormulaError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Tok =
  | { t: 'num'; v: number; p: number }
  | { t: 'str'; v: string; p: number }
  | { t: 'id'; v: string; p: number }
  | { t: 'metric'; v: string; p: number }
  | { t: 'op'; v: string; p: number }
  | { t: 'end'; p: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'true', 'false', 'distinct']);

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const p = i;
    const prev = out[out.length - 1];
    const afterName = prev !== undefined && (prev.t === 'id' || prev.t === 'metric' || (prev.t === 'op' && prev.v === ')'));
    // `.5` is a number, but in `customer.1` the dot is a path separator (and the 1 not a name).
    if (/[0-9]/.test(c) || (c === '.' && !afterName && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?/.exec(src.slice(i));
      out.push({ t: 'num', v: Number(m![0]), p });
      i += m![0].length;
    } else if (c === "'") {
      let s = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new FormulaError('unterminated string', p);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += src[i++];
      }
      out.push({ t: 'str', v: s, p });
    } else if (c === '{') {
      const end = src.indexOf('}', i);
      if (end < 0) throw new FormulaError('unterminated {metric}', p);
      const name = src.slice(i + 1, end).trim();
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new FormulaError(`'{${name}}' is not a metric name`, p);
      out.push({ t: 'metric', v: name, p });
      i = end + 1;
    } else if (c === '"') {
      const end = src.indexOf('"', i + 1);
      if (end < 0) throw new FormulaError('unterminated quoted name', p);
      out.push({ t: 'id', v: src.slice(i + 1, end), p });
      i = end + 1;
    } else if (/[\p{L}_]/u.test(c)) {
      const m = /^[\p{L}\p{N}_]+/u.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0], p });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['<=', '>=', '<>', '!=', '=='].includes(two)) {
        out.push({ t: 'op', v: two === '!=' ? '<>' : two === '==' ? '=' : two, p });
        i += 2;
      } else if ('+-*/(),.<>='.includes(c)) {
        out.push({ t: 'op', v: c, p });
        i++;
      } else throw new FormulaError(`unexpected '${c}'`, p);
    }
  }
  out.push({ t: 'end', p: src.length });
  return out;
}

/** Parses a formula; throws FormulaError with the position of the problem. */
export function parseFormula(src: string): Formula {
  const toks = tokenize(src);
  let i = 0;
  const peek = () => toks[i]!;
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const isKw = (v: string) => {
    const t = peek();
    return t.t === 'id' && t.v.toLowerCase() === v;
  };
  const expectOp = (v: string) => {
    if (!isOp(v)) throw new FormulaError(`expected '${v}'`, peek().p);
    i++;
  };

  const orExpr = (): Formula => {
    let l = andExpr();
    while (isKw('or')) {
      i++;
      l = { k: 'bin', op: 'OR', left: l, right: andExpr() };
    }
    return l;
  };
  const andExpr = (): Formula => {
    let l = notExpr();
    while (isKw('and')) {
      i++;
      l = { k: 'bin', op: 'AND', left: l, right: notExpr() };
    }
    return l;
  };
  const notExpr = (): Formula => {
    if (isKw('not')) {
      i++;
      return { k: 'not', e: notExpr() };
    }
    return cmpExpr();
  };
  const cmpExpr = (): Formula => {
    const l = addExpr();
    const t = peek();
    if (t.t === 'op' && ['=', '<>', '<', '<=', '>', '>='].includes(t.v)) {
      i++;
      return { k: 'bin', op: t.v, left: l, right: addExpr() };
    }
    if (isKw('is')) {
      i++;
      let negate = false;
      if (isKw('not')) {
        i++;
        negate = true;
      }
      if (!isKw('null')) throw new FormulaError("expected NULL after IS", peek().p);
      i++;
      return { k: 'isnull', e: l, not: negate };
    }
    let negate = false;
    if (isKw('not') && toks[i + 1]?.t === 'id' && (toks[i + 1] as { v: string }).v.toLowerCase() === 'in') {
      i++;
      negate = true;
    }
    if (isKw('in')) {
      i++;
      expectOp('(');
      const list: Formula[] = [addExpr()];
      while (isOp(',')) {
        i++;
        list.push(addExpr());
      }
      expectOp(')');
      return { k: 'in', e: l, list, not: negate };
    }
    return l;
  };
  const addExpr = (): Formula => {
    let l = mulExpr();
    while (isOp('+') || isOp('-')) {
      const op = (toks[i++] as { v: string }).v;
      l = { k: 'bin', op, left: l, right: mulExpr() };
    }
    return l;
  };
  const mulExpr = (): Formula => {
    let l = unary();
    while (isOp('*') || isOp('/')) {
      const op = (toks[i++] as { v: string }).v;
      l = { k: 'bin', op, left: l, right: unary() };
    }
    return l;
  };
  const unary = (): Formula => {
    if (isOp('-')) {
      i++;
      return { k: 'neg', e: unary() };
    }
    return primary();
  };
  const primary = (): Formula => {
    const t = peek();
    if (t.t === 'num') {
      i++;
      return { k: 'num', value: t.v };
    }
    if (t.t === 'str') {
      i++;
      return { k: 'str', value: t.v };
    }
    if (t.t === 'metric') {
      i++;
      return { k: 'metric', name: t.v };
    }
    if (t.t === 'op' && t.v === '(') {
      i++;
      const e = orExpr();
      expectOp(')');
      return e;
    }
    if (t.t === 'id') {
      const lower = t.v.toLowerCase();
      if (lower === 'true' || lower === 'false') {
        i++;
        return { k: 'bool', value: lower === 'true' };
      }
      if (lower === 'null') {
        i++;
        return { k: 'null' };
      }
      if (KEYWORDS.has(lower)) throw new FormulaError(`unexpected '${t.v}'`, t.p);
      i++;
      if (isOp('(')) {
        i++;
        if (isOp('*')) {
          i++;
          expectOp(')');
          return { k: 'call', name: lower, args: [], star: true };
        }
        let distinct = false;
        if (isKw('distinct')) {
          i++;
          distinct = true;
        }
        const args: Formula[] = [];
        if (!isOp(')')) {
          args.push(orExpr());
          while (isOp(',')) {
            i++;
            args.push(orExpr());
          }
        }
        expectOp(')');
        return distinct ? { k: 'call', name: lower, args, distinct } : { k: 'call', name: lower, args };
      }
      const path = [t.v];
      while (isOp('.')) {
        i++;
        const n = peek();
        if (n.t !== 'id') throw new FormulaError("expected a name after '.'", n.p);
        path.push(n.v);
        i++;
      }
      return { k: 'field', path };
    }
    throw new FormulaError(t.t === 'end' ? 'unexpected end of formula' : `unexpected '${'v' in t ? t.v : ''}'`, t.p);
  };

  const e = orExpr();
  if (peek().t !== 'end') throw new FormulaError(`unexpected '${(peek() as { v?: unknown }).v ?? ''}'`, peek().p);
  return e;
}

/** The `{metric}` names a formula refers to, in order of first appearance. */
export function metricRefs(f: Formula): string[] {
  const out: string[] = [];
  const walk = (x: Formula): void => {
    switch (x.k) {
      case 'metric':
        if (!out.includes(x.name)) out.push(x.name);
        return;
      case 'call':
        x.args.forEach(walk);
        return;
      case 'bin':
        walk(x.left);
        walk(x.right);
        return;
      case 'not':
      case 'neg':
      case 'isnull':
        walk(x.e);
        return;
      case 'in':
        walk(x.e);
        x.list.forEach(walk);
        return;
      default:
        return;
    }
  };
  walk(f);
  return out;
}
