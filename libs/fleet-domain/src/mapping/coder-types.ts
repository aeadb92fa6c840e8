/**
 * The ONE file that names Coder wire types inside fleet-domain.
 *
 * `@org/coder-api-client/types` currently re-exports the generated schema (`components`); the client
 * engineer is replacing it with friendly aliases (`Task`, `ExperimentalTask`, `AnyTask`, ...). When those
 * land, each alias below becomes a one-line re-export; nothing else in this lib changes.
 * Type-only import: fleet-domain never calls the client (enforced by ESLint, see architecture.spec.ts).
 */
import type { components } from '@org/coder-api-client/types';

type Schemas = components['schemas'];

/** GA-era task (`/api/v2/tasks`, Coder >= 2.29): `status` is a TaskStatus, `workspace_status` is present. */
export type Task = Schemas['codersdk.Task'];
/** Experimental-era task (2.27/2.28): `status` is the WORKSPACE status (e.g. "running"). */
export type ExperimentalTask = Schemas['codersdk.ExperimentalTask'];
export type AnyTask = Task | ExperimentalTask;
export type TaskStateEntry = Schemas['codersdk.TaskStateEntry'];
export type TaskState = Schemas['codersdk.TaskState'];
export type TaskStatus = Schemas['codersdk.TaskStatus'];
export type WorkspaceStatus = Schemas['codersdk.WorkspaceStatus'];
export type WorkspaceAgentLifecycle = Schemas['codersdk.WorkspaceAgentLifecycle'];
export type WorkspaceAgentHealth = Schemas['codersdk.WorkspaceAgentHealth'];
export type TaskLogEntry = Schemas['codersdk.TaskLogEntry'];
export type Template = Schemas['codersdk.Template'];
export type TemplateVersion = Schemas['codersdk.TemplateVersion'];
/** Presets are PascalCase on the wire (`ID`, `Name`, `Parameters[{Name, Value}]`, `Default`). */
export type Preset = Schemas['codersdk.Preset'];
export type TemplateVersionParameter = Schemas['codersdk.TemplateVersionParameter'];
