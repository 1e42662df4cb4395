// A fault-injecting HTTP proxy on 127.0.0.1 in front of a real server (nginx, the attic or Cachix
// double). Each request is passed through or hit by a fault chosen by the test's rule: connection
// refused (nothing listens), accept-and-hang, slow drip of request and response bodies, an error status,
// a truncated response, or a replaced response body (a NAR that differs from its narinfo).
//
// Random faults are decided by a seeded hash of (seed, method, path, n-th try of that request), not
// by arrival order, so the same paths under the same seed meet the same faults however the uploads
// interleave: a run's figures are reproducible.
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export type Fault =
  | { kind: 'pass' }
  /** Accept the connection, read the request, never answer. */
  | { kind: 'hang' }
  /** Forward the request body, then send the response body, `chunkBytes` at a time, one chunk per `intervalMs`. */
  | { kind: 'drip'; chunkBytes: number; intervalMs: number }
  /** Answer this status without forwarding. */
  | { kind: 'status'; status: number }
  /** Forward, then send the upstream headers (full Content-Length) and only `keepBytes` of the body. */
  | { kind: 'truncate'; keepBytes: number }
  /** Forward, then answer the upstream status with this body instead. */
  | { kind: 'replace'; body: Buffer };

export interface ProxyRequest {
  method: string;
  path: string;
  /** Method, path and what names the object when the path does not (attic's X-Attic-Nar-Info). */
  key: string;
  /** 1 for the first request with this key, 2 for the next (its retry, or another upload to a shared URL), … */
  attempt: number;
}

export type Rule = (request: ProxyRequest, proxy: FaultProxy) => Fault;

export interface ProxyEvent extends ProxyRequest {
  fault: Fault['kind'];
  status: number | null;
  startedAt: number;
  endedAt: number | null;
}

export interface FaultProxy {
  url: string;
  port: number;
  /** Every request, in arrival order, with the fault it met. */
  events: ProxyEvent[];
  /** Requests hit by a fault other than pass/drip. */
  injected(): number;
  /** Requests received but not yet answered (e.g. uploads in flight). */
  inFlight(): ProxyEvent[];
  setRule(rule: Rule): void;
  /** Stops listening: later connections are refused. Open connections are cut. */
  refuse(): Promise<void>;
  stop(): Promise<void>;
}

/** A uniform number in [0, 1) from a seeded hash of the parts: the same inputs give the same number. */
export function seededUniform(seed: number, ...parts: Array<string | number>): number {
  const digest = createHash('sha256').update([seed, ...parts].join('\0')).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * `share` of requests answer one of `statuses` (picked by the same hash). The same request (method,
 * path, attic's per-path header) never meets more than `maxConsecutive` faults in a row, modelling a
 * flaky (not dead) cache. Decisions depend on the n-th request of each kind, not on timing.
 */
export function randomStatuses(options: { seed: number; share: number; statuses: number[]; maxConsecutive?: number; match?: (r: ProxyRequest) => boolean }): Rule {
  const max = options.maxConsecutive ?? 3;
  const streaks = new Map<string, number>();
  return (r) => {
    if (options.match && !options.match(r)) return { kind: 'pass' };
    const streak = streaks.get(r.key) ?? 0;
    const u = seededUniform(options.seed, r.key, r.attempt);
    if (streak >= max || u >= options.share) {
      streaks.set(r.key, 0);
      return { kind: 'pass' };
    }
    streaks.set(r.key, streak + 1);
    const status = options.statuses[Math.floor((u / options.share) * options.statuses.length)] ?? 503;
    return { kind: 'status', status };
  };
}

export async function startFaultProxy(upstream: string, rule: Rule = () => ({ kind: 'pass' })): Promise<FaultProxy> {
  const target = new URL(upstream);
  const attempts = new Map<string, number>();
  const events: ProxyEvent[] = [];
  const sockets = new Set<Socket>();
  let current = rule;

  const forward = (req: IncomingMessage, body: AsyncIterable<Buffer>): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, resolve);
      out.on('error', reject);
      // A client that goes away mid-upload must look the same to the server: a cut connection,
      // not a short body that a chunked request would end cleanly.
      req.on('close', () => {
        if (!req.complete) out.destroy(new Error('client aborted'));
      });
      void (async () => {
        try {
          for await (const chunk of body) if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
          out.end();
        } catch (error) {
          out.destroy(error as Error);
        }
      })();
    });

  async function* dripped(req: IncomingMessage, chunkBytes: number, intervalMs: number): AsyncIterable<Buffer> {
    for await (const data of req as AsyncIterable<Buffer>) {
      for (let i = 0; i < data.length; i += chunkBytes) {
        await sleep(intervalMs);
        yield data.subarray(i, i + chunkBytes);
      }
    }
  }

  const readAll = async (stream: AsyncIterable<Buffer>): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c);
    return Buffer.concat(chunks);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, event: ProxyEvent, fault: Fault): Promise<void> => {
    switch (fault.kind) {
      case 'hang':
        req.resume();
        return; // never answered; stop() cuts the socket
      case 'status':
        await readAll(req);
        res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.status === 429 ? { 'retry-after': '0' } : {}) });
        res.end(`injected fault: ${fault.status}\n`);
        event.status = fault.status;
        return;
      default:
        break;
    }
    const body = fault.kind === 'drip' ? dripped(req, fault.chunkBytes, fault.intervalMs) : (req as AsyncIterable<Buffer>);
    const up = await forward(req, body);
    event.status = up.statusCode ?? 0;
    const upBody = await readAll(up);
    const headers = { ...up.headers };
    if (fault.kind === 'replace') {
      headers['content-length'] = String(fault.body.length);
      res.writeHead(up.statusCode ?? 502, headers);
      res.end(fault.body);
    } else if (fault.kind === 'truncate') {
      res.writeHead(up.statusCode ?? 502, headers);
      res.write(upBody.subarray(0, Math.min(fault.keepBytes, Math.max(0, upBody.length - 1))));
      // Cut the connection with the body short of its Content-Length.
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (fault.kind === 'drip') {
      res.writeHead(up.statusCode ?? 502, headers);
      for (let i = 0; i < upBody.length; i += fault.chunkBytes) {
        await sleep(fault.intervalMs);
        res.write(upBody.subarray(i, i + fault.chunkBytes));
      }
      res.end();
    } else {
      res.writeHead(up.statusCode ?? 502, headers);
      res.end(upBody);
    }
  };

  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const info = req.headers['x-attic-nar-info'];
    // Upload ids (Cachix's random multipart UUIDs) would make the keys differ from run to run.
    const stable = path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');
    const key = `${req.method} ${stable}${typeof info === 'string' ? ` ${createHash('sha256').update(info).digest('hex').slice(0, 16)}` : ''}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const request: ProxyRequest = { method: req.method ?? 'GET', path, key, attempt };
    const fault = current(request, proxy);
    const event: ProxyEvent = { ...request, fault: fault.kind, status: null, startedAt: Date.now(), endedAt: null };
    events.push(event);
    res.on('close', () => (event.endedAt = Date.now()));
    handle(req, res, event, fault).catch(() => {
      event.status = 502;
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const close = async (): Promise<void> => {
    for (const s of sockets) s.destroy();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    port,
    events,
    injected: () => events.filter((e) => e.fault !== 'pass' && e.fault !== 'drip').length,
    inFlight: () => events.filter((e) => e.endedAt === null),
    setRule(rule) {
      current = rule;
    },
    refuse: close,
    stop: close,
  };
  return proxy;
}
