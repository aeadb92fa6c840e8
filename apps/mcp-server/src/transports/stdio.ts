/**
 * stdio transport: newline-delimited JSON-RPC on stdin/stdout (stdout carries protocol only; logs go to
 * stderr). Our own line reader instead of the SDK's, because the SDK's stays silent on bad input (D9):
 * - a line that is not JSON gets -32700, a batch or a non-JSON-RPC value gets -32600 (MCP 2025-06-18
 *   removed batching; the SDK's stdio transport never supported it), always with `id` null unless the
 *   message carried a usable id;
 * - a line longer than `maxLineBytes` is discarded up to its newline, logged, and answered with -32600;
 *   the server keeps running (the SDK closed the transport and the process exited 0 without a word).
 */
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../log.js';
import type { FleetServer } from '../server.js';

export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;

type RpcId = string | number | null;
const rpcError = (id: RpcId, code: number, message: string) => ({ jsonrpc: '2.0' as const, id, error: { code, message } });
const usableId = (value: unknown): RpcId => {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null;
  const id = (value as { id: unknown }).id;
  return (typeof id === 'string' && id.length <= 200) || (typeof id === 'number' && Number.isFinite(id)) ? id : null;
};

/** A JSON-RPC id literal (string up to 200 chars, or an integer). */
const ID = String.raw`("(?:[^"\\]|\\.){0,200}"|-?\d{1,15})`;
/** The top-level id as a client writes it: first (`{"jsonrpc":"2.0","id":…`) or last (`…,"id":7}`, the SDK's order). */
const LEADING_ID = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"[^"]*"\s*,\s*)?"id"\s*:\s*${ID}\s*[,}]`);
const TRAILING_ID = new RegExp(String.raw`[,{]\s*"id"\s*:\s*${ID}\s*\}\s*$`);

/**
 * The id of a line that cannot be parsed or was too long to read, when it can still be seen at the start or
 * the end of the line (`head`, `tail`): the client can then match the error to its request (it would wait
 * for a timeout otherwise). Null otherwise, as JSON-RPC requires.
 */
const salvagedId = (head: string, tail: string = head): RpcId => {
  const m = LEADING_ID.exec(head.slice(0, 4096)) ?? TRAILING_ID.exec(tail.slice(-4096));
  if (!m?.[1]) return null;
  try {
    return usableId({ id: JSON.parse(m[1]) as unknown });
  } catch {
    return null;
  }
};

export interface LineTransportOptions {
  stdin?: Readable;
  stdout?: Writable;
  log?: Logger;
  maxLineBytes?: number;
}

/** Newline-delimited JSON-RPC over a pair of streams that answers what it cannot accept. */
export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private readonly maxLineBytes: number;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Inside an oversized line: drop bytes until its newline. */
  private discarding = false;
  private discarded = 0;
  /** The start of the discarded line: its id, when readable, goes on the refusal. */
  private discardedHead = '';
  /** The last bytes of the discarded line (the SDK writes the id last). */
  private discardedTail = '';
  private closed = false;

  constructor(private readonly options: LineTransportOptions = {}) {
    this.stdin = options.stdin ?? process.stdin;
    this.stdout = options.stdout ?? process.stdout;
    this.maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  private readonly onData = (chunk: Buffer) => {
    let rest = chunk;
    while (rest.length > 0) {
      const at = rest.indexOf(0x0a);
      const piece = at === -1 ? rest : rest.subarray(0, at);
      if (this.discarding) {
        this.discarded += piece.length;
        this.discardedTail = (this.discardedTail + piece.subarray(-512).toString('latin1')).slice(-512);
      }
      else if (this.size + piece.length > this.maxLineBytes) this.startDiscarding(piece);
      else {
        this.chunks.push(piece);
        this.size += piece.length;
      }
      if (at === -1) return;
      rest = rest.subarray(at + 1);
      this.endLine();
    }
  };
  private readonly onError = (error: Error) => this.onerror?.(error);
  private readonly onEnd = () => void this.close();

  private startDiscarding(piece: Buffer) {
    this.discarding = true;
    this.discarded = this.size + piece.length;
    this.discardedHead = Buffer.concat([...this.chunks, piece.subarray(0, 4096)]).subarray(0, 4096).toString('utf8');
    this.discardedTail = piece.subarray(-512).toString('latin1');
    this.chunks = [];
    this.size = 0;
  }

  private endLine() {
    if (this.discarding) {
      this.discarding = false;
      this.options.log?.warn('stdio: refused a message longer than the line limit', { bytes: this.discarded, limitBytes: this.maxLineBytes });
      const id = salvagedId(this.discardedHead, this.discardedTail);
      this.discardedHead = '';
      this.discardedTail = '';
      this.reply(rpcError(id, -32600, `Invalid Request: message of ${this.discarded} bytes exceeds the ${this.maxLineBytes}-byte limit of this server's stdio transport; it was discarded.`));
      return;
    }
    const line = Buffer.concat(this.chunks, this.size).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.size = 0;
    if (line.trim() === '') return;
    this.handleLine(line);
  }

  private handleLine(line: string) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.options.log?.debug('stdio: a line is not JSON', { bytes: line.length });
      return this.reply(rpcError(salvagedId(line), -32700, 'Parse error: the line is not valid JSON. Send one JSON-RPC message per line.'));
    }
    if (Array.isArray(value)) {
      // Every request in the batch gets the refusal under its own id (so a client can match it); no id: one answer, id null.
      const batchRefusal = 'Invalid Request: JSON-RPC batches are not supported (MCP 2025-06-18 removed them). Send one message per line.';
      const ids = value.map(usableId).filter((id): id is string | number => id !== null).slice(0, 100);
      if (ids.length === 0) return this.reply(rpcError(null, -32600, batchRefusal));
      for (const id of new Set(ids)) this.reply(rpcError(id, -32600, batchRefusal));
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const isReply = typeof value === 'object' && value !== null && !('method' in value);
      // A malformed reply to one of our requests has nobody to answer; say so in the log only.
      if (isReply) return this.options.log?.debug('stdio: ignored a malformed JSON-RPC response');
      return this.reply(rpcError(usableId(value), -32600, 'Invalid Request: not a JSON-RPC 2.0 message ("jsonrpc": "2.0", a string "method", an optional string or number "id", object "params").'));
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (error) {
      this.onerror?.(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private reply(message: ReturnType<typeof rpcError>) {
    void this.send(message as JSONRPCMessage).catch((error: unknown) => this.onerror?.(error instanceof Error ? error : new Error(String(error))));
  }

  async start(): Promise<void> {
    this.stdin.on('data', this.onData);
    this.stdin.on('error', this.onError);
    this.stdin.on('end', this.onEnd);
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(`${JSON.stringify(message)}\n`)) resolve();
      else this.stdout.once('drain', () => resolve());
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('error', this.onError);
    this.stdin.off('end', this.onEnd);
    if (this.stdin.listenerCount('data') === 0) this.stdin.pause();
    this.chunks = [];
    this.onclose?.();
  }
}

export async function serveStdio(fleet: FleetServer, options: LineTransportOptions = {}): Promise<{ close(): Promise<void> }> {
  const transport = new LineTransport(options);
  await fleet.server.connect(transport);
  return { close: () => fleet.close() };
}
