import { describe, expect, it } from 'vitest';
import { findAiApp, isAgentWorkspace, isAiPromptParameter, pullRequestFromUri, toWorkspaceAgent, workspaceNameProblem } from './from-workspace-agent.js';
import { BASE_NOW } from '../testing/builders.js';
import { buildAgentWorkspace, WS_APP_ID } from '../testing/workspace-builders.js';
import type { Workspace } from './coder-types.js';

const UP = { workspaceStatus: 'running', connection: 'connected', lifecycle: 'ready', healthy: true, appHealth: 'healthy' };

describe('which workspaces are agents', () => {
  it('the AI app by slug, an app that reports statuses, or a template version with an AI prompt parameter', () => {
    expect(isAgentWorkspace(buildAgentWorkspace({ ...UP, state: 'idle' }))).toBe(true);
    const other = buildAgentWorkspace({ ...UP, state: 'idle' }, { slug: 'aider' });
    expect(findAiApp(other)?.app.slug).toBe('aider');
    expect(isAgentWorkspace(buildAgentWorkspace({ ...UP }, { slug: 'aider' }), { appSlug: 'goose' })).toBe(false);
    expect(isAgentWorkspace(buildAgentWorkspace({ ...UP }, { slug: 'goose' }), { appSlug: 'goose' })).toBe(true);
    const building = buildAgentWorkspace({ workspaceStatus: 'starting' }, { noAgent: true, templateVersionId: 'v-ai' });
    expect(isAgentWorkspace(building)).toBe(false);
    expect(isAgentWorkspace(building, { hasAiPrompt: (v) => v === 'v-ai' })).toBe(true);
  });

  it('recognises the AI prompt parameter by name', () => {
    expect(['AI Prompt', 'ai_prompt', 'ai-prompt'].every(isAiPromptParameter)).toBe(true);
    expect(isAiPromptParameter('system_prompt')).toBe(false);
  });
});

describe('workspaceNameProblem', () => {
  it.each([
    ['fix-login', [], undefined],
    ['a'.repeat(32), [], undefined],
    ['a'.repeat(33), [], /1 to 32/],
    ['-lead', [], /not starting with a hyphen/],
    ['has_underscore', [], /letters, digits or hyphens/],
    ['New', [], /reserved/],
    ['Fix-Login', ['fix-login'], /case-insensitively/],
  ])('%s', (name, existing, problem) => {
    const p = workspaceNameProblem(name, existing);
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toMatch(problem);
  });
});

describe('toWorkspaceAgent', () => {
  it('maps identity, template, workspace facts and the latest report as state', () => {
    const a = toWorkspaceAgent(buildAgentWorkspace({ ...UP }, { reports: [['working', 'Writing tests'], ['idle', 'done before']] }), BASE_NOW);
    expect(a).toMatchObject({ kind: 'workspace', name: 'fix-login', owner: 'alice', status: 'busy', statusRule: 'state-working', template: { name: 'claude-code' } });
    expect(a.state).toMatchObject({ kind: 'working', message: 'Writing tests' });
    expect(a.workspace).toMatchObject({ status: 'running', agentLifecycle: 'ready', buildNumber: 1 });
  });

  it("uses the app's newest status when latest_app_status belongs to another app", () => {
    const ws = buildAgentWorkspace({ ...UP }, { reports: [['idle', 'waiting']] }) as Workspace & { latest_app_status: { app_id: string } };
    const other = { ...ws, latest_app_status: { ...ws.latest_app_status, app_id: 'another-app', state: 'working' } } as unknown as Workspace;
    expect(toWorkspaceAgent(other, BASE_NOW).state?.kind).toBe('idle');
    expect(WS_APP_ID).not.toBe('another-app');
  });

  it('marks the report stale while paused and needs no attention for a paused agent', () => {
    const a = toWorkspaceAgent(buildAgentWorkspace({ workspaceStatus: 'stopped', state: 'working' }), BASE_NOW);
    expect(a.status).toBe('paused');
    expect(a.state?.stale).toBe(true);
    expect(a.needsAttention).toBeUndefined();
  });

  it('an offline agent needs attention and suggests restart_agent', () => {
    const a = toWorkspaceAgent(buildAgentWorkspace({ ...UP, connection: 'disconnected', healthy: false, state: 'working' }), BASE_NOW);
    expect(a.status).toBe('offline');
    expect(a.statusReason).toContain('agent has lost connection');
    expect(a.needsAttention?.nextTools).toContain('restart_agent');
  });

  it('takes the PR from a status URI pointing at a pull or merge request', () => {
    const a = toWorkspaceAgent(buildAgentWorkspace({ ...UP }, { reports: [['idle', 'Opened a PR', 'https://github.com/acme/web/pull/42']] }), BASE_NOW);
    expect(a.pr).toMatchObject({ number: 42, url: 'https://github.com/acme/web/pull/42', state: 'unknown' });
    expect(pullRequestFromUri('https://gitlab.com/g/p/-/merge_requests/7')?.number).toBe(7);
    expect(pullRequestFromUri('https://github.com/acme/web/tree/main')).toBeUndefined();
    expect(pullRequestFromUri('')).toBeUndefined();
  });
});
