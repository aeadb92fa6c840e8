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
  'get-workspace-build',
  // users, organizations, deployment
  'get-user-by-name',
  'get-organizations',
  'build-info',
  // templates
  'get-all-templates',
  'get-template-settings-by-id',
  'get-template-version-by-id',
  'get-template-version-presets',
  'get-rich-parameters-by-template-version',
];
