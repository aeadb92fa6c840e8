import { describe, expect, it } from 'vitest';
import { onlyOfferedTools } from './parts.js';

const readOnly = (tool: string) => tool.startsWith('get_') || tool.startsWith('list_');

describe('onlyOfferedTools', () => {
  it('keeps text that names only offered tools unchanged', () => {
    const text = 'Agent is stuck. Check get_agent_logs; then list_agents.';
    expect(onlyOfferedTools(text, readOnly)).toBe(text);
  });

  it('drops the sentences and clauses naming tools the session does not offer', () => {
    expect(onlyOfferedTools('Agent has been idle for 2h. Send the next instruction with send_agent_input, or pause_agent to free capacity.', readOnly)).toBe(
      'Agent has been idle for 2h.',
    );
    expect(onlyOfferedTools('Offline: stopped. Check get_agent_details; resume_agent restarts a stopped workspace.', readOnly)).toBe('Offline: stopped. Check get_agent_details.');
  });

  it('never cuts a quoted agent message, even when it holds sentence ends', () => {
    const text = 'Agent reports it is blocked: "Stuck. Please help; now.". Read get_agent_logs, then answer with send_agent_input.';
    expect(onlyOfferedTools(text, readOnly)).toBe('Agent reports it is blocked: "Stuck. Please help; now.".');
  });

  it('returns an empty string when every part names an unoffered tool', () => {
    expect(onlyOfferedTools('Call delete_agent.', readOnly)).toBe('');
  });
});
