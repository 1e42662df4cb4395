// The blob side of the GitHub Actions cache double: the part of Azure Blob Storage that
// @actions/cache's uploads (@azure/storage-blob BlockBlobClient.uploadFile) and downloads (a plain
// GET) use, on path-style URLs (http://127.0.0.1:PORT/<account>/<container>/<blob>?<SAS>).
//
// As strict as the real service where a client could get it wrong: a SAS whose signature, expiry
// or permissions do not fit is refused with 403 AuthenticationFailed; a single-shot PUT needs
// `x-ms-blob-type: BlockBlob` and a body of exactly its Content-Length; block ids are base64 of at
// most 64 bytes, all of one length within a blob; a block list may only name staged blocks.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const ACCOUNT = 'devstoreaccount1';
export const CONTAINER = 'actions-cache';

export interface Blob {
  /** Committed content, or null until a PUT or block list commits it. */
  committed: Buffer | null;
  /** Staged, uncommitted blocks by block id (base64 as sent). */
  staged: Map<string, Buffer>;
  /** Writes are refused once the cache entry is finalized (entries are immutable). */
  sealed: boolean;
}

export interface BlobRequest {
  method: string;
  blob: string;
  /** `single`, `block`, `blocklist` or `get`. */
  kind: string;
  status: number;
  bytes: number;
}

/** Signs SAS URLs for blobs and serves them. */
export class BlobStore {
  readonly blobs = new Map<string, Blob>();
  readonly requests: BlobRequest[] = [];
  private readonly secret: Buffer;
  private readonly origin: () => string;

  constructor(secret: Buffer, origin: () => string) {
    this.secret = secret;
    this.origin = origin;
  }

  private signature(blob: string, permissions: string, expiry: string): string {
    return createHmac('sha256', this.secret).update(`${blob}\n${permissions}\n${expiry}`).digest('base64');
  }

  /** A SAS URL for `blob` valid for 10 minutes: `cw` (create, write) or `r` (read). */
  sasUrl(blob: string, permissions: 'cw' | 'r'): string {
    const expiry = new Date(Date.now() + 600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    const q = new URLSearchParams({ sv: '2024-08-04', sr: 'b', sp: permissions, se: expiry, sig: this.signature(blob, permissions, expiry) });
    return `${this.origin()}/${ACCOUNT}/${CONTAINER}/${blob}?${q}`;
  }

  private authorized(blob: string, q: URLSearchParams, need: 'w' | 'r'): boolean {
    const [sp, se, sig] = [q.get('sp'), q.get('se'), q.get('sig')];
    if (!sp || !se || !sig || q.get('sr') !== 'b') return false;
    const expected = Buffer.from(this.signature(blob, sp, se));
    const given = Buffer.from(sig);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return false;
    return Date.parse(se) > Date.now() && sp.includes(need);
  }

  /** Handles `/<account>/<container>/<blob>`; false when the path is not a blob path. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): boolean {
    const parts = url.pathname.split('/');
    if (parts.length !== 4 || parts[1] !== ACCOUNT || parts[2] !== CONTAINER || !parts[3]) return false;
    const name = parts[3];
    const q = url.searchParams;
    const comp = q.get('comp');
    const kind = req.method === 'GET' ? 'get' : comp === 'block' ? 'block' : comp === 'blocklist' ? 'blocklist' : 'single';
    const answer = (status: number, code?: string, payload?: Buffer): void => {
      this.requests.push({ method: req.method ?? '', blob: name, kind, status, bytes: payload?.length ?? body.length });
      const headers: Record<string, string | number> = { 'x-ms-request-id': `${this.requests.length}`, 'x-ms-version': '2024-08-04' };
      if (code) headers['x-ms-error-code'] = code;
      const out = payload ?? (code ? Buffer.from(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`) : Buffer.alloc(0));
      if (status === 201) headers.etag = `"0x${this.requests.length.toString(16)}"`;
      res.writeHead(status, { ...headers, 'content-length': out.length, ...(payload ? { 'content-type': 'application/octet-stream' } : {}) });
      res.end(out);
    };
    const blob = this.blobs.get(name);
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!this.authorized(name, q, 'r')) return answer(403, 'AuthenticationFailed'), true;
      if (!blob?.committed) return answer(404, 'BlobNotFound'), true;
      return answer(200, undefined, blob.committed), true;
    }
    if (req.method !== 'PUT') return answer(405, 'UnsupportedHttpVerb'), true;
    if (!this.authorized(name, q, 'w')) return answer(403, 'AuthenticationFailed'), true;
    if (!blob || blob.sealed) return answer(403, 'AuthorizationPermissionMismatch'), true;
    const length = Number(req.headers['content-length']);
    if (!Number.isSafeInteger(length) || length !== body.length) return answer(400, 'InvalidHeaderValue'), true;
    if (kind === 'single') {
      if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return answer(400, 'MissingRequiredHeader'), true;
      blob.committed = body;
      blob.staged.clear();
      return answer(201), true;
    }
    if (kind === 'block') {
      const id = q.get('blockid') ?? '';
      if (!validBlockId(id, blob)) return answer(400, 'InvalidQueryParameterValue'), true;
      blob.staged.set(id, body);
      return answer(201), true;
    }
    const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map((m) => m[2] as string);
    if (!/^<\?xml[^>]*\?>\s*<BlockList>[\s\S]*<\/BlockList>\s*$/.test(body.toString('utf8')) || ids.length === 0) return answer(400, 'InvalidXmlDocument'), true;
    if (ids.some((id) => !blob.staged.has(id))) return answer(400, 'InvalidBlockList'), true;
    blob.committed = Buffer.concat(ids.map((id) => blob.staged.get(id) as Buffer));
    blob.staged.clear();
    return answer(201), true;
  }
}

function validBlockId(id: string, blob: Blob): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id) || Buffer.from(id, 'base64').length > 64) return false;
  const first = blob.staged.keys().next().value;
  return first === undefined || first.length === id.length;
}
