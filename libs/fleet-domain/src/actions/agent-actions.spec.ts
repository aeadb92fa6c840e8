import { describe, expect, it } from 'vitest';
import {
  canOwnAgents,
  checkAgentAction,
  effectAfterLostAnswer,
  explainCoderRefusal,
  isRaceRefusal,
  nextActionsAfterCreate,
  waitVerdict,
  type ActionSubject,
  type AgentAction,
  type CoderRefusal,
  type WaitOutcome,
  type WaitTarget,
} from './agent-actions.js';
import { AGENT_STATUSES, type AgentStatus } from '../models/agent.js';
import { buildAgent } from '../testing/builders.js';

const subject = (status: AgentStatus, statusReason = 'why'): ActionSubject => ({ owner: 'alice', name: 'sony', status, statusReason });

describe('checkAgentAction', () => {
  // [action, status, expected]: a plan ('dispatch' | 'already_done') or the refusal kind.
  const table: [AgentAction, AgentStatus, string][] = [
    ['send_input', 'idle', 'dispatch'],
    ['send_input', 'complete', 'dispatch'],
    ['send_input', 'blocked', 'dispatch'],
    ['send_input', 'unknown', 'dispatch'], // Coder judges what the domain cannot
    ['send_input', 'busy', 'agent_busy'],
    ['send_input', 'starting', 'agent_not_ready'],
    ['send_input', 'paused', 'agent_paused'],
    ['send_input', 'offline', 'agent_offline'],
    ['send_input', 'error', 'agent_failed'],
    ['update_input', 'paused', 'dispatch'],
    ['update_input', 'idle', 'invalid_state'],
    ['update_input', 'busy', 'invalid_state'],
    ['update_input', 'error', 'invalid_state'],
    ['pause', 'paused', 'already_done'],
    ['pause', 'busy', 'dispatch'],
    ['pause', 'idle', 'dispatch'],
    ['pause', 'starting', 'dispatch'],
    ['pause', 'error', 'dispatch'], // Coder judges (a stop build may still be possible)
    ['resume', 'paused', 'dispatch'],
    ['resume', 'offline', 'dispatch'],
    ['resume', 'error', 'dispatch'],
    ['resume', 'unknown', 'dispatch'],
    ['resume', 'starting', 'already_done'],
    ['resume', 'busy', 'already_done'],
    ['resume', 'idle', 'already_done'],
    ['resume', 'complete', 'already_done'],
    ['resume', 'blocked', 'already_done'],
    ['delete', 'error', 'dispatch'],
    ['delete', 'busy', 'dispatch'],
  ];
  it.each(table)('%s on %s -> %s', (action, status, expected) => {
    const r = checkAgentAction(buildAgent({ status, name: 'sony', owner: 'alice' }), action);
    expect(r.ok ? r.value : r.error.kind).toBe(expected);
    if (!r.ok) {
      expect(r.error).toMatchObject({ action, status });
      expect(r.error.message).toMatch(/^Agent 'alice\/sony' /);
      expect(r.error.hint).toMatch(/[a-z]+_[a-z]+/);
      expect(r.error.nextTools.length).toBeGreaterThan(0);
    }
  });
  it.each(AGENT_STATUSES.map((s) => [s]))('every action decides for %s', (status) => {
    for (const action of ['send_input', 'update_input', 'pause', 'resume', 'delete'] as const) expect(() => checkAgentAction(subject(status), action)).not.toThrow();
  });
  it('words the refusals as the lifecycle tools show them', () => {
    const send = (status: AgentStatus) => {
      const r = checkAgentAction(subject(status, 'its reason'), 'send_input');
      return r.ok ? undefined : r.error;
    };
    expect(send('busy')?.message).toBe("Agent 'alice/sony' is busy (working) and cannot take input until it is idle.");
    expect(send('paused')?.message).toBe("Agent 'alice/sony' is paused (its reason).");
    expect(send('paused')?.hint).toContain('resume_agent');
    expect(send('starting')?.message).toBe("Agent 'alice/sony' is still starting (its reason).");
    expect(send('offline')?.hint).toContain('get_agent_details');
    expect(send('error')?.message).toBe("Agent 'alice/sony' is in error (its reason).");
    const update = checkAgentAction(subject('busy', 'working on it'), 'update_input');
    expect(!update.ok && update.error.message).toBe(
      "Agent 'alice/sony' is busy (working on it); Coder changes the task input only while an agent is paused. Nothing was changed.",
    );
  });
  it('throws on an impossible status or action', () => {
    expect(() => checkAgentAction(subject('zombie' as AgentStatus), 'send_input')).toThrow('agent status');
    expect(() => checkAgentAction(subject('idle'), 'explode' as AgentAction)).toThrow('agent action');
  });
});

describe('isRaceRefusal', () => {
  it.each([
    ['send_input', 'conflict', true],
    ['send_input', 'upstream_unavailable', true],
    ['send_input', 'invalid_request', true],
    ['send_input', 'server_error', false],
    ['update_input', 'conflict', true],
    ['update_input', 'invalid_request', false],
    ['pause', 'conflict', true],
    ['pause', 'invalid_request', false],
    ['resume', 'conflict', true],
    ['resume', 'invalid_request', true],
    ['resume', 'upstream_unavailable', false],
    ['delete', 'conflict', false],
  ] as const)('%s refused with %s -> %s', (action, kind, race) => {
    expect(isRaceRefusal(action, { kind })).toBe(race);
  });
});

describe('explainCoderRefusal', () => {
  const coder = (kind: string, message = 'refused', extra: Partial<CoderRefusal> = {}): CoderRefusal => ({ kind, message, ...extra });
  const verdictOf = (v: ReturnType<typeof explainCoderRefusal>) => (v.kind === 'refused' ? v.refusal.kind : v.kind);

  // [action, Coder refusal, status before, status re-read (undefined = not readable), expected verdict or refusal kind]
  const table: [AgentAction, CoderRefusal, AgentStatus, AgentStatus | undefined, string][] = [
    ['send_input', coder('conflict'), 'idle', 'paused', 'agent_paused'],
    ['send_input', coder('upstream_unavailable', 'x', { status: 503 }), 'idle', 'busy', 'agent_busy'],
    ['send_input', coder('conflict', 'Task is paused. Resume the task to send messages.'), 'idle', 'idle', 'agent_paused'],
    ['send_input', coder('conflict', 'Task is initializing.'), 'idle', undefined, 'agent_not_ready'],
    ['send_input', coder('conflict', 'nope'), 'idle', 'idle', 'coder'],
    ['send_input', coder('upstream_unavailable', 'Task app is not ready to accept input.', { status: 502 }), 'idle', 'idle', 'agent_busy'],
    ['send_input', coder('upstream_unavailable', 'gateway', { status: 502 }), 'idle', undefined, 'agent_busy'],
    ['send_input', coder('upstream_unavailable', 'gateway', { status: 504 }), 'idle', 'idle', 'coder'],
    ['send_input', coder('upstream_unavailable', 'x', { status: 503, detail: 'agent busy' }), 'idle', 'idle', 'agent_busy'],
    ['send_input', coder('invalid_request', 'task not active'), 'idle', 'unknown', 'coder'],
    ['send_input', coder('server_error'), 'idle', undefined, 'coder'],
    ['update_input', coder('conflict'), 'paused', 'idle', 'invalid_state'],
    ['update_input', coder('conflict'), 'paused', undefined, 'invalid_state'],
    ['update_input', coder('server_error'), 'paused', undefined, 'coder'],
    ['pause', coder('conflict'), 'idle', 'paused', 'already_done'],
    ['pause', coder('conflict'), 'starting', 'starting', 'coder'],
    ['pause', coder('conflict'), 'idle', undefined, 'coder'],
    ['pause', coder('server_error'), 'idle', undefined, 'coder'],
    ['resume', coder('conflict'), 'paused', 'starting', 'already_done'],
    ['resume', coder('invalid_request'), 'paused', 'idle', 'already_done'],
    ['resume', coder('conflict'), 'paused', 'paused', 'coder'],
    ['resume', coder('upstream_unavailable'), 'paused', undefined, 'coder'],
    ['delete', coder('conflict'), 'busy', undefined, 'coder'],
  ];
  it.each(table)('%s refused with %j, was %s, now %s -> %s', (action, refusal, before, now, expected) => {
    expect(verdictOf(explainCoderRefusal(action, refusal, subject(before), now ? subject(now) : undefined))).toBe(expected);
  });

  it('explains a send race by the status, else by Coder\'s words with its message as the reason', () => {
    const paused = explainCoderRefusal('send_input', coder('conflict', 'Task is paused.'), subject('idle'), undefined);
    expect(paused.kind === 'refused' && paused.refusal.message).toBe("Agent 'alice/sony' is paused (Coder: Task is paused.).");
    const busy = explainCoderRefusal('send_input', coder('upstream_unavailable', 'Task app is not ready to accept input.', { status: 502 }), subject('idle'), subject('idle'));
    expect(busy.kind === 'refused' && busy.refusal.message).toBe(
      "Agent 'alice/sony' did not accept the input: Coder says the agent is not ready for input (HTTP 502: Task app is not ready to accept input.); it is most likely busy or momentarily unreachable.",
    );
    const bare = explainCoderRefusal('send_input', coder('upstream_unavailable', 'busy now'), subject('idle'), undefined);
    expect(bare.kind === 'refused' && bare.refusal.message).toContain('(HTTP 502: busy now)');
  });

  it('words an update race on a still-paused read as "no longer paused", with Coder\'s message when unreadable', () => {
    const v = explainCoderRefusal('update_input', coder('conflict', 'Task is not paused.'), subject('paused'), undefined);
    expect(v.kind === 'refused' && v.refusal.message).toBe(
      "Agent 'alice/sony' is not (or no longer) paused (Coder: Task is not paused.); Coder changes the task input only while an agent is paused. Nothing was changed.",
    );
    expect(v.kind === 'refused' && v.refusal.hint).toContain('pause_agent');
  });

  it('gives pause and resume next-step hints by the (re-read) status', () => {
    const pause = explainCoderRefusal('pause', coder('conflict'), subject('starting'), undefined);
    expect(pause.kind === 'coder' && pause.hints['conflict']).toMatch(/build is probably still running/);
    const stillPaused = explainCoderRefusal('resume', coder('conflict'), subject('paused'), subject('paused'));
    expect(stillPaused.kind === 'coder' && stillPaused.hints['conflict']).toMatch(/still finishing/);
    const offline = explainCoderRefusal('resume', coder('conflict'), subject('paused'), subject('offline'));
    expect(offline.kind === 'coder' && offline.hints).toEqual({
      conflict: 'Coder only resumes paused agents; this one is offline. Check get_agent_details: an offline or errored agent may need delete_agent and create_agent_task instead.',
      invalid_request: 'Coder only resumes paused agents; this one is offline. Check get_agent_details for what it needs.',
    });
    expect(explainCoderRefusal('send_input', coder('server_error'), subject('idle'), undefined)).toEqual({ kind: 'coder', hints: {} });
  });

  it('throws on an impossible action', () => {
    expect(() => explainCoderRefusal('explode' as AgentAction, coder('x'), subject('idle'), undefined)).toThrow('agent action');
  });
});

describe('waitVerdict', () => {
  const table: [AgentStatus, WaitTarget, string][] = [
    ['starting', 'started', 'pending'],
    ['paused', 'working', 'pending'],
    ['offline', 'idle', 'pending'],
    ['unknown', 'started', 'pending'],
    ['busy', 'started', 'reached'],
    ['busy', 'working', 'reached'],
    ['busy', 'idle', 'pending'],
    ['idle', 'working', 'reached'],
    ['complete', 'idle', 'reached'],
    ['blocked', 'idle', 'reached'],
    ['error', 'started', 'failed'],
  ];
  it.each(table)('%s waiting for %s -> %s', (status, target, verdict) => {
    expect(waitVerdict(status, target)).toBe(verdict);
  });
  it('throws on an impossible status', () => {
    expect(() => waitVerdict('zombie' as AgentStatus, 'idle')).toThrow('agent status');
  });
});

describe('nextActionsAfterCreate', () => {
  const table: [AgentStatus, WaitOutcome | undefined, string[]][] = [
    ['error', 'failed', ['get_agent_details', 'delete_agent']],
    ['idle', 'failed', ['get_agent_details', 'delete_agent']],
    ['idle', 'reached', ['get_agent_logs', 'send_agent_input']],
    ['complete', undefined, ['get_agent_logs', 'send_agent_input']],
    ['blocked', 'timeout', ['get_agent_logs', 'send_agent_input']],
    ['busy', 'reached', ['get_agent_logs', 'get_agent_details']],
    // No logs suggested before the agent works (Coder 2.27 answers 409) or for a task in error (409).
    ['starting', 'timeout', ['get_agent_details']],
    ['error', undefined, ['get_agent_details', 'delete_agent']],
    ['unknown', 'cancelled', ['get_agent_details']],
  ];
  it.each(table)('%s after wait %s -> %j', (status, outcome, tools) => {
    const next = nextActionsAfterCreate(status, outcome);
    expect(next.map((n) => n.tool)).toEqual(tools);
    expect(next.every((n) => n.why.length > 0)).toBe(true);
  });
  it('throws on an impossible status', () => {
    expect(() => nextActionsAfterCreate('zombie' as AgentStatus)).toThrow('agent status');
  });
});

describe('canOwnAgents', () => {
  it.each([
    ['active', true],
    ['dormant', true],
    [undefined, true],
    ['suspended', false],
  ] as const)('a %s user -> %s', (status, can) => {
    expect(canOwnAgents(status === undefined ? {} : { status })).toBe(can);
  });
});

describe('effectAfterLostAnswer (D1: a lost answer is re-read, never "not sent")', () => {
  const at = (status: AgentStatus, ws?: string) => ({ status, ...(ws ? { workspace: { status: ws } } : {}) });
  it('pause shows as a stop build or a paused agent', () => {
    expect(effectAfterLostAnswer('pause', at('paused', 'stopped'))).toBe('applied');
    expect(effectAfterLostAnswer('pause', at('offline', 'stopping'))).toBe('applied');
    expect(effectAfterLostAnswer('pause', at('busy', 'running'))).toBe('unknown');
    expect(effectAfterLostAnswer('pause', 'gone')).toBe('unknown');
  });
  it('resume shows as a start build or a running agent, never while still paused', () => {
    expect(effectAfterLostAnswer('resume', at('starting', 'starting'))).toBe('applied');
    expect(effectAfterLostAnswer('resume', at('idle', 'running'))).toBe('applied');
    expect(effectAfterLostAnswer('resume', at('paused', 'stopped'))).toBe('unknown');
    expect(effectAfterLostAnswer('resume', 'gone')).toBe('unknown');
  });
  it('delete shows as a gone agent or a delete build', () => {
    expect(effectAfterLostAnswer('delete', 'gone')).toBe('applied');
    expect(effectAfterLostAnswer('delete', at('offline', 'deleting'))).toBe('applied');
    expect(effectAfterLostAnswer('delete', at('idle', 'running'))).toBe('unknown');
  });
});
