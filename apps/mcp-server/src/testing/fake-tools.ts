/** Minimal tools for framework tests (the registry's real tools are tested against the simulator). */
import { z } from 'zod';
import type { Toolset } from '../config.js';
import { defineTool, failure, success, type AnyTool, type ToolEffect } from '../define-tool.js';
import { toolFailure } from '../failures.js';

export function fakeTool(name: string, toolset: Toolset, effect: ToolEffect, idempotent?: boolean): AnyTool {
  return defineTool({
    name,
    title: `Fake ${name}`,
    description: `Fake tool ${name}.`,
    toolset,
    effect,
    idempotent,
    inputSchema: z.object({ mode: z.enum(['ok', 'fail', 'throw', 'hang', 'confirm', 'progress']).default('ok').describe('What the fake does') }),
    outputSchema: z.object({ echoed: z.string().describe('The mode'), confirmed: z.string().optional().describe('Confirmation outcome') }),
    async handle(input, ctx) {
      switch (input.mode) {
        case 'ok':
          return success({ echoed: 'ok' }, 'fine');
        case 'fail':
          return failure(toolFailure('agent_not_found', 'No agent x.', 'Call list_agents.'));
        case 'throw':
          throw new Error('kaboom with token abcdefghij-0123456789012345678901');
        case 'hang':
          return new Promise(() => undefined);
        case 'confirm':
          return success({ echoed: 'confirm', confirmed: await ctx.confirm('Really?') }, 'asked');
        case 'progress':
          await ctx.progress(1, 2, 'half');
          await ctx.progress(2, 2, 'done');
          return success({ echoed: 'progress' }, 'progressed');
      }
    },
  });
}

export const FAKE_TOOLS: readonly AnyTool[] = [
  fakeTool('fake_status', 'fleet', 'read'),
  fakeTool('fake_list', 'agents', 'read'),
  fakeTool('fake_templates', 'templates', 'read'),
  fakeTool('fake_pause', 'lifecycle', 'write', true),
  fakeTool('fake_delete', 'lifecycle', 'destructive'),
  fakeTool('fake_events', 'events', 'read'),
];
