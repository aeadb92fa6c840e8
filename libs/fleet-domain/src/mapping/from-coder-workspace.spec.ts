import { describe, expect, it } from 'vitest';
import { ageMs, appStatusHistory, isoSeconds, timeInStateMs, toWorkspaceView } from './from-coder-workspace.js';
import type { Workspace } from './coder-types.js';
import { BASE_NOW, MINUTE } from '../testing/builders.js';

const status = (created_at: string, state: string, message: string) => ({ created_at, state, message, uri: '' });

const workspace = {
  id: 'ws-1',
  name: 'sony',
  outdated: true,
  health: { healthy: false, failing_agents: [] },
  last_used_at: '2026-01-15T12:59:00.5+01:00',
  latest_build: {
    build_number: 3,
    status: 'running',
    transition: 'start',
    reason: 'task_resume',
    created_at: '2026-01-15T11:00:00Z',
    job: { status: 'succeeded', error: 'e'.repeat(600) },
    resources: [
      {
        agents: [
          {
            name: 'main',
            status: 'connected',
            lifecycle_state: 'ready',
            health: { healthy: true },
            environment_variables: { CODER_SESSION_TOKEN: 'secret-token', GH_TOKEN: 'ghp_secret' },
            apps: [
              { id: 'app-ccw', slug: 'ccw', health: 'healthy', statuses: [status('2026-01-15T11:50:00Z', 'working', 'Running tests'), status('2026-01-15T11:55:00Z', 'idle', 'Done?')] },
              { id: 'app-other', display_name: 'Other', statuses: [status('2026-01-15T11:58:00Z', 'working', 'other app'), { created_at: 'bad' }] },
            ],
          },
        ],
      },
      {},
    ],
  },
} as unknown as Workspace;

describe('toWorkspaceView', () => {
  it('copies only allow-listed fields (never environment variables)', () => {
    const view = toWorkspaceView(workspace);
    expect(JSON.stringify(view)).not.toContain('secret');
    expect(view).toMatchObject({
      id: 'ws-1',
      name: 'sony',
      outdated: true,
      healthy: false,
      lastUsedAt: '2026-01-15T11:59:00.500Z',
      build: { number: 3, status: 'running', transition: 'start', reason: 'task_resume', createdAt: '2026-01-15T11:00:00.000Z', jobStatus: 'succeeded' },
      agents: [{ name: 'main', status: 'connected', lifecycle: 'ready', healthy: true, apps: [{ slug: 'ccw', health: 'healthy' }, {}] }],
    });
    expect(view.build?.jobError).toHaveLength(500);
  });
  it('copes with a workspace without build', () => {
    expect(toWorkspaceView({ id: 'x', name: '' } as unknown as Workspace)).toEqual({ id: 'x', agents: [] });
  });
});

describe('appStatusHistory', () => {
  it('newest first, limited, task app only when given', () => {
    expect(appStatusHistory(workspace, { appId: 'app-ccw', limit: 10 }).map((s) => s.message)).toEqual(['Done?', 'Running tests']);
    const all = appStatusHistory(workspace, { limit: 3 });
    expect(all.map((s) => [s.app, s.state])).toEqual([
      ['Other', 'working'],
      ['ccw', 'idle'],
      ['ccw', 'working'],
    ]);
    expect(appStatusHistory(workspace, { limit: 10 }).at(-1)).toEqual({ at: 'bad', state: 'unknown', message: '', uri: '', app: 'Other' });
    expect(appStatusHistory({} as Workspace, { limit: 5 })).toEqual([]);
  });
});

describe('time helpers', () => {
  it('timeInStateMs / ageMs / isoSeconds', () => {
    expect(timeInStateMs(BASE_NOW - MINUTE, BASE_NOW)).toBe(MINUTE);
    expect(timeInStateMs(Number.NaN, BASE_NOW)).toBeNull();
    expect(timeInStateMs(BASE_NOW + MINUTE, new Date(BASE_NOW))).toBe(0);
    expect(ageMs('2026-01-15T11:59:00Z', BASE_NOW)).toBe(MINUTE);
    expect(ageMs('nope', BASE_NOW)).toBeNull();
    expect(isoSeconds('2026-03-10T02:00:00.000Z')).toBe('2026-03-10T02:00:00Z');
  });
});
