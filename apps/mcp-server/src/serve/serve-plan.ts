/**
 * Pure decisions of the `nx serve` launcher (serve.ts): whether a Coder is configured, where the MCP endpoint
 * is, and the `claude mcp add` line to print. Never prints a token: with bearer auth the line names the variable.
 */
import { assertNever } from '@org/fleet-domain';
import { AUTH_TOKEN_ENV, OPTIONS, TOKEN_ENV, type Config } from '../config.js';
import { resolveAuthMode } from '../security/auth.js';

/** Any Coder setting given (URL or token, by env or flag): then serve it, and a half-set one is a configuration error. */
export function coderConfigured(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): boolean {
  const flags = [OPTIONS.coderUrl.flag, OPTIONS.coderTokenFile.flag].map((f) => `--${f}`);
  if (argv.some((arg) => flags.some((f) => arg === f || arg.startsWith(`${f}=`)))) return true;
  return [OPTIONS.coderUrl.env, TOKEN_ENV, OPTIONS.coderTokenFile.env].some((name) => Boolean(env[name]));
}

export function mcpUrlOf(config: Pick<Config, 'host' | 'port'>): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${config.port}/mcp`;
}

export function claudeCodeHttpCommand(config: Config): string {
  const base = `claude mcp add --transport http coder-fleet ${mcpUrlOf(config)}`;
  const mode = resolveAuthMode(config);
  switch (mode) {
    case 'none':
      return base;
    case 'bearer':
      return `${base} --header "Authorization: Bearer $${AUTH_TOKEN_ENV}"`;
    case 'coder-token':
      return `${base} --header "Authorization: Bearer $${TOKEN_ENV}"`;
    default:
      return assertNever(mode);
  }
}
