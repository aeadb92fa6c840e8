/**
 * The Coder Agents (Chats API) wire shapes fleet-domain reads, as in docs/coder-chats-api.md §4 (JSON names,
 * `?` = Go omitempty). Structural and minimal: only the fields the domain reads, every enum an open string,
 * so the client's generated `Chat`, `ChatDiffStatus`, `ChatError` and `ChatMessage` are assignable to them.
 */

/** `waiting`, `running`, `error`, `requires_action`, `interrupting`, `paused`; open (future values map to `unknown`). */
export type ChatStatusLike = string;

export interface ChatErrorLike {
  readonly message: string;
  readonly detail?: string;
  /** generic, overloaded, rate_limit, timeout, stream_silence_timeout, auth, config, usage_limit, missing_key, provider_disabled, content_filter, hook_dispatch_failed, hook_denied (open). */
  readonly kind?: string;
  readonly provider?: string;
  readonly retryable?: boolean;
  readonly status_code?: number;
}

export interface ChatDiffStatusLike {
  readonly chat_id?: string;
  readonly url?: string;
  /** open | closed | merged (open). */
  readonly pull_request_state?: string;
  readonly pull_request_title?: string;
  readonly pull_request_draft?: boolean;
  readonly changes_requested?: boolean;
  readonly additions?: number;
  readonly deletions?: number;
  readonly changed_files?: number;
  readonly pr_number?: number;
  readonly approved?: boolean;
  readonly base_branch?: string;
  readonly head_branch?: string;
}

export interface ChatLike {
  readonly id: string;
  readonly organization_id: string;
  readonly owner_id: string;
  readonly owner_username?: string;
  readonly workspace_id?: string;
  readonly build_id?: string;
  readonly agent_id?: string;
  readonly parent_chat_id?: string;
  readonly root_chat_id?: string;
  readonly last_model_config_id?: string;
  readonly title: string;
  readonly status: ChatStatusLike;
  readonly last_error?: ChatErrorLike | null;
  readonly last_turn_summary?: string | null;
  readonly diff_status?: ChatDiffStatusLike | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly archived?: boolean;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly has_unread?: boolean;
  /** Only the single GET fills it: a running chat waiting for a concurrency slot. */
  readonly queued_for_capacity?: boolean;
  /** Subagents (always `[]` on roots without any). */
  readonly children?: readonly ChatLike[] | null;
}

/** A message part (discriminated by `type`; open). Only the fields the log view reads. */
export interface ChatMessagePartLike {
  readonly type: string;
  readonly text?: string;
  readonly tool_name?: string;
  readonly args?: unknown;
  readonly result?: unknown;
  readonly is_error?: boolean;
  readonly url?: string;
  readonly title?: string;
  readonly name?: string;
  readonly media_type?: string;
  readonly file_name?: string;
  readonly skill_name?: string;
  readonly context_file_path?: string;
  readonly workspace_file_path?: string;
}

export interface ChatMessageLike {
  /** int64 */
  readonly id: number;
  readonly chat_id?: string;
  readonly created_at: string;
  /** system | user | assistant | tool (open). */
  readonly role: string;
  readonly content?: readonly ChatMessagePartLike[] | null;
}

/** A Coder-native queued message (ChatQueuedMessage). */
export interface ChatQueuedMessageLike {
  readonly id: number;
  readonly content?: readonly ChatMessagePartLike[] | null;
  readonly created_at?: string;
}
