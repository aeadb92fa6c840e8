/**
 * The Coder port of the server: the client surface and wire types the tools use, re-exported from
 * @org/coder-api-client. Keep this the only place the server names them.
 */
export type {
  AnyTask,
  Capabilities,
  Chat,
  ChatMessage,
  ChatMessagePart,
  ChatQueuedMessage,
  ChatSocket,
  ChatSocketStatus,
  ChatSocketTuning,
  ChatWatchEvent,
  CreateChatRequest,
  CoderApiError,
  CoderClient,
  CoderResult,
  Preset,
  ServerInfo,
  Task,
  TaskLogEntry,
  TaskLogsResponse,
  Template,
  TemplateVersion,
  TemplateVersionParameter,
  User,
  Workspace,
  WorkspaceAgent,
  WorkspaceApp,
  WorkspaceAppStatus,
  WorkspaceBuild,
} from '@org/coder-api-client';
