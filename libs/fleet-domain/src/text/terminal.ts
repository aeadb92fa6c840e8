/**
 * Terminal decoration out of agent log text: an agent's terminal screen comes with ANSI escape sequences
 * (colours, cursor moves, window titles) and box drawing (the CLI's frames and prompt box), which cost a
 * model context and carry no meaning. What is left is the words, one line per screen line.
 */

// CSI (colours, cursor), OSC (titles, links; ended by BEL or ST) and the remaining two-byte ESC sequences.
// eslint-disable-next-line no-control-regex -- ANSI escapes are control characters: matching them is the point.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// Box drawing (U+2500–U+257F) and block elements (U+2580–U+259F).
const BOX = /[\u2500-\u259f]/g;
const HAS_BOX = /[\u2500-\u259f]/;

/** `text` without ANSI escapes and box drawing; trailing spaces and the blank lines a frame leaves are dropped. */
export function stripTerminalDecoration(text: string): string {
  // eslint-disable-next-line no-control-regex -- ESC starts every ANSI escape.
  if (!/[\u001b\u2500-\u259f]/.test(text)) return text;
  const lines = text
    .replace(ANSI, '')
    .split('\n')
    .map((line) => (HAS_BOX.test(line) ? line.replace(BOX, '').trim() : line.trimEnd()));
  const out: string[] = [];
  for (const line of lines) if (line !== '' || (out.length > 0 && out[out.length - 1] !== '')) out.push(line);
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
