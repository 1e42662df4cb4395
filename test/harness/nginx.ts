// A real nginx (Debian nginx-light) on 127.0.0.1 serving a directory over HTTP: GET serves files,
// PUT (WebDAV module) writes them, creating parent dirs. That is exactly what `nix copy --to
// http://…` needs to upload a binary cache and what a Nix substituter needs to read one. A
// chunked body (no Content-Length) gets 411, as behind cloudflared.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NGINX = '/usr/sbin/nginx';

export interface NginxRequest {
  method: string;
  /** Decoded request path, without query string, e.g. `/nar/….nar.xz`. */
  path: string;
  status: number;
  /** Bytes of the request (headers + body): an upload's size. */
  requestBytes: number;
  /** Body bytes sent back. */
  bodyBytes: number;
}

export interface Nginx {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** The served directory. */
  root: string;
  port: number;
  /** Requests served so far, in order (from the access log). */
  requests(): NginxRequest[];
  /**
   * The requests once `done(logged)` holds (or after `timeoutMs`): nginx logs a request after it
   * has sent the answer, so a client can read the log before its last request's line is there.
   */
  requestsWhen(done: (logged: NginxRequest[]) => boolean, timeoutMs?: number): Promise<NginxRequest[]>;
  /** Kills nginx; removes its temp dir (and the root, unless the caller gave it). */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** A loopback port nothing listens on (just freed): a cache that refuses connections. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Options of startNginx. */
export interface NginxOptions {
  /** Served directory (default: a temp dir removed by stop()). */
  root?: string;
  /** Loopback address to listen on (default 127.0.0.1; 127.0.0.2 is another netrc `machine`). */
  host?: string;
  /** A private cache: reads (not uploads) need HTTP Basic auth with these credentials. */
  readAuth?: { user: string; password: string };
}

function config(dir: string, root: string, port: number, options: NginxOptions = {}): string {
  // As root the master would drop workers to `nobody`, who cannot write into a 0700 temp root:
  // keep workers as the current user instead.
  const user = process.getuid?.() === 0 ? 'user root root;' : '';
  return `daemon off;
master_process on;
worker_processes 1;
${user}
pid ${dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 256; }
http {
  log_format harness '$request_method $uri $status $request_length $body_bytes_sent';
  access_log ${dir}/access.log harness;
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  types { text/x-nix-narinfo narinfo; }
  default_type application/octet-stream;
  server {
    listen ${options.host ?? '127.0.0.1'}:${port};
    root ${root};
    client_max_body_size 0;
    location / {
      # As cloudflared and other proxies in front of caches do: a body must come with its length.
      if ($http_transfer_encoding ~* chunked) { return 411; }
      dav_methods PUT DELETE;
      create_full_put_path on;
      dav_access user:rw group:r all:r;${options.readAuth ? `
      limit_except PUT DELETE { auth_basic "cache"; auth_basic_user_file ${dir}/htpasswd; }` : ''}
    }
  }
}
`;
}

async function waitUntilServing(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`nginx exited: ${stderr()}`);
    try {
      await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
      return; // any HTTP answer (403/404 for /) means it is serving
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`nginx did not answer on ${url}: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM'); // fast shutdown; the master takes its workers with it
  });
}

export async function startNginx(options: NginxOptions = {}): Promise<Nginx> {
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-nginx-'));
  const root = options.root ?? path.join(dir, 'root');
  mkdirSync(root, { recursive: true });
  mkdirSync(path.join(dir, 'tmp'), { recursive: true });
  if (options.readAuth) writeFileSync(path.join(dir, 'htpasswd'), `${options.readAuth.user}:{PLAIN}${options.readAuth.password}\n`);
  // The port is chosen then bound by nginx: retry if another process took it in between.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
    writeFileSync(path.join(dir, 'nginx.conf'), config(dir, root, port, options));
    writeFileSync(path.join(dir, 'access.log'), '');
    const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', 'stderr'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    running.add(child);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitUntilServing(url, child, () => stderr);
    } catch (e) {
      await stopChild(child);
      running.delete(child);
      if (attempt < 3 && stderr.includes('Address already in use')) continue;
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    return {
      url,
      root,
      port,
      requests: () => parseAccessLog(readFileSync(path.join(dir, 'access.log'), 'utf8')),
      async requestsWhen(done, timeoutMs = 2_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const logged = parseAccessLog(readFileSync(path.join(dir, 'access.log'), 'utf8'));
          if (done(logged) || Date.now() > deadline) return logged;
          await sleep(10);
        }
      },
      async stop() {
        await stopChild(child);
        running.delete(child);
        rmSync(dir, { recursive: true, force: true }); // holds the default root, not a given one
      },
    };
  }
}

function parseAccessLog(text: string): NginxRequest[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [method = '', p = '', status = '0', requestBytes = '0', bodyBytes = '0'] = l.split(' ');
      return { method, path: p, status: Number(status), requestBytes: Number(requestBytes), bodyBytes: Number(bodyBytes) };
    });
}
