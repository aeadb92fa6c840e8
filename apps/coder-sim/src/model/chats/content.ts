import { createRng, int, pick, type Rng } from '../../util/prng.js';
import type { ChatErrorKind, SimChatError, SimChatMessage } from './types.js';

/** Text and numbers simulated chats produce: titles, assistant turns, tool calls, errors, usage. */

export function chatTitle(text: string): string {
  const firstLine = text.trim().split('\n')[0] ?? '';
  if (firstLine === '') return 'New Chat';
  return firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine;
}

const TURN_TEXTS = [
  'I read the failing test and found the race: the cache is cleared after the assertion runs.',
  'I changed the handler to page with a cursor and added tests for the empty and last page.',
  'The build passes now. I pinned the toolchain and updated the lockfile.',
  'I ran the suite three times; it is green each time. Pushing the branch.',
  'I refactored the module into three files and kept the public exports unchanged.',
  'Profiling shows 80% of the time in the JSON encoder; switching to a streaming writer.',
  'I opened a draft pull request with the change and a summary of the trade-offs.',
  'Lint is clean. I also fixed two typos in the README while I was there.',
];

const QUESTIONS = [
  'Should I keep backwards compatibility for the v1 endpoint, or can I remove it?',
  'Which database should the migration target: Postgres or MySQL?',
  'The staging registry needs credentials I do not have. Can you add them?',
];

const DONE_TEXTS = ['Done. The pull request is ready for review.', 'Finished: all tests pass and the docs are updated.'];

export const SUMMARIES = [
  'Fixed the flaky test and pushed a branch.',
  'Added cursor pagination with tests.',
  'Upgraded the toolchain; build is green.',
  'Opened a draft PR with the refactor.',
  'Waiting for an answer about the database.',
];

const TOOLS = ['execute', 'read_file', 'write_file', 'search_code', 'run_tests'];

export function messageText(message: SimChatMessage): string {
  if (message.text !== undefined) return message.text;
  const gen = message.gen;
  if (!gen) return '';
  const rng = createRng(gen.seed);
  switch (gen.kind) {
    case 'turn':
      return pick(rng, TURN_TEXTS);
    case 'question':
      return pick(rng, QUESTIONS);
    case 'done':
      return pick(rng, DONE_TEXTS);
    case 'tool-call':
    case 'tool-result':
      return '';
  }
}

export function toolCallOf(message: SimChatMessage): { id: string; name: string; args: string; result: string } {
  const rng = createRng(message.gen?.seed ?? message.id);
  const name = pick(rng, TOOLS);
  return { id: `call_${(message.gen?.seed ?? message.id).toString(36)}`, name, args: JSON.stringify({ command: name === 'execute' ? 'npm test' : 'src/index.ts' }), result: name === 'execute' ? 'Tests: 42 passed, 42 total' : 'ok' };
}

/** Tokens and cost of one model request (Claude-like prices: $3 / $15 per million in/out). */
export function usageFor(rng: Rng): { usage: NonNullable<SimChatMessage['usage']>; costMicros: number } {
  const input = int(rng, 2_000, 40_000);
  const output = int(rng, 150, 4_000);
  const reasoning = int(rng, 0, 800);
  const cacheRead = int(rng, 0, input);
  return { usage: { input, output, reasoning, cacheRead }, costMicros: input * 3 + output * 15 + Math.round(cacheRead * 0.3) };
}

const ERROR_MESSAGES: Record<ChatErrorKind, { message: string; retryable: boolean; statusCode?: number }> = {
  generic: { message: 'The agent stopped unexpectedly.', retryable: false },
  overloaded: { message: 'The model provider is overloaded. Try again shortly.', retryable: true, statusCode: 529 },
  rate_limit: { message: 'The model provider rate limited this request.', retryable: true, statusCode: 429 },
  timeout: { message: 'The model request timed out.', retryable: true },
  stream_silence_timeout: { message: 'The model stream went silent for too long.', retryable: true },
  auth: { message: 'The model provider rejected the API key.', retryable: false, statusCode: 401 },
  config: { message: 'The model configuration is invalid.', retryable: false },
  usage_limit: { message: 'You have reached your AI spend limit for this period.', retryable: false, statusCode: 409 },
  missing_key: { message: 'No API key is configured for this provider.', retryable: false },
  provider_disabled: { message: 'The model provider is disabled.', retryable: false },
  content_filter: { message: 'The response was blocked by the content filter.', retryable: false },
  hook_dispatch_failed: { message: 'A lifecycle hook could not be dispatched.', retryable: false },
  hook_denied: { message: 'A lifecycle hook denied this action.', retryable: false },
};

export function chatError(kind: ChatErrorKind, message?: string): SimChatError {
  const base = ERROR_MESSAGES[kind];
  return {
    kind,
    message: message ?? base.message,
    retryable: base.retryable,
    ...(kind === 'generic' || kind.startsWith('hook') ? {} : { provider: 'anthropic' }),
    ...(base.statusCode !== undefined ? { statusCode: base.statusCode } : {}),
  };
}

const PR_TITLES = ['Fix flaky payments test', 'Add cursor pagination to /orders', 'Upgrade to Node 22', 'Split billing module', 'Add retries to webhook sender'];

export function prTitle(rng: Rng): string {
  return pick(rng, PR_TITLES);
}

export function branchName(rng: Rng): string {
  return `agent/${pick(rng, ['fix', 'feat', 'chore'])}-${int(rng, 100, 999)}`;
}

export const REPO = 'example-org/app';
