import type { ValidationError } from '../wire-types.js';

export interface SearchTerm {
  key: string;
  value: string;
}

/**
 * Coder's search query syntax (coderd/searchquery): the query is lower-cased, split on spaces outside
 * double quotes; `key:value` terms (values may be quoted), bare words get `defaultKey`.
 */
export function parseSearchQuery(q: string, defaultKey: string): { terms: SearchTerm[]; errors: ValidationError[] } {
  const terms: SearchTerm[] = [];
  const errors: ValidationError[] = [];
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of q.toLowerCase()) {
    if (ch === '"') quoted = !quoted;
    if (ch === ' ' && !quoted) {
      if (current) parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current) parts.push(current);
  for (const part of parts) {
    const pieces = splitOutsideQuotes(part);
    if (pieces.length === 1) {
      terms.push({ key: defaultKey, value: unquote(part) });
    } else if (pieces.length === 2) {
      const [key = '', value = ''] = pieces;
      if (key === '' || unquote(value) === '') errors.push({ field: key || defaultKey, detail: `Query element "${part}" has an empty key or value` });
      else terms.push({ key, value: unquote(value) });
    } else {
      errors.push({ field: pieces[0] ?? defaultKey, detail: `Query element "${part}" can only contain 1 ':'` });
    }
  }
  return { terms, errors };
}

function splitOutsideQuotes(part: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of part) {
    if (ch === '"') quoted = !quoted;
    if (ch === ':' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out;
}

function unquote(value: string): string {
  return value.replace(/^"(.*)"$/, '$1');
}

/** Validation entries for keys outside `allowed` (Coder: 400 with one entry per bad key). */
export function unknownKeys(terms: SearchTerm[], allowed: readonly string[]): ValidationError[] {
  return terms.filter((t) => !allowed.includes(t.key)).map((t) => ({ field: t.key, detail: `Query param "${t.key}" is not a valid query param` }));
}
