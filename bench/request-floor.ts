// What no post step can go below for N tiny paths against this server, measured in the same run as
// the step: 3 requests per path (HEAD narinfo, PUT NAR, PUT narinfo: the least the binary-cache
// protocol allows for a path the cache may already have) from a bare node:http keep-alive client
// with no NAR work at all, 16 at a time, plus the one `nix path-info` a push needs (references and
// hashes for every narinfo) and a bare Node start.
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

function send(agent: http.Agent, url: string, method: string, body?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers: body ? { 'content-length': String(body.length) } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Wall time of `paths` × (HEAD, PUT, PUT) with 600-byte bodies to a fresh prefix of `base`. */
export async function bareRequestsMs(base: string, paths: number, concurrency = 16): Promise<number> {
  const agent = new http.Agent({ keepAlive: true });
  const prefix = `${base}/floor-${randomUUID().slice(0, 8)}`;
  const body = Buffer.alloc(600, 7);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths) {
        const i = next++;
        await send(agent, `${prefix}/${i}.narinfo`, 'HEAD');
        await send(agent, `${prefix}/nar/${i}.nar`, 'PUT', body);
        await send(agent, `${prefix}/${i}.narinfo`, 'PUT', body);
      }
    }),
  );
  const ms = performance.now() - started;
  agent.destroy();
  return ms;
}
