/**
 * Coder mixes local offsets (`2025-10-27T10:27:44.422391+01:00`) and UTC with nanoseconds
 * (`2025-10-27T09:28:51.813325134Z`). The domain keeps UTC ISO strings with millisecond precision
 * (`2025-10-27T09:27:44.422Z`) plus epoch-ms numbers for arithmetic. Unparsable or missing input is
 * never replaced by "now": the number is NaN and the string is kept as sent (or '').
 *
 * Hot path (10,000 tasks per call): `Date.parse` gives epoch ms without allocating a Date; strings that
 * are already UTC (`...Z`, any fraction length) are normalised by slicing; other offsets are rendered by
 * `formatUtcIso`, a small integer formatter that is ~3x cheaper than `new Date(ms).toISOString()`.
 */

/** A point in time handed in by the caller; the domain never reads the clock. */
export type Instant = Date | number;

export function toEpochMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

/** Epoch ms of an RFC 3339 string; NaN when missing or unparsable. */
export function parseTimestamp(raw: string | null | undefined): number {
  if (!raw) return Number.NaN;
  const fast = parseRfc3339(raw);
  return fast === fast ? fast : Date.parse(raw);
}

/** Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days-from-civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function digits(s: string, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    v = v * 10 + c;
  }
  return v;
}

/** Two ASCII digits at `at`, or -1. */
function two(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Strict fast path for `YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]` (what Coder sends; no zone = UTC);
 * fractions are truncated to milliseconds like Date.parse. NaN for anything else (caller falls back).
 */
function parseRfc3339(s: string): number {
  const n = s.length;
  if (n < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== T || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) {
    return Number.NaN;
  }
  const y = digits(s, 0, 4);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const se = two(s, 17);
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && se >= 0 && se <= 59)) {
    return Number.NaN;
  }
  let i = 19;
  let ms = 0;
  if (s.charCodeAt(i) === DOT) {
    i++;
    const start = i;
    for (; i < n; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (i - start < 3) ms = ms * 10 + c;
    }
    const count = i - start;
    if (count === 0) return Number.NaN;
    if (count === 1) ms *= 100;
    else if (count === 2) ms *= 10;
  }
  let offset = 0;
  const tz = s.charCodeAt(i);
  if (i === n) {
    // No zone designator: read as UTC (Date.parse would use the host's zone, which is environment-dependent).
  } else if (tz === Z) {
    if (i + 1 !== n) return Number.NaN;
  } else if ((tz === 43 || tz === 45) && i + 6 === n && s.charCodeAt(i + 3) === 58) {
    const oh = two(s, i + 1);
    const om = two(s, i + 4);
    if (!(oh >= 0 && oh <= 23 && om >= 0 && om <= 59)) return Number.NaN;
    offset = (tz === 43 ? 1 : -1) * (oh * 60 + om) * 60_000;
  } else {
    return Number.NaN;
  }
  if (d > 28 && d > daysInMonth(y, mo)) return Number.NaN; // e.g. Feb 30: let Date.parse decide
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + se * 1000 + ms - offset;
}

const Z = 90; // 'Z'
const DOT = 46; // '.'
const T = 84; // 'T'

/** UTC ISO string for `raw` given its already-parsed epoch ms (avoids parsing twice). */
export function utcIso(raw: string | null | undefined, ms: number): string {
  if (!raw) return '';
  if (ms !== ms) return raw; // NaN: keep what Coder sent
  const n = raw.length;
  if (n >= 20 && raw.charCodeAt(n - 1) === Z && raw.charCodeAt(10) === T) {
    if (n === 24 && raw.charCodeAt(19) === DOT) return raw; // canonical already
  }
  return formatUtcIso(ms);
}

/**
 * `new Date(ms).toISOString()` for years 0000-9999, without allocating a Date. Built with one
 * `String.fromCharCode` call: a flat 24-char string, not a tree of concatenated pieces (which costs
 * hundreds of bytes per timestamp until flattened and dominated GC at 10,000 agents).
 */
export function formatUtcIso(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  ms = Math.floor(ms);
  const days = Math.floor(ms / 86_400_000);
  let rem = ms - days * 86_400_000;
  // Civil-from-days (H. Hinnant), proleptic Gregorian.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) return new Date(ms).toISOString();
  // All values below are small non-negative integers: `| 0` is an exact floor.
  const h = (rem / 3_600_000) | 0;
  rem -= h * 3_600_000;
  const min = (rem / 60_000) | 0;
  rem -= min * 60_000;
  const sec = (rem / 1000) | 0;
  const milli = rem - sec * 1000;
  return String.fromCharCode(
    48 + ((y / 1000) | 0),
    48 + (((y / 100) | 0) % 10),
    48 + (((y / 10) | 0) % 10),
    48 + (y % 10),
    45,
    48 + ((m / 10) | 0),
    48 + (m % 10),
    45,
    48 + ((d / 10) | 0),
    48 + (d % 10),
    T,
    48 + ((h / 10) | 0),
    48 + (h % 10),
    58,
    48 + ((min / 10) | 0),
    48 + (min % 10),
    58,
    48 + ((sec / 10) | 0),
    48 + (sec % 10),
    DOT,
    48 + ((milli / 100) | 0),
    48 + (((milli / 10) | 0) % 10),
    48 + (milli % 10),
    Z,
  );
}

/** Normalise one RFC 3339 string to UTC ISO (ms precision). */
export function normalizeTimestamp(raw: string | null | undefined): string {
  return utcIso(raw, parseTimestamp(raw));
}

/** Epoch ms to UTC ISO; '' for NaN. */
export function isoFromMs(ms: number): string {
  return formatUtcIso(ms);
}
