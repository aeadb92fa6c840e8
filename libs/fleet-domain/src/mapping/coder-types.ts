/**
 * The ONE file that names Coder wire types inside fleet-domain: the client's friendly aliases
 * (`@org/coder-api-client/types`), re-exported for the rest of this lib. Type-only: fleet-domain never
 * calls the client (enforced by ESLint, see architecture.spec.ts).
 *
 * - `Task`: GA-era task (`/api/v2/tasks`, Coder >= 2.29): `status` is a TaskStatus, `workspace_status` present.
 * - `ExperimentalTask`: 2.27/2.28: `status` is the WORKSPACE status (e.g. "running").
 * - `Preset`: PascalCase on the wire (`ID`, `Name`, `Parameters[{Name, Value}]`, `Default`).
 * - `Chat` & co.: Coder Agents (Chats API, docs/coder-chats-api.md §4). Every enum is open (`Known… | string`);
 *   omitempty fields are optional. The mapping still tolerates chats that lack "required" fields.
 */
export type {
  Chat,
  ChatDiffStatus,
  ChatError,
  ChatMessage,
  ChatMessagePart,
  ChatQueuedMessage,
  AnyTask,
  ExperimentalTask,
  Preset,
  Task,
  TaskLogEntry,
  TaskState,
  TaskStateEntry,
  TaskStatus,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  WorkspaceAgentHealth,
  WorkspaceAgentLifecycle,
  Workspace,
  WorkspaceStatus,
} from '@org/coder-api-client/types';
