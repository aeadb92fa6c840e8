import { describe, expect, it } from 'vitest';
import { manualClock } from '../testing/manual-clock.js';
import { createMutationJournal } from './mutation-journal.js';

describe('createMutationJournal', () => {
  it('reports an earlier mutation of the same agent by another session within the window', () => {
    const clock = manualClock();
    const journal = createMutationJournal({ clock, windowMs: 60_000 });
    expect(journal.record({ agentId: 'a', sessionId: 's1', action: 'pause_agent' })).toBeUndefined();
    clock.advance(10_000);
    expect(journal.record({ agentId: 'a', sessionId: 's1', action: 'resume_agent' })).toBeUndefined();
    clock.advance(10_000);
    const notice = journal.record({ agentId: 'a', sessionId: 's2', action: 'send_agent_input' });
    expect(notice).toMatchObject({ sessionId: 's1', action: 'resume_agent' });
    clock.advance(60_001);
    expect(journal.record({ agentId: 'a', sessionId: 's1', action: 'pause_agent' })).toBeUndefined();
    expect(journal.record({ agentId: 'b', sessionId: 's2', action: 'pause_agent' })).toBeUndefined();
    expect(journal.last('a')?.action).toBe('pause_agent');
  });
});
