// Writes a pin set to its folder URL so that a reader never sees a half-written or mismatched set:
// the tarball goes first and pins.json last (a reader starts from pins.json, and a new tarball
// beside an old pins.json names paths that are already in the cache), each file replaced whole.
//   file:///dir   write `.<name>.tmp-<random>` in the same folder, then rename(2) over the name
//                 (atomic on POSIX within one file system).
//   http(s)://…   one PUT per file, tarball then pins.json; servers that take PUT (nginx WebDAV,
//                 S3-style stores) write the body to a temporary file and swap it in when complete.
//                 Credentials in the URL (user:password@) become Basic auth, never a printed URL.
//   s3://bucket/prefix?region=…&endpoint=…&scheme=…   one signed PUT per object, tarball then
//                 pins.json (s3.ts); S3 makes an object visible only once its upload is complete.
//   branch:NAME   one commit pushed to a branch of the job's repository (git-branch.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { http, redactUrl } from '../http.ts';
import { PINS_JSON, PINS_TARBALL } from './format.ts';
import { branchOf, publishToBranch } from './git-branch.ts';
import { credentialsFromEnv, parseS3Url, s3Put } from './s3.ts';

export const PIN_FOLDER_SCHEMES = ['file:', 'http:', 'https:', 's3:', 'branch:'];

export interface PinFiles {
  tarball: Buffer;
  json: string;
  /** The one cache the Nix files name for fetchClosure, if any (nix-files.ts). */
  fromStore: string | null;
}

/** `folder` + `/name`, keeping a query string out of the way. */
export function fileUrl(folder: string, name: string): string {
  const u = new URL(folder);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${name}`;
  return u.toString();
}

async function replaceFile(dir: string, name: string, content: Buffer | string): Promise<void> {
  const temp = join(dir, `.${name}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(temp, content, { mode: 0o644 });
    await rename(temp, join(dir, name));
  } finally {
    await rm(temp, { force: true });
  }
}

function basicAuth(u: URL): Record<string, string> {
  if (!u.username && !u.password) return {};
  const pair = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

async function put(folder: string, name: string, body: Buffer | string, contentType: string, signal: AbortSignal): Promise<void> {
  const u = new URL(fileUrl(folder, name));
  const headers = { 'content-type': contentType, ...basicAuth(u) };
  u.username = '';
  u.password = '';
  await http(u.toString(), { method: 'PUT', headers, body, signal, timeoutMs: 60_000 });
}

export async function publishPinFiles(folder: string, files: PinFiles, signal: AbortSignal): Promise<void> {
  const branch = branchOf(folder);
  if (branch !== null) return publishToBranch(branch, files, process.env.GITHUB_WORKSPACE || process.cwd());
  const u = new URL(folder);
  if (u.protocol === 'file:') {
    const dir = fileURLToPath(u);
    await mkdir(dir, { recursive: true });
    await replaceFile(dir, PINS_TARBALL, files.tarball);
    await replaceFile(dir, PINS_JSON, files.json);
  } else if (u.protocol === 'http:' || u.protocol === 'https:') {
    await put(folder, PINS_TARBALL, files.tarball, 'application/gzip', signal);
    await put(folder, PINS_JSON, files.json, 'application/json', signal);
  } else if (u.protocol === 's3:') {
    const location = parseS3Url(folder);
    const credentials = credentialsFromEnv();
    await s3Put(location, PINS_TARBALL, files.tarball, 'application/gzip', credentials, signal);
    await s3Put(location, PINS_JSON, files.json, 'application/json', credentials, signal);
  } else {
    throw new Error(`cannot publish a pin set to ${redactUrl(folder)}: supported are ${PIN_FOLDER_SCHEMES.join(', ')}`);
  }
}
