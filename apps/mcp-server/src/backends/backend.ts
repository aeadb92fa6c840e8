/**
 * The one interface tools call for the fleet, whatever Coder surface the agents live on (design §2):
 * Coder Tasks (2.27–2.36 and the 2.34 ESR), Coder Agents (Chats, 2.32+; the only kind from 2.37), and plain
 * workspaces running an AI app (any version: `--backend workspaces`, or when Coder has neither).
 * A deployment may serve both (2.34–2.36): then the union backend answers, and every agent says its `kind`.
 *
 * Every expected failure is a value (`Outcome`, failures.ts), and `supports(capability, kind)` says up front what a kind
 * cannot do, with the tool that works instead, so a tool refuses clearly before calling Coder.
 */
import { assertNever, type Agent, type AgentKind } from '@org/fleet-domain';
import type { ChatSocketStatus, CoderResult } from '../coder.js';
import { toolFailure, type ToolFailure } from '../failures.js';

/**
 * Signals of one mutation that may lose its answer (D1): `request` bounds the mutation itself (cut early so
 * a re-read fits in the tool's time), `reread` gives a fresh signal per re-read, `caller` is the tool's own
 * (aborted = the client cancelled: no re-read). A bare AbortSignal is used for all three.
 */
export interface MutationSignals {
  readonly caller?: AbortSignal;
  readonly request?: AbortSignal;
  readonly reread: () => AbortSignal | undefined;
}

export function toMutationSignals(signal: AbortSignal | MutationSignals | undefined): MutationSignals {
  if (signal === undefined || signal instanceof AbortSignal) return { ...(signal ? { caller: signal, request: signal } : {}), reread: () => signal };
  return signal;
}

/** What a tool may ask a backend to do (beyond reading the fleet, which every backend does). */
export type Capability =
  | 'create'
  | 'send_input'
  /** Input sent to a busy agent waits in Coder's own per-agent queue. */
  | 'queue_when_busy'
  | 'interrupt'
  | 'pause'
  | 'resume'
  /** Stop, then start the agent's workspace. */
  | 'restart'
  /** Stop, then start the agent's workspace on its template's active version. */
  | 'update_template'
  | 'update_input'
  | 'delete'
  | 'archive'
  /** List / promote / delete the agent's queued messages in Coder. */
  | 'native_queue'
  | 'cost'
  | 'pull_requests';

export const CAPABILITIES: readonly Capability[] = [
  'create',
  'send_input',
  'queue_when_busy',
  'interrupt',
  'pause',
  'resume',
  'restart',
  'update_template',
  'update_input',
  'delete',
  'archive',
  'native_queue',
  'cost',
  'pull_requests',
];

export interface NextStep {
  tool: string;
  why: string;
}

/** `supports()`'s answer: yes (maybe with how it is done), or no with the reason and what works instead. */
export type Support = { supported: true; how?: string } | { supported: false; reason: string; next: readonly NextStep[] };

/** The tool failure for an unsupported capability: code `not_supported`, the reason, the next tool. */
export function unsupportedFailure(support: Extract<Support, { supported: false }>, details: Record<string, unknown> = {}): ToolFailure {
  const hint = support.next.length > 0 ? support.next.map((n) => `Call ${n.tool}: ${n.why}`).join(' ') : 'No other tool does this on this deployment.';
  return toolFailure('not_supported', support.reason, hint, { details: { ...details, next_tools: support.next.map((n) => n.tool) } });
}

/** What the Tasks surface cannot do, per capability (the only kind-specific refusals of Tasks). */
export function tasksSupport(capability: Capability): Support {
  switch (capability) {
    case 'create':
    case 'send_input':
    case 'pause':
    case 'resume':
    case 'restart':
    case 'update_template':
    case 'update_input':
    case 'delete':
      return { supported: true };
    case 'interrupt':
      return {
        supported: false,
        reason: 'Coder Tasks cannot interrupt an agent; pause_agent stops its workspace instead (the task, its prompt and a log snapshot are kept).',
        next: [{ tool: 'pause_agent', why: 'stop the agent now; resume_agent continues it later.' }],
      };
    case 'queue_when_busy':
      return {
        supported: false,
        reason: 'Coder Tasks has no message queue: input sent to a busy task agent is refused.',
        next: [{ tool: 'get_fleet_events', why: 'wait until the agent is idle, then send the input again.' }],
      };
    case 'archive':
      return { supported: false, reason: 'Coder Tasks has no archive; delete_agent deletes the task and its workspace.', next: [{ tool: 'delete_agent', why: 'remove the task.' }] };
    case 'native_queue':
      return { supported: false, reason: 'Coder Tasks keeps no queue of messages per agent.', next: [{ tool: 'send_agent_input', why: 'send the input once the agent is idle.' }] };
    case 'cost':
    case 'pull_requests':
      return { supported: false, reason: `Coder Tasks reports no ${capability === 'cost' ? 'cost' : 'pull request status'} for an agent.`, next: [{ tool: 'get_agent_details', why: 'see what the task reports.' }] };
    default:
      return assertNever(capability);
  }
}

/** What the Chats surface (Coder Agents) cannot do, per capability. */
export function chatsSupport(capability: Capability): Support {
  switch (capability) {
    case 'create':
    case 'send_input':
    case 'queue_when_busy':
    case 'interrupt':
    case 'archive':
    case 'native_queue':
    case 'cost':
    case 'pull_requests':
      return { supported: true };
    case 'pause':
      return { supported: true, how: 'Coder Agents has no pause: pause_agent interrupts the chat (it returns to idle, history kept).' };
    case 'resume':
      return { supported: true, how: 'Coder Agents has no resume: resume_agent sends "continue" to the chat.' };
    case 'delete':
      return { supported: true, how: 'Coder Agents has no delete: delete_agent archives the chat (and its subagents).' };
    case 'restart':
      return {
        supported: false,
        reason: 'A Coder Agents chat has no workspace of its own to restart; interrupting its turn and sending a message is how it starts over.',
        next: [
          { tool: 'interrupt_agent', why: 'stop its current turn (history kept).' },
          { tool: 'send_agent_input', why: 'start a new turn.' },
        ],
      };
    case 'update_template':
      return {
        supported: false,
        reason: 'A Coder Agents chat does not run on a template version, so there is nothing to update.',
        next: [{ tool: 'create_agent_task', why: 'start a new agent (it gets the current model configuration).' }],
      };
    case 'update_input':
      return {
        supported: false,
        reason: "A Coder Agents chat has no task input to change; send the new instruction instead (it waits in the chat's queue while the agent is busy).",
        next: [{ tool: 'send_agent_input', why: 'give the agent the changed instruction.' }],
      };
    default:
      return assertNever(capability);
  }
}

/** What a workspace agent (a plain workspace running an AI app, steered through AgentAPI) cannot do, per capability. */
export function workspacesSupport(capability: Capability): Support {
  switch (capability) {
    case 'create':
    case 'send_input':
    case 'interrupt':
    case 'restart':
    case 'update_template':
    case 'delete':
      return { supported: true };
    case 'pause':
      return { supported: true, how: 'pause_agent stops the workspace (a stop build); its conversation is kept on disk.' };
    case 'resume':
      return { supported: true, how: 'resume_agent starts the workspace (a start build); the AI app comes back idle.' };
    case 'pull_requests':
      return { supported: true, how: 'Only the URL of a PR the agent reported (an app status URI); its state is unknown.' };
    case 'queue_when_busy':
    case 'native_queue':
      return {
        supported: false,
        reason: 'A workspace agent has no queue: its AgentAPI refuses input while a turn runs, and this server holds none for workspace agents.',
        next: [
          { tool: 'interrupt_agent', why: 'stop the running turn, then send the input.' },
          { tool: 'get_agent_details', why: 'wait until the agent is idle, then send the input again.' },
        ],
      };
    case 'update_input':
      return {
        supported: false,
        reason: "A workspace agent's task is the AI prompt its workspace was built with; send the changed instruction instead.",
        next: [{ tool: 'send_agent_input', why: 'give the agent the changed instruction (when idle).' }],
      };
    case 'archive':
      return { supported: false, reason: 'A workspace has no archive; delete_agent deletes the workspace.', next: [{ tool: 'delete_agent', why: 'remove the agent and its workspace.' }] };
    case 'cost':
      return { supported: false, reason: 'Coder reports no cost for a workspace agent.', next: [{ tool: 'get_agent_details', why: 'see what the agent reports.' }] };
    default:
      return assertNever(capability);
  }
}

export function supportFor(kind: AgentKind, capability: Capability): Support {
  switch (kind) {
    case 'task':
      return tasksSupport(capability);
    case 'chat':
      return chatsSupport(capability);
    case 'workspace':
      return workspacesSupport(capability);
    default:
      return assertNever(kind);
  }
}

/** One read of the fleet: agents of every kind the deployment serves, judged as of `fetchedAt`. */
export interface FleetRead {
  readonly agents: readonly Agent[];
  readonly count: number;
  readonly fetchedAt: Date;
}

/** How a read source is used by tools, the watcher and `fleet://` resources. */
export interface FleetReadSource {
  list(options?: { force?: boolean }): Promise<CoderResult<FleetRead>>;
  /** Call after any mutation so the next read sees it. */
  invalidate(): void;
}

/** One change pushed by Coder (the chat watch socket): an agent (with its subagents) as it is now, or gone (archived). */
export type FleetPushChange = { kind: 'upsert'; agents: readonly Agent[] } | { kind: 'remove'; id: string };

export interface FleetPushHandlers {
  onChange(change: FleetPushChange): void;
  /** The socket's health (connecting, connected, reconnecting, auth_failed, failed, closed). */
  onStatus(status: ChatSocketStatus): void;
}

export interface FleetPushChannel {
  close(): Promise<void>;
  /**
   * Every agent of the fleet is pushed (a chats-only deployment), so the list poll only reconciles (shared
   * chats, missed frames) and may run slower; false when tasks are polled too.
   */
  readonly coversFleet: boolean;
}

/** Coder pushes fleet changes over a socket (Agents era); the watcher reconciles with the list poll. */
export interface FleetPushSource {
  /** Opens the channel; `undefined` when this deployment pushes nothing (Tasks only). */
  open(handlers: FleetPushHandlers): Promise<FleetPushChannel | undefined>;
}

/**
 * How the queue dispatcher reaches one agent of this deployment's kind: read it fresh, send it input, and read the
 * inputs it received (to settle a lost answer or a claim left by a dead lease holder). Tasks: the Tasks API;
 * workspace agents: the workspace and its AgentAPI.
 */
export interface QueueDeliveryPort {
  read(owner: string, agentId: string): Promise<CoderResult<Agent>>;
  send(owner: string, agentId: string, input: string): Promise<CoderResult<unknown>>;
  inputs(owner: string, agentId: string): Promise<CoderResult<readonly { content: string; time: string }[]>>;
}

/** What a held create (create_agent_task at --capacity) needs to be made later, and recognised when Coder has it already. */
export interface HeldCreate {
  owner: string;
  name: string;
  input: string;
  templateVersionId: string;
  presetId?: string;
  displayName?: string;
  /** Workspace agents: the workspace's organization and the template's AI prompt parameter (absent: a Coder Task). */
  workspace?: { organizationId: string; promptParameter: string };
}

/** How the queue dispatcher makes a held create: Coder's raw answer, and whether an agent by its name is this create. */
export interface HeldCreatePort {
  create(c: HeldCreate): Promise<CoderResult<unknown>>;
  /** `ours`: an agent by that name ran this very prompt; `other`: the name is someone else's; undefined: unknown now. */
  find(c: HeldCreate): Promise<'ours' | 'other' | 'absent' | undefined>;
}

export type WhenBusy = 'queue' | 'fail' | 'interrupt';
export const WHEN_BUSY: readonly WhenBusy[] = ['queue', 'fail', 'interrupt'];

/** What happened to input sent to an agent. */
export type SendOutcome = (
  | { kind: 'delivered'; agent: Agent; interrupted: boolean }
  /** Waiting in Coder's queue of the agent; position 1 = next. */
  | { kind: 'queued'; agent: Agent; position: number; queuedMessageId: number }
) & {
  /** Coder's answer was lost and a repeat (same request id) or re-read found this outcome (D1). */
  recovered?: string;
};

export interface QueuedItem {
  id: number;
  /** Position in the queue, 1 = next. */
  position: number;
  /** Text of the queued message (untrusted when someone else wrote it), truncated. */
  preview: string;
  createdAt: string;
}

/** One page of an agent's messages (chats) newest first, with the cursor for the next older page. */
export interface MessagePage {
  entries: readonly MessageEntry[];
  /** Pass as `cursor` for older messages; absent on the last page. */
  nextCursor?: string;
  /** Entries were cut to stay within the byte budget. */
  truncated: boolean;
  bytes: number;
}

export interface MessageEntry {
  id: number;
  role: string;
  createdAt: string;
  /** Message text; tool calls and results summarised in one line each. Untrusted. */
  text: string;
}
