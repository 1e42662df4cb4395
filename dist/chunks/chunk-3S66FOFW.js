import {
  HttpError,
  PushError,
  Readable,
  Sha256,
  Transform,
  _enum,
  array,
  baseName,
  boolean,
  fingerprint,
  hashPart,
  http,
  httpJson,
  isTransient,
  lstat,
  object,
  open,
  optional,
  pipeline,
  readdir,
  readlink,
  string,
  withRetry
} from "./chunk-CK5QPQ2P.js";

// builtin:node:crypto
var m = process.getBuiltinModule("node:crypto");
var get = (name) => m[name];
var createHash = /* @__PURE__ */ get("createHash");

// builtin:node:zlib
var m2 = process.getBuiltinModule("node:zlib");
var get2 = (name) => m2[name];
var zstdCompressSync = /* @__PURE__ */ get2("zstdCompressSync");
var createZstdCompress = /* @__PURE__ */ get2("createZstdCompress");
var constants = /* @__PURE__ */ get2("constants");

// builtin:node:child_process
var m3 = process.getBuiltinModule("node:child_process");
var get3 = (name) => m3[name];
var spawn = /* @__PURE__ */ get3("spawn");

// builtin:node:v8
var m4 = process.getBuiltinModule("node:v8");
var get4 = (name) => m4[name];
var setFlagsFromString = /* @__PURE__ */ get4("setFlagsFromString");

// builtin:node:vm
var m5 = process.getBuiltinModule("node:vm");
var get5 = (name) => m5[name];
var runInNewContext = /* @__PURE__ */ get5("runInNewContext");

// src/nix/spent-buffers.ts
var collect;
function collector() {
  if (collect === void 0) {
    try {
      setFlagsFromString("--expose-gc");
      const gc = runInNewContext("gc");
      collect = typeof gc === "function" ? gc : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}
var COLLECT_EVERY = 16 * 1024 * 1024;
var since = 0;
function noteStreamed(bytes) {
  since += bytes;
  if (since < COLLECT_EVERY) return;
  since = 0;
  collector()?.({ type: "major" });
}

// src/nix/nar.ts
function dumpNar(path, signal) {
  return process.platform === "linux" ? dumpNarDirect(path, signal) : dumpNarWithNix(path, signal);
}
var CHUNK = 1024 * 1024;
function strings(...items) {
  const parts = [];
  for (const item of items) {
    const bytes = typeof item === "string" ? Buffer.from(item) : item;
    parts.push(u64(bytes.length), bytes, padding(bytes.length));
  }
  return Buffer.concat(parts);
}
function u64(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}
function padding(n) {
  return Buffer.alloc((8 - n % 8) % 8);
}
async function* regular(path, size) {
  const file = await open(path, "r");
  try {
    let left = size;
    while (left > 0) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, left));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) throw new Error(`${path.toString()} shrank while being read`);
      left -= bytesRead;
      noteStreamed(bytesRead);
      yield bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
async function* node(path) {
  const st = await lstat(path);
  if (st.isSymbolicLink()) {
    yield strings("(", "type", "symlink", "target", await readlink(path, { encoding: "buffer" }), ")");
  } else if (st.isFile()) {
    const head = (st.mode & 64) !== 0 ? ["(", "type", "regular", "executable", "", "contents"] : ["(", "type", "regular", "contents"];
    yield Buffer.concat([strings(...head), u64(st.size)]);
    yield* regular(path, st.size);
    yield Buffer.concat([padding(st.size), strings(")")]);
  } else if (st.isDirectory()) {
    yield strings("(", "type", "directory");
    const names = (await readdir(path, { encoding: "buffer" })).sort(Buffer.compare);
    for (const name of names) {
      yield strings("entry", "(", "name", name, "node");
      yield* node(Buffer.concat([path, Buffer.from("/"), name]));
      yield strings(")");
    }
    yield strings(")");
  } else {
    throw new Error(`${path.toString()}: not a regular file, directory or symlink; cannot be in a NAR`);
  }
}
async function* nar(path) {
  yield strings("nix-archive-1");
  yield* node(Buffer.from(path));
}
function dumpNarDirect(path, signal) {
  const stream = Readable.from(nar(path), { objectMode: false, highWaterMark: CHUNK });
  if (signal) {
    const abort = () => stream.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) abort();
    else {
      signal.addEventListener("abort", abort, { once: true });
      stream.once("close", () => signal.removeEventListener("abort", abort));
    }
  }
  return stream;
}
function dumpNarWithNix(path, signal) {
  const child = spawn("nix-store", ["--dump", path], { stdio: ["ignore", "pipe", "pipe"], ...signal ? { signal } : {} });
  const stderr = [];
  child.stderr.on("data", (d) => stderr.push(d));
  const out = new Readable({ read() {
  } });
  child.stdout.on("data", (chunk) => {
    noteStreamed(chunk.length);
    if (!out.push(chunk)) child.stdout.pause();
  });
  out._read = () => child.stdout.resume();
  out._destroy = (error, callback) => {
    child.kill();
    callback(error);
  };
  child.on("error", (error) => out.destroy(error));
  child.on("close", (code) => {
    if (code === 0) out.push(null);
    else out.destroy(new Error(`nix-store --dump ${path} failed (exit ${code}): ${Buffer.concat(stderr).toString().trim()}`));
  });
  return out;
}

// src/caches/cachix-api.ts
var BinaryCacheJson = object({
  name: string(),
  uri: string(),
  isPublic: boolean(),
  publicSigningKeys: array(string()),
  githubUsername: optional(string()),
  // Generic aeson encodes nullary constructors as their names.
  permission: optional(_enum(["Read", "Write", "Admin"])),
  preferredCompressionMethod: optional(_enum(["XZ", "ZSTD"]))
});
var CreateMultipartJson = object({ narId: string(), uploadId: string() });
var UploadPartJson = object({ uploadUrl: string() });
var MissingJson = array(string());
var CACHIX_COMPRESSION_LEVEL = 2;
var CACHIX_PART_CONCURRENCY = 4;
var CACHIX_MISSING_BATCH = 32768;
function cacheUrl(e, rest = "") {
  return `${e.apiUrl.replace(/\/+$/, "")}/cache/${encodeURIComponent(e.name)}${rest}`;
}
function headers(e, json = false) {
  const h = {};
  if (e.token) h.authorization = `Bearer ${e.token}`;
  if (json) h["content-type"] = "application/json";
  return h;
}
function cachixError(error, e, op) {
  if (error instanceof PushError) return error;
  const cache = `Cachix cache "${e.name}"`;
  if (error instanceof HttpError) {
    const detail = serverMessage(error.body);
    const suffix = detail ? ` (Cachix said: ${detail})` : "";
    if (error.status === 402 || error.status === 413 || /quota|storage limit|over (the|your) limit/i.test(error.body)) {
      return new PushError(`${cache} is over its storage quota: free space or upgrade the plan on app.cachix.org${suffix}`, false, { cause: error });
    }
    if (error.status === 401) {
      return new PushError(
        e.token ? `${cache} rejected the auth token (401): check that cachix-auth-token (CACHIX_AUTH_TOKEN) is current and has access to this cache${suffix}` : `${cache} needs an auth token (401): it is private or pushing needs one; set cachix-auth-token (CACHIX_AUTH_TOKEN)${suffix}`,
        false,
        { cause: error }
      );
    }
    if (error.status === 403) {
      return new PushError(`the auth token has no ${op === "cache" ? "read" : "write"} access to ${cache} (403): use a token with write permission${suffix}`, false, {
        cause: error
      });
    }
    if (error.status === 404 && op !== "upload") {
      return new PushError(`${cache} does not exist (404): check the cachix input${suffix}`, false, { cause: error });
    }
    return new PushError(`${cache}: ${error.message}`, isTransient(error), { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PushError(`${cache}: ${message}`, isTransient(error), { cause: error });
}
function serverMessage(body) {
  const text = body.trim();
  if (!text) return "";
  try {
    const json = JSON.parse(text);
    if (json && typeof json === "object") {
      for (const key of ["error", "message", "detail"]) {
        const v = json[key];
        if (typeof v === "string") return v.slice(0, 300);
      }
    }
  } catch {
  }
  return text.slice(0, 300);
}
async function call(e, op, signal, fn) {
  try {
    return await withRetry(fn, { signal });
  } catch (error) {
    signal.throwIfAborted();
    throw cachixError(error, e, op);
  }
}
async function cacheInfo(apiUrl, name, token, signal) {
  const e = { apiUrl, name, token };
  const json = await call(e, "cache", signal, () => httpJson(cacheUrl(e), { headers: headers(e), signal }));
  const parsed = BinaryCacheJson.safeParse(json);
  if (!parsed.success) throw new PushError(`Cachix cache "${name}": unexpected cache info from ${apiUrl}: ${parsed.error.message}`, false);
  return parsed.data;
}
async function missingHashes(apiUrl, name, token, hashes, signal, batchSize = CACHIX_MISSING_BATCH) {
  const e = { apiUrl, name, token };
  const missing = /* @__PURE__ */ new Set();
  for (let i = 0; i < hashes.length; i += batchSize) {
    const batch = hashes.slice(i, i + batchSize);
    const json = await call(
      e,
      "push",
      signal,
      () => httpJson(cacheUrl(e, "/narinfo"), { method: "POST", headers: headers(e, true), body: JSON.stringify(batch), signal, timeoutMs: 12e4 })
    );
    for (const h of MissingJson.parse(json)) missing.add(h);
  }
  return missing;
}
async function createPin(apiUrl, name, token, pin, signal) {
  const e = { apiUrl, name, token };
  await call(e, "pin", signal, async () => {
    const response = await http(cacheUrl(e, "/pin"), { method: "POST", headers: headers(e, true), body: JSON.stringify(pin), signal });
    await response.arrayBuffer();
  });
}
var HashTap = class extends Transform {
  hash = createHash("sha256");
  size = 0;
  _transform(chunk, _enc, done) {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }
};
async function uploadNar(e, info, options) {
  const { signal } = options;
  const created = CreateMultipartJson.parse(
    await call(e, "push", signal, () => httpJson(cacheUrl(e, "/multipart-nar?compression=zst"), { method: "POST", headers: headers(e), signal }))
  );
  const narUrl = cacheUrl(e, `/multipart-nar/${encodeURIComponent(created.narId)}`);
  const uploadQuery = `uploadId=${encodeURIComponent(created.uploadId)}`;
  try {
    const { parts, narTap, fileTap } = await streamParts(e, info, options, narUrl, uploadQuery);
    const narHash = Sha256.fromBytes(narTap.hash.digest());
    if (narTap.size !== info.narSize || !narHash.equals(info.narHash)) {
      throw new PushError(
        `${info.path}: the NAR read from the store (${narHash.nix32}, ${narTap.size} bytes) does not match its recorded hash (${info.narHash.nix32}, ${info.narSize} bytes); repair the store with nix-store --verify --check-contents --repair`,
        false
      );
    }
    const narInfo = narInfoCreate(info, { fileHash: fileTap.hash.digest("hex"), fileSize: fileTap.size }, options.signingKey);
    await call(e, "upload", signal, async () => {
      const body = JSON.stringify({ parts, narInfoCreate: narInfo });
      const response = await http(`${narUrl}/complete?${uploadQuery}`, { method: "POST", headers: headers(e, true), body, signal, timeoutMs: 3e5 });
      await response.arrayBuffer();
    });
    return { narInfo, parts: parts.length };
  } catch (error) {
    await abortUpload(e, `${narUrl}/abort?${uploadQuery}`);
    throw error instanceof PushError ? error : cachixError(error, e, "upload");
  }
}
async function abortUpload(e, url) {
  const signal = AbortSignal.timeout(3e4);
  await withRetry(() => http(url, { method: "POST", headers: headers(e), signal }).then((r) => r.arrayBuffer()), { signal, attempts: 3 }).catch(() => void 0);
}
async function streamParts(e, info, options, narUrl, uploadQuery) {
  const { signal, chunkSize } = options;
  const concurrency = Math.max(1, options.partConcurrency ?? CACHIX_PART_CONCURRENCY);
  const narTap = new HashTap();
  const fileTap = new HashTap();
  const zstd = createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: options.compressionLevel ?? CACHIX_COMPRESSION_LEVEL } });
  const parts = [];
  const inFlight = /* @__PURE__ */ new Set();
  let failure = null;
  const start = (partNumber2, body) => {
    const p = uploadPart(e, narUrl, uploadQuery, partNumber2, body, signal).then(
      (eTag) => void parts.push({ partNumber: partNumber2, eTag }),
      (error) => void (failure ??= { error })
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const slot = async () => {
    while (inFlight.size >= concurrency && !failure) await Promise.race(inFlight);
    if (failure) throw failure.error;
  };
  let partNumber = 0;
  await pipeline(
    dumpNar(info.path, signal),
    narTap,
    zstd,
    fileTap,
    async (source) => {
      let pieces = [];
      let filled = 0;
      for await (const chunk of source) {
        let offset = 0;
        while (offset < chunk.length) {
          const n = Math.min(chunk.length - offset, chunkSize - filled);
          pieces.push(chunk.subarray(offset, offset + n));
          filled += n;
          offset += n;
          if (filled === chunkSize) {
            await slot();
            start(++partNumber, Buffer.concat(pieces, filled));
            pieces = [];
            filled = 0;
          }
        }
      }
      if (filled > 0 || partNumber === 0) {
        await slot();
        start(++partNumber, Buffer.concat(pieces, filled));
      }
    },
    { signal }
  );
  while (inFlight.size > 0) await Promise.race(inFlight);
  if (failure) throw failure.error;
  parts.sort((a, b) => a.partNumber - b.partNumber);
  return { parts, narTap, fileTap };
}
async function uploadPart(e, narUrl, uploadQuery, partNumber, body, signal) {
  const contentMD5 = createHash("md5").update(body).digest("base64");
  return call(e, "upload", signal, async () => {
    const presigned = UploadPartJson.parse(
      await httpJson(`${narUrl}?${uploadQuery}&partNumber=${partNumber}`, {
        method: "POST",
        headers: headers(e, true),
        body: JSON.stringify({ contentMD5 }),
        signal
      })
    );
    const response = await http(presigned.uploadUrl, {
      method: "PUT",
      headers: { "content-type": "application/octet-stream", "content-md5": contentMD5 },
      body,
      signal,
      // Allow about 100 KB/s on top of two minutes, so a slow runner is not cut off mid-part.
      timeoutMs: 12e4 + Math.ceil(body.length / 100)
    });
    await response.arrayBuffer();
    const eTag = response.headers.get("etag");
    if (!eTag) throw new PushError(`Cachix cache "${e.name}": the object store answered part ${partNumber} without an ETag`, true);
    return eTag;
  });
}
function narInfoCreate(info, file, signingKey) {
  const name = baseName(info.path);
  let cSig = null;
  if (signingKey) {
    const signed = signingKey.sign(fingerprint(info));
    cSig = signed.slice(signed.indexOf(":") + 1);
  }
  return {
    cStoreHash: hashPart(info.path),
    cStoreSuffix: name.slice(33),
    cNarHash: info.narHash.nix32,
    cNarSize: info.narSize,
    cFileHash: file.fileHash,
    cFileSize: file.fileSize,
    cReferences: info.references.map(baseName).sort(),
    cDeriver: info.deriver ? baseName(info.deriver) : "unknown-deriver",
    cSig
  };
}

export {
  spawn,
  dumpNar,
  createHash,
  zstdCompressSync,
  createZstdCompress,
  constants,
  CACHIX_COMPRESSION_LEVEL,
  CACHIX_PART_CONCURRENCY,
  CACHIX_MISSING_BATCH,
  cachixError,
  cacheInfo,
  missingHashes,
  createPin,
  uploadNar,
  narInfoCreate
};
