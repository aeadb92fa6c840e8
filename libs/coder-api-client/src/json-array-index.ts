/**
 * Finds the elements of one array inside a JSON object body (`{"tasks":[{…},{…}],"count":2}`) WITHOUT
 * parsing them: byte offsets per element plus each element's top-level `"id"` string.
 *
 * Why: a 10,000-task list is ~12 MB. Decoding it into one string and `JSON.parse`-ing it whole builds the
 * entire object tree at once, which the garbage collector then copies and promotes; a caller that can tell
 * an unchanged task by its bytes skips decoding and parsing it altogether (see TaskListBody).
 *
 * The scan is safe on any UTF-8 JSON: structural bytes are ASCII and never occur inside a multi-byte
 * sequence, and inside a string every `"` is escaped, so strings are skipped by jumping to the next
 * unescaped quote (a native `indexOf`, not a byte loop). It validates only what it relies on (the element
 * list's brackets and commas); each element is validated by `JSON.parse` when it is read, and the rest of
 * the body by parsing `envelope`. Anything unexpected returns `undefined`: the caller then parses the body
 * the ordinary way, which also produces the precise error.
 */
import type { ByteBody } from './byte-body.js';

export interface JsonArrayIndex {
  /** Byte offset where element i starts (`{`). */
  readonly starts: readonly number[];
  /** Byte offset just past element i (`}` + 1). */
  readonly ends: readonly number[];
  /** Element i's top-level `"id"` when it is a plain string (no escapes), else `undefined`. */
  readonly ids: readonly (string | undefined)[];
  /** The body with the array emptied (`{"tasks":[],"count":2}`): parse it to validate and read the rest. */
  readonly envelope: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const LETTER_I = 0x69;
const LETTER_D = 0x64;

/** Deeper nesting than this is left to JSON.parse (the fallback). */
const MAX_DEPTH = 512;

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Index of the quote closing the string whose opening quote is at `open`, or -1 when unterminated. */
function closingQuote(body: ByteBody, open: number): number {
  let j = open + 1;
  for (;;) {
    j = body.indexOf(QUOTE, j);
    if (j < 0) return -1;
    let backslashes = 0;
    for (let k = j - 1; body[k] === BACKSLASH; k--) backslashes++;
    if ((backslashes & 1) === 0) return j;
    j++;
  }
}

/** Whether `byte` occurs in body[start, end) (a short range: an id). */
function hasByte(body: ByteBody, byte: number, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (body[i] === byte) return true;
  return false;
}

function nextNonSpace(body: ByteBody, from: number): number {
  let i = from;
  while (isSpace(body[i])) i++;
  return i;
}

function equalsAscii(body: ByteBody, start: number, end: number, text: string): boolean {
  if (end - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (body[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Elements of the array under top-level key `key`, or of the top-level array itself when `key` is `null`
 * (`[{…},{…}]`, e.g. Coder's chats list); `undefined` when the body is not shaped that way.
 */
export function indexJsonArray(body: ByteBody, key: string | null): JsonArrayIndex | undefined {
  const starts: number[] = [];
  const ends: number[] = [];
  const ids: (string | undefined)[] = [];
  let depth = 0;
  // Which bracket opened each depth: a `]` must close a `[` (inside an element JSON.parse would catch it,
  // but around the elements a mismatch would silently drop or merge tasks).
  const opened = new Uint8Array(MAX_DEPTH + 1);
  // Depth 1: the top-level object. The target array's elements open at depth 2 → 3 (1 → 2 for a top-level array).
  const list = key === null ? 1 : 2;
  const element = list + 1;
  let keyStart = -1;
  let keyEnd = -1;
  let currentKeyIsTarget = false;
  let arrayOpen = -1;
  let arrayClose = -1;
  let inTarget = false;
  let needComma = false;
  let elementStart = -1;
  let elementId: string | undefined;

  const n = body.length;
  const bom = body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? 3 : 0;
  for (let i = bom; i < n; i++) {
    const c = body[i] as number;
    if (c === QUOTE) {
      const close = closingQuote(body, i);
      if (close < 0) return undefined;
      if (depth === 1 && key !== null) {
        keyStart = i + 1;
        keyEnd = close;
      } else if (inTarget && depth === element && close - i === 3 && body[i + 1] === LETTER_I && body[i + 2] === LETTER_D) {
        // Possibly the element's "id" key: `"id"` then `:` then a string value.
        const colon = nextNonSpace(body, close + 1);
        if (body[colon] === COLON) {
          const valueOpen = nextNonSpace(body, colon + 1);
          if (body[valueOpen] === QUOTE) {
            const valueClose = closingQuote(body, valueOpen);
            if (valueClose < 0) return undefined;
            elementId = hasByte(body, BACKSLASH, valueOpen + 1, valueClose) ? undefined : body.toString('utf8', valueOpen + 1, valueClose);
            i = valueClose;
            continue;
          }
        }
      } else if (inTarget && depth === list) {
        return undefined; // a string element: not a list of objects
      }
      i = close;
      continue;
    }
    switch (c) {
      case COLON:
        if (depth === 1 && key !== null) currentKeyIsTarget = keyStart >= 0 && equalsAscii(body, keyStart, keyEnd, key);
        else if (inTarget && depth === list) return undefined;
        break;
      case OPEN_OBJECT:
        if (inTarget && depth === list) {
          if (needComma) return undefined;
          elementStart = i;
          elementId = undefined;
        }
        if (++depth > MAX_DEPTH) return undefined;
        opened[depth] = OPEN_OBJECT;
        break;
      case OPEN_ARRAY:
        if (key === null ? depth === 0 : depth === 1 && currentKeyIsTarget) {
          if (arrayOpen >= 0) return undefined; // the key twice: let JSON.parse decide
          arrayOpen = i;
          inTarget = true;
          needComma = false;
        } else if (inTarget && depth === list) {
          return undefined; // an array element
        }
        if (++depth > MAX_DEPTH) return undefined;
        opened[depth] = OPEN_ARRAY;
        break;
      case CLOSE_OBJECT:
        if (depth < 1 || opened[depth] !== OPEN_OBJECT) return undefined;
        depth--;
        if (inTarget && depth === list) {
          starts.push(elementStart);
          ends.push(i + 1);
          ids.push(elementId);
          needComma = true;
        }
        break;
      case CLOSE_ARRAY:
        if (depth < 1 || opened[depth] !== OPEN_ARRAY) return undefined;
        depth--;
        if (inTarget && depth === list - 1) {
          if (!needComma && starts.length > 0) return undefined; // trailing comma
          inTarget = false;
          arrayClose = i;
        }
        break;
      case COMMA:
        if (depth === 1) currentKeyIsTarget = false;
        if (inTarget && depth === list) {
          if (!needComma) return undefined;
          needComma = false;
        }
        break;
      default:
        // Scalars (numbers, true/false/null) directly in the list are not objects.
        if (inTarget && depth === list && !isSpace(c)) return undefined;
    }
  }
  if (depth !== 0 || arrayOpen < 0 || arrayClose < 0) return undefined;
  const envelope = body.toString('utf8', bom, arrayOpen + 1) + body.toString('utf8', arrayClose);
  return { starts, ends, ids, envelope };
}
