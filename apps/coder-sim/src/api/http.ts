import type { Fleet } from '../model/fleet.js';
import type { SimChat } from '../model/chats/types.js';
import type { SimUser } from '../model/types.js';
import { UUID_PATTERN } from '../util/prng.js';
import type { CoderVersion, VersionFeatures } from '../versions.js';
import type { CoderErrorBody, ValidationError } from '../wire-types.js';

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  params: Record<string, string>;
  rawBody: string;
  /** The authenticated caller (routes with `auth: true` always have one). */
  user: SimUser | null;
}

export interface SimResponse {
  status: number;
  /** JSON-serialised unless `raw` is given; absent for empty bodies (202/204). */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  fleet: Fleet;
  version: CoderVersion;
  features: VersionFeatures;
  baseUrl: string;
  deploymentId: string;
  pauseResponse: 'workspace_build' | 'workspace_build_id';
}

export type Handler = (req: SimRequest, ctx: RouteContext) => SimResponse;

export interface Route {
  method: string;
  /** Literal path template, e.g. `/api/v2/tasks/{user}/{task}`; also the counter key. */
  template: string;
  auth: boolean;
  /** Absent on this Coder version → 404 "Route not found." */
  available?: (features: VersionFeatures) => boolean;
  handler: Handler;
  /** WebSocket routes: what to serve once upgraded (throws CoderHttpError to refuse before the upgrade). */
  socket?: (req: SimRequest, ctx: RouteContext) => SocketPlan;
}

/** What an accepted WebSocket serves: the caller's chat events, or one chat's stream from `afterId`. */
export type SocketPlan = { kind: 'watch'; user: SimUser } | { kind: 'stream'; user: SimUser; chat: SimChat; afterId: number };

/** A Coder error response (`codersdk.Response`) raised from a handler. */
export class CoderHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: CoderErrorBody,
  ) {
    super(body.message);
  }
}

export const NOT_FOUND_MESSAGE = 'Resource not found or you do not have access to this resource';

export function fail(status: number, message: string, detail?: string, validations?: ValidationError[]): never {
  throw new CoderHttpError(status, { message, ...(detail !== undefined ? { detail } : {}), ...(validations ? { validations } : {}) });
}

export function notFound(): never {
  return fail(404, NOT_FOUND_MESSAGE);
}

export function routeNotFound(): SimResponse {
  return { status: 404, body: { message: 'Route not found.' } };
}

export function json(body: unknown, status = 200): SimResponse {
  return { status, body };
}

export function empty(status: number): SimResponse {
  return { status };
}

/** Go's uuid.Parse error text. */
export function uuidParseDetail(value: string): string {
  return [32, 36, 38, 41, 45].includes(value.length) ? 'invalid UUID format' : `invalid UUID length: ${value.length}`;
}

/** A `{name}` path parameter that must be a UUID (coderd: 400 "Invalid UUID"). */
export function uuidParam(req: SimRequest, name: string): string {
  const value = req.params[name] ?? '';
  if (!UUID_PATTERN.test(value)) fail(400, `Invalid UUID "${value}".`, uuidParseDetail(value));
  return value.toLowerCase();
}

export function readJson(req: SimRequest): Record<string, unknown> {
  if (req.rawBody.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(req.rawBody);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    return fail(400, 'Request body must be valid JSON.', 'json: cannot unmarshal into Go value of type object');
  } catch (error) {
    if (error instanceof CoderHttpError) throw error;
    return fail(400, 'Request body must be valid JSON.', error instanceof Error ? error.message : String(error));
  }
}

export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(400, 'Request body must be valid JSON.', `json: cannot unmarshal ${typeof value} into Go struct field .${key} of type string`);
  return value;
}

export function requireUser(req: SimRequest): SimUser {
  if (!req.user) throw new Error('route without auth used requireUser');
  return req.user;
}
