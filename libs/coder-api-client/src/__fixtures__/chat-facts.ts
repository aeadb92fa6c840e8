/**
 * Chat fixtures shaped after ../shared/docs/coder-chats-api.md §11 (reconstructed from codersdk/chats.go and
 * Coder's doc examples): omitempty keys absent, `last_turn_summary`/`summary` null, `children: []`.
 */
import type { Chat, ChatCost, ChatDiffContents, ChatMessage, ChatMessagesResponse, CreateChatMessageResponse } from '../types.js';
import { ORG_ID, OWNER_ID } from './coder-facts.js';

export const CHAT_ID = '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
export const MODEL_CONFIG_ID = '30e1f2a3-b4c5-4d6e-8f70-8192a3b4c5d6';

export const chat: Chat = {
  id: CHAT_ID,
  organization_id: ORG_ID,
  owner_id: OWNER_ID,
  last_model_config_id: MODEL_CONFIG_ID,
  title: 'Fix the failing tests',
  status: 'running',
  last_turn_summary: null,
  summary: null,
  created_at: '2026-11-30T10:00:00Z',
  updated_at: '2026-11-30T10:00:00Z',
  archived: false,
  shared: false,
  pin_order: 0,
  mcp_server_ids: [],
  labels: { ticket: 'ENG-42' },
  has_unread: false,
  client_type: 'api',
  children: [],
};

export const userMessage: ChatMessage = {
  id: 42,
  chat_id: CHAT_ID,
  role: 'user',
  created_at: '2026-11-30T10:01:00Z',
  content: [{ type: 'text', text: 'also update docs' }],
};

export const sentIdle: CreateChatMessageResponse = { queued: false, message: userMessage, messages: [userMessage] };
export const sentQueued: CreateChatMessageResponse = {
  queued: true,
  queued_message: { id: 7, chat_id: CHAT_ID, content: [{ type: 'text', text: 'also update docs' }], created_at: '2026-11-30T10:02:00Z' },
};

export const messagesPage: ChatMessagesResponse = { messages: [userMessage], queued_messages: [], has_more: false };
export const cost: ChatCost = { chat_id: CHAT_ID, total_cost_micros: 184_000, request_count: 12, unpriced_request_count: 0 };
export const diff: ChatDiffContents = { chat_id: CHAT_ID, branch: 'fix-tests', diff: 'diff --git a/x b/x\n' };
