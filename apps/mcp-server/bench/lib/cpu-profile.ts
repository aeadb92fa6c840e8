/**
 * In-process CPU profiling (V8 sampling profiler through node:inspector) and a summary that says where
 * the time went: self time per layer (simulator, node fetch, coder-api-client, fleet-domain, MCP SDK,
 * zod, ...), inclusive time of the functions that matter, and the hottest functions.
 */
import { Session } from 'node:inspector/promises';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export async function profile<T>(fn: () => Promise<T>, intervalUs = 200): Promise<{ value: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
    await session.post('Profiler.start');
    const value = await fn();
    const { profile: p } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
    return { value, profile: p };
  } finally {
    session.disconnect();
  }
}

/** Which layer a frame belongs to (by source path). */
export function layerOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(idle)') return 'idle (waiting on I/O)';
  if (functionName === '(program)' || functionName === '(root)') return 'V8/native (program)';
  if (url.includes('/apps/coder-sim/')) return 'simulator (Coder side)';
  if (url.includes('/libs/fleet-domain/')) return 'fleet-domain';
  if (url.includes('/libs/coder-api-client/')) return 'coder-api-client';
  if (url.includes('/apps/mcp-server/bench/')) return 'bench harness';
  if (url.includes('/apps/mcp-server/')) return 'mcp-server';
  if (url.includes('/node_modules/zod/')) return 'zod';
  if (url.includes('/node_modules/@modelcontextprotocol/')) return 'MCP SDK';
  if (url.includes('/node_modules/openapi-fetch/')) return 'openapi-fetch';
  if (url.includes('/node_modules/ajv')) return 'ajv';
  if (url.includes('/node_modules/')) return `other node_modules`;
  if (url.startsWith('node:') || url === '') return url.includes('undici') ? 'node fetch (undici)' : 'node core / builtins';
  return 'other';
}

export interface ProfileSummary {
  totalMs: number;
  byLayer: { layer: string; ms: number; pct: number }[];
  /** Inclusive time of named functions (their own time plus everything they call). */
  inclusive: { name: string; ms: number; pct: number }[];
  hottest: { fn: string; where: string; ms: number; pct: number }[];
}

/** A function whose inclusive time is reported: its name, optionally restricted to one layer. */
export interface Probe {
  label: string;
  fn: string;
  layer?: string;
}

export function summarize(p: CpuProfile, probes: readonly Probe[], top = 12): ProfileSummary {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of p.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<number, number>();
  let total = 0;
  const inclusive = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    self.set(id, (self.get(id) ?? 0) + dt);
    // Inclusive: each named function counted once per sample, however deep the recursion.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const frame = byId.get(cur)?.callFrame;
      if (!frame) continue;
      for (const probe of probes) {
        if (seen.has(probe.label) || frame.functionName !== probe.fn || (probe.layer && layerOf(frame) !== probe.layer)) continue;
        seen.add(probe.label);
        inclusive.set(probe.label, (inclusive.get(probe.label) ?? 0) + dt);
      }
    }
  }
  const layers = new Map<string, number>();
  const fns = new Map<string, { fn: string; where: string; ms: number }>();
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const layer = layerOf(frame);
    layers.set(layer, (layers.get(layer) ?? 0) + ms);
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : layer;
    const key = `${frame.functionName}@${where}`;
    const entry = fns.get(key) ?? { fn: frame.functionName || '(anonymous)', where, ms: 0 };
    entry.ms += ms;
    fns.set(key, entry);
  }
  const pct = (ms: number) => (total > 0 ? (ms / total) * 100 : 0);
  return {
    totalMs: total,
    byLayer: [...layers].map(([layer, ms]) => ({ layer, ms, pct: pct(ms) })).sort((a, b) => b.ms - a.ms),
    inclusive: probes.map(({ label }) => ({ name: label, ms: inclusive.get(label) ?? 0, pct: pct(inclusive.get(label) ?? 0) })),
    hottest: [...fns.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, pct: pct(f.ms) })),
  };
}

function shortUrl(url: string): string {
  const i = url.search(/\/(apps|libs|node_modules)\//);
  return i >= 0 ? url.slice(i + 1) : url.replace(/^file:\/\//, '');
}

export function renderSummary(s: ProfileSummary): string[] {
  const f = (ms: number, pct: number) => `${ms.toFixed(0).padStart(7)} ms ${pct.toFixed(1).padStart(5)}%`;
  return [
    `total sampled ${s.totalMs.toFixed(0)} ms`,
    'self time by layer:',
    ...s.byLayer.map((l) => `  ${l.layer.padEnd(28)} ${f(l.ms, l.pct)}`),
    'inclusive time of key functions:',
    ...s.inclusive.map((l) => `  ${l.name.padEnd(40)} ${f(l.ms, l.pct)}`),
    'hottest functions (self):',
    ...s.hottest.map((h) => `  ${f(h.ms, h.pct)}  ${h.fn}  ${h.where}`),
  ];
}
