import {
  cacheConfig,
  getMissingPaths,
  parsePublicKey,
  uploadPath
} from "./chunk-D6XC7FMD.js";
import {
  cacheInfo,
  constants,
  createHash,
  createPin,
  createZstdCompress,
  dumpNar,
  missingHashes,
  uploadNar,
  zstdCompressSync
} from "./chunk-3S66FOFW.js";
import {
  HttpError,
  PushError,
  STORE_DIR,
  Sha256,
  Transform,
  _positive,
  access,
  appendFile,
  appendFileSync,
  array,
  baseName,
  chmod,
  createWriteStream,
  fingerprint,
  hashPart,
  http,
  int,
  mkdir,
  mkdtemp,
  number,
  object,
  parsePathInfoJson,
  pathInfoArgs,
  pipeline,
  readFile,
  redactUrl,
  rename,
  request,
  rm,
  string,
  toNix32,
  withRetry,
  writeFile,
  writeSync
} from "./chunk-CK5QPQ2P.js";
import {
  NIX_COMMAND,
  nixOnInstallables,
  run
} from "./chunk-2CPB34Y7.js";

// builtin:node:os
var m = process.getBuiltinModule("node:os");
var get = (name) => m[name];
var platform = /* @__PURE__ */ get("platform");
var setPriority = /* @__PURE__ */ get("setPriority");
var tmpdir = /* @__PURE__ */ get("tmpdir");
var EOL = /* @__PURE__ */ get("EOL");

// src/runner.ts
var pause = new Int32Array(new SharedArrayBuffer(4));
function print(text) {
  let rest = Buffer.from(text, "utf8");
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (error2) {
      if (error2.code !== "EAGAIN") throw error2;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}
function escapeData(text) {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function command(name, message) {
  print(`::${name}::${escapeData(message)}${EOL}`);
}
function getInput(name) {
  return (process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}
function setSecret(secret) {
  command("add-mask", secret);
}
function info(message) {
  print(`${message}${EOL}`);
}
function debug(message) {
  command("debug", message);
}
function warning(message) {
  command("warning", message);
}
function error(message) {
  command("error", message);
}
function setFailed(message) {
  process.exitCode = 1;
  error(message);
}
function fileCommand(envVar, name, value) {
  const file = process.env[envVar];
  if (!file) throw new Error(`${envVar} is not set: this step is not running under a GitHub Actions runner`);
  const delimiter = `ghadelimiter_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`${name}: the value contains the file-command delimiter`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, "utf8");
}
function setOutput(name, value) {
  fileCommand("GITHUB_OUTPUT", name, value);
}
function getState(name) {
  return process.env[`STATE_${name}`] ?? "";
}
function appendSummary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown, "utf8");
}

// builtin:node:path
var m2 = process.getBuiltinModule("node:path");
var get2 = (name) => m2[name];
var join = /* @__PURE__ */ get2("join");
var dirname = /* @__PURE__ */ get2("dirname");

// src/nix/store.ts
var versionCache = null;
function nixVersion() {
  versionCache ??= run("nix", ["--version"]).then((r) => r.stdout.trim());
  return versionCache;
}
var BATCH = 2e3;
function batches(items, size = BATCH) {
  const out = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
async function validPaths(paths) {
  const invalid = /* @__PURE__ */ new Set();
  for (const batch of batches(paths)) {
    const { stdout } = await run("nix-store", ["--check-validity", "--print-invalid", ...batch]);
    for (const line of stdout.split("\n")) if (line) invalid.add(line);
  }
  return paths.filter((p) => !invalid.has(p));
}
async function queryPathInfo(paths, options = {}) {
  if (paths.length === 0) return [];
  const extra = pathInfoArgs(await nixVersion());
  const byPath = /* @__PURE__ */ new Map();
  for (const batch of batches(paths)) {
    const args = [...NIX_COMMAND, "path-info", "--json", ...extra];
    if (options.closure) args.push("--recursive");
    if (options.store) args.push("--store", options.store);
    const { stdout } = await run("nix", [...args, ...batch]);
    for (const info2 of parsePathInfoJson(stdout)) byPath.set(info2.path, info2);
  }
  return [...byPath.values()];
}
async function resolveInstallables(targets) {
  const isPath = (t) => t.startsWith(`${STORE_DIR}/`);
  const out = targets.filter(isPath).map((p) => p.split("/").slice(0, 4).join("/"));
  const installables = targets.filter((t) => !isPath(t));
  for (const result of installables.length > 0 ? await nixOnInstallables(["path-info"], installables) : []) {
    if (result.code !== 0) throw new Error(`cannot resolve ${installables.join(" ")}: ${result.stderr.trim().split("\n").pop() ?? ""}`);
    out.push(...result.stdout.split("\n").filter(Boolean));
  }
  return [...new Set(out)];
}

// src/push/attic.ts
var AtticTarget = class {
  label;
  endpoint;
  cache;
  publicKey;
  token;
  attempts;
  config;
  /**
   * A failed config lookup is reported only once get-missing-paths has worked: when the push fails
   * too (no such cache, a token granting nothing) its error already says why, and a second warning
   * about the same cause is noise in the job's annotations.
   */
  configWarning = null;
  constructor(options) {
    this.endpoint = options.endpoint.replace(/\/+$/, "");
    this.cache = options.cache;
    this.token = options.token;
    this.publicKey = options.publicKey ?? options.config?.publicKey ?? null;
    this.attempts = options.attempts ?? 6;
    this.config = options.config ? Promise.resolve(options.config) : null;
    this.label = `attic:${options.cache}`;
  }
  /**
   * The cache config, looked up once. A push-only token may not read it (cache-config needs pull),
   * and it only adds hints, so a failure is logged and pushing goes on with the configured endpoint.
   */
  cacheConfig(ctx) {
    this.config ??= cacheConfig(this.endpoint, this.cache, this.token, ctx.signal).catch((error2) => {
      if (ctx.signal.aborted) throw error2;
      const message = `${this.label}: could not read the cache configuration, pushing without it (attic's upstream_cache_key_names are not applied): ${error2.message}`;
      this.configWarning = message;
      return null;
    });
    return this.config;
  }
  async apiEndpoint(ctx) {
    return (await this.cacheConfig(ctx))?.apiEndpoint ?? this.endpoint;
  }
  async upstreamKeyNames(ctx) {
    return (await this.cacheConfig(ctx))?.upstreamCacheKeyNames ?? [];
  }
  async missing(paths, ctx) {
    if (paths.length === 0) return /* @__PURE__ */ new Set();
    const endpoint = await this.apiEndpoint(ctx);
    const byHash = /* @__PURE__ */ new Map();
    for (const p of paths) byHash.set(hashPart(p.path), [...byHash.get(hashPart(p.path)) ?? [], p.path]);
    const missingHashes2 = await withRetry(() => getMissingPaths(endpoint, this.cache, this.token, [...byHash.keys()], ctx.signal), {
      signal: ctx.signal,
      attempts: this.attempts,
      onRetry: (error2, attempt, delay) => ctx.log.info(`${this.label}: retrying get-missing-paths in ${delay} ms (attempt ${attempt} failed: ${error2.message})`)
    });
    if (this.configWarning) ctx.log.warning(this.configWarning);
    this.configWarning = null;
    const out = /* @__PURE__ */ new Set();
    for (const hash of missingHashes2) for (const path of byHash.get(hash) ?? []) out.add(path);
    return out;
  }
  async upload(path, ctx) {
    const endpoint = await this.apiEndpoint(ctx);
    const result = await withRetry(
      // A fresh `nix-store --dump` per attempt: the previous stream was consumed.
      () => uploadPath(endpoint, this.cache, this.token, path, dumpNar(path.path, ctx.signal), ctx.signal),
      {
        signal: ctx.signal,
        attempts: this.attempts,
        onRetry: (error2, attempt, delay) => ctx.log.info(`${this.label}: retrying ${path.path} in ${delay} ms (attempt ${attempt} failed: ${error2.message})`)
      }
    );
    if (result.kind === "Deduplicated") ctx.log.debug(`${this.label}: ${path.path} deduplicated by the server`);
    return { bytes: path.narSize };
  }
};

// src/nix/narinfo.ts
function renderNarInfo(n) {
  const lines = [`StorePath: ${n.storePath}`, `URL: ${n.url}`, `Compression: ${n.compression}`];
  if (n.fileHash) lines.push(`FileHash: ${n.fileHash.nix32}`);
  if (n.fileSize !== void 0) lines.push(`FileSize: ${n.fileSize}`);
  lines.push(`NarHash: ${n.narHash.nix32}`, `NarSize: ${n.narSize}`);
  lines.push(`References: ${n.references.map(baseName).sort().join(" ")}`);
  if (n.deriver) lines.push(`Deriver: ${baseName(n.deriver)}`);
  for (const sig of n.sigs) lines.push(`Sig: ${sig}`);
  if (n.ca) lines.push(`CA: ${n.ca}`);
  return `${lines.join("\n")}
`;
}

// src/push/nar-stream.ts
var Meter = class extends Transform {
  hash = createHash("sha256");
  size = 0;
  digest = null;
  check;
  constructor(check = null) {
    super();
    this.check = check;
  }
  _transform(chunk, _enc, done) {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
  _flush(done) {
    this.digest = Sha256.fromBytes(this.hash.digest());
    done(this.check?.(this) ?? null);
  }
};
var SMALL_NAR = 64 * 1024;
function corrupt(info2) {
  return new Error(`the NAR of ${info2.path} does not match its registered hash/size: the local store may be corrupt (run nix-store --verify --check-contents)`);
}
async function narFor(info2, compression, signal) {
  return info2.narSize <= SMALL_NAR ? smallNar(info2, compression, signal) : streamedNar(info2, compression, signal);
}
async function smallNar(info2, compression, signal) {
  const chunks = [];
  let size = 0;
  const hash = createHash("sha256");
  for await (const chunk of dumpNar(info2.path, signal)) {
    size += chunk.length;
    if (size > info2.narSize) throw corrupt(info2);
    hash.update(chunk);
    chunks.push(chunk);
  }
  if (size !== info2.narSize || !Sha256.fromBytes(hash.digest()).equals(info2.narHash)) throw corrupt(info2);
  const nar = Buffer.concat(chunks, size);
  const body = compression === "zstd" ? zstdCompressSync(nar, { pledgedSrcSize: size, params: { [constants.ZSTD_c_compressionLevel]: 3 } }) : nar;
  const file = { hash: Sha256.fromBytes(createHash("sha256").update(body).digest()), size: body.length };
  return { body, file: () => file };
}
function streamedNar(info2, compression, signal) {
  const nar = new Meter((m3) => m3.size !== info2.narSize || !m3.digest?.equals(info2.narHash) ? corrupt(info2) : null);
  const file = new Meter();
  const source = dumpNar(info2.path, signal);
  const fail = (error2) => file.destroy(error2);
  source.on("error", fail);
  nar.on("error", fail);
  let stream = source.pipe(nar);
  if (compression === "zstd") {
    const chunkSize = Math.min(1024 * 1024, Math.max(16 * 1024, 2 ** Math.ceil(Math.log2(info2.narSize + 1))));
    const zstd = createZstdCompress({ chunkSize, params: { [constants.ZSTD_c_compressionLevel]: 3 } });
    zstd.on("error", fail);
    stream = stream.pipe(zstd);
  }
  stream.pipe(file);
  return {
    body: file,
    file: () => {
      if (!file.digest) throw new Error("NAR stream has not ended");
      return { hash: file.digest, size: file.size };
    }
  };
}
function narExtension(compression) {
  return compression === "zstd" ? ".nar.zst" : ".nar";
}

// src/push/binary-cache.ts
var CACHE_INFO = `StoreDir: ${STORE_DIR}
WantMassQuery: 1
Priority: 40
`;
var HttpSink = class {
  base;
  headers;
  constructor(url) {
    const auth = url.username || url.password ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString("base64")}` : null;
    const clean = new URL(url.href);
    clean.username = "";
    clean.password = "";
    clean.search = "";
    this.base = clean.href.replace(/\/+$/, "");
    this.headers = auth ? { authorization: auth } : {};
  }
  // Through node:http with the shared keep-alive agent, not fetch(): per request it costs a third
  // of fetch's time, and an absent narinfo is a status to read, not an exception to build (bench/).
  async exists(name, ctx) {
    const url = `${this.base}/${name}`;
    const { status, text } = await request(url, { method: "HEAD", headers: this.headers, signal: ctx.signal, timeoutMs: 2e4 });
    if (status >= 200 && status < 300) return true;
    if (status === 404 || status === 403) return false;
    if (status >= 300 && status < 400) return this.existsFollowing(url, ctx);
    throw new HttpError(status, url, text);
  }
  async existsFollowing(url, ctx) {
    try {
      await http(url, { method: "HEAD", headers: this.headers, signal: ctx.signal, timeoutMs: 2e4 });
      return true;
    } catch (error2) {
      if (error2 instanceof HttpError && (error2.status === 404 || error2.status === 403)) return false;
      throw error2;
    }
  }
  async put(name, body, contentType, ctx) {
    const url = `${this.base}/${name}`;
    const headers = { ...this.headers, "content-type": contentType };
    const timeoutMs = typeof body === "string" || Buffer.isBuffer(body) ? 6e4 : 6 * 36e5;
    const { status, text } = await request(url, { method: "PUT", headers, body, signal: ctx.signal, timeoutMs });
    if (status < 200 || status >= 300) throw new HttpError(status, url, text);
  }
};
var FileSink = class {
  dir;
  constructor(url) {
    this.dir = decodeURIComponent(url.pathname).replace(/\/+$/, "");
  }
  async exists(name) {
    return access(`${this.dir}/${name}`).then(
      () => true,
      () => false
    );
  }
  async put(name, body) {
    const target = `${this.dir}/${name}`;
    const partial = `${target}.${process.pid}.partial`;
    await mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    try {
      if (typeof body === "string" || Buffer.isBuffer(body)) await writeFile(partial, body);
      else await pipeline(body, createWriteStream(partial));
      await rename(partial, target);
    } catch (error2) {
      await rm(partial, { force: true });
      throw error2;
    }
  }
};
function supportsNative(url) {
  const u = new URL(url);
  if (!["http:", "https:", "file:"].includes(u.protocol)) return false;
  const params = [...u.searchParams.keys()];
  return params.every((k) => k === "compression") && ["", "zstd", "none"].includes(u.searchParams.get("compression") ?? "");
}
var BinaryCacheTarget = class {
  label;
  sink;
  options;
  cacheInfoReady = null;
  constructor(url, options) {
    const u = new URL(url);
    this.label = redactUrl(url);
    this.sink = u.protocol === "file:" ? new FileSink(u) : new HttpSink(u);
    this.options = options;
  }
  retry(fn, ctx, what) {
    return withRetry(fn, { signal: ctx.signal, onRetry: (e, n, ms) => ctx.log.debug(`${this.label}: ${what} failed (${String(e)}), retry ${n} in ${ms} ms`) });
  }
  async missing(paths, ctx) {
    const missing = /* @__PURE__ */ new Set();
    let next = 0;
    const worker = async () => {
      while (next < paths.length) {
        const info2 = paths[next++];
        const present = await this.retry(() => this.sink.exists(`${hashPart(info2.path)}.narinfo`, ctx), ctx, "narinfo query");
        if (!present) missing.add(info2.path);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.queryJobs ?? 16, paths.length) }, worker));
    return missing;
  }
  ensureCacheInfo(ctx) {
    this.cacheInfoReady ??= this.retry(async () => {
      if (!await this.sink.exists("nix-cache-info", ctx)) await this.sink.put("nix-cache-info", CACHE_INFO, "text/x-nix-cache-info", ctx);
    }, ctx, "nix-cache-info");
    return this.cacheInfoReady;
  }
  async upload(info2, ctx) {
    await this.ensureCacheInfo(ctx);
    const { compression, signingKey } = this.options;
    const url = `nar/${toNix32(info2.narHash.bytes)}${narExtension(compression)}`;
    const file = await this.retry(async () => {
      const nar = await narFor(info2, compression, ctx.signal);
      await this.sink.put(url, nar.body, "application/x-nix-nar", ctx);
      return nar.file();
    }, ctx, `upload of ${info2.path}`);
    const sigs = [...info2.sigs];
    if (signingKey && !sigs.some((s) => s.startsWith(`${signingKey.name}:`))) sigs.push(signingKey.sign(fingerprint(info2)));
    const narinfo = renderNarInfo({
      storePath: info2.path,
      url,
      compression,
      fileHash: file.hash,
      fileSize: file.size,
      narHash: info2.narHash,
      narSize: info2.narSize,
      references: [...info2.references],
      deriver: info2.deriver,
      sigs,
      ca: info2.ca
    });
    await this.retry(() => this.sink.put(`${hashPart(info2.path)}.narinfo`, narinfo, "text/x-nix-narinfo", ctx), ctx, `narinfo of ${info2.path}`);
    return { bytes: file.size + narinfo.length };
  }
};

// src/push/cachix.ts
var CachixTarget = class _CachixTarget {
  label;
  settings;
  info;
  #options;
  #endpoint;
  constructor(settings, info2, options = {}) {
    this.settings = settings;
    this.info = info2;
    this.#options = options;
    this.label = `cachix:${settings.name}`;
    this.#endpoint = { apiUrl: settings.apiUrl, name: settings.name, token: settings.authToken };
    checkCredentials(settings, info2);
  }
  /** Looks the cache up (fails with a PushError users can act on) and builds the target. */
  static async create(settings, signal, options = {}) {
    const info2 = await cacheInfo(settings.apiUrl, settings.name, settings.authToken, signal);
    return new _CachixTarget(settings, info2, options);
  }
  async missing(paths, ctx) {
    const { apiUrl, name, token } = this.#endpoint;
    const lacking = await missingHashes(apiUrl, name, token, paths.map((p) => hashPart(p.path)), ctx.signal);
    return new Set(paths.filter((p) => lacking.has(hashPart(p.path))).map((p) => p.path));
  }
  async upload(path, ctx) {
    const result = await withRetry(
      () => uploadNar(this.#endpoint, path, {
        signal: ctx.signal,
        chunkSize: this.settings.chunkSize,
        signingKey: this.settings.signingKey,
        ...this.#options.partConcurrency ? { partConcurrency: this.#options.partConcurrency } : {}
      }),
      {
        signal: ctx.signal,
        attempts: this.#options.uploadAttempts ?? 3,
        baseDelayMs: 1e3,
        onRetry: (error2, attempt) => ctx.log.info(`${this.label}: retrying ${path.path} (attempt ${attempt + 1}): ${error2.message}`)
      }
    );
    return { bytes: result.narInfo.cFileSize };
  }
  /** Creates the configured pins; runs only after a push run whose uploads all succeeded. */
  async finish(_pushed, ctx) {
    const { apiUrl, name, token } = this.#endpoint;
    for (const pin of this.settings.pins) {
      let storePath;
      try {
        storePath = await this.#resolve(pin.target);
      } catch (error2) {
        throw new PushError(`${this.label}: cannot resolve pin "${pin.name}" target "${pin.target}": ${error2.message}`, false, { cause: error2 });
      }
      await createPin(apiUrl, name, token, { name: pin.name, storePath, artifacts: [], keep: pin.keep }, ctx.signal);
      ctx.log.info(`${this.label}: pinned ${pin.name} \u2192 ${storePath}`);
    }
  }
  async #resolve(target) {
    if (target.startsWith(`${STORE_DIR}/`)) return topLevel(target);
    if (!this.#options.resolvePinTarget) throw new Error("not a store path, and no way to evaluate installables here");
    const resolved = (await this.#options.resolvePinTarget(target)).trim();
    if (!resolved.startsWith(`${STORE_DIR}/`)) throw new Error(`resolved to "${resolved}", which is not a store path`);
    return topLevel(resolved);
  }
};
function topLevel(path) {
  const rest = path.slice(STORE_DIR.length + 1);
  const slash = rest.indexOf("/");
  return `${STORE_DIR}/${slash < 0 ? rest : rest.slice(0, slash)}`;
}
function checkCredentials(settings, info2) {
  const cache = `Cachix cache "${settings.name}"`;
  if (!settings.authToken && !settings.signingKey) {
    throw new PushError(`${cache}: pushing needs cachix-auth-token (CACHIX_AUTH_TOKEN) or cachix-signing-key (CACHIX_SIGNING_KEY)`, false);
  }
  if (settings.signingKey && info2.publicSigningKeys.length > 0) {
    const mine = settings.signingKey.publicKey.raw;
    const known = info2.publicSigningKeys.flatMap((k) => {
      try {
        return [parsePublicKey(k).raw];
      } catch {
        return [];
      }
    });
    if (!known.some((raw) => raw.equals(mine))) {
      throw new PushError(
        `${cache}: cachix-signing-key does not belong to this cache (its public key is not among ${info2.publicSigningKeys.join(", ")}); use the cache's own signing key, or only an auth token if Cachix signs for this cache`,
        false
      );
    }
  }
  if (settings.authToken && !settings.signingKey && info2.permission === "Read") {
    throw new PushError(`${cache}: the auth token can only read this cache; pushing needs a token with write access`, false);
  }
}

// src/push/nix-copy.ts
var NixCopyTarget = class {
  label;
  url;
  signingKey;
  tempRoot;
  keyDir = null;
  /** Nix reads the signing key from a 0600 file that lives only for the push. */
  constructor(url, options) {
    this.url = url;
    this.label = redactUrl(url);
    this.signingKey = options.signingKey;
    this.tempRoot = options.tempRoot;
  }
  async storeUrl() {
    if (!this.signingKey) return this.url;
    if (!this.keyDir) {
      this.keyDir = await mkdtemp(join(this.tempRoot, "sign-"));
      const file = join(this.keyDir, "key");
      await writeFile(file, this.signingKey.text, { mode: 384 });
      await chmod(file, 384);
    }
    const u = new URL(this.url);
    u.searchParams.set("secret-key", join(this.keyDir, "key"));
    return u.href;
  }
  async missing(paths, ctx) {
    const { stdout, stderr, code } = await run("nix-store", ["--store", this.url, "--check-validity", "--print-invalid", ...paths.map((p) => p.path)], {
      signal: ctx.signal,
      allowFailure: true
    });
    if (code !== 0) throw new PushError(`cannot query ${this.label}: ${stderr.trim().split("\n").pop() ?? ""}`, true);
    return new Set(stdout.split("\n").filter(Boolean));
  }
  async upload(info2, ctx) {
    const { code, stderr } = await run("nix", [...NIX_COMMAND, "copy", "--to", await this.storeUrl(), info2.path], { signal: ctx.signal, allowFailure: true });
    if (code !== 0) throw new PushError(`nix copy of ${info2.path} to ${this.label} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`, false);
    return { bytes: info2.narSize };
  }
  /** Removes the key file; called after the push whatever happened. */
  async dispose() {
    if (this.keyDir) await rm(this.keyDir, { recursive: true, force: true });
    this.keyDir = null;
  }
};

// src/push/targets.ts
function configuredTargets(settings, tempRoot) {
  const slots = [];
  const { cachix, attic } = settings;
  if (cachix && (cachix.authToken || cachix.signingKey)) {
    slots.push({
      label: `cachix:${cachix.name}`,
      create: (signal) => CachixTarget.create(cachix, signal, {
        resolvePinTarget: async (t) => (await resolveInstallables([t]))[0] ?? t
      })
    });
  }
  if (attic?.token) {
    slots.push({ label: `attic:${attic.cache}`, create: async () => new AtticTarget({ endpoint: attic.endpoint, cache: attic.cache, token: attic.token, publicKey: attic.publicKey }) });
  }
  for (const url of settings.pushTo) {
    slots.push({
      label: redactUrl(url),
      create: async () => supportsNative(url) ? new BinaryCacheTarget(url, { signingKey: settings.signingKey, compression: new URL(url).searchParams.get("compression") ?? "zstd" }) : new NixCopyTarget(url, { signingKey: settings.signingKey, tempRoot })
    });
  }
  return slots;
}

// src/watch/protocol.ts
var WatchFiles = {
  /** WatchConfig as JSON, written by main before the spawn. */
  config: "config.json",
  /** Written once the store is being watched. */
  ready: "ready",
  /** One JSON line per clean upload batch and target (RecordLine). */
  record: "record.jsonl",
  /** Why the uploader stopped on an error; post then ignores the record and pushes everything. */
  error: "error",
  /** Written on a clean exit (stopped, parent gone, lifetime over): the record is complete. */
  exited: "exited",
  /** The uploader's own log (stdout and stderr). */
  log: "log"
};
var WatchConfig = object({
  storeDir: string(),
  /** When main took the store snapshot (nix/snapshot.ts): entries unchanged since are not the job's. */
  snapshotAt: number(),
  /** The runner process that started main; when it is gone, the job is over. */
  parentPid: number().check(int()),
  /** Hard cap on the uploader's life, whatever happens. */
  maxLifetimeMs: number().check(int(), _positive()),
  /** A batch is uploaded after this long without new paths… */
  idleMs: number().check(int(), _positive()),
  /** …or this long after its first path, whichever comes first (attic watch-store: 2 s / 10 s). */
  maxBatchMs: number().check(int(), _positive()),
  /** Full readdir of the store, in case a file-system event was missed or fs.watch is unavailable. */
  rescanMs: number().check(int(), _positive()),
  /** How long an upload in flight may finish after post asked the uploader to stop. */
  stopGraceMs: number().check(int(), _positive())
});
function watchTuning(env) {
  const ms = (name, fallback) => {
    const n = Number(env[name]);
    return Number.isSafeInteger(n) && n > 0 ? n : fallback;
  };
  return {
    maxLifetimeMs: ms("NSA_WATCH_MAX_LIFETIME_MS", 6 * 36e5),
    idleMs: ms("NSA_WATCH_IDLE_MS", 2e3),
    maxBatchMs: ms("NSA_WATCH_MAX_BATCH_MS", 1e4),
    rescanMs: ms("NSA_WATCH_RESCAN_MS", 15e3),
    stopGraceMs: ms("NSA_WATCH_STOP_GRACE_MS", 1e4)
  };
}
var RecordLine = object({
  /** Target label (as configuredTargets names it). */
  target: string(),
  /** Full store paths the target now has (uploaded, or found present). */
  paths: array(string()),
  uploaded: number().check(int()),
  present: number().check(int()),
  bytes: number()
});
async function appendRecord(dir, line) {
  await appendFile(join(dir, WatchFiles.record), `${JSON.stringify(line)}
`, { mode: 384 });
}
async function readRecord(dir) {
  const text = await readFile(join(dir, WatchFiles.record), "utf8").catch(() => "");
  const out = /* @__PURE__ */ new Map();
  for (const raw of text.split("\n")) {
    if (raw === "") continue;
    let parsed;
    try {
      parsed = RecordLine.safeParse(JSON.parse(raw));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    const line = parsed.data;
    const t = out.get(line.target) ?? { paths: /* @__PURE__ */ new Set(), uploaded: 0, present: 0, bytes: 0 };
    for (const p of line.paths) t.paths.add(p);
    t.uploaded += line.uploaded;
    t.present += line.present;
    t.bytes += line.bytes;
    out.set(line.target, t);
  }
  return out;
}
async function writeMarker(dir, name, text) {
  await writeFile(join(dir, name), text, { mode: 384 });
}

export {
  platform,
  setPriority,
  tmpdir,
  getInput,
  setSecret,
  info,
  debug,
  warning,
  setFailed,
  setOutput,
  getState,
  appendSummary,
  validPaths,
  queryPathInfo,
  resolveInstallables,
  join,
  dirname,
  configuredTargets,
  WatchFiles,
  WatchConfig,
  watchTuning,
  appendRecord,
  readRecord,
  writeMarker
};
