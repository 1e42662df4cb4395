import {
  $ZodError,
  HttpError,
  PushError,
  array,
  baseName,
  boolean,
  hashPart,
  http,
  int,
  isTransientStatus,
  nullish,
  number,
  object,
  optional,
  putStream,
  redactUrl,
  string,
  withRetry
} from "./chunk-CK5QPQ2P.js";

// src/nix/keys.ts
var crypto = () => process.getBuiltinModule("node:crypto");
var NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
function split(text, what) {
  const at = text.indexOf(":");
  if (at <= 0) throw new Error(`a ${what} looks like "name:base64", with a name before the colon`);
  const name = text.slice(0, at);
  const body = text.slice(at + 1);
  if (!NAME.test(name)) throw new Error(`"${name}" is not a valid key name`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error(`the part after "${name}:" is not base64`);
  return { name, bytes: Buffer.from(body, "base64") };
}
function b64url(bytes) {
  return bytes.toString("base64url");
}
function parsePublicKey(text) {
  const { name, bytes } = split(text.trim(), "public key");
  if (bytes.length === 64) throw new Error(`this is a secret key (64 bytes), not a public key: never publish it`);
  if (bytes.length !== 32) throw new Error(`a public key has 32 bytes after the name, this one has ${bytes.length}`);
  return { name, raw: bytes, text: `${name}:${bytes.toString("base64")}` };
}
function keyObjects(seed, pub) {
  const jwk = { kty: "OKP", crv: "Ed25519", d: b64url(seed), x: b64url(pub) };
  return { priv: crypto().createPrivateKey({ key: jwk, format: "jwk" }) };
}
function secretKeyFromBytes(name, bytes) {
  if (bytes.length === 32) throw new Error(`this is a public key (32 bytes), not a secret key`);
  if (bytes.length !== 64) throw new Error(`a secret key has 64 bytes, this one has ${bytes.length}`);
  const seed = bytes.subarray(0, 32);
  const pub = bytes.subarray(32);
  const { priv } = keyObjects(seed, pub);
  const derived = crypto().createPublicKey(priv).export({ format: "jwk" }).x;
  if (derived !== b64url(pub)) throw new Error(`the secret key's two halves do not belong together`);
  const publicKey = { name, raw: Buffer.from(pub), text: `${name}:${pub.toString("base64")}` };
  return {
    name,
    publicKey,
    text: `${name}:${Buffer.from(bytes).toString("base64")}`,
    sign: (message) => `${name}:${crypto().sign(null, Buffer.from(message), priv).toString("base64")}`
  };
}
function parseSecretKey(text) {
  const { name, bytes } = split(text.trim(), "secret key");
  return secretKeyFromBytes(name, bytes);
}
function signatureKeyName(signature) {
  const at = signature.indexOf(":");
  return at < 0 ? "" : signature.slice(0, at);
}

// src/caches/attic-api.ts
var NAR_INFO_PREAMBLE_THRESHOLD = 4096;
var MISSING_PATHS_BATCH = 1e3;
var AtticApiError = class extends PushError {
  status;
  kind;
  constructor(message, transient, status, kind, options) {
    super(message, transient, options);
    this.name = "AtticApiError";
    this.status = status;
    this.kind = kind;
  }
};
var CacheConfigJson = object({
  substituter_endpoint: nullish(string()),
  api_endpoint: nullish(string()),
  public_key: nullish(string()),
  is_public: nullish(boolean()),
  store_dir: nullish(string()),
  priority: nullish(number().check(int())),
  upstream_cache_key_names: nullish(array(string()))
});
var MissingPathsJson = object({ missing_paths: array(string()) });
var UploadResultJson = object({
  kind: optional(string()),
  file_size: nullish(number()),
  frac_deduplicated: nullish(number())
});
var ErrorJson = object({ code: optional(number()), error: string(), message: string() });
function uploadInfo(cache, info) {
  return {
    cache,
    store_path_hash: hashPart(info.path),
    store_path: info.path,
    references: info.references.map(baseName),
    system: null,
    // attic's own client sends none; the server would print it in the narinfo if it were given.
    deriver: null,
    sigs: [...info.sigs],
    ca: info.ca,
    nar_hash: `sha256:${info.narHash.hex}`,
    nar_size: info.narSize
  };
}
function needsPreamble(infoJson) {
  return Buffer.byteLength(infoJson) >= NAR_INFO_PREAMBLE_THRESHOLD;
}
function api(base, route) {
  return `${base.replace(/\/+$/, "")}/_api/v1/${route}`;
}
function authHeaders(token) {
  return token ? { authorization: `bearer ${token}` } : {};
}
function parseErrorBody(body) {
  try {
    const parsed = ErrorJson.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
function explain(error, url, ctx) {
  if (error instanceof AtticApiError) return error;
  const where = `attic cache "${ctx.cache}" at ${redactUrl(url)}`;
  const what = ctx.storePath ? `uploading ${ctx.storePath}` : ctx.needs === "pull" ? "reading the cache configuration" : "asking which paths are missing";
  if (!(error instanceof HttpError)) {
    if (error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError")) {
      if (error.name === "AbortError") return error;
      return new AtticApiError(`${where}: ${what} timed out`, true, 0, null, { cause: error });
    }
    if (error instanceof $ZodError || error instanceof SyntaxError) {
      return new AtticApiError(`${where}: ${what}: the answer is not attic's JSON (is the endpoint an attic server?): ${String(error.message).slice(0, 200)}`, false, 200, null, { cause: error });
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const code = error.code;
    const dropped = ctx.storePath && (code === "EPIPE" || code === "ECONNRESET") ? ` (the connection was closed while the NAR${ctx.narSize !== void 0 ? ` of ${ctx.narSize} bytes` : ""} was being sent; if this repeats for large paths, a proxy in front of attic may limit request body size)` : "";
    return new AtticApiError(`${where}: ${what} failed: ${error instanceof Error ? error.message : String(error)}${cause}${dropped}`, true, 0, null, { cause: error });
  }
  const structured = parseErrorBody(error.body);
  const detail = structured ? `${structured.error}: ${structured.message}` : error.body.trim().slice(0, 200) || `HTTP ${error.status}`;
  const kind = structured?.error ?? null;
  const make = (message, transient = false) => new AtticApiError(message, transient, error.status, kind, { cause: error });
  if (error.status === 401 || error.status === 403) {
    const scope = error.status === 401 ? " (or the cache does not exist)" : "";
    return make(
      `${where}: ${what} was refused (HTTP ${error.status} ${detail}): the token lacks "${ctx.needs}" permission on this cache${scope}. attic treats a missing, expired or invalid token as anonymous: check that attic-token is set and grants ${ctx.needs} on "${ctx.cache}" (on the server: atticadm make-token --${ctx.needs} ${ctx.cache}${ctx.needs === "push" ? ` --pull ${ctx.cache}` : ""} --sub <name> --validity <period>)`
    );
  }
  if (error.status === 404) {
    if (kind === "NoSuchCache") return make(`${where}: the cache does not exist (create it with \`attic cache create ${ctx.cache}\`)`);
    return make(`${where}: ${what}: HTTP 404 ${detail} \u2014 is attic-endpoint the attic server's base URL?`);
  }
  if (error.status === 413) {
    const size = ctx.narSize !== void 0 ? ` (NAR of ${ctx.narSize} bytes)` : "";
    return make(
      `${where}: ${what}${size}: HTTP 413 Request Entity Too Large \u2014 a proxy in front of attic limits request body size (nginx client_max_body_size, Cloudflare's 100 MB); raise the limit for /_api/v1/upload-path`
    );
  }
  if (/Bad NAR Hash or Size/i.test(error.body)) {
    return make(
      `${where}: attic rejected ${ctx.storePath ?? "a path"}: the NAR it received does not match the path's recorded NAR hash or size (corrupted store path? check with \`nix-store --verify-path ${ctx.storePath ?? "<path>"}\`)`
    );
  }
  return make(`${where}: ${what}: HTTP ${error.status} ${detail}`, isTransientStatus(error.status));
}
async function cacheConfig(endpoint, cache, token, signal) {
  const url = api(endpoint, `cache-config/${encodeURIComponent(cache)}`);
  const ctx = { cache, needs: "pull" };
  const raw = await withRetry(
    async () => {
      try {
        const response = await http(url, { headers: { accept: "application/json", ...authHeaders(token) }, signal });
        return CacheConfigJson.parse(await response.json());
      } catch (error) {
        throw explain(error, url, ctx);
      }
    },
    { signal, attempts: 3 }
  );
  let publicKey = null;
  if (raw.public_key) {
    try {
      publicKey = parsePublicKey(raw.public_key);
    } catch (error) {
      throw new AtticApiError(`attic cache "${cache}": the server's public key "${raw.public_key}" is not a Nix public key: ${error.message}`, false, 200, null);
    }
  }
  return {
    substituterEndpoint: raw.substituter_endpoint ? raw.substituter_endpoint.replace(/\/+$/, "") : null,
    apiEndpoint: raw.api_endpoint ? raw.api_endpoint.replace(/\/+$/, "") : null,
    publicKey,
    isPublic: raw.is_public ?? null,
    storeDir: raw.store_dir ?? null,
    priority: raw.priority ?? null,
    upstreamCacheKeyNames: raw.upstream_cache_key_names ?? []
  };
}
async function getMissingPaths(apiEndpoint, cache, token, hashes, signal) {
  const url = api(apiEndpoint, "get-missing-paths");
  const unique = [...new Set(hashes)];
  const missing = /* @__PURE__ */ new Set();
  for (let start = 0; start < unique.length; start += MISSING_PATHS_BATCH) {
    const batch = unique.slice(start, start + MISSING_PATHS_BATCH);
    try {
      const response = await http(url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json", ...authHeaders(token) },
        body: JSON.stringify({ cache, store_path_hashes: batch }),
        signal
      });
      for (const hash of MissingPathsJson.parse(await response.json()).missing_paths) missing.add(hash);
    } catch (error) {
      throw explain(error, url, { cache, needs: "push" });
    }
  }
  return missing;
}
async function uploadPath(apiEndpoint, cache, token, info, narStream, signal, options = {}) {
  const url = api(apiEndpoint, "upload-path");
  const json = JSON.stringify(uploadInfo(cache, info));
  const preamble = options.forcePreamble || needsPreamble(json) ? Buffer.from(json) : null;
  const headers = { "content-type": "application/octet-stream", accept: "application/json", ...authHeaders(token) };
  if (preamble) headers["x-attic-nar-info-preamble-size"] = String(preamble.length);
  else headers["x-attic-nar-info"] = json;
  let readError = null;
  async function* body() {
    if (preamble) yield preamble;
    try {
      for await (const chunk of narStream) yield chunk;
    } catch (error) {
      readError = error instanceof Error ? error : new Error(String(error));
      throw readError;
    }
  }
  const ctx = { cache, needs: "push", storePath: info.path, narSize: info.narSize };
  try {
    const timeoutMs = 12e4 + Math.ceil(info.narSize / 262144) * 1e3;
    const text = await putStream(url, headers, body(), timeoutMs, signal);
    let parsed = {};
    try {
      parsed = UploadResultJson.parse(JSON.parse(text));
    } catch {
    }
    const kind = parsed.kind === "Deduplicated" || parsed.kind === "Uploaded" ? parsed.kind : parsed.kind === void 0 ? "Uploaded" : "Unknown";
    return { kind, fileSize: parsed.file_size ?? null, fracDeduplicated: parsed.frac_deduplicated ?? null };
  } catch (error) {
    if (readError) throw new AtticApiError(`reading ${info.path} from the Nix store failed: ${readError.message}`, false, 0, null, { cause: readError });
    throw explain(error, url, ctx);
  } finally {
    narStream.destroy();
  }
}

export {
  parsePublicKey,
  secretKeyFromBytes,
  parseSecretKey,
  signatureKeyName,
  NAR_INFO_PREAMBLE_THRESHOLD,
  MISSING_PATHS_BATCH,
  AtticApiError,
  uploadInfo,
  needsPreamble,
  explain,
  cacheConfig,
  getMissingPaths,
  uploadPath
};
