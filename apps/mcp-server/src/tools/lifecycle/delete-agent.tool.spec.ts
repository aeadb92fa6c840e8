import { ElicitRequestSchema, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { FleetFixture } from '../../testing/client-fixture.js';
import { isSchemaRejection, textOf, type InProcessClient } from '../../testing/in-process.js';
import { expectFailure, structured } from '../../testing/tool-assertions.js';
import { lifecycleSuite, runningAgent, summaryOf, type Recorder } from './__fixtures__/lifecycle-kit.js';

interface DeleteOut {
  deleted: boolean;
  confirmation: string;
  agent: { id: string; ref: string; name: string; owner: string; status: string; template: string; created_at: string };
}

const DELETE_ROUTE = 'DELETE /api/v2/tasks/{user}/{task}';

describe('delete_agent', () => {
  let fx: FleetFixture;
  let rec: Recorder;
  let eliciting: InProcessClient;
  let answer: ElicitResult;
  const prompts: string[] = [];
  lifecycleSuite('delete_agent', { destructive: true, idempotent: false }, async (s) => {
    ({ fx, rec } = s);
    eliciting = await fx.openSession({ elicitation: {} });
    eliciting.client.setRequestHandler(ElicitRequestSchema, async (req) => {
      prompts.push(req.params.message);
      return answer;
    });
  });
  const deleted = (id: string) => summaryOf(fx, id) === undefined;

  it('without elicitation support requires confirm: true and changes nothing otherwise', async () => {
    const t = runningAgent(fx, 'complete');
    fx.resetCounters();
    const text = expectFailure(await rec.call('delete_agent', { agent: t.id }), 'confirmation_required');
    expect(text).toContain('confirm: true');
    expect(fx.counters()[DELETE_ROUTE]).toBeUndefined();
    expect(deleted(t.id)).toBe(false);
  });

  it('deletes with confirm: true and reports what was deleted', async () => {
    const t = runningAgent(fx, 'complete');
    const r = await rec.call('delete_agent', { agent: `${t.owner}/${t.name}`, confirm: true });
    const out = structured<DeleteOut>(r);
    expect(out).toMatchObject({ deleted: true, confirmation: 'argument', agent: { id: t.id, name: t.name, owner: t.owner, status: 'complete', template: 'python-dev' } });
    expect(out.agent.created_at).toMatch(/^\d{4}-/);
    expect(textOf(r)).toContain(`Deleted agent ${t.owner}/${t.name}`);
    expect(deleted(t.id)).toBe(true);
    // The cached list was invalidated: the agent is gone for the next lookup.
    expectFailure(await rec.call('delete_agent', { agent: t.id, confirm: true }), 'agent_not_found');
  });

  it('asks by elicitation when the client supports it and deletes on accept', async () => {
    const t = runningAgent(fx, 'idle');
    answer = { action: 'accept', content: { confirm: true } };
    const out = structured<DeleteOut>(await eliciting.call('delete_agent', { agent: t.id }));
    expect(out).toMatchObject({ deleted: true, confirmation: 'accepted' });
    expect(prompts.at(-1)).toContain(`${t.owner}/${t.name}`);
    expect(deleted(t.id)).toBe(true);
  });

  it.each([
    ['declined', { action: 'decline' } as ElicitResult],
    ['cancelled', { action: 'cancel' } as ElicitResult],
    ['declined', { action: 'accept', content: { confirm: false } } as ElicitResult],
  ])('changes nothing when the user %s (even with confirm: true)', async (outcome, reply) => {
    const t = runningAgent(fx, 'idle');
    answer = reply;
    fx.resetCounters();
    const r = await eliciting.call('delete_agent', { agent: t.id, confirm: true });
    const out = structured<DeleteOut>(r);
    expect(out).toMatchObject({ deleted: false, confirmation: outcome, agent: { id: t.id } });
    expect(textOf(r)).toContain('Nothing was deleted');
    expect(fx.counters()[DELETE_ROUTE]).toBeUndefined();
    expect(deleted(t.id)).toBe(false);
  });

  it('changes nothing when the elicitation request itself fails (client error), even with confirm: true', async () => {
    const failing = await fx.openSession({ elicitation: {} });
    failing.client.setRequestHandler(ElicitRequestSchema, async () => {
      throw new Error('elicitation UI crashed');
    });
    const t = runningAgent(fx, 'idle');
    fx.resetCounters();
    const r = await failing.call('delete_agent', { agent: t.id, confirm: true });
    expect(r.isError).toBeFalsy();
    expect(structured<DeleteOut>(r)).toMatchObject({ deleted: false, confirmation: 'cancelled', agent: { id: t.id } });
    expect(textOf(r)).toMatch(/^Nothing was deleted .*the client could not show or answer the prompt/);
    expect(fx.counters()[DELETE_ROUTE]).toBeUndefined();
    expect(deleted(t.id)).toBe(false);
  });

  it('maps Coder failures', async () => {
    const t = runningAgent(fx, 'idle');
    const fault = fx.sim.control.faults.status(403, { route: DELETE_ROUTE });
    try {
      expectFailure(await rec.call('delete_agent', { agent: t.id, confirm: true }), 'forbidden');
    } finally {
      fx.sim.control.faults.clear(fault);
    }
    expect(deleted(t.id)).toBe(false);
  });

  it('rejects invalid arguments with the schema problem', async () => {
    expect(await isSchemaRejection(fx.call('delete_agent', { agent: 'x', confirm: 'yes' }))).toBe(true);
  });

  it('never puts the Coder token in a result', () => {
    rec.expectNoToken(fx.sim.token);
  });
});
