/**
 * THE escaping rule for untrusted text (anything an agent or a user wrote: state messages, URIs, display
 * names, prompts, log text, build errors, PR and chat titles). Wherever such a string is interpolated
 * into text the server writes, it goes through `quoteUntrusted`: a JSON string literal, so quotes,
 * newlines and fences stay inside one quoted token and cannot start a line that looks like the server's
 * (e.g. a fake "Next:" line). JSON leaves U+0085, U+2028 and U+2029 raw; some renderers break lines
 * there, so they are escaped too. The app's views re-export this function; do not write another.
 */
const LINE_BREAKS = /[\u0085\u2028\u2029]/g;

export function quoteUntrusted(text: string): string {
  return JSON.stringify(text).replace(LINE_BREAKS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
