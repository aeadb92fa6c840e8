/**
 * Text helpers shared by the domain and the MCP server: Coder log entries can be 80 KB terminal
 * screens and agent messages are unbounded, so everything shown to a model is cut explicitly.
 */

export interface TruncateOptions {
  /** Keep the beginning (`head`, default) or the end (`tail`, useful for terminal output). */
  readonly keep?: 'head' | 'tail';
}

/** The explicit marker inserted where text was cut, e.g. `…[truncated 1234 chars]`. */
export function truncationMarker(omitted: number): string {
  return `…[truncated ${omitted} chars]`;
}

/**
 * Cut `text` to at most `max` characters (UTF-16 code units), replacing the removed part with an explicit
 * marker that says how many characters were dropped. Text that fits is returned unchanged. Never splits a
 * surrogate pair. When `max` is smaller than the marker itself, returns only as much of the marker as fits.
 */
export function truncateText(text: string, max: number, options: TruncateOptions = {}): string {
  const limit = Math.max(0, Math.floor(max));
  if (text.length <= limit) return text;
  // The marker's length depends on the number of omitted chars; two rounds settle it.
  let keep = Math.max(0, limit - truncationMarker(text.length).length);
  let marker = truncationMarker(text.length - keep);
  keep = Math.max(0, limit - marker.length);
  marker = truncationMarker(text.length - keep);
  if (marker.length > limit) return marker.slice(0, limit);
  if (options.keep === 'tail') {
    let start = text.length - keep;
    if (start > 0 && start < text.length && isLowSurrogate(text.charCodeAt(start))) start += 1;
    return marker + text.slice(start);
  }
  let end = keep;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return text.slice(0, end) + marker;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

type DurationUnit = 's' | 'min' | 'h' | 'd';
type DurationParts = readonly [number, DurationUnit] | readonly [number, DurationUnit, number, DurationUnit];

/** A duration as its largest unit plus the next one when not zero (`2 h 5 min`); undefined when not finite. */
function durationParts(ms: number): DurationParts | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return [s, 's'];
  const min = Math.floor(s / 60);
  if (min < 60) return [min, 'min'];
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? [h, 'h'] : [h, 'h', min % 60, 'min'];
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? [d, 'd'] : [d, 'd', h % 24, 'h'];
}

/** Human duration for messages: `45 s`, `12 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const p = durationParts(ms);
  if (!p) return 'an unknown time';
  return p.length === 4 ? `${p[0]} ${p[1]} ${p[2]} ${p[3]}` : `${p[0]} ${p[1]}`;
}

const COMPACT_UNIT: Readonly<Record<DurationUnit, string>> = { s: 's', min: 'm', h: 'h', d: 'd' };

/** Compact duration for dense lists: `45s`, `12m`, `2h5m`, `3d4h`; `?` when unknown. */
export function formatAge(ms: number): string {
  const p = durationParts(ms);
  if (!p) return '?';
  return p.length === 4 ? `${p[0]}${COMPACT_UNIT[p[1]]}${p[2]}${COMPACT_UNIT[p[3]]}` : `${p[0]}${COMPACT_UNIT[p[1]]}`;
}
