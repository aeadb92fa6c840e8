import { chance, createRng, deriveSeed, int, pick, weighted } from '../../util/prng.js';
import { PROMPTS } from '../content.js';
import type { Fleet } from '../fleet.js';
import { chatError, chatTitle } from './content.js';
import type { SeedChatInit } from './engine.js';
import type { ChatErrorKind, ChatPersona, ChatStatus } from './types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

type SeedStatus = ChatStatus | 'archived';

const STATUS_MIX: Record<SeedStatus, number> = { waiting: 44, running: 22, error: 8, requires_action: 4, interrupting: 1, paused: 1, archived: 20 };
const ERROR_KINDS: Record<ChatErrorKind, number> = {
  generic: 2, overloaded: 4, rate_limit: 4, timeout: 2, stream_silence_timeout: 1, auth: 1, config: 1, usage_limit: 3,
  missing_key: 1, provider_disabled: 1, content_filter: 1, hook_dispatch_failed: 1, hook_denied: 1,
};
const PERSONAS: Record<ChatPersona, number> = { normal: 70, stuck: 5, needs_action: 7, flaky: 8, pr: 10 };
const PRS: Record<NonNullable<SeedChatInit['pr']>, number> = { none: 55, branch: 8, draft: 7, open: 10, changes_requested: 5, approved: 5, merged: 8, closed: 2 };
const TEAMS = ['payments', 'platform', 'search', 'ml', 'web'];

/**
 * Seed `count` root chats (plus a few subagents) in realistic, seeded variety: every status, errors of
 * every kind, PRs at every review stage, queued messages, labels, unread chats and chats shared with
 * another member. Deterministic for a seed; up to 10,000 chats load in well under a second.
 */
export function populateChats(fleet: Fleet, options: { count: number; seed: number }): void {
  if (options.count <= 0) return;
  const rng = createRng(deriveSeed(options.seed, 0xc4a75));
  const engine = fleet.chats;
  const now = fleet.clock.now();
  const users = fleet.users;
  for (let i = 0; i < options.count; i++) {
    const owner = pick(rng, users);
    const organizationId = owner.organizationIds[0] ?? fleet.defaultOrganization.id;
    const picked = weighted(rng, STATUS_MIX);
    const status: ChatStatus = picked === 'archived' ? (chance(rng, 0.85) ? 'waiting' : 'error') : picked;
    const persona = status === 'requires_action' ? 'needs_action' : weighted(rng, PERSONAS);
    const createdAt = now - int(rng, 5 * MINUTE, 7 * 24 * HOUR);
    const updatedAt = status === 'running' || status === 'interrupting' ? now - int(rng, 1_000, 5 * MINUTE) : createdAt + Math.floor((now - createdAt) * (0.3 + 0.7 * (i % 10) / 10));
    const prompt = pick(rng, PROMPTS);
    const other = users.find((u) => u.id !== owner.id && chance(rng, 0.5));
    const init: SeedChatInit = {
      ownerId: owner.id,
      organizationId,
      title: chatTitle(prompt),
      prompt,
      createdAt,
      updatedAt: Math.min(updatedAt, now),
      status,
      turns: int(rng, 1, 5),
      persona,
      labels: { team: pick(rng, TEAMS), ...(chance(rng, 0.4) ? { ticket: `ENG-${int(rng, 100, 999)}` } : {}) },
      archived: picked === 'archived',
      queue: status === 'running' && chance(rng, 0.2) ? ['Also update the docs.'] : status === 'error' && chance(rng, 0.2) ? ['Try again with a smaller change.'] : [],
      ...(status === 'error' ? { error: chatError(weighted(rng, ERROR_KINDS)) } : {}),
      pr: weighted(rng, PRS),
      ...(other && chance(rng, 0.05) ? { sharedWith: [other.id] } : {}),
      pinOrder: chance(rng, 0.02) ? int(rng, 1, 3) : 0,
      unread: status === 'waiting' && chance(rng, 0.4),
      clientType: chance(rng, 0.6) ? 'ui' : 'api',
    };
    const root = engine.seedChat(init);
    if (chance(rng, 0.08)) {
      for (let c = int(rng, 1, 2); c > 0; c--) {
        engine.seedChat({ ...init, parentId: root.id, title: 'Explore the test suite', prompt: 'Explore the test suite and report flaky tests.', status: root.status === 'running' ? 'running' : 'waiting', turns: 1, queue: [], pr: 'none', persona: 'normal', sharedWith: [], pinOrder: 0 });
      }
    }
  }
}
