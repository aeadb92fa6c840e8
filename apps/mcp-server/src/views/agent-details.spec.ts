/** get_agent_details' text: a workspace agent shows the branch its newest report pointing at one names. */
import { toWorkspaceAgent } from '@org/fleet-domain';
import { buildAgentWorkspace } from '@org/fleet-domain/testing';
import { describe, expect, it } from 'vitest';
import { renderAgentDetailsText, toAgentDetailsView } from './agent-details.js';
import { offersEverything } from './parts.js';

const NOW = new Date('2026-12-02T12:00:00Z');
const UP = { workspaceStatus: 'running', connection: 'connected', lifecycle: 'ready', healthy: true, appHealth: 'healthy' };
const report = (at: string, uri: string) => ({ at, state: 'working', message: 'm', uri, app: 'ccw' });

describe('agent details text: branch', () => {
  it('names the branch (quoted: agent-written) from the newest report URI pointing at one', () => {
    const agent = toWorkspaceAgent(buildAgentWorkspace({ ...UP, state: 'working' }), NOW);
    const history = [report('2026-12-02T11:59:00Z', 'https://github.com/acme/web/pull/4'), report('2026-12-02T11:58:00Z', 'https://github.com/acme/web/tree/feature/login'), report('2026-12-02T11:50:00Z', 'https://github.com/acme/web/tree/old')];
    const text = renderAgentDetailsText(toAgentDetailsView({ agent, history, notes: [] }, offersEverything(NOW)));
    expect(text).toContain('Branch: "feature/login" in "github.com/acme/web"');
  });

  it('says nothing about a branch when no report names one', () => {
    const agent = toWorkspaceAgent(buildAgentWorkspace({ ...UP, state: 'working' }), NOW);
    const text = renderAgentDetailsText(toAgentDetailsView({ agent, history: [report('2026-12-02T11:59:00Z', 'https://github.com/acme/web/pull/4')], notes: [] }, offersEverything(NOW)));
    expect(text).not.toContain('Branch:');
  });
});
