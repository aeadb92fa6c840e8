/** A hand-built fetch for unit tests: routes by "METHOD /path" (no query), records every call. */
export interface RecordedCall {
  method: string;
  url: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type Reply = Response | ((call: RecordedCall) => Response | Promise<Response>);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-coder-build-version': 'v2.27.1+230b55b', ...headers },
  });
}

export function empty(status: number, headers: Record<string, string> = {}): Response {
  return new Response(null, { status, headers });
}

export interface FakeFetch {
  fetch: typeof globalThis.fetch;
  calls: RecordedCall[];
  /** Replies are consumed in order per route; the last one repeats. */
  on(route: string, ...replies: Reply[]): FakeFetch;
  paths(): string[];
}

export function fakeFetch(): FakeFetch {
  const routes = new Map<string, Reply[]>();
  const calls: RecordedCall[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init?.method ?? 'GET').toUpperCase();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const call: RecordedCall = { method, url: url.href, path: url.pathname, headers };
    if (typeof init?.body === 'string') call.body = init.body;
    calls.push(call);
    if (init?.signal?.aborted) throw init.signal.reason;
    const queue = routes.get(`${method} ${url.pathname}`);
    if (!queue || queue.length === 0) return json({ message: `no fake route for ${method} ${url.pathname}` }, 599);
    const reply = queue.length > 1 ? queue.shift()! : queue[0]!;
    return typeof reply === 'function' ? reply(call) : reply.clone();
  };
  const self: FakeFetch = {
    fetch: impl as typeof globalThis.fetch,
    calls,
    on(route, ...replies) {
      routes.set(route, replies);
      return self;
    },
    paths: () => calls.map((c) => `${c.method} ${c.path}`),
  };
  return self;
}
