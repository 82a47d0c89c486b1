import { describe, expect, it } from 'vitest';
import { backHref, listQuery, listStateOf, nextSort, pageCount, parseSort, sortParam } from '../../web/src/pages/customers/list-state.js';

describe('customer list URL state', () => {
  it('parses sort keys of the API only', () => {
    expect(parseSort('-revenue')).toEqual({ key: 'revenue', desc: true });
    expect(parseSort('name')).toEqual({ key: 'name', desc: false });
    expect(parseSort('phone')).toBeUndefined();
    expect(parseSort('-')).toBeUndefined();
    expect(sortParam({ key: 'last_order', desc: true })).toBe('-last_order');
    expect(sortParam(undefined)).toBeUndefined();
  });

  it('flips the same column; numbers start descending, text ascending', () => {
    expect(nextSort(undefined, 'revenue')).toEqual({ key: 'revenue', desc: true });
    expect(nextSort(undefined, 'name')).toEqual({ key: 'name', desc: false });
    expect(nextSort({ key: 'revenue', desc: true }, 'revenue')).toEqual({ key: 'revenue', desc: false });
  });

  it('turns the URL into the API query, with bad values falling back', () => {
    const s = listStateOf(new URLSearchParams('q=%20张%20&sort=-revenue&page=3&size=25'));
    expect(listQuery(s)).toEqual({ search: '张', sort: '-revenue', limit: 25, offset: 50 });
    expect(listQuery(listStateOf(new URLSearchParams('page=-2&size=7&sort=drop')))).toEqual({ limit: 50, offset: 0 });
    expect(pageCount(0, 50)).toBe(1);
    expect(pageCount(101, 50)).toBe(3);
  });

  it('goes back only to a customers URL', () => {
    expect(backHref('tab=list&q=a', '/customers')).toBe('/customers?tab=list&q=a');
    expect(backHref(undefined, '/customers?tab=list')).toBe('/customers?tab=list');
    expect(backHref('a=//evil.example', '/x')).toBe('/x');
  });
});
