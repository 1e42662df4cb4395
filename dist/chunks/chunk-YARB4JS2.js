import {
  STORE_DIR
} from "./chunk-GXO3SPPF.js";
import {
  NEVER,
  _default,
  _nonnegative,
  array,
  int,
  nullish,
  number,
  object,
  optional,
  pipe,
  record,
  string,
  transform,
  union,
  unknown
} from "./chunk-PVTLSGZJ.js";

// src/push/target.ts
var PushError = class extends Error {
  transient;
  constructor(message, transient, options) {
    super(message, options);
    this.name = "PushError";
    this.transient = transient;
  }
};

// src/http.ts
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";
var USER_AGENT = "nix-substitute-action";
var HttpError = class extends Error {
  status;
  body;
  constructor(status, url, body) {
    super(`HTTP ${status} from ${redactUrl(url)}${body ? `: ${body.slice(0, 300)}` : ""}`);
    this.name = "HttpError";
    this.status = status;
    this.body = body;
  }
};
function redactUrl(url) {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "<url>";
  }
}
function isTransientStatus(status) {
  return status === 429 || status === 408 || status >= 500;
}
async function http(url, options = {}) {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 3e4);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const init = {
    method: options.method ?? "GET",
    headers: { "user-agent": USER_AGENT, ...options.headers },
    body: options.body ?? null,
    signal
  };
  let response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = error.cause;
    if (error instanceof TypeError && cause) throw new TypeError(`cannot reach ${redactUrl(url)}: ${cause.code ?? cause.message ?? "network error"}`, { cause });
    throw error;
  }
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    throw new HttpError(response.status, url, text);
  }
  return response;
}
async function httpJson(url, options = {}) {
  const response = await http(url, { ...options, headers: { accept: "application/json", ...options.headers } });
  return await response.json();
}
function isTransient(error) {
  if (error instanceof PushError) return error.transient;
  if (error instanceof HttpError) return isTransientStatus(error.status);
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return true;
    if (error.name === "AbortError") return false;
    return error instanceof TypeError || /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket|terminated/i.test(String(error.message));
  }
  return false;
}
async function withRetry(fn, options) {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !isTransient(error) || options.signal.aborted) throw error;
      const delay = Math.round(Math.random() * Math.min(8e3, base * 2 ** (attempt - 1)));
      options.onRetry?.(error, attempt, delay);
      await sleep(delay, void 0, { signal: options.signal });
    }
  }
}
var httpAgent = null;
var httpsAgent = null;
function client(https) {
  if (https) {
    const m2 = process.getBuiltinModule("node:https");
    httpsAgent ??= new m2.Agent({ keepAlive: true });
    return { request: m2.request, agent: httpsAgent };
  }
  const m = process.getBuiltinModule("node:http");
  httpAgent ??= new m.Agent({ keepAlive: true });
  return { request: m.request, agent: httpAgent };
}
function networkError(url, error) {
  const code = error.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? new TypeError(`network error with ${redactUrl(url)}: ${code}`, { cause: error }) : error;
}
function request(url, options) {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const https = new URL(url).protocol === "https:";
  const headers = { "user-agent": USER_AGENT, ...options.headers };
  const body = options.body;
  if (typeof body === "string") headers["content-length"] = String(Buffer.byteLength(body));
  else if (body instanceof Uint8Array) headers["content-length"] = String(body.byteLength);
  const { request: send, agent } = client(https);
  const req = send(url, { method: options.method, headers, agent });
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error, answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (error || !req.writableFinished) req.destroy();
      if (error) reject(error);
      else resolve(answer);
    };
    const onAbort = () => finish(signal.reason);
    const timer = setTimeout(() => finish(new DOMException(`${redactUrl(url)} did not answer within ${options.timeoutMs} ms`, "TimeoutError")), options.timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (error) => finish(networkError(url, error)));
    req.on("response", (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => finish(null, { status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on("error", (error) => finish(networkError(url, error)));
    });
    if (body === void 0 || typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else pipeline(Readable.from(body), req).catch((error) => finish(error));
  });
}
async function putStream(url, headers, body, timeoutMs, signal) {
  const { status, text } = await request(url, { method: "PUT", headers, body, timeoutMs, signal });
  if (status < 200 || status >= 300) throw new HttpError(status, url, text);
  return text;
}

// src/nix/base32.ts
var ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
function encodedLength(byteLength) {
  return Math.ceil(byteLength * 8 / 5);
}
function toNix32(bytes) {
  let out = "";
  for (let n = encodedLength(bytes.length) - 1; n >= 0; n--) {
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    const low = (bytes[i] ?? 0) >> j;
    const high = i + 1 < bytes.length ? (bytes[i + 1] ?? 0) << 8 - j : 0;
    out += ALPHABET[(low | high) & 31];
  }
  return out;
}
function fromNix32(text, byteLength) {
  if (text.length !== encodedLength(byteLength)) {
    throw new Error(`nix32 string of length ${text.length} cannot hold ${byteLength} bytes`);
  }
  const out = Buffer.alloc(byteLength);
  for (let n = 0; n < text.length; n++) {
    const digit = ALPHABET.indexOf(text[text.length - n - 1] ?? "");
    if (digit < 0) throw new Error(`invalid nix32 character in "${text}"`);
    const bit = n * 5;
    const i = Math.floor(bit / 8);
    const j = bit % 8;
    out[i] = (out[i] ?? 0) | digit << j & 255;
    const carry = digit >> 8 - j;
    if (i + 1 < byteLength) out[i + 1] = (out[i + 1] ?? 0) | carry;
    else if (carry !== 0) throw new Error(`nix32 string "${text}" overflows ${byteLength} bytes`);
  }
  return out;
}

// src/nix/hash.ts
var Sha256 = class _Sha256 {
  bytes;
  constructor(bytes) {
    this.bytes = bytes;
  }
  static fromBytes(bytes) {
    if (bytes.length !== 32) throw new Error(`a sha256 hash has 32 bytes, not ${bytes.length}`);
    return new _Sha256(Buffer.from(bytes));
  }
  /** Accepts every spelling Nix prints: SRI, `sha256:` + nix32/hex/base64. */
  static parse(text) {
    const sri = /^sha256-([A-Za-z0-9+/]{43}=)$/.exec(text);
    if (sri?.[1]) return _Sha256.fromBytes(Buffer.from(sri[1], "base64"));
    const typed = /^sha256:(.+)$/.exec(text);
    const body = typed?.[1];
    if (body === void 0) throw new Error(`not a sha256 hash: "${text}"`);
    if (/^[0-9a-f]{64}$/.test(body)) return _Sha256.fromBytes(Buffer.from(body, "hex"));
    if (body.length === 52) return _Sha256.fromBytes(fromNix32(body, 32));
    if (/^[A-Za-z0-9+/]{43}=$/.test(body)) return _Sha256.fromBytes(Buffer.from(body, "base64"));
    throw new Error(`not a sha256 hash: "${text}"`);
  }
  get nix32() {
    return `sha256:${toNix32(this.bytes)}`;
  }
  get hex() {
    return this.bytes.toString("hex");
  }
  get sri() {
    return `sha256-${this.bytes.toString("base64")}`;
  }
  equals(other) {
    return this.bytes.equals(other.bytes);
  }
};

// src/nix/path-info.ts
function hashPart(path) {
  return baseName(path).slice(0, 32);
}
function baseName(path) {
  return path.slice(path.lastIndexOf("/") + 1);
}
function full(storeDir, p) {
  return p.startsWith("/") ? p : `${storeDir}/${p}`;
}
var HASH_BYTES = { md5: 16, sha1: 20, sha256: 32, sha512: 64, blake3: 32 };
function hashBytes(algorithm, format, body) {
  const size = HASH_BYTES[algorithm];
  if (size === void 0) throw new Error(`unknown hash algorithm "${algorithm}"`);
  let bytes;
  if (format === "base16" || format === void 0 && body.length === size * 2 && /^[0-9a-f]+$/.test(body)) {
    bytes = Buffer.from(body, "hex");
  } else if (format === "nix32" || format === "base32" || format === void 0 && body.length === encodedLength(size)) {
    bytes = fromNix32(body, size);
  } else if ((format === "base64" || format === "sri" || format === void 0) && /^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    bytes = Buffer.from(body, "base64");
  } else {
    throw new Error(`"${body}" is not a ${algorithm} hash in ${format ?? "any known"} format`);
  }
  if (bytes.length !== size) throw new Error(`"${body}" is not a ${algorithm} hash`);
  return bytes;
}
function problem(ctx, message) {
  ctx.issues.push({ code: "custom", message, input: ctx.value });
}
var AnyHash = union([
  pipe(
    string(),
    transform((text, ctx) => {
      const m = /^([a-z0-9]+)(?:-(.+)|:(.+))$/.exec(text);
      const algorithm = m?.[1];
      try {
        if (algorithm && m[2] !== void 0) return { algorithm, bytes: hashBytes(algorithm, "sri", m[2]) };
        if (algorithm && m[3] !== void 0) return { algorithm, bytes: hashBytes(algorithm, void 0, m[3]) };
      } catch (e) {
        problem(ctx, e.message);
        return NEVER;
      }
      problem(ctx, `not a hash: "${text}"`);
      return NEVER;
    })
  ),
  pipe(
    object({ algorithm: string(), format: string(), hash: string() }),
    transform((h, ctx) => {
      try {
        return { algorithm: h.algorithm, bytes: hashBytes(h.algorithm, h.format, h.hash) };
      } catch (e) {
        problem(ctx, e.message);
        return NEVER;
      }
    })
  )
]);
var NarHash = pipe(
  AnyHash,
  transform((h, ctx) => {
    if (h.algorithm === "sha256") return Sha256.fromBytes(h.bytes);
    problem(ctx, `narHash must be sha256, not ${h.algorithm}`);
    return NEVER;
  })
);
var Signature = union([
  string(),
  pipe(
    object({ keyName: string(), sig: string() }),
    transform((s) => `${s.keyName}:${s.sig}`)
  )
]);
var CA_PREFIX = { text: "text:", flat: "fixed:", nar: "fixed:r:", git: "fixed:git:" };
var ContentAddress = union([
  string(),
  pipe(
    object({ method: string(), hash: AnyHash }),
    transform((ca, ctx) => {
      const prefix = CA_PREFIX[ca.method];
      if (prefix !== void 0) return `${prefix}${ca.hash.algorithm}:${toNix32(ca.hash.bytes)}`;
      problem(ctx, `unknown content-address method "${ca.method}"`);
      return NEVER;
    })
  )
]);
var Entry = object({
  path: optional(string()),
  storeDir: optional(string()),
  narHash: NarHash,
  narSize: number().check(int(), _nonnegative()),
  references: _default(array(string()), []),
  deriver: nullish(string()),
  signatures: nullish(array(Signature)),
  ca: nullish(ContentAddress)
});
var Wrapped = object({
  version: number().check(int()),
  storeDir: string(),
  info: record(string(), unknown())
});
function isInvalid(value) {
  return value === null || typeof value === "object" && value.valid === false;
}
function toPathInfo(storeDir, key, e) {
  const dir = e.storeDir ?? storeDir;
  return {
    path: full(dir, key),
    narHash: e.narHash,
    narSize: e.narSize,
    references: e.references.map((r) => full(dir, r)).sort(),
    deriver: e.deriver ? full(dir, e.deriver) : null,
    sigs: e.signatures ?? [],
    ca: e.ca ?? null
  };
}
function parsePathInfoJson(text, storeDir = STORE_DIR) {
  const doc = JSON.parse(text);
  let pairs;
  let dir = storeDir;
  if (Array.isArray(doc)) {
    pairs = doc.map((v) => [void 0, v]);
  } else if (typeof doc === "object" && doc !== null && "info" in doc) {
    const w = Wrapped.parse(doc);
    dir = w.storeDir;
    pairs = Object.entries(w.info);
  } else if (typeof doc === "object" && doc !== null) {
    pairs = Object.entries(doc);
  } else {
    throw new Error("nix path-info --json printed neither an array nor an object");
  }
  const out = [];
  for (const [key, value] of pairs) {
    if (isInvalid(value)) continue;
    const entry = Entry.parse(value);
    const path = key ?? entry.path;
    if (!path) throw new Error("path-info entry without a path");
    out.push(toPathInfo(dir, path, entry));
  }
  return out;
}
function fingerprint(info) {
  return `1;${info.path};${info.narHash.nix32};${info.narSize};${[...info.references].sort().join(",")}`;
}
function parseNixVersion(text) {
  const m = /^(?:\S+ \((Nix|Lix, like Nix|Determinate Nix [^)]*)\) )?(\d+)\.(\d+)(?:\.(\d+))?(\S*)/.exec(text.trim());
  if (!m) return null;
  const name = m[1] ?? "Nix";
  const flavor = name === "Nix" ? "nix" : name.startsWith("Lix") ? "lix" : "determinate";
  return { flavor, major: Number(m[2]), minor: Number(m[3]), patch: Number(m[4] ?? 0), pre: /^pre|^rc/i.test(m[5] ?? "") };
}
function atLeast(v, major, minor) {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return !(v.pre && v.patch === 0);
}
function pathInfoArgs(nixVersion) {
  const v = parseNixVersion(nixVersion);
  if (!v || v.flavor === "lix" || !atLeast(v, 2, 33)) return [];
  return ["--json-format", "2"];
}

export {
  PushError,
  HttpError,
  redactUrl,
  isTransientStatus,
  http,
  httpJson,
  isTransient,
  withRetry,
  request,
  putStream,
  toNix32,
  Sha256,
  hashPart,
  baseName,
  parsePathInfoJson,
  fingerprint,
  pathInfoArgs
};
