import { describe, expect, it } from 'vitest';
import { parseSearchQuery, unknownKeys } from './query.js';

describe('parseSearchQuery', () => {
  it.each([
    ['', []],
    ['owner:me', [{ key: 'owner', value: 'me' }]],
    ['alice', [{ key: 'owner', value: 'alice' }]],
    ['OWNER:Alice Status:Active', [{ key: 'owner', value: 'alice' }, { key: 'status', value: 'active' }]],
    ['owner:"me" status:"active"', [{ key: 'owner', value: 'me' }, { key: 'status', value: 'active' }]],
    ['  owner:bob   organization:coder ', [{ key: 'owner', value: 'bob' }, { key: 'organization', value: 'coder' }]],
    ['"quoted name"', [{ key: 'owner', value: 'quoted name' }]],
  ])('parses %j', (q, terms) => {
    expect(parseSearchQuery(q, 'owner')).toEqual({ terms, errors: [] });
  });

  it('reports elements with more than one colon or empty parts', () => {
    expect(parseSearchQuery('owner:a:b', 'owner').errors).toEqual([{ field: 'owner', detail: 'Query element "owner:a:b" can only contain 1 \':\'' }]);
    expect(parseSearchQuery('status:', 'owner').errors[0]?.field).toBe('status');
  });

  it('keeps colons inside quotes', () => {
    expect(parseSearchQuery('name:"a:b"', 'owner').terms).toEqual([{ key: 'name', value: 'a:b' }]);
  });

  it('flags unknown keys like coderd', () => {
    const { terms } = parseSearchQuery('owner:me colour:red', 'owner');
    expect(unknownKeys(terms, ['owner', 'status'])).toEqual([{ field: 'colour', detail: 'Query param "colour" is not a valid query param' }]);
  });
});
