import type { CoderSim } from '../server.js';

export interface ApiResult {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** Tiny fetch helper for specs: JSON in, parsed JSON out, admin token unless another is given. */
export function simFetch(sim: CoderSim) {
  return async (method: string, path: string, opts: { body?: unknown; token?: string | null; rawBody?: string } = {}): Promise<ApiResult> => {
    const headers: Record<string, string> = {};
    const token = opts.token === undefined ? sim.token : opts.token;
    if (token !== null) headers['Coder-Session-Token'] = token;
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${sim.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  };
}
