/**
 * The demo target's JSON HTTP API: routes, injected faults (latency, 500s) and per-route request counts.
 *
 *   GET  /            200 {name, version, routes}       the benchmark route: static bytes, nothing allocated per hit
 *   GET  /health      200 {status: 'ok'}                never delayed or failed, so readiness checks stay truthful
 *   GET  /items/:id   200 item | 404                    1..1_000_000 computed from the id; larger ids if created
 *   POST /items       201 item | 400 | 413              JSON object with a `name`; kept in a bounded store
 *   other paths       404 JSON; a known path with another method: 405 JSON with `Allow`
 *
 * Faults apply to every route but /health: `latency` delays the reply with a timer (never a busy wait) and
 * `errorRate` answers that fraction with 500 `{error: 'injected_failure'}`. A request can override both with
 * `?latency=<ms>&fail=<1|0>`, which lets tests force either outcome without randomness.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ItemStore, parseNewItem, type Item } from './items';
import { MAX_LATENCY_MS, resolveFaults, type FaultOptions, type ResolvedFaults } from './options';

/** Requests on a known path with the wrong method (405) count under that path's route. */
export type RouteName = 'root' | 'health' | 'getItem' | 'createItem' | 'notFound';

export interface HttpApiStats {
  /** Requests received per route, counted on arrival (before any delay, including failed and 400/405 ones). */
  requests: Record<RouteName, number>;
  /** Every request, including those refused for a bad `?latency=`/`?fail=` before being routed. */
  total: number;
  /** Requests answered 500 by `errorRate` or `?fail=1`. */
  injectedFailures: number;
  /** Created items currently held. */
  itemsStored: number;
}

export interface HttpApiOptions extends FaultOptions {
  /** Created items kept before the oldest is forgotten; default 10,000. */
  storeCapacity?: number;
}

/** POST bodies are tiny JSON objects; anything larger is a client bug or an attack on the store. */
export const MAX_BODY_BYTES = 16 * 1024;

/** A finished response: status, its header list and body bytes, prepared once for the static ones. */
interface Reply {
  status: number;
  headers: string[];
  body: Buffer;
}

function jsonReply(status: number, value: unknown, extraHeaders: string[] = []): Reply {
  const body = Buffer.from(JSON.stringify(value));
  // The flat [name, value, …] form: Node writes it without building a headers object.
  return { status, headers: ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(body.length), ...extraHeaders], body };
}

function errorReply(status: number, error: string, message: string, extraHeaders?: string[]): Reply {
  return jsonReply(status, { error, message }, extraHeaders);
}

const ROOT = jsonReply(200, {
  name: 'rookery demo target',
  version: 1,
  routes: ['GET /', 'GET /health', 'GET /items/:id', 'POST /items', 'WS /ws/:id'],
});
const HEALTH = jsonReply(200, { status: 'ok' });
const NOT_FOUND = errorReply(404, 'not_found', 'no such route; see GET / for the list');
const ITEM_NOT_FOUND = errorReply(404, 'item_not_found', 'no item with this id');
const INJECTED_FAILURE = errorReply(500, 'injected_failure', 'failed on purpose (errorRate or ?fail=1)');
const INVALID_JSON = errorReply(400, 'invalid_json', 'the body is not valid JSON');
const TOO_LARGE = errorReply(413, 'body_too_large', `the body exceeds ${MAX_BODY_BYTES} bytes`, ['Connection', 'close']);
const GET_ONLY = errorReply(405, 'method_not_allowed', 'use GET', ['Allow', 'GET, HEAD']);
const POST_ONLY = errorReply(405, 'method_not_allowed', 'use POST', ['Allow', 'POST']);

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(reply.status, reply.headers);
  res.end(reply.body);
}

/** An aborted upload emits 'error' on the request; the reply simply never goes out, nothing else to do. */
function ignore(): void {}

const ITEM_ID = /^[1-9][0-9]{0,15}$/;

export class HttpApi {
  private readonly faults: ResolvedFaults;
  private readonly store: ItemStore;
  private readonly counts: Record<RouteName, number> = { root: 0, health: 0, getItem: 0, createItem: 0, notFound: 0 };
  private total = 0;
  private injectedFailures = 0;
  /** True when neither option injects anything, so the hot path can skip the fault logic entirely. */
  private readonly faultFree: boolean;

  /** Throws a `ROOKERY_USAGE` error on invalid `latency` or `errorRate`. */
  constructor(options: HttpApiOptions = {}) {
    this.faults = resolveFaults(options);
    this.store = new ItemStore(options.storeCapacity);
    this.faultFree = this.faults.latencyMaxMs === 0 && this.faults.errorRate === 0;
  }

  /** The request listener; bound so it can be handed to `http.createServer` or an 'request' event as is. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.total++;
    const url = req.url ?? '/';
    // The benchmark path: one comparison, a preallocated reply, no URL parsing.
    if (url === '/' && this.faultFree && (req.method === 'GET' || req.method === 'HEAD')) {
      this.counts.root++;
      send(res, ROOT);
      return;
    }
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const isGet = method === 'GET' || method === 'HEAD';

    if (path === '/health') {
      this.counts.health++;
      send(res, isGet ? HEALTH : GET_ONLY);
      return;
    }

    let delayMs = this.pickDelay();
    let fail = this.faults.errorRate > 0 && Math.random() < this.faults.errorRate;
    if (q !== -1) {
      const query = new URLSearchParams(url.slice(q + 1));
      const latency = query.get('latency');
      if (latency !== null) {
        const ms = /^[0-9]{1,6}$/.test(latency) ? Number(latency) : NaN;
        if (!(ms <= MAX_LATENCY_MS)) {
          send(res, errorReply(400, 'bad_query', `latency must be an integer 0..${MAX_LATENCY_MS} (ms)`));
          return;
        }
        delayMs = ms;
      }
      const failParam = query.get('fail');
      if (failParam !== null) {
        if (failParam === '1' || failParam === 'true') fail = true;
        else if (failParam === '0' || failParam === 'false') fail = false;
        else {
          send(res, errorReply(400, 'bad_query', 'fail must be 1, 0, true or false'));
          return;
        }
      }
    }

    if (path === '/') {
      this.counts.root++;
      this.reply(res, delayMs, fail, isGet ? ROOT : GET_ONLY);
    } else if (path === '/items') {
      this.counts.createItem++;
      if (method !== 'POST') this.reply(res, delayMs, fail, POST_ONLY);
      else if (fail) this.reply(res, delayMs, true, INJECTED_FAILURE);
      else this.readBody(req, res, (text) => this.reply(res, delayMs, false, this.createItem(text)));
    } else if (path.startsWith('/items/')) {
      this.counts.getItem++;
      this.reply(res, delayMs, fail, isGet ? this.getItem(path.slice('/items/'.length)) : GET_ONLY);
    } else {
      this.counts.notFound++;
      this.reply(res, delayMs, fail, NOT_FOUND);
    }
  };

  stats(): HttpApiStats {
    return { requests: { ...this.counts }, total: this.total, injectedFailures: this.injectedFailures, itemsStored: this.store.size };
  }

  private pickDelay(): number {
    const { latencyMinMs: min, latencyMaxMs: max } = this.faults;
    return min === max ? min : min + Math.random() * (max - min);
  }

  /** Sends `reply` (or the injected 500) after `delayMs`; the timer dies with the response if the client leaves. */
  private reply(res: ServerResponse, delayMs: number, fail: boolean, reply: Reply): void {
    if (fail) {
      this.injectedFailures++;
      reply = INJECTED_FAILURE;
    }
    if (delayMs <= 0) {
      send(res, reply);
      return;
    }
    const timer = setTimeout(send, delayMs, res, reply);
    res.once('close', () => clearTimeout(timer));
  }

  private getItem(idText: string): Reply {
    const item = ITEM_ID.test(idText) ? this.store.get(Number(idText)) : undefined;
    return item ? jsonReply(200, item) : ITEM_NOT_FOUND;
  }

  private createItem(text: string): Reply {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return INVALID_JSON;
    }
    const fields = parseNewItem(body);
    if (typeof fields === 'string') return errorReply(400, 'invalid_item', fields);
    const item: Item = this.store.add(fields);
    return jsonReply(201, item, ['Location', `/items/${item.id}`]);
  }

  /** Collects the body up to MAX_BODY_BYTES; past that it answers 413 and closes the connection. */
  private readBody(req: IncomingMessage, res: ServerResponse, onBody: (text: string) => void): void {
    req.on('error', ignore);
    const declared = Number(req.headers['content-length']);
    if (declared > MAX_BODY_BYTES) {
      send(res, TOO_LARGE);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        tooLarge = true;
        send(res, TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) onBody(Buffer.concat(chunks, size).toString('utf8'));
    });
  }
}
