import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioName } from './model/scenario.js';
import type { CoderSimOptions } from './options.js';
import { CODER_VERSIONS, isCoderVersion } from './versions.js';

export const USAGE = `Usage: coder-sim [options]
  --host <host>              listen address (default 127.0.0.1)
  --port <n>                 port, 0 = random (default 0)
  --agents <n>               simulated agents (default 50)
  --chats <n>                seeded chats, Coder Agents (default 0; served on 2.34+)
  --chat-concurrency <n>     chats running at once (default: no limit)
  --spend-limit-micros <n>   AI spend limit per user, 409 when reached (default: none)
  --seed <n>                 PRNG seed (default 1)
  --scenario <name>          ${SCENARIOS.join('|')} (default mixed)
  --coder-version <v>        ${CODER_VERSIONS.join('|')} (default 2.36)
  --mode <tasks|workspaces>  agents as Coder Tasks (default) or as plain workspaces with AgentAPI behind path apps
  --disable-chats            Coder Agents off (the agents experiment not enabled): chat routes answer 404
  --disable-path-apps        refuse path-based apps (403), like Coder's --disable-path-apps
  --token <token>            admin session token (default sim-admin-token)
  --clock <real|manual>      real time (default) or manual (drive with POST /__sim/advance)
  --tick-ms <n>              lifecycle tick for the real clock (default 1000)
  --arrivals-per-hour <n>    new tasks per simulated hour (default 20 for busy, else 0)
  --speed <n>                real clock acceleration, e.g. 10 = 10 simulated s per s (default 1)
  --start-time <iso>         manual clock start (default 2026-03-10T09:00:00Z)
  --external-url <url>       buildinfo external_url (fixed value for stable recordings)
  --verbose                  log one line per request to stderr
Prints {"url","token"} as one JSON line on stdout once listening; logs go to stderr.`;

function intOption(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export type CliResult = { kind: 'help' } | { kind: 'run'; options: CoderSimOptions; verbose: boolean };

/** Parse the CLI flags (throws with a readable message on bad input). */
export function parseCliArgs(argv: string[]): CliResult {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      agents: { type: 'string' },
      chats: { type: 'string' },
      mode: { type: 'string' },
      'disable-path-apps': { type: 'boolean' },
      'disable-chats': { type: 'boolean' },
      'chat-concurrency': { type: 'string' },
      'spend-limit-micros': { type: 'string' },
      seed: { type: 'string' },
      scenario: { type: 'string' },
      'coder-version': { type: 'string' },
      token: { type: 'string' },
      clock: { type: 'string' },
      'tick-ms': { type: 'string' },
      speed: { type: 'string' },
      'arrivals-per-hour': { type: 'string' },
      'start-time': { type: 'string' },
      'external-url': { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { kind: 'help' };
  const scenario = values.scenario ?? 'mixed';
  if (!(SCENARIOS as readonly string[]).includes(scenario)) throw new Error(`--scenario must be one of ${SCENARIOS.join(', ')}`);
  const version = values['coder-version'] ?? '2.36';
  if (!isCoderVersion(version)) throw new Error(`--coder-version must be one of ${CODER_VERSIONS.join(', ')}`);
  const clock = values.clock ?? 'real';
  if (clock !== 'real' && clock !== 'manual') throw new Error('--clock must be real or manual');
  const options: CoderSimOptions = {
    host: values.host ?? '127.0.0.1',
    port: intOption(values.port, 'port', 0) ?? 0,
    agents: intOption(values.agents, 'agents', 0) ?? 50,
    seed: intOption(values.seed, 'seed', 0) ?? 1,
    scenario: scenario as ScenarioName,
    coderVersion: version,
    clock,
  };
  if (values.token !== undefined) options.token = values.token;
  const mode = values.mode ?? 'tasks';
  if (mode !== 'tasks' && mode !== 'workspaces') throw new Error('--mode must be tasks or workspaces');
  if (mode === 'workspaces') options.mode = 'workspaces';
  if (values['disable-path-apps']) options.pathApps = false;
  if (values['disable-chats']) options.chatsApi = false;
  const chats = intOption(values.chats, 'chats', 0);
  if (chats !== undefined) options.chats = chats;
  const concurrency = intOption(values['chat-concurrency'], 'chat-concurrency', 0);
  if (concurrency !== undefined) options.chatConcurrency = concurrency;
  const spend = intOption(values['spend-limit-micros'], 'spend-limit-micros', 0);
  if (spend !== undefined) options.spendLimitMicros = spend;
  const tick = intOption(values['tick-ms'], 'tick-ms', 10);
  if (tick !== undefined) options.tickMs = tick;
  const start = values['start-time'];
  if (start !== undefined) {
    if (!Number.isFinite(Date.parse(start))) throw new Error(`--start-time must be an ISO date, got "${start}"`);
    options.startTime = start;
  }
  if (values['external-url'] !== undefined) options.externalUrl = values['external-url'];
  const arrivals = intOption(values['arrivals-per-hour'], 'arrivals-per-hour', 0);
  if (arrivals !== undefined) options.arrivalsPerHour = arrivals;
  if (values.speed !== undefined) {
    const speed = Number(values.speed);
    if (!(speed > 0) || !Number.isFinite(speed)) throw new Error(`--speed must be a number > 0, got "${values.speed}"`);
    options.speed = speed;
  }
  return { kind: 'run', options, verbose: values.verbose ?? false };
}
