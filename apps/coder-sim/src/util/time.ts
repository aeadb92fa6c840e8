/**
 * Coder's time formats: RFC 3339 with microseconds and the server's local offset for API objects
 * (`2025-10-27T10:27:44.422391+01:00`), UTC with nanoseconds for task log entries
 * (`2025-10-27T09:28:51.813325134Z`). The simulator alternates offsets deterministically so clients
 * must parse both.
 */
const DEFAULT_OFFSETS_MIN = [60, 0] as const;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Deterministic sub-millisecond digits for an instant (so the same instant always prints the same). */
function subMillis(ms: number, digits: number): string {
  const h = Math.imul(Math.floor(ms) ^ 0x5bd1e995, 0x27d4eb2d) >>> 0;
  return pad(h % 10 ** digits, digits);
}

export function formatCoderTime(ms: number, offsets: readonly number[] = DEFAULT_OFFSETS_MIN): string {
  const offset = offsets.length === 0 ? 0 : (offsets[Math.floor(ms / 1000) % offsets.length] ?? 0);
  const local = new Date(Math.floor(ms) + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `.${pad(local.getUTCMilliseconds(), 3)}${subMillis(ms, 3)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

export function formatLogTime(ms: number): string {
  const d = new Date(Math.floor(ms));
  return `${d.toISOString().slice(0, 23)}${subMillis(ms, 6)}Z`;
}
