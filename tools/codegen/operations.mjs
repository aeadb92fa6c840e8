/**
 * The Coder operations this project calls. The generator keeps exactly these (plus the schemas they
 * reach) so the committed spec and types stay small and every type in them is one we use.
 * Add an operationId here when a feature needs a new endpoint, then run `nx run coder-api-client:generate`.
 */
export const USED_OPERATION_IDS = [
  // tasks (GA /api/v2; experimental copies are added by the overlay)
  'list-ai-tasks',
  'create-a-new-ai-task',
  'get-ai-task-by-id-or-name',
  'delete-ai-task',
  'update-ai-task-input',
  'get-ai-task-logs',
  'pause-task',
  'resume-task',
  'send-input-to-ai-task',
  // workspaces and builds
  'list-workspaces',
  'get-workspace-metadata-by-id',
  'create-workspace-build',
  'create-user-workspace-by-organization',
  'get-workspace-build',
  // users, organizations, deployment
  'get-user-by-name',
  'get-organizations',
  'get-organizations-by-user',
  'build-info',
  // chats (Coder Agents): the snapshot has them under /api/experimental; the overlay adds the /api/v2 form,
  // the routes it lacks (cost, queue delete/promote, org-scoped models) and the experimental-… copies' ids
  'list-chats',
  'create-chat',
  'get-chat-by-id',
  'update-chat',
  'interrupt-chat',
  'list-chat-messages',
  'send-chat-message',
  'get-chat-diff-contents',
  'watch-chat-events-for-a-user-via-websockets',
  'stream-chat-events-via-websockets',
  // templates
  'get-all-templates',
  'get-template-settings-by-id',
  'get-template-version-by-id',
  'get-template-version-presets',
  'get-rich-parameters-by-template-version',
  // the parameter values a build ran with (update_agent_template checks the new version still has them)
  'get-build-parameters-for-workspace-build',
];
