// What a server sends is bounded and inert: a body is never read past a cap (a server streaming
// gigabytes costs at most the cap), and its text, once in a message, cannot act as a workflow
// command (`::cmd::` at a line's start, `##[cmd]` anywhere).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { BodyTooLargeError, http, httpJson, HttpError, MAX_BODY_BYTES, request } from '../../src/http.ts';
import { serverText } from '../../src/server-text.ts';

let server: Server;
let base: string;
let sent = 0;

/** Streams `bytes` of JSON-ish filler as fast as the client reads, with `status`. */
function stream(res: import('node:http').ServerResponse, status: number, bytes: number): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  let left = bytes;
  const pump = () => {
    while (left > 0) {
      left -= chunk.length;
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => (left = 0));
  pump();
}

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/huge') return stream(res, 200, 1024 * 1024 * 1024);
    if (req.url === '/huge-error') return stream(res, 500, 1024 * 1024 * 1024);
    res.writeHead(502).end('bad gateway\n::add-mask::x\n##[error]fake annotation ::set-output name=a::b');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

test('a JSON answer larger than the cap is refused after reading at most the cap', async () => {
  sent = 0;
  await assert.rejects(httpJson(`${base}/huge`), BodyTooLargeError);
  assert.ok(sent < MAX_BODY_BYTES * 4, `server sent ${sent} bytes before the client stopped`);
});

test('request() (node:http) stops reading at the cap too', async () => {
  sent = 0;
  await assert.rejects(request(`${base}/huge`, { method: 'GET', timeoutMs: 60_000, signal: AbortSignal.timeout(60_000) }), BodyTooLargeError);
  assert.ok(sent < MAX_BODY_BYTES * 4, `server sent ${sent} bytes before the client stopped`);
});

test('an error answer with a huge body becomes a short HttpError', async () => {
  const error = await http(`${base}/huge-error`).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof HttpError);
  assert.ok(error.message.length < 400, `${error.message.length} characters`);
});

test('server text in an error message cannot start or contain a workflow command', async () => {
  const error = await http(`${base}/x`).then(() => null, (e: unknown) => e);
  assert.ok(error instanceof HttpError);
  for (const line of error.message.split(/\r?\n/)) assert.doesNotMatch(line, /^\s*::/);
  assert.doesNotMatch(error.message, /##\[|\n|::add-mask|::set-output/);
});

test('serverText: one line, shortened, no command markers', () => {
  assert.equal(serverText('a\n::warning::b\r\n##[error]c'), 'a :\u200b:warning:\u200b:b #\u200b#[error]c');
  assert.equal(serverText(':::'), ':\u200b:\u200b:');
  assert.equal(serverText('x'.repeat(500), 10), `${'x'.repeat(10)}…`);
});
