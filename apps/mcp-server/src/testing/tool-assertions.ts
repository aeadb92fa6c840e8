/** Small shared assertions for *.tool.spec.ts files. */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { expect } from 'vitest';
import { textOf } from './in-process.js';

export async function annotationsOf(client: Client, name: string) {
  const { tools } = await client.listTools();
  const tool = tools.find((t) => t.name === name);
  expect(tool, `tool ${name} is registered`).toBeDefined();
  return tool?.annotations;
}

export function expectReadOnlyAnnotations(annotations: unknown): void {
  expect(annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
}

/** Asserts an isError result whose text starts with `code:` and returns the text. */
export function expectFailure(result: CallToolResult, code: string): string {
  expect(result.isError, textOf(result)).toBe(true);
  const text = textOf(result);
  expect(text.startsWith(`${code}: `), text).toBe(true);
  expect(text).toContain('\nNext: ');
  return text;
}

export function structured<T>(result: CallToolResult): T {
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent as T;
}
