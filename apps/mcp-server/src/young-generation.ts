/**
 * Stops V8's young generation from growing further (main.ts calls it once the modules have loaded).
 *
 * Why: V8 grows the young generation (up to 2 × 16 MB semi-spaces) whenever allocation is heavy, and the
 * pages stay resident. A fleet read of 10,000 tasks is such a burst, so by default the server's resident
 * memory after its first read sat at 145–160 MB; capped, it is ~115–140 MB (see the bench, scenario 3).
 * The server mostly waits on Coder, and incremental reads allocate little, so the extra scavenges cost
 * little. An operator who sets any semi-space flag (command line or NODE_OPTIONS) keeps their choice.
 */
import { setFlagsFromString } from 'node:v8';

const SEMI_SPACE_FLAG = /--(max-|min-)?semi-space|--semi_space|--max_semi_space|--min_semi_space/;

/** Whether the operator already chose a young-generation size. */
export function choseYoungGeneration(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return execArgv.some((a) => SEMI_SPACE_FLAG.test(a)) || SEMI_SPACE_FLAG.test(nodeOptions ?? '');
}

export function capYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env['NODE_OPTIONS']): boolean {
  if (choseYoungGeneration(execArgv, nodeOptions)) return false;
  setFlagsFromString('--semi-space-growth-factor=1');
  return true;
}
