/**
 * The chats of a fleet read, mapped incrementally: a root chat whose JSON (with its nested subagents) is
 * byte-for-byte what the previous read returned, and whose per-chat extras (costs read by details) are
 * the same objects as then, keeps the agents mapped then, re-judged only for the time-based attention
 * rules (reassessAgent). Only new or changed chats are decoded, parsed and mapped, so a 10,000-chat read
 * costs about what the HTTP request does. The result equals `toChatAgents` over the parsed list.
 */
import { createChatMapper, reassessAgent, type Agent, type AttentionThresholds, type ChatExtras } from '@org/fleet-domain';
import type { ChatListBody } from '@org/coder-api-client';
import type { Chat } from '../coder.js';
import { mapListIncrementally, type MapListResult, type MappedList } from './incremental-list.js';

/** One root chat's agents (the root, then its subagents depth first) and the extras each was mapped with. */
export interface ChatFamily {
  readonly agents: readonly Agent[];
  readonly extras: readonly (ChatExtras | undefined)[];
}

export type MappedChats = MappedList<Chat, ChatFamily>;

export interface ChatMappingOptions extends AttentionThresholds {
  readonly era: 'v2' | 'experimental';
  /** Extras per chat id (kept agents are mapped again when their entry is replaced). */
  readonly extras: ReadonlyMap<string, ChatExtras>;
}

export function mapChatsIncrementally(
  pages: readonly ChatListBody[],
  before: MappedChats | undefined,
  now: Date,
  options: ChatMappingOptions,
): MapListResult<Chat, ChatFamily> {
  const { extras, era } = options;
  let map: ((chat: Chat, out?: Agent[]) => Agent[]) | undefined;
  return mapListIncrementally<Chat, ChatFamily>(pages, before, {
    map(chat) {
      map ??= createChatMapper(now, options);
      const agents = map(chat);
      return { agents, extras: agents.map((a) => extras.get(a.id)) };
    },
    keep(family) {
      const { agents } = family;
      let next: Agent[] | undefined;
      for (let k = 0; k < agents.length; k++) {
        const agent = agents[k] as Agent;
        if (agent.era !== era || extras.get(agent.id) !== family.extras[k]) return undefined;
        const current = reassessAgent(agent, now, options);
        if (current !== agent) (next ??= agents.slice())[k] = current;
      }
      return next ? { agents: next, extras: family.extras } : family;
    },
  });
}
