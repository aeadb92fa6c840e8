/**
 * A CoderClient whose every method answers `network` unless overridden: for framework tests that must
 * not depend on the simulator. Tool tests use the real client against the simulator (client-fixture.ts).
 */
import type { CoderApiError, CoderClient, CoderResult } from '../coder.js';

export function coderError(kind: CoderApiError['kind'], extra: Partial<CoderApiError> = {}): { ok: false; error: CoderApiError } {
  return { ok: false, error: { kind, operation: 'GET /api/v2/test', message: `stub ${kind}`, ...extra } };
}

export function stubCoder(overrides: Partial<CoderClient> = {}): CoderClient {
  const unreachable = async (): Promise<CoderResult<never>> => coderError('network', { message: 'stub: not configured' });
  return new Proxy(overrides as CoderClient, {
    get: (target, prop) => (prop in target ? target[prop as keyof CoderClient] : unreachable),
  });
}
