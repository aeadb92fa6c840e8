/**
 * Coder mixes local offsets (`2025-10-27T10:27:44.422391+01:00`) and UTC with nanoseconds
 * (`2025-10-27T09:28:51.813325134Z`). The domain keeps UTC ISO strings with millisecond precision
 * (`2025-10-27T09:27:44.422Z`) plus epoch-ms numbers for arithmetic. Unparsable or missing input is
 * never replaced by "now": the number is NaN and the string is kept as sent (or '').
 */

/** A point in time handed in by the caller; the domain never reads the clock. */
export type Instant = Date | number;

export function toEpochMs(instant: Instant): number {
  return typeof instant === 'number' ? instant : instant.getTime();
}

/** Epoch ms of an RFC 3339 string; NaN when missing or unparsable. */
export function parseTimestamp(raw: string | null | undefined): number {
  return raw ? Date.parse(raw) : Number.NaN;
}

const CANONICAL_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** UTC ISO string for `raw` given its already-parsed epoch ms (avoids parsing twice). */
export function utcIso(raw: string | null | undefined, ms: number): string {
  if (!raw) return '';
  if (Number.isNaN(ms)) return raw;
  if (raw.length === 24 && CANONICAL_UTC.test(raw)) return raw;
  return new Date(ms).toISOString();
}

/** Normalise one RFC 3339 string to UTC ISO (ms precision). */
export function normalizeTimestamp(raw: string | null | undefined): string {
  return utcIso(raw, parseTimestamp(raw));
}

/** Epoch ms to UTC ISO; '' for NaN. */
export function isoFromMs(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
