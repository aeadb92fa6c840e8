import type { Observed } from './derive.js';
import type { Transition } from './types.js';

const MAX_TRANSITIONS = 1_000_000;

/** Who a transition is about. */
export interface TransitionSubject {
  taskId: string;
  taskName: string;
  owner: string;
}

/**
 * The transition log: every observable change of a task (status, state, workspace status, health,
 * created, deleted) in order. Beyond MAX_TRANSITIONS the oldest 10% are dropped; `seq` keeps counting.
 */
export class TransitionLog {
  private readonly entries: Transition[] = [];
  private seq = 0;

  /** The task appeared with these facts (the baseline for later changes). */
  created(subject: TransitionSubject, facts: Observed, at: number): void {
    this.push(subject, at, 'created', null, facts.status, { initial: { ...facts } });
  }

  /** One entry per observable field that differs between `before` and `after`. */
  changed(subject: TransitionSubject, before: Observed, after: Observed, at: number): void {
    if (before.status !== after.status) this.push(subject, at, 'status', before.status, after.status);
    if (before.state !== after.state) this.push(subject, at, 'state', before.state, after.state);
    if (before.workspaceStatus !== after.workspaceStatus) this.push(subject, at, 'workspace_status', before.workspaceStatus, after.workspaceStatus);
    if (before.health !== after.health) this.push(subject, at, 'health', before.health, after.health);
  }

  deleted(subject: TransitionSubject, at: number): void {
    this.push(subject, at, 'deleted', null, 'deleted');
  }

  /** After seeding a task's history directly: its `created` entry shows the seeded facts. */
  rebaseCreated(taskId: string, facts: Observed): void {
    const created = this.entries.findLast((t) => t.taskId === taskId && t.field === 'created');
    if (!created) return;
    created.to = facts.status;
    created.initial = { ...facts };
  }

  since(sinceSeq = 0): Transition[] {
    return sinceSeq <= 0 ? [...this.entries] : this.entries.filter((t) => t.seq > sinceSeq);
  }

  private push(subject: TransitionSubject, at: number, field: Transition['field'], from: string | null, to: string | null, extra: Pick<Transition, 'initial'> = {}): void {
    this.entries.push({ seq: ++this.seq, at: new Date(at).toISOString(), atMs: at, ...subject, field, from, to, ...extra });
    if (this.entries.length > MAX_TRANSITIONS) this.entries.splice(0, Math.ceil(MAX_TRANSITIONS / 10));
  }
}
