/**
 * The client setup snippets of the root README ("Add it to a client"), parsed into what each client would
 * launch: a stdio command with arguments and environment, or an HTTP URL. The distribution spec runs them.
 */
import { readFileSync } from 'node:fs';
import { WORKSPACE_ROOT } from './built-binary.js';

export const CLIENTS = ['Claude Code', 'Claude Desktop', 'Cursor', 'VS Code', 'Codex CLI', 'Gemini CLI'] as const;

export type ClientLaunch =
  | { client: string; kind: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { client: string; kind: 'http'; url: string };

interface McpEntry {
  type?: string;
  command: string;
  args?: string[];
  env?: Record<string, string>;
}

/** `--env K=V` pairs and the command after `--` of a `claude mcp add` line; or its `--transport http` URL. */
function claudeCodeLaunch(client: string, line: string): ClientLaunch {
  const words = line.trim().split(/\s+/);
  if (words.slice(0, 3).join(' ') !== 'claude mcp add') throw new Error(`${client}: not a claude mcp add line: ${line}`);
  const transport = words.indexOf('--transport');
  if (transport >= 0 && words[transport + 1] === 'http') return { client, kind: 'http', url: words[words.length - 1] as string };
  const dashes = words.indexOf('--');
  const env: Record<string, string> = {};
  words.forEach((w, i) => {
    if (w === '--env' && i < dashes) {
      const [key, ...value] = (words[i + 1] as string).split('=');
      env[key as string] = value.join('=');
    }
  });
  const [command, ...args] = words.slice(dashes + 1);
  return { client, kind: 'stdio', command: command as string, args, env };
}

/** The inline-table subset of TOML the Codex snippet uses: `key = "string"` and `env = { K = "V", … }`. */
function codexEntry(toml: string): McpEntry {
  const entry: Record<string, unknown> = {};
  for (const line of toml.split('\n')) {
    const m = /^(\w+)\s*=\s*(.+)$/.exec(line.trim());
    if (!m) continue;
    const value = (m[2] as string).replace(/(\w+)\s*=\s*"/g, '"$1": "');
    entry[m[1] as string] = JSON.parse(value);
  }
  return entry as unknown as McpEntry;
}

export function readmeClientLaunches(readme = readFileSync(`${WORKSPACE_ROOT}README.md`, 'utf8')): ClientLaunch[] {
  const section = readme.slice(readme.indexOf('### Add it to a client'));
  const launches: ClientLaunch[] = [];
  for (const m of section.matchAll(/\*\*([^*]+)\*\*[^\n]*\n```(\w+)\n([\s\S]*?)\n```/g)) {
    const [, client = '', lang, body = ''] = m;
    if (!(CLIENTS as readonly string[]).includes(client)) continue;
    if (lang === 'bash') {
      launches.push(claudeCodeLaunch(client, body));
      continue;
    }
    const entry =
      lang === 'toml'
        ? codexEntry(body)
        : ((JSON.parse(body) as { mcpServers?: Record<string, McpEntry>; servers?: Record<string, McpEntry> }).mcpServers ??
            (JSON.parse(body) as { servers: Record<string, McpEntry> }).servers)['coder-fleet'];
    if (!entry) throw new Error(`${client}: no "coder-fleet" server in its snippet`);
    launches.push({ client, kind: 'stdio', command: entry.command, args: entry.args ?? [], env: entry.env ?? {} });
  }
  return launches;
}
