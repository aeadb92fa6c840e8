import { createRng, int, next, pick, type Rng } from '../util/prng.js';
import type { SimLogEntry } from './types.js';

/** Text the simulated agents produce: prompts, state messages and terminal screens. */
export const PROMPTS = [
  'Fix the flaky test in the payments service',
  'Add pagination to the /orders endpoint',
  'Upgrade the project to Node 22 and fix the build',
  'Find typos in the documentation',
  'Investigate the memory leak in the worker pool',
  'Write integration tests for the auth middleware',
  'Refactor the billing module into smaller files',
  'Add a dark mode toggle to the settings page',
  'Migrate the CI pipeline to GitHub Actions',
  'Profile the search query and make it faster',
  'Add OpenTelemetry tracing to the API gateway',
  'Train a baseline model on the churn dataset',
  'Summarize the incident from last night and draft a postmortem',
  'Replace moment.js with date-fns',
  'Add retries with backoff to the webhook sender',
  'Review the open pull requests for security issues',
] as const;

const ADJECTIVES = ['pensive', 'brave', 'calm', 'eager', 'quirky', 'jolly', 'sharp', 'witty', 'keen', 'bold', 'zen', 'lucid'];
const SURNAMES = ['goodall', 'hopper', 'turing', 'lovelace', 'curie', 'knuth', 'hamming', 'ritchie', 'liskov', 'noether', 'shannon', 'dijkstra'];

/** `task-<adjective>-<name>-<4 digits>`, like Coder's fallback name generator. */
export function generateTaskName(rng: Rng): string {
  return `task-${pick(rng, ADJECTIVES)}-${pick(rng, SURNAMES)}-${int(rng, 1000, 9999)}`;
}

export function generateDisplayName(input: string): string {
  const firstLine = input.trim().split('\n')[0] ?? '';
  const text = firstLine.length > 0 ? firstLine : 'Untitled task';
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}

export const WORKING_MESSAGES = [
  'Analyzing the codebase',
  'Reading the failing test output',
  'Running the test suite',
  'Implementing the change',
  'Fixing lint errors',
  'Writing unit tests',
  'Updating the documentation',
  'Waiting for CI to finish',
  'Refactoring the module',
  'Reproducing the bug locally',
];

export const IDLE_MESSAGES = [
  'Fix pushed - monitoring CI for test results',
  'Finished the first pass, waiting for review',
  'Draft ready for feedback',
  'Waiting for your input on the approach',
];

export const FAILURE_MESSAGES = [
  'Need input: which database?',
  'Need input: should I keep backwards compatibility?',
  'Blocked: missing credentials for the staging registry',
  'Need input: which branch should I target?',
  'Tests keep failing after 3 attempts, need guidance',
];

export const COMPLETE_MESSAGES = ['Opened a pull request', 'Task complete: all tests pass', 'Done, summary posted'];

export function pullRequestUri(rng: Rng): string {
  return `https://github.com/example-org/app/pull/${int(rng, 100, 9999)}`;
}

const BOX_WIDTH = 66;

function boxLine(text: string): string {
  const clipped = text.length > BOX_WIDTH - 4 ? text.slice(0, BOX_WIDTH - 4) : text;
  return `\u2502 ${clipped.padEnd(BOX_WIDTH - 4)} \u2502`;
}

function box(lines: string[]): string {
  const top = `\u256d\u2500 Claude Code ${'\u2500'.repeat(BOX_WIDTH - 16)}\u256e`;
  const bottom = `\u2570${'\u2500'.repeat(BOX_WIDTH - 2)}\u256f`;
  return [top, ...lines.map(boxLine), bottom].join('\n');
}

function codeLines(rng: Rng, count: number): string[] {
  const verbs = ['const', 'let', 'await', 'return', 'if', 'for'];
  const names = ['order', 'payment', 'client', 'result', 'retry', 'cursor', 'page', 'worker'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = pick(rng, names);
    out.push(`  ${String(int(rng, 1, 999)).padStart(4)}  ${pick(rng, verbs)} ${n}${int(rng, 0, 9)} = ${pick(rng, names)}.${pick(rng, names)}(${n});`);
  }
  return out;
}

/** Renders a generated log entry; deterministic in (kind, seed). `big` is ~80 KB like the recorded screen. */
export function renderLogContent(gen: NonNullable<SimLogEntry['gen']>): string {
  const rng = createRng(gen.seed);
  switch (gen.kind) {
    case 'welcome':
      return box(['', '                         Welcome back!', '', '  /help for help, /status for your current setup', '', `  cwd: /home/coder/app`, '']);
    case 'turn': {
      const lines = [`\u25cf ${pick(rng, WORKING_MESSAGES)}`, ...codeLines(rng, int(rng, 6, 30)), '', `\u25cf ${pick(rng, IDLE_MESSAGES)}`];
      return `${lines.join('\n')}\n\n${box(['> ', ''])}`;
    }
    case 'question':
      return `\u25cf ${pick(rng, FAILURE_MESSAGES)}\n\n${box(['> ', ''])}`;
    case 'done':
      return `\u25cf ${pick(rng, COMPLETE_MESSAGES)}: ${pullRequestUri(rng)}\n\n${box(['> ', ''])}`;
    case 'big': {
      const parts: string[] = ['\u25cf Running the full test suite', ''];
      let size = 0;
      while (size < 80_000) {
        const line = `  \u2713 ${pick(rng, ['orders', 'payments', 'auth', 'search'])}.spec.ts > case ${int(rng, 1, 9999)} (${int(rng, 1, 900)} ms)`;
        parts.push(line);
        size += line.length + 1;
        if (next(rng) < 0.02) parts.push(...codeLines(rng, 5));
      }
      parts.push('', box(['> ', '']));
      return parts.join('\n').slice(0, 80_103);
    }
  }
}

export function logContent(entry: SimLogEntry): string {
  if (entry.content !== undefined) return entry.content;
  return entry.gen ? renderLogContent(entry.gen) : '';
}
