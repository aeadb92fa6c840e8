import { describe, expect, it } from 'vitest';
import { branchFromUri, findAiApp, isAgentWorkspace, isAiPromptParameter, latestBranch, pullRequestFromUri, toWorkspaceAgent, workspaceNameProblem } from './from-workspace-agent.js';
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

  it.each([
    ['https://github.com/acme/web/tree/fix-login', 'fix-login', 'github.com/acme/web'],
    ['https://github.com/acme/web/tree/feature/login-form', 'feature/login-form', 'github.com/acme/web'],
    ['https://github.com/acme/web/tree/feature%2Flogin?tab=readme#top', 'feature/login', 'github.com/acme/web'],
    ['https://github.com/acme/web/commits/release-2.1/', 'release-2.1', 'github.com/acme/web'],
    ['https://ghe.corp.example/team/api/tree/main', 'main', 'ghe.corp.example/team/api'],
    ['https://gitlab.com/group/sub/project/-/tree/fix-7?ref_type=heads', 'fix-7', 'gitlab.com/group/sub/project'],
    ['https://git.corp.example/g/p/-/commits/hotfix/db', 'hotfix/db', 'git.corp.example/g/p'],
    ['http://gitlab.local/g/p/tree/dev', 'dev', 'gitlab.local/g/p'],
  ])('branchFromUri(%s) is %s in %s', (uri, name, repo) => {
    expect(branchFromUri(uri)).toEqual({ name, repo, url: uri });
  });

  it.each([
    ['a pull request', 'https://github.com/acme/web/pull/42'],
    ["a pull request's commits", 'https://github.com/acme/web/pull/42/commits/abc'],
    ['a merge request', 'https://gitlab.com/g/p/-/merge_requests/7'],
    ['a commit SHA', 'https://github.com/acme/web/tree/0123456789abcdef0123456789abcdef01234567'],
    ['a repository', 'https://github.com/acme/web'],
    ['no repository path', 'https://github.com/tree/main'],
    ['an empty name', 'https://github.com/acme/web/tree/'],
    ['a broken escape', 'https://github.com/acme/web/tree/%E0%A4%A'],
    ['not a URL', 'tree/main'],
    ['nothing', undefined],
  ])('branchFromUri: %s is no branch', (_what, uri) => {
    expect(branchFromUri(uri)).toBeUndefined();
  });

  it('latestBranch takes the first URI naming a branch', () => {
    expect(latestBranch([undefined, 'https://github.com/acme/web/pull/4', 'https://github.com/acme/web/tree/b2', 'https://github.com/acme/web/tree/b1'])?.name).toBe('b2');
    expect(latestBranch([])).toBeUndefined();
  });

  it('the agent shows the branch of its newest report naming one (the latest report first)', () => {
    const older = toWorkspaceAgent(
      buildAgentWorkspace({ ...UP }, { reports: [['working', 'Pushed', 'https://github.com/acme/web/tree/fix-a'], ['working', 'Tests', '']] }),
      BASE_NOW,
    );
    expect(older.branch).toEqual({ name: 'fix-a', repo: 'github.com/acme/web', url: 'https://github.com/acme/web/tree/fix-a' });
    const none = toWorkspaceAgent(buildAgentWorkspace({ ...UP }, { reports: [['idle', 'Done', 'https://github.com/acme/web/pull/42']] }), BASE_NOW);
    expect(none.branch).toBeUndefined();
    expect(none.pr?.number).toBe(42);
  });
});
