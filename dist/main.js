var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// builtin:node:fs
var m, get, appendFileSync, closeSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync;
var init_node_fs = __esm({
  "builtin:node:fs"() {
    m = process.getBuiltinModule("node:fs");
    get = (name) => m[name];
    appendFileSync = /* @__PURE__ */ get("appendFileSync");
    closeSync = /* @__PURE__ */ get("closeSync");
    createWriteStream = /* @__PURE__ */ get("createWriteStream");
    existsSync = /* @__PURE__ */ get("existsSync");
    mkdirSync = /* @__PURE__ */ get("mkdirSync");
    mkdtempSync = /* @__PURE__ */ get("mkdtempSync");
    openSync = /* @__PURE__ */ get("openSync");
    readFileSync = /* @__PURE__ */ get("readFileSync");
    writeFileSync = /* @__PURE__ */ get("writeFileSync");
    writeSync = /* @__PURE__ */ get("writeSync");
  }
});

// builtin:node:os
var m2, get2, platform, tmpdir, userInfo, EOL;
var init_node_os = __esm({
  "builtin:node:os"() {
    m2 = process.getBuiltinModule("node:os");
    get2 = (name) => m2[name];
    platform = /* @__PURE__ */ get2("platform");
    tmpdir = /* @__PURE__ */ get2("tmpdir");
    userInfo = /* @__PURE__ */ get2("userInfo");
    EOL = /* @__PURE__ */ get2("EOL");
  }
});

// builtin:node:path
var m3, get3, join, dirname;
var init_node_path = __esm({
  "builtin:node:path"() {
    m3 = process.getBuiltinModule("node:path");
    get3 = (name) => m3[name];
    join = /* @__PURE__ */ get3("join");
    dirname = /* @__PURE__ */ get3("dirname");
  }
});

// src/nix/keys.ts
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
var crypto, NAME;
var init_keys = __esm({
  "src/nix/keys.ts"() {
    "use strict";
    crypto = () => process.getBuiltinModule("node:crypto");
    NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]*$/;
  }
});

// src/runner.ts
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
function exportVariable(name, value) {
  process.env[name] = value;
  fileCommand("GITHUB_ENV", name, value);
}
function setOutput(name, value) {
  fileCommand("GITHUB_OUTPUT", name, value);
}
function saveState(name, value) {
  fileCommand("GITHUB_STATE", name, value);
}
function appendSummary(markdown) {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown, "utf8");
}
var pause;
var init_runner = __esm({
  "src/runner.ts"() {
    "use strict";
    init_node_fs();
    init_node_os();
    pause = new Int32Array(new SharedArrayBuffer(4));
  }
});

// src/nix/command.ts
function run(command2, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = process.getBuiltinModule("node:child_process").spawn(command2, args, {
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
      ...options.signal ? { signal: options.signal } : {}
    });
    const out = [];
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      const result = { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), code };
      if (code !== 0 && !options.allowFailure) reject(new CommandError(`${command2} ${args.slice(0, 3).join(" ")}`, code, result.stderr));
      else resolve(result);
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(options.input ?? "");
  });
}
var CommandError, NIX_COMMAND;
var init_command = __esm({
  "src/nix/command.ts"() {
    "use strict";
    CommandError = class extends Error {
      code;
      stderr;
      constructor(command2, code, stderr) {
        super(`${command2} failed (exit ${code ?? "signal"}): ${stderr.trim().split("\n").slice(-5).join("\n")}`);
        this.name = "CommandError";
        this.code = code;
        this.stderr = stderr;
      }
    };
    NIX_COMMAND = ["--extra-experimental-features", "nix-command"];
  }
});

// builtin:node:crypto
var m4, get4, createHash;
var init_node_crypto = __esm({
  "builtin:node:crypto"() {
    m4 = process.getBuiltinModule("node:crypto");
    get4 = (name) => m4[name];
    createHash = /* @__PURE__ */ get4("createHash");
  }
});

// builtin:node:stream
var m5, get5, Readable, Transform;
var init_node_stream = __esm({
  "builtin:node:stream"() {
    m5 = process.getBuiltinModule("node:stream");
    get5 = (name) => m5[name];
    Readable = /* @__PURE__ */ get5("Readable");
    Transform = /* @__PURE__ */ get5("Transform");
  }
});

// builtin:node:stream/promises
var m6, get6, pipeline;
var init_promises = __esm({
  "builtin:node:stream/promises"() {
    m6 = process.getBuiltinModule("node:stream/promises");
    get6 = (name) => m6[name];
    pipeline = /* @__PURE__ */ get6("pipeline");
  }
});

// builtin:node:zlib
var m7, get7, zstdCompressSync, createZstdCompress, constants;
var init_node_zlib = __esm({
  "builtin:node:zlib"() {
    m7 = process.getBuiltinModule("node:zlib");
    get7 = (name) => m7[name];
    zstdCompressSync = /* @__PURE__ */ get7("zstdCompressSync");
    createZstdCompress = /* @__PURE__ */ get7("createZstdCompress");
    constants = /* @__PURE__ */ get7("constants");
  }
});

// node_modules/zod/v4/core/util.js
function getEnumValues(entries) {
  const numericValues = Object.values(entries).filter((v) => typeof v === "number");
  const values = Object.entries(entries).filter(([k, _]) => numericValues.indexOf(+k) === -1).map(([_, v]) => v);
  return values;
}
function jsonStringifyReplacer(_, value) {
  if (typeof value === "bigint")
    return value.toString();
  return value;
}
function cached(getter) {
  return new Cached(getter);
}
function cleanRegex(source) {
  const start = source.startsWith("^") ? 1 : 0;
  const end = source.endsWith("$") ? source.length - 1 : source.length;
  return source.slice(start, end);
}
function assignProp(target, prop, value) {
  Object.defineProperty(target, prop, {
    value,
    writable: true,
    enumerable: true,
    configurable: true
  });
}
function isObject(data) {
  return typeof data === "object" && data !== null && !Array.isArray(data);
}
function isPlainObject(o) {
  if (isObject(o) === false)
    return false;
  const ctor = o.constructor;
  if (ctor === void 0)
    return true;
  if (typeof ctor !== "function")
    return true;
  const prot = ctor.prototype;
  if (isObject(prot) === false)
    return false;
  if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
    return false;
  }
  return true;
}
function shallowClone(o) {
  if (isPlainObject(o))
    return { ...o };
  if (Array.isArray(o))
    return [...o];
  if (o instanceof Map)
    return new Map(o);
  if (o instanceof Set)
    return new Set(o);
  return o;
}
function escapeRegex(str) {
  return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function clone(inst, def, params) {
  const cl = new inst._zod.constr(def ?? inst._zod.def);
  if (!def || params?.parent)
    cl._zod.parent = inst;
  return cl;
}
function normalizeParams(_params) {
  const params = _params;
  if (!params)
    return {};
  if (typeof params === "string")
    return { error: () => params };
  if (params?.message !== void 0) {
    if (params?.error !== void 0)
      throw new Error("Cannot specify both `message` and `error` params");
    params.error = params.message;
  }
  delete params.message;
  if (typeof params.error === "string")
    return { ...params, error: () => params.error };
  return params;
}
function optionalKeys(shape) {
  return Object.keys(shape).filter((k) => {
    return shape[k]._zod.optin !== void 0 && shape[k]._zod.optout === "optional";
  });
}
function aborted(x, startIndex = 0) {
  if (x.aborted === true)
    return true;
  for (let i = startIndex; i < x.issues.length; i++) {
    if (x.issues[i]?.continue !== true) {
      return true;
    }
  }
  return false;
}
function explicitlyAborted(x, startIndex = 0) {
  if (x.aborted === true)
    return true;
  for (let i = startIndex; i < x.issues.length; i++) {
    if (x.issues[i]?.continue === false) {
      return true;
    }
  }
  return false;
}
function prefixIssues(path, issues) {
  return issues.map((iss) => {
    var _a3;
    (_a3 = iss).path ?? (_a3.path = []);
    iss.path.unshift(path);
    return iss;
  });
}
function unwrapMessage(message) {
  return typeof message === "string" ? message : message?.message;
}
function sizeCaps(defChecks) {
  const caps = [];
  for (const ch of defChecks ?? []) {
    const d = ch._zod.def;
    if (!/_(length|size)$|_equals$/.test(d.check))
      break;
    const max = d.maximum ?? d.length ?? d.size;
    if (max >= 0)
      caps.push([max, ch]);
  }
  return caps;
}
function attachSchema(issues, start, inst) {
  var _a3;
  for (let i = start; i < issues.length; i++) {
    (_a3 = issues[i]).schema ?? (_a3.schema = inst);
  }
}
function finalizeIssue(iss, ctx, config2) {
  var _a3;
  const traits = iss.inst?._zod?.traits;
  if (traits?.has("$ZodType")) {
    if (traits.has("$ZodCheck"))
      (_a3 = iss).schema ?? (_a3.schema = iss.inst);
    else
      iss.schema = iss.inst;
  }
  const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : void 0;
  const message = iss.message ? iss.message : unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ?? unwrapMessage(schemaError?.(iss)) ?? unwrapMessage(ctx?.error?.(iss)) ?? unwrapMessage(config2.customError?.(iss)) ?? unwrapMessage(config2.localeError?.(iss)) ?? "Invalid input";
  const full = {};
  for (const k of Object.keys(iss)) {
    if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
      continue;
    full[k] = iss[k];
  }
  full.path ?? (full.path = []);
  full.message = message;
  if (ctx?.reportInput) {
    full.input = iss.input;
  }
  return full;
}
function members(proto, table2) {
  for (const key in table2) {
    const desc = Object.getOwnPropertyDescriptor(table2, key);
    if (desc.get)
      Object.defineProperty(proto, key, { ...desc, enumerable: false });
    else
      defineBound(proto, key, desc.value);
  }
}
function own(inst, key, value, enumerable = true) {
  Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
  return value;
}
function hide(inst, key, value) {
  return own(inst, key, value, false);
}
function defineBound(proto, key, fn) {
  Object.defineProperty(proto, key, {
    configurable: true,
    get() {
      return this == null ? fn : own(this, key, fn.bind(this));
    },
    set(value) {
      own(this, key, value);
    }
  });
}
function claim(inst, sentinel) {
  const proto = Object.getPrototypeOf(inst);
  return sentinel in proto ? void 0 : proto;
}
function defineLazyInternal(inst, key, compute) {
  const proto = Object.getPrototypeOf(inst._zod);
  if (key in proto && installing !== inst._zod) {
    installing = void 0;
    return;
  }
  installing = inst._zod;
  Object.defineProperty(proto, key, {
    configurable: true,
    get() {
      Object.defineProperty(this, key, breaker);
      const outer = broke;
      broke = false;
      try {
        const value = compute(this);
        if (broke)
          delete this[key];
        else
          Object.defineProperty(this, key, { configurable: true, writable: true, value });
        broke = broke || outer;
        return value;
      } catch (err) {
        delete this[key];
        broke = broke || outer;
        throw err;
      }
    },
    set(value) {
      Object.defineProperty(this, key, { configurable: true, writable: true, value });
    }
  });
}
function installLazyProp(inst, key, make, enumerable) {
  const proto = claim(inst, key);
  if (!proto)
    return;
  Object.defineProperty(proto, key, {
    configurable: true,
    get() {
      const desc = { configurable: true, writable: true, enumerable, value: void 0 };
      Object.defineProperty(this, key, desc);
      desc.value = make(this);
      Object.defineProperty(this, key, desc);
      return desc.value;
    },
    set(value) {
      Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
    }
  });
}
var Cached, captureStackTrace, propertyKeyTypes, NUMBER_FORMAT_RANGES, installing, broke, breaker;
var init_util = __esm({
  "node_modules/zod/v4/core/util.js"() {
    Cached = class {
      constructor(getter) {
        this._getter = getter;
        this._value = void 0;
      }
      get value() {
        const getter = this._getter;
        if (getter !== void 0) {
          this._value = getter();
          this._getter = void 0;
        }
        return this._value;
      }
    };
    captureStackTrace = "captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => {
    };
    propertyKeyTypes = /* @__PURE__ */ new Set(["string", "number", "symbol"]);
    NUMBER_FORMAT_RANGES = /* @__PURE__ */ (() => ({
      safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
      int32: [-2147483648, 2147483647],
      uint32: [0, 4294967295],
      float32: [-34028234663852886e22, 34028234663852886e22],
      float64: [-Number.MAX_VALUE, Number.MAX_VALUE]
    }))();
    broke = false;
    breaker = {
      configurable: true,
      get() {
        broke = true;
        return void 0;
      }
    };
  }
});

// node_modules/zod/v4/core/core.js
function newError(Definition) {
  const E = _E;
  if (E) {
    const saved = E.stackTraceLimit;
    if (typeof saved === "number") {
      try {
        E.stackTraceLimit = 0;
      } catch {
        _E = null;
        return new Definition();
      }
      try {
        return new Definition();
      } finally {
        E.stackTraceLimit = saved;
      }
    }
  }
  return new Definition();
}
// @__NO_SIDE_EFFECTS__
function $constructor(name, initializer2, proto, params) {
  const zodProto = {};
  function Internals(def) {
    this.def = def;
    this.constr = _;
    this.traits = /* @__PURE__ */ new Set();
  }
  Internals.prototype = zodProto;
  const protoMembers = proto;
  const initialized = protoMembers && /* @__PURE__ */ new WeakSet();
  function init(inst, def) {
    if (!inst._zod) {
      _zodDesc.value = new Internals(def);
      try {
        Object.defineProperty(inst, "_zod", _zodDesc);
      } finally {
        _zodDesc.value = void 0;
      }
    } else if (inst._zod.traits.has(name)) {
      return;
    }
    inst._zod.traits.add(name);
    initializer2(inst, def);
    if (initialized) {
      const own2 = Object.getPrototypeOf(inst);
      const ctorProto = inst._zod.constr.prototype;
      let up = own2;
      while (up && up !== ctorProto)
        up = Object.getPrototypeOf(up);
      const target = up ?? own2;
      if (!initialized.has(target)) {
        initialized.add(target);
        members(target, protoMembers);
      }
    }
    const proto2 = _.prototype;
    for (const k in proto2) {
      if (!Object.prototype.hasOwnProperty.call(proto2, k))
        continue;
      if (!(k in inst)) {
        inst[k] = proto2[k].bind(inst);
      }
    }
  }
  const Parent = params?.Parent ?? Object;
  class Definition extends Parent {
  }
  Object.defineProperty(Definition, "name", { value: name });
  function _(def) {
    const inst = params?.Parent ? newError(Definition) : this;
    init(inst, def);
    const deferred = inst._zod.deferred;
    if (deferred) {
      for (const fn of deferred) {
        fn();
      }
      inst._zod.deferred = void 0;
    }
    const pp = globalThis.__zod_globalConfig?.postProcessor;
    if (pp)
      pp(inst);
    return inst;
  }
  Object.defineProperty(_, "init", { value: init });
  Object.defineProperty(_, Symbol.hasInstance, {
    value: (inst) => {
      if (params?.Parent && inst instanceof params.Parent)
        return true;
      return inst?._zod?.traits?.has(name);
    }
  });
  Object.defineProperty(_, "name", { value: name });
  return _;
}
function config(newConfig) {
  if (newConfig)
    Object.assign(globalConfig, newConfig);
  return globalConfig;
}
var _a, NEVER, _zodDesc, _E, $ZodAsyncError, $ZodEncodeError, globalConfig;
var init_core = __esm({
  "node_modules/zod/v4/core/core.js"() {
    init_util();
    NEVER = /* @__PURE__ */ Object.freeze({
      status: "aborted"
    });
    _zodDesc = { value: void 0, enumerable: false };
    _E = "captureStackTrace" in Error ? Error : null;
    $ZodAsyncError = class extends Error {
      constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
      }
    };
    $ZodEncodeError = class extends Error {
      constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
      }
    };
    (_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
    globalConfig = globalThis.__zod_globalConfig;
  }
});

// node_modules/zod/v4/core/errors.js
function _getMessage() {
  const internals = this._zod;
  internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
  return internals.message;
}
function _setMessage(value) {
  this._zod.message = value;
}
var _messageDesc, _issuesDesc, _installedToString, initializer, $ZodError, $ZodRealError;
var init_errors = __esm({
  "node_modules/zod/v4/core/errors.js"() {
    init_core();
    init_util();
    _messageDesc = {
      get: _getMessage,
      set: _setMessage,
      enumerable: true,
      configurable: true
    };
    _issuesDesc = { value: void 0, enumerable: false };
    _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
    initializer = (inst, def) => {
      inst.name = "$ZodError";
      _issuesDesc.value = def;
      Object.defineProperty(inst, "issues", _issuesDesc);
      _issuesDesc.value = void 0;
      Object.defineProperty(inst, "message", _messageDesc);
      const proto = Object.getPrototypeOf(inst);
      if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
          configurable: true,
          enumerable: false,
          get() {
            const value = () => this.message;
            Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            return value;
          },
          set(value) {
            Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
          }
        });
      }
    };
    $ZodError = $constructor("$ZodError", initializer);
    $ZodRealError = $constructor("$ZodError", initializer, void 0, {
      Parent: Error
    });
  }
});

// node_modules/zod/v4/core/parse.js
function failure(Err, issues, ctx) {
  let error2;
  return {
    success: false,
    get error() {
      if (!error2) {
        error2 = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
        issues = void 0;
        ctx = void 0;
      }
      return error2;
    },
    set error(e) {
      error2 = e;
      issues = void 0;
      ctx = void 0;
    }
  };
}
var _parse, parse, _parseAsync, parseAsync, _safeParse, safeParse, _safeParseAsync, safeParseAsync;
var init_parse = __esm({
  "node_modules/zod/v4/core/parse.js"() {
    init_core();
    init_errors();
    init_util();
    _parse = (_Err) => {
      const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
          throw new $ZodAsyncError();
        }
        if (result.issues.length) {
          const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
          captureStackTrace(e, _params?.callee ?? fn);
          throw e;
        }
        return result.value;
      };
      return fn;
    };
    parse = /* @__PURE__ */ _parse($ZodRealError);
    _parseAsync = (_Err) => {
      const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
          result = await result;
        if (result.issues.length) {
          const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
          captureStackTrace(e, params?.callee ?? fn);
          throw e;
        }
        return result.value;
      };
      return fn;
    };
    parseAsync = /* @__PURE__ */ _parseAsync($ZodRealError);
    _safeParse = (_Err) => (schema, value, _ctx) => {
      const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
      const result = schema._zod.run({ value, issues: [] }, ctx);
      if (result instanceof Promise) {
        throw new $ZodAsyncError();
      }
      return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
    };
    safeParse = /* @__PURE__ */ _safeParse($ZodRealError);
    _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
      const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
      let result = schema._zod.run({ value, issues: [] }, ctx);
      if (result instanceof Promise)
        result = await result;
      return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
    };
    safeParseAsync = /* @__PURE__ */ _safeParseAsync($ZodRealError);
  }
});

// node_modules/zod/v4/core/regexes.js
var anyString, number, boolean;
var init_regexes = __esm({
  "node_modules/zod/v4/core/regexes.js"() {
    anyString = /^[\s\S]{0,}$/;
    number = /^-?\d+(?:\.\d+)?$/;
    boolean = /^(?:true|false)$/i;
  }
});

// node_modules/zod/v4/core/checks.js
var $ZodCheck, numericOriginMap, $ZodCheckGreaterThan, $ZodCheckNumberFormat;
var init_checks = __esm({
  "node_modules/zod/v4/core/checks.js"() {
    init_core();
    init_util();
    $ZodCheck = /* @__PURE__ */ $constructor("$ZodCheck", (inst, def) => {
      var _a3;
      inst._zod ?? (inst._zod = {});
      inst._zod.def = def;
      (_a3 = inst._zod).onattach ?? (_a3.onattach = []);
    });
    numericOriginMap = {
      number: "number",
      bigint: "bigint",
      object: "date"
    };
    $ZodCheckGreaterThan = /* @__PURE__ */ $constructor("$ZodCheckGreaterThan", (inst, def) => {
      $ZodCheck.init(inst, def);
      const origin = numericOriginMap[typeof def.value];
      inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
          return;
        }
        payload.issues.push({
          origin: numericOriginMap[typeof payload.value] ?? origin,
          code: "too_small",
          minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
          input: payload.value,
          inclusive: def.inclusive,
          inst,
          continue: !def.abort
        });
      };
    });
    $ZodCheckNumberFormat = /* @__PURE__ */ $constructor("$ZodCheckNumberFormat", (inst, def) => {
      $ZodCheck.init(inst, def);
      def.format = def.format || "float64";
      const isInt = def.format?.includes("int");
      const origin = isInt ? "int" : "number";
      const [minimum, maximum] = NUMBER_FORMAT_RANGES[def.format];
      inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
          if (!Number.isInteger(input)) {
            payload.issues.push({
              expected: origin,
              format: def.format,
              code: "invalid_type",
              continue: false,
              input,
              inst
            });
            return;
          }
          if (!Number.isSafeInteger(input)) {
            if (input > 0) {
              payload.issues.push({
                input,
                code: "too_big",
                maximum: Number.MAX_SAFE_INTEGER,
                note: "Integers must be within the safe integer range.",
                inst,
                origin,
                inclusive: true,
                continue: !def.abort
              });
            } else {
              payload.issues.push({
                input,
                code: "too_small",
                minimum: Number.MIN_SAFE_INTEGER,
                note: "Integers must be within the safe integer range.",
                inst,
                origin,
                inclusive: true,
                continue: !def.abort
              });
            }
            return;
          }
        }
        if (input < minimum) {
          payload.issues.push({
            origin: "number",
            input,
            code: "too_small",
            minimum,
            inclusive: true,
            inst,
            continue: !def.abort
          });
        }
        if (input > maximum) {
          payload.issues.push({
            origin: "number",
            input,
            code: "too_big",
            maximum,
            inclusive: true,
            inst,
            continue: !def.abort
          });
        }
      };
    });
  }
});

// node_modules/zod/v4/core/doc.js
var init_doc = __esm({
  "node_modules/zod/v4/core/doc.js"() {
  }
});

// node_modules/zod/v4/core/versions.js
var version;
var init_versions = __esm({
  "node_modules/zod/v4/core/versions.js"() {
    version = {
      major: 4,
      minor: 6,
      patch: 7
    };
  }
});

// node_modules/zod/v4/core/schemas.js
async function validateAsync(inst, value) {
  const ctx = { async: true };
  return toStandardResult(await inst._zod.run({ value, issues: [] }, ctx), ctx);
}
function standardProps(inst) {
  return {
    validate: (value) => {
      const ctx = { async: false };
      try {
        const r = inst._zod.run({ value, issues: [] }, ctx);
        if (!(r instanceof Promise))
          return toStandardResult(r, ctx);
      } catch (_) {
      }
      return validateAsync(inst, value);
    },
    vendor: "zod",
    version: 1
  };
}
function capSize(inst, size) {
  const caps = sizeCaps(inst._zod.def.checks);
  if (!caps.length)
    return;
  const cap = Math.min(...caps.map((c) => c[0]));
  const parse2 = inst._zod.parse;
  inst._zod.parse = (payload, ctx) => {
    const n = size(payload.value);
    if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
      for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
        if (n > max && ch._zod.def.when(payload)) {
          const start = payload.issues.length;
          ch._zod.check(payload);
          payload.issues[start].continue = false;
          attachSchema(payload.issues, start, inst);
          return payload;
        }
      }
    }
    return parse2(payload, ctx);
  };
}
function handleArrayResult(result, final, index) {
  if (result.issues.length) {
    final.issues.push(...prefixIssues(index, result.issues));
  }
  final.value[index] = result.value;
}
function handlePropertyResult(result, final, key, input, optin, optout) {
  const isPresent = key in input;
  const isOptionalOut = optout === "optional";
  if (!isPresent && isOptionalOut && optin === "optional") {
    return;
  }
  if (result.issues.length) {
    if (optin !== void 0 && isOptionalOut && !isPresent) {
      return;
    }
    final.issues.push(...prefixIssues(key, result.issues));
  }
  if (!isPresent && optin === void 0) {
    if (!result.issues.length) {
      final.issues.push({
        code: "invalid_type",
        expected: "nonoptional",
        input: void 0,
        path: [key]
      });
    }
    return;
  }
  if (result.value === void 0) {
    if (isPresent || optin === "defaulted" && !isOptionalOut) {
      final.value[key] = void 0;
    }
  } else {
    final.value[key] = result.value;
  }
}
function normalizeDef(def) {
  const keys = Object.keys(def.shape);
  const ownSymbols = Object.getOwnPropertySymbols(def.shape);
  const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
  const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
  for (const k of allKeys) {
    if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
      throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
    }
  }
  const okeys = optionalKeys(def.shape);
  return {
    ...def,
    allKeys,
    symbolKeys,
    // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
    keySet: new Set(keys),
    numKeys: keys.length,
    optionalKeys: new Set(okeys)
  };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
  const unrecognized = [];
  const keySet = def.keySet;
  const _catchall = def.catchall._zod;
  const t = _catchall.def.type;
  const optin = _catchall.optin;
  const optout = _catchall.optout;
  let seen = 0;
  for (const key in input) {
    if (abortEarly && payload.issues.length !== seen) {
      if (aborted(payload, seen))
        break;
      seen = payload.issues.length;
    }
    if (keySet.has(key))
      continue;
    if (key === "__proto__") {
      if (t === "never")
        unrecognized.push(key);
      continue;
    }
    if (t === "never") {
      unrecognized.push(key);
      continue;
    }
    const r = _catchall.run({ value: input[key], issues: [] }, ctx);
    if (r instanceof Promise) {
      proms.push(r.then((r2) => handlePropertyResult(r2, payload, key, input, optin, optout)));
    } else {
      handlePropertyResult(r, payload, key, input, optin, optout);
    }
  }
  if (unrecognized.length) {
    payload.issues.push({
      code: "unrecognized_keys",
      keys: unrecognized,
      input,
      inst,
      // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
      continue: true
    });
  }
  if (!proms.length)
    return payload;
  return Promise.all(proms).then(() => {
    return payload;
  });
}
function handleUnionResults(results, final, inst, ctx) {
  for (const result of results) {
    if (result.issues.length === 0) {
      final.value = result.value;
      return final;
    }
  }
  const nonaborted = results.filter((r) => !aborted(r));
  if (nonaborted.length === 1) {
    final.value = nonaborted[0].value;
    return nonaborted[0];
  }
  final.issues.push({
    code: "invalid_union",
    input: final.value,
    inst,
    errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config())))
  });
  return final;
}
function handleOptionalResult(payload, result) {
  payload.value = result.issues.length ? void 0 : result.value;
  return payload;
}
function handleDefaultResult(payload, def) {
  if (payload.value === void 0) {
    payload.value = def.defaultValue;
  }
  return payload;
}
function handlePipeResult(left, next, ctx) {
  if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
    left.aborted = true;
    return left;
  }
  return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
var $ZodType, toStandardResult, $ZodString, $ZodNumber, $ZodNumberFormat, $ZodBoolean, $ZodUnknown, arraySize, $ZodArray, NO_SYMBOL_KEYS, $ZodObject, $ZodUnion, $ZodRecord, $ZodEnum, $ZodTransform, $ZodOptional, $ZodNullable, $ZodDefault, $ZodPipe;
var init_schemas = __esm({
  "node_modules/zod/v4/core/schemas.js"() {
    init_checks();
    init_core();
    init_regexes();
    init_util();
    init_versions();
    init_util();
    $ZodType = /* @__PURE__ */ $constructor("$ZodType", (inst, def) => {
      var _a3;
      inst ?? (inst = {});
      inst._zod.def = def;
      inst._zod.bag = inst._zod.bag || {};
      inst._zod.version = version;
      const defChecks = inst._zod.def.checks;
      const checks = inst._zod.traits.has("$ZodCheck") ? [inst, ...defChecks ?? []] : defChecks?.length ? [...defChecks] : [];
      for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
          fn(inst);
        }
      }
      if (checks.length === 0) {
        (_a3 = inst._zod).deferred ?? (_a3.deferred = []);
        inst._zod.deferred?.push(() => {
          inst._zod.run = inst._zod.parse;
        });
      } else {
        const runChecks = (payload, checks2, ctx) => {
          if (payload.memo)
            return payload;
          let isAborted = aborted(payload);
          let asyncResult;
          for (const ch of checks2) {
            if (ch._zod.def.when) {
              if (explicitlyAborted(payload))
                continue;
              const shouldRun = ch._zod.def.when(payload);
              if (!shouldRun)
                continue;
            } else if (isAborted) {
              continue;
            }
            const currLen = payload.issues.length;
            const _ = ch._zod.check(payload);
            if (_ instanceof Promise && ctx?.async === false) {
              throw new $ZodAsyncError();
            }
            if (asyncResult || _ instanceof Promise) {
              asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                await _;
                const nextLen = payload.issues.length;
                if (nextLen === currLen)
                  return;
                attachSchema(payload.issues, currLen, inst);
                if (!isAborted)
                  isAborted = aborted(payload, currLen);
              });
            } else {
              const nextLen = payload.issues.length;
              if (nextLen === currLen)
                continue;
              attachSchema(payload.issues, currLen, inst);
              if (!isAborted)
                isAborted = aborted(payload, currLen);
            }
          }
          if (asyncResult) {
            return asyncResult.then(() => {
              return payload;
            });
          }
          return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
          if (aborted(canary)) {
            canary.aborted = true;
            return canary;
          }
          const checkResult = runChecks(payload, checks, ctx);
          if (checkResult instanceof Promise) {
            if (ctx.async === false)
              throw new $ZodAsyncError();
            return checkResult.then((checkResult2) => inst._zod.parse(checkResult2, ctx));
          }
          return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
          if (ctx.skipChecks) {
            return inst._zod.parse(payload, ctx);
          }
          if (ctx.direction === "backward") {
            const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
            if (canary instanceof Promise) {
              return canary.then((canary2) => {
                return handleCanaryResult(canary2, payload, ctx);
              });
            }
            return handleCanaryResult(canary, payload, ctx);
          }
          const result = inst._zod.parse(payload, ctx);
          if (result instanceof Promise) {
            if (ctx.async === false)
              throw new $ZodAsyncError();
            return result.then((result2) => runChecks(result2, checks, ctx));
          }
          return runChecks(result, checks, ctx);
        };
      }
    }, {
      // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
      get "~standard"() {
        return hide(this, "~standard", standardProps(this));
      },
      set "~standard"(value) {
        own(this, "~standard", value);
      }
    });
    toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
    $ZodString = /* @__PURE__ */ $constructor("$ZodString", (inst, def) => {
      $ZodType.init(inst, def);
      inst._zod.pattern = def.pattern ?? anyString;
      inst._zod.parse = (payload, _) => {
        if (def.coerce)
          try {
            payload.value = String(payload.value);
          } catch (_2) {
          }
        if (typeof payload.value === "string")
          return payload;
        payload.issues.push({
          expected: "string",
          code: "invalid_type",
          input: payload.value,
          inst
        });
        return payload;
      };
    });
    $ZodNumber = /* @__PURE__ */ $constructor("$ZodNumber", (inst, def) => {
      $ZodType.init(inst, def);
      inst._zod.pattern = number;
      inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
          try {
            payload.value = Number(payload.value);
          } catch (_) {
          }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
          return payload;
        }
        const received = typeof input === "number" ? Number.isNaN(input) ? "NaN" : !Number.isFinite(input) ? String(input) : void 0 : void 0;
        payload.issues.push({
          expected: "number",
          code: "invalid_type",
          input,
          inst,
          ...received ? { received } : {}
        });
        return payload;
      };
    });
    $ZodNumberFormat = /* @__PURE__ */ $constructor("$ZodNumberFormat", (inst, def) => {
      $ZodCheckNumberFormat.init(inst, def);
      $ZodNumber.init(inst, def);
    });
    $ZodBoolean = /* @__PURE__ */ $constructor("$ZodBoolean", (inst, def) => {
      $ZodType.init(inst, def);
      inst._zod.pattern = boolean;
      inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
          try {
            payload.value = Boolean(payload.value);
          } catch (_) {
          }
        const input = payload.value;
        if (typeof input === "boolean")
          return payload;
        payload.issues.push({
          expected: "boolean",
          code: "invalid_type",
          input,
          inst
        });
        return payload;
      };
    });
    $ZodUnknown = /* @__PURE__ */ $constructor("$ZodUnknown", (inst, def) => {
      $ZodType.init(inst, def);
      inst._zod.parse = (payload) => payload;
    });
    arraySize = (input) => Array.isArray(input) ? input.length : -1;
    $ZodArray = /* @__PURE__ */ $constructor("$ZodArray", (inst, def) => {
      $ZodType.init(inst, def);
      const memo = globalConfig.memoizer;
      memo?.attach(inst);
      inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
          payload.issues.push({
            expected: "array",
            code: "invalid_type",
            input,
            inst
          });
          return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
          const item = input[i];
          const result = def.element._zod.run({
            value: item,
            issues: []
          }, ctx);
          if (result instanceof Promise) {
            proms.push(result.then((result2) => handleArrayResult(result2, payload, i)));
          } else {
            handleArrayResult(result, payload, i);
            if (abortEarly && result.issues.length !== 0 && aborted(result))
              break;
          }
        }
        if (proms.length) {
          return Promise.all(proms).then(() => payload);
        }
        return payload;
      };
      capSize(inst, arraySize);
    });
    NO_SYMBOL_KEYS = [];
    $ZodObject = /* @__PURE__ */ $constructor("$ZodObject", (inst, def) => {
      $ZodType.init(inst, def);
      const desc = Object.getOwnPropertyDescriptor(def, "shape");
      const sh = desc?.get ? desc.get.raw : def.shape ?? {};
      if (sh) {
        const get13 = () => {
          const newSh = { ...sh };
          Object.defineProperty(def, "shape", { value: newSh });
          get13.raw = newSh;
          return newSh;
        };
        get13.raw = sh;
        Object.defineProperty(def, "shape", { get: get13 });
      }
      const _normalized = cached(() => normalizeDef(def));
      defineLazyInternal(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
          const field = shape[key]._zod;
          if (field.values) {
            if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
              assignProp(propValues, key, /* @__PURE__ */ new Set());
            }
            for (const v of field.values)
              propValues[key].add(v);
            if (field.optin !== void 0)
              propValues[key].add(void 0);
          }
        }
        return propValues;
      });
      const isObject2 = isObject;
      const catchall = def.catchall;
      let value;
      const memo = globalConfig.memoizer;
      memo?.attach(inst);
      inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject2(input)) {
          payload.issues.push({
            expected: "object",
            code: "invalid_type",
            input,
            inst
          });
          return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
          if (abortEarly && payload.issues.length !== seen) {
            if (aborted(payload, seen))
              break;
            seen = payload.issues.length;
          }
          if (key === "__proto__")
            continue;
          const el = shape[key];
          const optin = el._zod.optin;
          const optout = el._zod.optout;
          const r = el._zod.run({ value: input[key], issues: [] }, ctx);
          if (r instanceof Promise) {
            proms.push(r.then((r2) => handlePropertyResult(r2, payload, key, input, optin, optout)));
          } else {
            handlePropertyResult(r, payload, key, input, optin, optout);
          }
        }
        if (!catchall) {
          return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
      };
    });
    $ZodUnion = /* @__PURE__ */ $constructor("$ZodUnion", (inst, def) => {
      $ZodType.init(inst, def);
      defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted") ? "defaulted" : zod.def.options.some((o) => o._zod.optin !== void 0) ? "optional" : void 0);
      defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : void 0);
      defineLazyInternal(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
          return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return void 0;
      });
      defineLazyInternal(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
          const patterns = zod.def.options.map((o) => o._zod.pattern);
          return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
        }
        return void 0;
      });
      const first = def.options.length === 1 ? def.options[0]._zod.run : null;
      inst._zod.parse = (payload, ctx) => {
        if (first) {
          return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
          const result = option._zod.run({
            value: payload.value,
            issues: []
          }, ctx);
          if (result instanceof Promise) {
            results.push(result);
            async = true;
          } else {
            if (result.issues.length === 0)
              return result;
            results.push(result);
          }
        }
        if (!async)
          return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results2) => {
          return handleUnionResults(results2, payload, inst, ctx);
        });
      };
    });
    $ZodRecord = /* @__PURE__ */ $constructor("$ZodRecord", (inst, def) => {
      $ZodType.init(inst, def);
      const memo = globalConfig.memoizer;
      memo?.attach(inst);
      inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!isPlainObject(input)) {
          payload.issues.push({
            expected: "record",
            code: "invalid_type",
            input,
            inst
          });
          return payload;
        }
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
          payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
          const recordKeys = /* @__PURE__ */ new Set();
          for (const key of values) {
            if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
              recordKeys.add(typeof key === "number" ? key.toString() : key);
              if (key === "__proto__")
                continue;
              const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
              if (keyResult instanceof Promise) {
                throw new Error("Async schemas not supported in object keys currently");
              }
              if (keyResult.issues.length) {
                payload.issues.push({
                  code: "invalid_key",
                  origin: "record",
                  issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                  input: key,
                  path: [key],
                  inst
                });
                continue;
              }
              const outKey = keyResult.value;
              if (outKey === "__proto__")
                continue;
              const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
              if (result instanceof Promise) {
                proms.push(result.then((result2) => {
                  if (result2.issues.length) {
                    payload.issues.push(...prefixIssues(key, result2.issues));
                  }
                  payload.value[outKey] = result2.value;
                }));
              } else {
                if (result.issues.length) {
                  payload.issues.push(...prefixIssues(key, result.issues));
                }
                payload.value[outKey] = result.value;
              }
            }
          }
          let unrecognized;
          for (const key in input) {
            if (!recordKeys.has(key)) {
              if (def.mode === "loose") {
                if (key === "__proto__")
                  continue;
                payload.value[key] = input[key];
              } else {
                unrecognized = unrecognized ?? [];
                unrecognized.push(key);
              }
            }
          }
          if (unrecognized && unrecognized.length > 0) {
            payload.issues.push({
              code: "unrecognized_keys",
              input,
              inst,
              keys: unrecognized,
              continue: true
            });
          }
        } else {
          payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
          let unrecognized;
          for (const key of Reflect.ownKeys(input)) {
            if (key === "__proto__")
              continue;
            if (!Object.prototype.propertyIsEnumerable.call(input, key))
              continue;
            let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            if (keyResult instanceof Promise) {
              throw new Error("Async schemas not supported in object keys currently");
            }
            const checkNumericKey = typeof key === "string" && number.test(key) && keyResult.issues.length;
            if (checkNumericKey) {
              const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
              if (retryResult instanceof Promise) {
                throw new Error("Async schemas not supported in object keys currently");
              }
              if (retryResult.issues.length === 0) {
                keyResult = retryResult;
              }
            }
            if (keyResult.issues.length) {
              if (def.mode === "loose") {
                payload.value[key] = input[key];
              } else if (values) {
                unrecognized = unrecognized ?? [];
                unrecognized.push(key);
              } else {
                payload.issues.push({
                  code: "invalid_key",
                  origin: "record",
                  issues: keyResult.issues.map((iss) => finalizeIssue(iss, ctx, config())),
                  input: key,
                  path: [key],
                  inst
                });
              }
              continue;
            }
            const outKey = keyResult.value;
            if (outKey === "__proto__")
              continue;
            const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
            if (result instanceof Promise) {
              proms.push(result.then((result2) => {
                if (result2.issues.length) {
                  payload.issues.push(...prefixIssues(key, result2.issues));
                }
                payload.value[outKey] = result2.value;
              }));
            } else {
              if (result.issues.length) {
                payload.issues.push(...prefixIssues(key, result.issues));
              }
              payload.value[outKey] = result.value;
            }
          }
          if (unrecognized && unrecognized.length > 0) {
            payload.issues.push({
              code: "unrecognized_keys",
              input,
              inst,
              keys: unrecognized,
              continue: true
            });
          }
        }
        if (proms.length) {
          return Promise.all(proms).then(() => payload);
        }
        return payload;
      };
    });
    $ZodEnum = /* @__PURE__ */ $constructor("$ZodEnum", (inst, def) => {
      $ZodType.init(inst, def);
      const values = getEnumValues(def.entries);
      const valuesSet = new Set(values);
      inst._zod.values = valuesSet;
      defineLazyInternal(inst, "pattern", (zod) => {
        const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
      });
      inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
          return payload;
        }
        payload.issues.push({
          code: "invalid_value",
          values,
          input,
          inst
        });
        return payload;
      };
    });
    $ZodTransform = /* @__PURE__ */ $constructor("$ZodTransform", (inst, def) => {
      $ZodType.init(inst, def);
      inst._zod.optin = "optional";
      globalConfig.memoizer?.guard(inst);
      inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
          throw new $ZodEncodeError(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
          const output = _out instanceof Promise ? _out : Promise.resolve(_out);
          return output.then((output2) => {
            payload.value = output2;
            return payload;
          });
        }
        if (_out instanceof Promise) {
          throw new $ZodAsyncError();
        }
        payload.value = _out;
        return payload;
      };
    });
    $ZodOptional = /* @__PURE__ */ $constructor("$ZodOptional", (inst, def) => {
      $ZodType.init(inst, def);
      defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
      inst._zod.optout = "optional";
      defineLazyInternal(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? /* @__PURE__ */ new Set([...values, void 0]) : void 0;
      });
      defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)})?$`) : void 0;
      });
      inst._zod.parse = (payload, ctx) => {
        if (payload.value === void 0) {
          if (def.innerType._zod.optin !== "defaulted")
            return payload;
          const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
          if (result instanceof Promise)
            return result.then((result2) => handleOptionalResult(payload, result2));
          return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
      };
    });
    $ZodNullable = /* @__PURE__ */ $constructor("$ZodNullable", (inst, def) => {
      $ZodType.init(inst, def);
      defineLazyInternal(inst, "optin", (zod) => zod.def.innerType._zod.optin);
      defineLazyInternal(inst, "optout", (zod) => zod.def.innerType._zod.optout);
      defineLazyInternal(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${cleanRegex(pattern.source)}|null)$`) : void 0;
      });
      defineLazyInternal(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? /* @__PURE__ */ new Set([...zod.def.innerType._zod.values, null]) : void 0;
      });
      inst._zod.parse = (payload, ctx) => {
        if (payload.value === null)
          return payload;
        return def.innerType._zod.run(payload, ctx);
      };
    });
    $ZodDefault = /* @__PURE__ */ $constructor("$ZodDefault", (inst, def) => {
      $ZodType.init(inst, def);
      inst._zod.optin = "defaulted";
      defineLazyInternal(inst, "values", (zod) => zod.def.innerType._zod.values);
      inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
          return def.innerType._zod.run(payload, ctx);
        }
        if (payload.value === void 0) {
          payload.value = def.defaultValue;
          return payload;
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
          return result.then((result2) => handleDefaultResult(result2, def));
        }
        return handleDefaultResult(result, def);
      };
    });
    $ZodPipe = /* @__PURE__ */ $constructor("$ZodPipe", (inst, def) => {
      $ZodType.init(inst, def);
      defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
      defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
      defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
      defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
      inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
          const right = def.out._zod.run(payload, ctx);
          if (right instanceof Promise) {
            return right.then((right2) => handlePipeResult(right2, def.in, ctx));
          }
          return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
          return left.then((left2) => handlePipeResult(left2, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
      };
    });
  }
});

// node_modules/zod/v4/core/memoizer.js
var init_memoizer = __esm({
  "node_modules/zod/v4/core/memoizer.js"() {
  }
});

// node_modules/zod/v4/locales/index.js
var init_locales = __esm({
  "node_modules/zod/v4/locales/index.js"() {
  }
});

// node_modules/zod/v4/core/registries.js
function registry() {
  return new $ZodRegistry();
}
var _a2, $ZodRegistry, globalRegistry;
var init_registries = __esm({
  "node_modules/zod/v4/core/registries.js"() {
    $ZodRegistry = class {
      constructor() {
        this._map = /* @__PURE__ */ new WeakMap();
        this._idmap = /* @__PURE__ */ new Map();
      }
      add(schema, ..._meta) {
        const meta2 = _meta[0];
        this._map.set(schema, meta2);
        if (meta2 && typeof meta2 === "object" && "id" in meta2) {
          this._idmap.set(meta2.id, schema);
        }
        return this;
      }
      clear() {
        this._map = /* @__PURE__ */ new WeakMap();
        this._idmap = /* @__PURE__ */ new Map();
        return this;
      }
      remove(schema) {
        const meta2 = this._map.get(schema);
        if (meta2 && typeof meta2 === "object" && "id" in meta2) {
          this._idmap.delete(meta2.id);
        }
        this._map.delete(schema);
        return this;
      }
      get(schema) {
        const p = schema._zod.parent;
        if (p) {
          const pm = { ...this.get(p) ?? {} };
          delete pm.id;
          const f = { ...pm, ...this._map.get(schema) };
          return Object.keys(f).length ? f : void 0;
        }
        return this._map.get(schema);
      }
      has(schema) {
        return this._map.has(schema);
      }
    };
    (_a2 = globalThis).__zod_globalRegistry ?? (_a2.__zod_globalRegistry = registry());
    globalRegistry = globalThis.__zod_globalRegistry;
  }
});

// node_modules/zod/v4/core/compile.js
var init_compile = __esm({
  "node_modules/zod/v4/core/compile.js"() {
  }
});

// node_modules/zod/v4/core/api.js
function snapshotChecks(def) {
  if (def.checks)
    def.checks = [...def.checks];
  return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
  return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
  return new Class(snapshotChecks({ type: "number", checks: [], ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
  return new Class({
    type: "number",
    check: "number_format",
    abort: false,
    format: "safeint",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
  return new Class({
    type: "boolean",
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
  return new Class({
    type: "unknown"
  });
}
// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
  return new $ZodCheckGreaterThan({
    check: "greater_than",
    ...normalizeParams(params),
    value,
    inclusive: false
  });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
  return new $ZodCheckGreaterThan({
    check: "greater_than",
    ...normalizeParams(params),
    value,
    inclusive: true
  });
}
// @__NO_SIDE_EFFECTS__
function _positive(params) {
  return /* @__PURE__ */ _gt(0, params);
}
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
  return /* @__PURE__ */ _gte(0, params);
}
var init_api = __esm({
  "node_modules/zod/v4/core/api.js"() {
    init_checks();
    init_util();
  }
});

// node_modules/zod/v4/core/to-json-schema.js
var init_to_json_schema = __esm({
  "node_modules/zod/v4/core/to-json-schema.js"() {
  }
});

// node_modules/zod/v4/core/json-schema.js
var init_json_schema = __esm({
  "node_modules/zod/v4/core/json-schema.js"() {
  }
});

// node_modules/zod/v4/core/index.js
var init_core2 = __esm({
  "node_modules/zod/v4/core/index.js"() {
    init_core();
    init_parse();
    init_errors();
    init_schemas();
    init_memoizer();
    init_checks();
    init_versions();
    init_util();
    init_regexes();
    init_locales();
    init_registries();
    init_doc();
    init_compile();
    init_api();
    init_to_json_schema();
    init_json_schema();
  }
});

// node_modules/zod/v4/mini/parse.js
var init_parse2 = __esm({
  "node_modules/zod/v4/mini/parse.js"() {
    init_core2();
  }
});

// node_modules/zod/v4/mini/schemas.js
// @__NO_SIDE_EFFECTS__
function string2(params) {
  return _string(ZodMiniString, params);
}
// @__NO_SIDE_EFFECTS__
function number2(params) {
  return _number(ZodMiniNumber, params);
}
function int(params) {
  return _int(ZodMiniNumberFormat, params);
}
// @__NO_SIDE_EFFECTS__
function boolean2(params) {
  return _boolean(ZodMiniBoolean, params);
}
// @__NO_SIDE_EFFECTS__
function unknown() {
  return _unknown(ZodMiniUnknown);
}
// @__NO_SIDE_EFFECTS__
function array(element, params) {
  return new ZodMiniArray({
    type: "array",
    element,
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function object(shape, params) {
  const def = {
    type: "object",
    shape: shape ?? {},
    ...normalizeParams(params)
  };
  return new ZodMiniObject(def);
}
// @__NO_SIDE_EFFECTS__
function union(options, params) {
  return new ZodMiniUnion({
    type: "union",
    options,
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function record(keyType, valueType, params) {
  if (!valueType || !valueType._zod) {
    return new ZodMiniRecord({
      type: "record",
      keyType: /* @__PURE__ */ string2(),
      valueType: keyType,
      ...normalizeParams(valueType)
    });
  }
  return new ZodMiniRecord({
    type: "record",
    keyType,
    valueType,
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function _enum(values, params) {
  const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
  return new ZodMiniEnum({
    type: "enum",
    entries,
    ...normalizeParams(params)
  });
}
// @__NO_SIDE_EFFECTS__
function transform(fn) {
  return new ZodMiniTransform({
    type: "transform",
    transform: fn
  });
}
// @__NO_SIDE_EFFECTS__
function optional2(innerType) {
  return new ZodMiniOptional({
    type: "optional",
    innerType
  });
}
// @__NO_SIDE_EFFECTS__
function nullable(innerType) {
  return new ZodMiniNullable({
    type: "nullable",
    innerType
  });
}
// @__NO_SIDE_EFFECTS__
function nullish2(innerType) {
  return /* @__PURE__ */ optional2(/* @__PURE__ */ nullable(innerType));
}
// @__NO_SIDE_EFFECTS__
function _default(innerType, defaultValue) {
  return new ZodMiniDefault({
    type: "default",
    innerType,
    get defaultValue() {
      return typeof defaultValue === "function" ? defaultValue() : shallowClone(defaultValue);
    }
  });
}
// @__NO_SIDE_EFFECTS__
function pipe(in_, out) {
  return new ZodMiniPipe({
    type: "pipe",
    in: in_,
    out
  });
}
var ZodMiniType, ZodMiniString, ZodMiniNumber, ZodMiniNumberFormat, ZodMiniBoolean, ZodMiniUnknown, ZodMiniArray, ZodMiniObject, ZodMiniUnion, ZodMiniRecord, ZodMiniEnum, ZodMiniTransform, ZodMiniOptional, ZodMiniNullable, ZodMiniDefault, ZodMiniPipe;
var init_schemas2 = __esm({
  "node_modules/zod/v4/mini/schemas.js"() {
    init_core2();
    init_util();
    init_parse2();
    ZodMiniType = /* @__PURE__ */ $constructor("ZodMiniType", (inst, def) => {
      if (!inst._zod)
        throw new Error("Uninitialized schema in ZodMiniType.");
      $ZodType.init(inst, def);
      inst.def = def;
      inst.type = def.type;
    }, {
      // `with` is an alias for `check`: the same function object, not a wrapper.
      get with() {
        return this.check;
      },
      set with(value) {
        own(this, "with", value);
      },
      parse(data, params) {
        return parse(this, data, params, { callee: this.parse });
      },
      parseAsync(data, params) {
        return parseAsync(this, data, params, { callee: this.parseAsync });
      },
      safeParse(data, params) {
        return safeParse(this, data, params);
      },
      safeParseAsync(data, params) {
        return safeParseAsync(this, data, params);
      },
      check(...checks) {
        const def = this.def;
        return this.clone({
          ...def,
          checks: [
            ...def.checks ?? [],
            ...checks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch)
          ]
        }, { parent: true });
      },
      clone(_def, params) {
        return clone(this, _def, params);
      },
      brand() {
        return this;
      },
      register(reg, meta2) {
        reg.add(this, meta2);
        return this;
      },
      apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
      }
    });
    ZodMiniString = /* @__PURE__ */ $constructor("ZodMiniString", (inst, def) => {
      $ZodString.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniNumber = /* @__PURE__ */ $constructor("ZodMiniNumber", (inst, def) => {
      $ZodNumber.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniNumberFormat = /* @__PURE__ */ $constructor("ZodMiniNumberFormat", (inst, def) => {
      $ZodNumberFormat.init(inst, def);
      ZodMiniNumber.init(inst, def);
    });
    ZodMiniBoolean = /* @__PURE__ */ $constructor("ZodMiniBoolean", (inst, def) => {
      $ZodBoolean.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniUnknown = /* @__PURE__ */ $constructor("ZodMiniUnknown", (inst, def) => {
      $ZodUnknown.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniArray = /* @__PURE__ */ $constructor("ZodMiniArray", (inst, def) => {
      $ZodArray.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniObject = /* @__PURE__ */ $constructor("ZodMiniObject", (inst, def) => {
      $ZodObject.init(inst, def);
      ZodMiniType.init(inst, def);
      installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
    });
    ZodMiniUnion = /* @__PURE__ */ $constructor("ZodMiniUnion", (inst, def) => {
      $ZodUnion.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniRecord = /* @__PURE__ */ $constructor("ZodMiniRecord", (inst, def) => {
      $ZodRecord.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniEnum = /* @__PURE__ */ $constructor("ZodMiniEnum", (inst, def) => {
      $ZodEnum.init(inst, def);
      ZodMiniType.init(inst, def);
      inst.options = [...inst._zod.values];
    });
    ZodMiniTransform = /* @__PURE__ */ $constructor("ZodMiniTransform", (inst, def) => {
      $ZodTransform.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniOptional = /* @__PURE__ */ $constructor("ZodMiniOptional", (inst, def) => {
      $ZodOptional.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniNullable = /* @__PURE__ */ $constructor("ZodMiniNullable", (inst, def) => {
      $ZodNullable.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniDefault = /* @__PURE__ */ $constructor("ZodMiniDefault", (inst, def) => {
      $ZodDefault.init(inst, def);
      ZodMiniType.init(inst, def);
    });
    ZodMiniPipe = /* @__PURE__ */ $constructor("ZodMiniPipe", (inst, def) => {
      $ZodPipe.init(inst, def);
      ZodMiniType.init(inst, def);
    });
  }
});

// node_modules/zod/v4/mini/checks.js
var init_checks2 = __esm({
  "node_modules/zod/v4/mini/checks.js"() {
    init_core2();
  }
});

// node_modules/zod/v4/mini/iso.js
var init_iso = __esm({
  "node_modules/zod/v4/mini/iso.js"() {
  }
});

// node_modules/zod/v4/mini/coerce.js
var init_coerce = __esm({
  "node_modules/zod/v4/mini/coerce.js"() {
  }
});

// node_modules/zod/v4/mini/external.js
var init_external = __esm({
  "node_modules/zod/v4/mini/external.js"() {
    init_core2();
    init_parse2();
    init_schemas2();
    init_checks2();
    init_core2();
    init_locales();
    init_iso();
    init_coerce();
  }
});

// node_modules/zod/mini/index.js
var init_mini = __esm({
  "node_modules/zod/mini/index.js"() {
    init_external();
  }
});

// src/zod-english.ts
function typeName(value) {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : Number.isFinite(value) ? "number" : String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
function primitive(value) {
  return typeof value === "string" ? `"${value}"` : typeof value === "bigint" ? `${value}n` : String(value);
}
function englishMessage(issue2) {
  switch (issue2.code) {
    case "invalid_type":
      return `Invalid input: expected ${issue2.expected === "nan" ? "NaN" : issue2.expected}, received ${typeName(issue2.input)}`;
    case "invalid_value":
      if (issue2.values.length === 1) return `Invalid input: expected ${primitive(issue2.values[0])}`;
      return `Invalid option: expected one of ${issue2.values.map(primitive).join("|")}`;
    case "too_small":
      if (issue2.origin !== "number" && issue2.origin !== "int") return void 0;
      return `Too small: expected ${issue2.origin} to be ${issue2.exact ? "exactly " : issue2.inclusive ? ">=" : ">"}${issue2.minimum.toString()}`;
    case "too_big":
      if (issue2.origin !== "number" && issue2.origin !== "int") return void 0;
      return `Too big: expected ${issue2.origin} to be ${issue2.exact ? "exactly " : issue2.inclusive ? "<=" : "<"}${issue2.maximum.toString()}`;
    default:
      return void 0;
  }
}
var init_zod_english = __esm({
  "src/zod-english.ts"() {
    "use strict";
    init_mini();
    if (!config().localeError) config({ localeError: englishMessage });
  }
});

// builtin:node:timers/promises
var m8, get8, setTimeout2;
var init_promises2 = __esm({
  "builtin:node:timers/promises"() {
    m8 = process.getBuiltinModule("node:timers/promises");
    get8 = (name) => m8[name];
    setTimeout2 = /* @__PURE__ */ get8("setTimeout");
  }
});

// src/push/target.ts
var PushError;
var init_target = __esm({
  "src/push/target.ts"() {
    "use strict";
    PushError = class extends Error {
      transient;
      constructor(message, transient, options) {
        super(message, options);
        this.name = "PushError";
        this.transient = transient;
      }
    };
  }
});

// src/http.ts
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
  } catch (error2) {
    const cause = error2.cause;
    if (error2 instanceof TypeError && cause) throw new TypeError(`cannot reach ${redactUrl(url)}: ${cause.code ?? cause.message ?? "network error"}`, { cause });
    throw error2;
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
function isTransient(error2) {
  if (error2 instanceof PushError) return error2.transient;
  if (error2 instanceof HttpError) return isTransientStatus(error2.status);
  if (error2 instanceof Error) {
    if (error2.name === "TimeoutError") return true;
    if (error2.name === "AbortError") return false;
    return error2 instanceof TypeError || /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|socket|terminated/i.test(String(error2.message));
  }
  return false;
}
async function withRetry(fn, options) {
  const attempts = options.attempts ?? 6;
  const base = options.baseDelayMs ?? 250;
  for (let attempt2 = 1; ; attempt2++) {
    options.signal.throwIfAborted();
    try {
      return await fn(attempt2);
    } catch (error2) {
      if (attempt2 >= attempts || !isTransient(error2) || options.signal.aborted) throw error2;
      const delay = Math.round(Math.random() * Math.min(8e3, base * 2 ** (attempt2 - 1)));
      options.onRetry?.(error2, attempt2, delay);
      await setTimeout2(delay, void 0, { signal: options.signal });
    }
  }
}
function client(https) {
  if (https) {
    const m14 = process.getBuiltinModule("node:https");
    httpsAgent ??= new m14.Agent({ keepAlive: true });
    return { request: m14.request, agent: httpsAgent };
  }
  const m13 = process.getBuiltinModule("node:http");
  httpAgent ??= new m13.Agent({ keepAlive: true });
  return { request: m13.request, agent: httpAgent };
}
function networkError(url, error2) {
  const code = error2.code;
  return typeof code === "string" && /^E[A-Z]+$/.test(code) ? new TypeError(`network error with ${redactUrl(url)}: ${code}`, { cause: error2 }) : error2;
}
function request(url, options) {
  const { signal } = options;
  if (signal.aborted) return Promise.reject(signal.reason);
  const https = new URL(url).protocol === "https:";
  const headers2 = { "user-agent": USER_AGENT, ...options.headers };
  const body = options.body;
  if (typeof body === "string") headers2["content-length"] = String(Buffer.byteLength(body));
  else if (body instanceof Uint8Array) headers2["content-length"] = String(body.byteLength);
  const { request: send, agent } = client(https);
  const req = send(url, { method: options.method, headers: headers2, agent });
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error2, answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      if (error2 || !req.writableFinished) req.destroy();
      if (error2) reject(error2);
      else resolve(answer);
    };
    const onAbort = () => finish(signal.reason);
    const timer = setTimeout(() => finish(new DOMException(`${redactUrl(url)} did not answer within ${options.timeoutMs} ms`, "TimeoutError")), options.timeoutMs);
    signal.addEventListener("abort", onAbort, { once: true });
    req.on("error", (error2) => finish(networkError(url, error2)));
    req.on("response", (response) => {
      const chunks = [];
      response.on("data", (c) => chunks.push(c));
      response.on("end", () => finish(null, { status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      response.on("error", (error2) => finish(networkError(url, error2)));
    });
    if (body === void 0 || typeof body === "string" || body instanceof Uint8Array) req.end(body);
    else pipeline(Readable.from(body), req).catch((error2) => finish(error2));
  });
}
async function putStream(url, headers2, body, timeoutMs, signal) {
  const { status, text } = await request(url, { method: "PUT", headers: headers2, body, timeoutMs, signal });
  if (status < 200 || status >= 300) throw new HttpError(status, url, text);
  return text;
}
var USER_AGENT, HttpError, httpAgent, httpsAgent;
var init_http = __esm({
  "src/http.ts"() {
    "use strict";
    init_node_stream();
    init_promises();
    init_promises2();
    init_target();
    USER_AGENT = "nix-substitute-action";
    HttpError = class extends Error {
      status;
      body;
      constructor(status, url, body) {
        super(`HTTP ${status} from ${redactUrl(url)}${body ? `: ${body.slice(0, 300)}` : ""}`);
        this.name = "HttpError";
        this.status = status;
        this.body = body;
      }
    };
    httpAgent = null;
    httpsAgent = null;
  }
});

// src/nix/base32.ts
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
var ALPHABET;
var init_base32 = __esm({
  "src/nix/base32.ts"() {
    "use strict";
    ALPHABET = "0123456789abcdfghijklmnpqrsvwxyz";
  }
});

// src/nix/hash.ts
var Sha256;
var init_hash = __esm({
  "src/nix/hash.ts"() {
    "use strict";
    init_base32();
    Sha256 = class _Sha256 {
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
  }
});

// builtin:node:child_process
var m9, get9, spawn;
var init_node_child_process = __esm({
  "builtin:node:child_process"() {
    m9 = process.getBuiltinModule("node:child_process");
    get9 = (name) => m9[name];
    spawn = /* @__PURE__ */ get9("spawn");
  }
});

// builtin:node:fs/promises
var m10, get10, access, open, rename, rm, mkdir, readdir, readlink, lstat, chmod, mkdtemp, writeFile, readFile;
var init_promises3 = __esm({
  "builtin:node:fs/promises"() {
    m10 = process.getBuiltinModule("node:fs/promises");
    get10 = (name) => m10[name];
    access = /* @__PURE__ */ get10("access");
    open = /* @__PURE__ */ get10("open");
    rename = /* @__PURE__ */ get10("rename");
    rm = /* @__PURE__ */ get10("rm");
    mkdir = /* @__PURE__ */ get10("mkdir");
    readdir = /* @__PURE__ */ get10("readdir");
    readlink = /* @__PURE__ */ get10("readlink");
    lstat = /* @__PURE__ */ get10("lstat");
    chmod = /* @__PURE__ */ get10("chmod");
    mkdtemp = /* @__PURE__ */ get10("mkdtemp");
    writeFile = /* @__PURE__ */ get10("writeFile");
    readFile = /* @__PURE__ */ get10("readFile");
  }
});

// builtin:node:v8
var m11, get11, setFlagsFromString;
var init_node_v8 = __esm({
  "builtin:node:v8"() {
    m11 = process.getBuiltinModule("node:v8");
    get11 = (name) => m11[name];
    setFlagsFromString = /* @__PURE__ */ get11("setFlagsFromString");
  }
});

// builtin:node:vm
var m12, get12, runInNewContext;
var init_node_vm = __esm({
  "builtin:node:vm"() {
    m12 = process.getBuiltinModule("node:vm");
    get12 = (name) => m12[name];
    runInNewContext = /* @__PURE__ */ get12("runInNewContext");
  }
});

// src/nix/spent-buffers.ts
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
function noteStreamed(bytes) {
  since += bytes;
  if (since < COLLECT_EVERY) return;
  since = 0;
  collector()?.({ type: "major" });
}
var collect, COLLECT_EVERY, since;
var init_spent_buffers = __esm({
  "src/nix/spent-buffers.ts"() {
    "use strict";
    init_node_v8();
    init_node_vm();
    COLLECT_EVERY = 16 * 1024 * 1024;
    since = 0;
  }
});

// src/nix/nar.ts
function dumpNar(path, signal) {
  return process.platform === "linux" ? dumpNarDirect(path, signal) : dumpNarWithNix(path, signal);
}
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
  out._destroy = (error2, callback) => {
    child.kill();
    callback(error2);
  };
  child.on("error", (error2) => out.destroy(error2));
  child.on("close", (code) => {
    if (code === 0) out.push(null);
    else out.destroy(new Error(`nix-store --dump ${path} failed (exit ${code}): ${Buffer.concat(stderr).toString().trim()}`));
  });
  return out;
}
var CHUNK;
var init_nar = __esm({
  "src/nix/nar.ts"() {
    "use strict";
    init_node_child_process();
    init_promises3();
    init_node_stream();
    init_spent_buffers();
    CHUNK = 1024 * 1024;
  }
});

// src/nix/snapshot.ts
function changedAmong(job) {
  const { lstatSync: stat } = process.getBuiltinModule("node:fs");
  return job.names.filter((name) => (stat(`${job.storeDir}/${name}`, { throwIfNoEntry: false })?.ctimeMs ?? -Infinity) >= job.cutoff);
}
var STORE_DIR, HELPER_SOURCE;
var init_snapshot = __esm({
  "src/nix/snapshot.ts"() {
    "use strict";
    init_node_fs();
    init_promises3();
    STORE_DIR = "/nix/store";
    HELPER_SOURCE = `const { parentPort } = require('node:worker_threads');
parentPort.once('message', (job) => parentPort.postMessage((${changedAmong.toString()})(job)));`;
  }
});

// src/nix/path-info.ts
function hashPart(path) {
  return baseName(path).slice(0, 32);
}
function baseName(path) {
  return path.slice(path.lastIndexOf("/") + 1);
}
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
function fingerprint(info2) {
  return `1;${info2.path};${info2.narHash.nix32};${info2.narSize};${[...info2.references].sort().join(",")}`;
}
var HASH_BYTES, AnyHash, NarHash, Signature, CA_PREFIX, ContentAddress, Entry, Wrapped;
var init_path_info = __esm({
  "src/nix/path-info.ts"() {
    "use strict";
    init_mini();
    init_zod_english();
    init_base32();
    init_hash();
    init_snapshot();
    HASH_BYTES = { md5: 16, sha1: 20, sha256: 32, sha512: 64, blake3: 32 };
    AnyHash = union([
      pipe(
        string2(),
        transform((text, ctx) => {
          const m13 = /^([a-z0-9]+)(?:-(.+)|:(.+))$/.exec(text);
          const algorithm = m13?.[1];
          try {
            if (algorithm && m13[2] !== void 0) return { algorithm, bytes: hashBytes(algorithm, "sri", m13[2]) };
            if (algorithm && m13[3] !== void 0) return { algorithm, bytes: hashBytes(algorithm, void 0, m13[3]) };
          } catch (e) {
            problem(ctx, e.message);
            return NEVER;
          }
          problem(ctx, `not a hash: "${text}"`);
          return NEVER;
        })
      ),
      pipe(
        object({ algorithm: string2(), format: string2(), hash: string2() }),
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
    NarHash = pipe(
      AnyHash,
      transform((h, ctx) => {
        if (h.algorithm === "sha256") return Sha256.fromBytes(h.bytes);
        problem(ctx, `narHash must be sha256, not ${h.algorithm}`);
        return NEVER;
      })
    );
    Signature = union([
      string2(),
      pipe(
        object({ keyName: string2(), sig: string2() }),
        transform((s) => `${s.keyName}:${s.sig}`)
      )
    ]);
    CA_PREFIX = { text: "text:", flat: "fixed:", nar: "fixed:r:", git: "fixed:git:" };
    ContentAddress = union([
      string2(),
      pipe(
        object({ method: string2(), hash: AnyHash }),
        transform((ca, ctx) => {
          const prefix = CA_PREFIX[ca.method];
          if (prefix !== void 0) return `${prefix}${ca.hash.algorithm}:${toNix32(ca.hash.bytes)}`;
          problem(ctx, `unknown content-address method "${ca.method}"`);
          return NEVER;
        })
      )
    ]);
    Entry = object({
      path: optional2(string2()),
      storeDir: optional2(string2()),
      narHash: NarHash,
      narSize: number2().check(int(), _nonnegative()),
      references: _default(array(string2()), []),
      deriver: nullish2(string2()),
      signatures: nullish2(array(Signature)),
      ca: nullish2(ContentAddress)
    });
    Wrapped = object({
      version: number2().check(int()),
      storeDir: string2(),
      info: record(string2(), unknown())
    });
  }
});

// src/caches/cachix-api.ts
var cachix_api_exports = {};
__export(cachix_api_exports, {
  CACHIX_COMPRESSION_LEVEL: () => CACHIX_COMPRESSION_LEVEL,
  CACHIX_MISSING_BATCH: () => CACHIX_MISSING_BATCH,
  CACHIX_PART_CONCURRENCY: () => CACHIX_PART_CONCURRENCY,
  cacheInfo: () => cacheInfo,
  cachixError: () => cachixError,
  createPin: () => createPin,
  missingHashes: () => missingHashes,
  narInfoCreate: () => narInfoCreate,
  uploadNar: () => uploadNar
});
function cacheUrl(e, rest = "") {
  return `${e.apiUrl.replace(/\/+$/, "")}/cache/${encodeURIComponent(e.name)}${rest}`;
}
function headers(e, json = false) {
  const h = {};
  if (e.token) h.authorization = `Bearer ${e.token}`;
  if (json) h["content-type"] = "application/json";
  return h;
}
function cachixError(error2, e, op) {
  if (error2 instanceof PushError) return error2;
  const cache = `Cachix cache "${e.name}"`;
  if (error2 instanceof HttpError) {
    const detail = serverMessage(error2.body);
    const suffix = detail ? ` (Cachix said: ${detail})` : "";
    if (error2.status === 402 || error2.status === 413 || /quota|storage limit|over (the|your) limit/i.test(error2.body)) {
      return new PushError(`${cache} is over its storage quota: free space or upgrade the plan on app.cachix.org${suffix}`, false, { cause: error2 });
    }
    if (error2.status === 401) {
      return new PushError(
        e.token ? `${cache} rejected the auth token (401): check that cachix-auth-token (CACHIX_AUTH_TOKEN) is current and has access to this cache${suffix}` : `${cache} needs an auth token (401): it is private or pushing needs one; set cachix-auth-token (CACHIX_AUTH_TOKEN)${suffix}`,
        false,
        { cause: error2 }
      );
    }
    if (error2.status === 403) {
      return new PushError(`the auth token has no ${op === "cache" ? "read" : "write"} access to ${cache} (403): use a token with write permission${suffix}`, false, {
        cause: error2
      });
    }
    if (error2.status === 404 && op !== "upload") {
      return new PushError(`${cache} does not exist (404): check the cachix input${suffix}`, false, { cause: error2 });
    }
    return new PushError(`${cache}: ${error2.message}`, isTransient(error2), { cause: error2 });
  }
  const message = error2 instanceof Error ? error2.message : String(error2);
  return new PushError(`${cache}: ${message}`, isTransient(error2), { cause: error2 });
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
  } catch (error2) {
    signal.throwIfAborted();
    throw cachixError(error2, e, op);
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
async function uploadNar(e, info2, options) {
  const { signal } = options;
  const created = CreateMultipartJson.parse(
    await call(e, "push", signal, () => httpJson(cacheUrl(e, "/multipart-nar?compression=zst"), { method: "POST", headers: headers(e), signal }))
  );
  const narUrl = cacheUrl(e, `/multipart-nar/${encodeURIComponent(created.narId)}`);
  const uploadQuery = `uploadId=${encodeURIComponent(created.uploadId)}`;
  try {
    const { parts, narTap, fileTap } = await streamParts(e, info2, options, narUrl, uploadQuery);
    const narHash = Sha256.fromBytes(narTap.hash.digest());
    if (narTap.size !== info2.narSize || !narHash.equals(info2.narHash)) {
      throw new PushError(
        `${info2.path}: the NAR read from the store (${narHash.nix32}, ${narTap.size} bytes) does not match its recorded hash (${info2.narHash.nix32}, ${info2.narSize} bytes); repair the store with nix-store --verify --check-contents --repair`,
        false
      );
    }
    const narInfo = narInfoCreate(info2, { fileHash: fileTap.hash.digest("hex"), fileSize: fileTap.size }, options.signingKey);
    await call(e, "upload", signal, async () => {
      const body = JSON.stringify({ parts, narInfoCreate: narInfo });
      const response = await http(`${narUrl}/complete?${uploadQuery}`, { method: "POST", headers: headers(e, true), body, signal, timeoutMs: 3e5 });
      await response.arrayBuffer();
    });
    return { narInfo, parts: parts.length };
  } catch (error2) {
    await abortUpload(e, `${narUrl}/abort?${uploadQuery}`);
    throw error2 instanceof PushError ? error2 : cachixError(error2, e, "upload");
  }
}
async function abortUpload(e, url) {
  const signal = AbortSignal.timeout(3e4);
  await withRetry(() => http(url, { method: "POST", headers: headers(e), signal }).then((r) => r.arrayBuffer()), { signal, attempts: 3 }).catch(() => void 0);
}
async function streamParts(e, info2, options, narUrl, uploadQuery) {
  const { signal, chunkSize } = options;
  const concurrency = Math.max(1, options.partConcurrency ?? CACHIX_PART_CONCURRENCY);
  const narTap = new HashTap();
  const fileTap = new HashTap();
  const zstd = createZstdCompress({ params: { [constants.ZSTD_c_compressionLevel]: options.compressionLevel ?? CACHIX_COMPRESSION_LEVEL } });
  const parts = [];
  const inFlight = /* @__PURE__ */ new Set();
  let failure2 = null;
  const start = (partNumber2, body) => {
    const p = uploadPart(e, narUrl, uploadQuery, partNumber2, body, signal).then(
      (eTag) => void parts.push({ partNumber: partNumber2, eTag }),
      (error2) => void (failure2 ??= { error: error2 })
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const slot = async () => {
    while (inFlight.size >= concurrency && !failure2) await Promise.race(inFlight);
    if (failure2) throw failure2.error;
  };
  let partNumber = 0;
  await pipeline(
    dumpNar(info2.path, signal),
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
  if (failure2) throw failure2.error;
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
function narInfoCreate(info2, file, signingKey) {
  const name = baseName(info2.path);
  let cSig = null;
  if (signingKey) {
    const signed = signingKey.sign(fingerprint(info2));
    cSig = signed.slice(signed.indexOf(":") + 1);
  }
  return {
    cStoreHash: hashPart(info2.path),
    cStoreSuffix: name.slice(33),
    cNarHash: info2.narHash.nix32,
    cNarSize: info2.narSize,
    cFileHash: file.fileHash,
    cFileSize: file.fileSize,
    cReferences: info2.references.map(baseName).sort(),
    cDeriver: info2.deriver ? baseName(info2.deriver) : "unknown-deriver",
    cSig
  };
}
var BinaryCacheJson, CreateMultipartJson, UploadPartJson, MissingJson, CACHIX_COMPRESSION_LEVEL, CACHIX_PART_CONCURRENCY, CACHIX_MISSING_BATCH, HashTap;
var init_cachix_api = __esm({
  "src/caches/cachix-api.ts"() {
    "use strict";
    init_node_crypto();
    init_node_stream();
    init_promises();
    init_node_zlib();
    init_mini();
    init_zod_english();
    init_http();
    init_hash();
    init_nar();
    init_path_info();
    init_target();
    BinaryCacheJson = object({
      name: string2(),
      uri: string2(),
      isPublic: boolean2(),
      publicSigningKeys: array(string2()),
      githubUsername: optional2(string2()),
      // Generic aeson encodes nullary constructors as their names.
      permission: optional2(_enum(["Read", "Write", "Admin"])),
      preferredCompressionMethod: optional2(_enum(["XZ", "ZSTD"]))
    });
    CreateMultipartJson = object({ narId: string2(), uploadId: string2() });
    UploadPartJson = object({ uploadUrl: string2() });
    MissingJson = array(string2());
    CACHIX_COMPRESSION_LEVEL = 2;
    CACHIX_PART_CONCURRENCY = 4;
    CACHIX_MISSING_BATCH = 32768;
    HashTap = class extends Transform {
      hash = createHash("sha256");
      size = 0;
      _transform(chunk, _enc, done) {
        this.hash.update(chunk);
        this.size += chunk.length;
        done(null, chunk);
      }
    };
  }
});

// src/caches/attic-api.ts
var attic_api_exports = {};
__export(attic_api_exports, {
  AtticApiError: () => AtticApiError,
  MISSING_PATHS_BATCH: () => MISSING_PATHS_BATCH,
  NAR_INFO_PREAMBLE_THRESHOLD: () => NAR_INFO_PREAMBLE_THRESHOLD,
  cacheConfig: () => cacheConfig,
  explain: () => explain,
  getMissingPaths: () => getMissingPaths,
  needsPreamble: () => needsPreamble,
  uploadInfo: () => uploadInfo,
  uploadPath: () => uploadPath
});
function uploadInfo(cache, info2) {
  return {
    cache,
    store_path_hash: hashPart(info2.path),
    store_path: info2.path,
    references: info2.references.map(baseName),
    system: null,
    // attic's own client sends none; the server would print it in the narinfo if it were given.
    deriver: null,
    sigs: [...info2.sigs],
    ca: info2.ca,
    nar_hash: `sha256:${info2.narHash.hex}`,
    nar_size: info2.narSize
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
function explain(error2, url, ctx) {
  if (error2 instanceof AtticApiError) return error2;
  const where = `attic cache "${ctx.cache}" at ${redactUrl(url)}`;
  const what = ctx.storePath ? `uploading ${ctx.storePath}` : ctx.needs === "pull" ? "reading the cache configuration" : "asking which paths are missing";
  if (!(error2 instanceof HttpError)) {
    if (error2 instanceof Error && (error2.name === "AbortError" || error2.name === "TimeoutError")) {
      if (error2.name === "AbortError") return error2;
      return new AtticApiError(`${where}: ${what} timed out`, true, 0, null, { cause: error2 });
    }
    if (error2 instanceof $ZodError || error2 instanceof SyntaxError) {
      return new AtticApiError(`${where}: ${what}: the answer is not attic's JSON (is the endpoint an attic server?): ${String(error2.message).slice(0, 200)}`, false, 200, null, { cause: error2 });
    }
    const cause = error2 instanceof Error && error2.cause instanceof Error ? `: ${error2.cause.message}` : "";
    const code = error2.code;
    const dropped = ctx.storePath && (code === "EPIPE" || code === "ECONNRESET") ? ` (the connection was closed while the NAR${ctx.narSize !== void 0 ? ` of ${ctx.narSize} bytes` : ""} was being sent; if this repeats for large paths, a proxy in front of attic may limit request body size)` : "";
    return new AtticApiError(`${where}: ${what} failed: ${error2 instanceof Error ? error2.message : String(error2)}${cause}${dropped}`, true, 0, null, { cause: error2 });
  }
  const structured = parseErrorBody(error2.body);
  const detail = structured ? `${structured.error}: ${structured.message}` : error2.body.trim().slice(0, 200) || `HTTP ${error2.status}`;
  const kind = structured?.error ?? null;
  const make = (message, transient = false) => new AtticApiError(message, transient, error2.status, kind, { cause: error2 });
  if (error2.status === 401 || error2.status === 403) {
    const scope = error2.status === 401 ? " (or the cache does not exist)" : "";
    return make(
      `${where}: ${what} was refused (HTTP ${error2.status} ${detail}): the token lacks "${ctx.needs}" permission on this cache${scope}. attic treats a missing, expired or invalid token as anonymous: check that attic-token is set and grants ${ctx.needs} on "${ctx.cache}" (on the server: atticadm make-token --${ctx.needs} ${ctx.cache}${ctx.needs === "push" ? ` --pull ${ctx.cache}` : ""} --sub <name> --validity <period>)`
    );
  }
  if (error2.status === 404) {
    if (kind === "NoSuchCache") return make(`${where}: the cache does not exist (create it with \`attic cache create ${ctx.cache}\`)`);
    return make(`${where}: ${what}: HTTP 404 ${detail} \u2014 is attic-endpoint the attic server's base URL?`);
  }
  if (error2.status === 413) {
    const size = ctx.narSize !== void 0 ? ` (NAR of ${ctx.narSize} bytes)` : "";
    return make(
      `${where}: ${what}${size}: HTTP 413 Request Entity Too Large \u2014 a proxy in front of attic limits request body size (nginx client_max_body_size, Cloudflare's 100 MB); raise the limit for /_api/v1/upload-path`
    );
  }
  if (/Bad NAR Hash or Size/i.test(error2.body)) {
    return make(
      `${where}: attic rejected ${ctx.storePath ?? "a path"}: the NAR it received does not match the path's recorded NAR hash or size (corrupted store path? check with \`nix-store --verify-path ${ctx.storePath ?? "<path>"}\`)`
    );
  }
  return make(`${where}: ${what}: HTTP ${error2.status} ${detail}`, isTransientStatus(error2.status));
}
async function cacheConfig(endpoint, cache, token, signal) {
  const url = api(endpoint, `cache-config/${encodeURIComponent(cache)}`);
  const ctx = { cache, needs: "pull" };
  const raw = await withRetry(
    async () => {
      try {
        const response = await http(url, { headers: { accept: "application/json", ...authHeaders(token) }, signal });
        return CacheConfigJson.parse(await response.json());
      } catch (error2) {
        throw explain(error2, url, ctx);
      }
    },
    { signal, attempts: 3 }
  );
  let publicKey = null;
  if (raw.public_key) {
    try {
      publicKey = parsePublicKey(raw.public_key);
    } catch (error2) {
      throw new AtticApiError(`attic cache "${cache}": the server's public key "${raw.public_key}" is not a Nix public key: ${error2.message}`, false, 200, null);
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
    } catch (error2) {
      throw explain(error2, url, { cache, needs: "push" });
    }
  }
  return missing;
}
async function uploadPath(apiEndpoint, cache, token, info2, narStream, signal, options = {}) {
  const url = api(apiEndpoint, "upload-path");
  const json = JSON.stringify(uploadInfo(cache, info2));
  const preamble = options.forcePreamble || needsPreamble(json) ? Buffer.from(json) : null;
  const headers2 = { "content-type": "application/octet-stream", accept: "application/json", ...authHeaders(token) };
  if (preamble) headers2["x-attic-nar-info-preamble-size"] = String(preamble.length);
  else headers2["x-attic-nar-info"] = json;
  let readError = null;
  async function* body() {
    if (preamble) yield preamble;
    try {
      for await (const chunk of narStream) yield chunk;
    } catch (error2) {
      readError = error2 instanceof Error ? error2 : new Error(String(error2));
      throw readError;
    }
  }
  const ctx = { cache, needs: "push", storePath: info2.path, narSize: info2.narSize };
  try {
    const timeoutMs = 12e4 + Math.ceil(info2.narSize / 262144) * 1e3;
    const text = await putStream(url, headers2, body(), timeoutMs, signal);
    let parsed = {};
    try {
      parsed = UploadResultJson.parse(JSON.parse(text));
    } catch {
    }
    const kind = parsed.kind === "Deduplicated" || parsed.kind === "Uploaded" ? parsed.kind : parsed.kind === void 0 ? "Uploaded" : "Unknown";
    return { kind, fileSize: parsed.file_size ?? null, fracDeduplicated: parsed.frac_deduplicated ?? null };
  } catch (error2) {
    if (readError) throw new AtticApiError(`reading ${info2.path} from the Nix store failed: ${readError.message}`, false, 0, null, { cause: readError });
    throw explain(error2, url, ctx);
  } finally {
    narStream.destroy();
  }
}
var NAR_INFO_PREAMBLE_THRESHOLD, MISSING_PATHS_BATCH, AtticApiError, CacheConfigJson, MissingPathsJson, UploadResultJson, ErrorJson;
var init_attic_api = __esm({
  "src/caches/attic-api.ts"() {
    "use strict";
    init_core2();
    init_mini();
    init_zod_english();
    init_http();
    init_keys();
    init_path_info();
    init_target();
    NAR_INFO_PREAMBLE_THRESHOLD = 4096;
    MISSING_PATHS_BATCH = 1e3;
    AtticApiError = class extends PushError {
      status;
      kind;
      constructor(message, transient, status, kind, options) {
        super(message, transient, options);
        this.name = "AtticApiError";
        this.status = status;
        this.kind = kind;
      }
    };
    CacheConfigJson = object({
      substituter_endpoint: nullish2(string2()),
      api_endpoint: nullish2(string2()),
      public_key: nullish2(string2()),
      is_public: nullish2(boolean2()),
      store_dir: nullish2(string2()),
      priority: nullish2(number2().check(int())),
      upstream_cache_key_names: nullish2(array(string2()))
    });
    MissingPathsJson = object({ missing_paths: array(string2()) });
    UploadResultJson = object({
      kind: optional2(string2()),
      file_size: nullish2(number2()),
      frac_deduplicated: nullish2(number2())
    });
    ErrorJson = object({ code: optional2(number2()), error: string2(), message: string2() });
  }
});

// src/github.ts
function readRunContext(env = process.env) {
  const eventName = env.GITHUB_EVENT_NAME ?? "";
  const ref = env.GITHUB_REF ?? "";
  let event = {};
  try {
    if (env.GITHUB_EVENT_PATH) event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8"));
  } catch {
  }
  const pr = event.pull_request;
  const isPullRequest = PR_EVENTS.has(eventName) || ref.startsWith("refs/pull/") || pr !== void 0;
  const head = pr?.head?.repo?.full_name;
  const base = pr?.base?.repo?.full_name;
  const isFork = isPullRequest && pr !== void 0 && (pr.head?.repo === null || head !== void 0 && base !== void 0 && head !== base);
  const branch = ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : null;
  return { eventName, ref, branch, isPullRequest, isFork };
}
var PR_EVENTS;
var init_github = __esm({
  "src/github.ts"() {
    "use strict";
    init_node_fs();
    PR_EVENTS = /* @__PURE__ */ new Set(["pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment"]);
  }
});

// src/push/gate.ts
function branchMatches(branch, glob) {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      re += ".*";
      i++;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`).test(branch);
}
function decidePush(mode, branches, run2, targetCount) {
  if (mode === "false") return { push: false, reason: "push is false" };
  if (run2.isFork) return { push: false, reason: "pull requests from forks never push" };
  if (mode === "auto") {
    if (run2.isPullRequest) return { push: false, reason: `pull requests do not push with push: auto (event ${run2.eventName || "unknown"})` };
    if (run2.branch === null) return { push: false, reason: `${run2.ref || "this ref"} is not a branch; push: auto pushes only on ${branches.join(", ")}` };
    if (!branches.some((g) => branchMatches(run2.branch, g))) {
      return { push: false, reason: `branch ${run2.branch} does not match push-branches (${branches.join(", ")})` };
    }
  }
  if (targetCount === 0) return { push: false, reason: "no push target has credentials (set cachix-auth-token, cachix-signing-key, attic-token or push-to)" };
  return { push: true };
}
var init_gate = __esm({
  "src/push/gate.ts"() {
    "use strict";
  }
});

// src/nix/installable.ts
function installableArgs(installable) {
  const file = /^([^#]+\.nix)(?:#(.*))?$/.exec(installable);
  if (file?.[1] && !installable.includes(":")) return ["--file", file[1], file[2] ?? ""].filter((a, i) => i < 2 || a !== "");
  return [installable];
}
async function nixOnInstallables(subcommand, installables, env) {
  const groups = /* @__PURE__ */ new Map();
  for (const i of installables) {
    const args = installableArgs(i);
    const key = args[0] === "--file" ? `--file\0${args[1]}` : "";
    groups.set(key, [...groups.get(key) ?? [], ...args[0] === "--file" ? args.slice(2) : args]);
  }
  const results = [];
  for (const [key, items] of groups) {
    const prefix = key === "" ? [] : key.split("\0");
    results.push(await run("nix", [...NIX_FLAGS, ...subcommand, ...prefix, ...items], { allowFailure: true, ...env ? { env } : {} }));
  }
  return results;
}
var NIX_FLAGS;
var init_installable = __esm({
  "src/nix/installable.ts"() {
    "use strict";
    init_command();
    NIX_FLAGS = [...NIX_COMMAND, "--extra-experimental-features", "flakes"];
  }
});

// src/nix/store.ts
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
var init_store = __esm({
  "src/nix/store.ts"() {
    "use strict";
    init_command();
    init_installable();
    init_path_info();
  }
});

// src/push/attic.ts
var AtticTarget;
var init_attic = __esm({
  "src/push/attic.ts"() {
    "use strict";
    init_attic_api();
    init_http();
    init_nar();
    init_path_info();
    AtticTarget = class {
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
          onRetry: (error2, attempt2, delay) => ctx.log.info(`${this.label}: retrying get-missing-paths in ${delay} ms (attempt ${attempt2} failed: ${error2.message})`)
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
            onRetry: (error2, attempt2, delay) => ctx.log.info(`${this.label}: retrying ${path.path} in ${delay} ms (attempt ${attempt2} failed: ${error2.message})`)
          }
        );
        if (result.kind === "Deduplicated") ctx.log.debug(`${this.label}: ${path.path} deduplicated by the server`);
        return { bytes: path.narSize };
      }
    };
  }
});

// src/nix/narinfo.ts
function renderNarInfo(n) {
  const lines2 = [`StorePath: ${n.storePath}`, `URL: ${n.url}`, `Compression: ${n.compression}`];
  if (n.fileHash) lines2.push(`FileHash: ${n.fileHash.nix32}`);
  if (n.fileSize !== void 0) lines2.push(`FileSize: ${n.fileSize}`);
  lines2.push(`NarHash: ${n.narHash.nix32}`, `NarSize: ${n.narSize}`);
  lines2.push(`References: ${n.references.map(baseName).sort().join(" ")}`);
  if (n.deriver) lines2.push(`Deriver: ${baseName(n.deriver)}`);
  for (const sig of n.sigs) lines2.push(`Sig: ${sig}`);
  if (n.ca) lines2.push(`CA: ${n.ca}`);
  return `${lines2.join("\n")}
`;
}
var init_narinfo = __esm({
  "src/nix/narinfo.ts"() {
    "use strict";
    init_hash();
    init_path_info();
  }
});

// src/push/nar-stream.ts
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
  const nar2 = Buffer.concat(chunks, size);
  const body = compression === "zstd" ? zstdCompressSync(nar2, { pledgedSrcSize: size, params: { [constants.ZSTD_c_compressionLevel]: 3 } }) : nar2;
  const file = { hash: Sha256.fromBytes(createHash("sha256").update(body).digest()), size: body.length };
  return { body, file: () => file };
}
function streamedNar(info2, compression, signal) {
  const nar2 = new Meter((m13) => m13.size !== info2.narSize || !m13.digest?.equals(info2.narHash) ? corrupt(info2) : null);
  const file = new Meter();
  const source = dumpNar(info2.path, signal);
  const fail = (error2) => file.destroy(error2);
  source.on("error", fail);
  nar2.on("error", fail);
  let stream = source.pipe(nar2);
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
var Meter, SMALL_NAR;
var init_nar_stream = __esm({
  "src/push/nar-stream.ts"() {
    "use strict";
    init_node_crypto();
    init_node_stream();
    init_node_zlib();
    init_hash();
    init_nar();
    Meter = class extends Transform {
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
    SMALL_NAR = 64 * 1024;
  }
});

// src/push/binary-cache.ts
function supportsNative(url) {
  const u = new URL(url);
  if (!["http:", "https:", "file:"].includes(u.protocol)) return false;
  const params = [...u.searchParams.keys()];
  return params.every((k) => k === "compression") && ["", "zstd", "none"].includes(u.searchParams.get("compression") ?? "");
}
var CACHE_INFO, HttpSink, FileSink, BinaryCacheTarget;
var init_binary_cache = __esm({
  "src/push/binary-cache.ts"() {
    "use strict";
    init_node_fs();
    init_promises3();
    init_promises();
    init_base32();
    init_narinfo();
    init_path_info();
    init_http();
    init_nar_stream();
    CACHE_INFO = `StoreDir: ${STORE_DIR}
WantMassQuery: 1
Priority: 40
`;
    HttpSink = class {
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
        const headers2 = { ...this.headers, "content-type": contentType };
        const timeoutMs = typeof body === "string" || Buffer.isBuffer(body) ? 6e4 : 6 * 36e5;
        const { status, text } = await request(url, { method: "PUT", headers: headers2, body, signal: ctx.signal, timeoutMs });
        if (status < 200 || status >= 300) throw new HttpError(status, url, text);
      }
    };
    FileSink = class {
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
        const partial2 = `${target}.${process.pid}.partial`;
        await mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
        try {
          if (typeof body === "string" || Buffer.isBuffer(body)) await writeFile(partial2, body);
          else await pipeline(body, createWriteStream(partial2));
          await rename(partial2, target);
        } catch (error2) {
          await rm(partial2, { force: true });
          throw error2;
        }
      }
    };
    BinaryCacheTarget = class {
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
          const nar2 = await narFor(info2, compression, ctx.signal);
          await this.sink.put(url, nar2.body, "application/x-nix-nar", ctx);
          return nar2.file();
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
  }
});

// src/push/cachix.ts
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
var CachixTarget;
var init_cachix = __esm({
  "src/push/cachix.ts"() {
    "use strict";
    init_cachix_api();
    init_http();
    init_keys();
    init_path_info();
    init_target();
    CachixTarget = class _CachixTarget {
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
            onRetry: (error2, attempt2) => ctx.log.info(`${this.label}: retrying ${path.path} (attempt ${attempt2 + 1}): ${error2.message}`)
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
  }
});

// src/push/nix-copy.ts
var NixCopyTarget;
var init_nix_copy = __esm({
  "src/push/nix-copy.ts"() {
    "use strict";
    init_promises3();
    init_node_path();
    init_command();
    init_http();
    init_target();
    NixCopyTarget = class {
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
  }
});

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
var init_targets = __esm({
  "src/push/targets.ts"() {
    "use strict";
    init_http();
    init_store();
    init_attic();
    init_binary_cache();
    init_cachix();
    init_nix_copy();
  }
});

// src/watch/protocol.ts
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
var WatchFiles, WatchConfig, RecordLine;
var init_protocol = __esm({
  "src/watch/protocol.ts"() {
    "use strict";
    init_promises3();
    init_node_path();
    init_mini();
    init_zod_english();
    WatchFiles = {
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
    WatchConfig = object({
      storeDir: string2(),
      /** When main took the store snapshot (nix/snapshot.ts): entries unchanged since are not the job's. */
      snapshotAt: number2(),
      /** The runner process that started main; when it is gone, the job is over. */
      parentPid: number2().check(int()),
      /** Hard cap on the uploader's life, whatever happens. */
      maxLifetimeMs: number2().check(int(), _positive()),
      /** A batch is uploaded after this long without new paths… */
      idleMs: number2().check(int(), _positive()),
      /** …or this long after its first path, whichever comes first (attic watch-store: 2 s / 10 s). */
      maxBatchMs: number2().check(int(), _positive()),
      /** Full readdir of the store, in case a file-system event was missed or fs.watch is unavailable. */
      rescanMs: number2().check(int(), _positive()),
      /** How long an upload in flight may finish after post asked the uploader to stop. */
      stopGraceMs: number2().check(int(), _positive())
    });
    RecordLine = object({
      /** Target label (as configuredTargets names it). */
      target: string2(),
      /** Full store paths the target now has (uploaded, or found present). */
      paths: array(string2()),
      uploaded: number2().check(int()),
      present: number2().check(int()),
      bytes: number2()
    });
  }
});

// src/watch/launch.ts
var launch_exports = {};
__export(launch_exports, {
  startWatcher: () => startWatcher,
  watcherScript: () => watcherScript
});
function watcherScript() {
  return join(dirname(process.argv[1] ?? ""), "watch.js");
}
async function startWatcher(settings, snapshotAt, workDir, script = watcherScript()) {
  try {
    return await launch(settings, snapshotAt, workDir, script);
  } catch (error2) {
    warning(`push-while-building: could not start the background uploader (${error2 instanceof Error ? error2.message : String(error2)}); the post step pushes everything`);
    return null;
  }
}
async function launch(settings, snapshotAt, workDir, script) {
  const gate = decidePush(settings.push, settings.pushBranches, readRunContext(), configuredTargets(settings, workDir).length);
  if (!gate.push) {
    info(`push-while-building: not started (${gate.reason})`);
    return null;
  }
  if (!existsSync(script)) {
    warning(`push-while-building: ${script} is missing; the post step pushes everything`);
    return null;
  }
  const dir = join(workDir, "watch");
  await mkdir(dir, { recursive: true, mode: 448 });
  const config2 = { storeDir: STORE_DIR, snapshotAt, parentPid: process.ppid, ...watchTuning(process.env) };
  await writeFile(join(dir, WatchFiles.config), JSON.stringify(config2), { mode: 384 });
  const logFd = openSync(join(dir, WatchFiles.log), "a", 384);
  let child;
  try {
    child = spawn(process.execPath, [script, dir], { detached: true, stdio: ["ignore", logFd, logFd], env: process.env });
  } finally {
    closeSync(logFd);
  }
  const pid = child.pid;
  if (pid === void 0) {
    warning("push-while-building: could not start the background uploader; the post step pushes everything");
    return null;
  }
  let exited = false;
  child.on("exit", () => exited = true);
  child.unref();
  const deadline = Date.now() + READY_WAIT_MS;
  while (!existsSync(join(dir, WatchFiles.ready)) && !exited && Date.now() < deadline) await setTimeout2(20);
  if (exited) {
    const why = await readFile(join(dir, WatchFiles.error), "utf8").catch(() => "it exited at once");
    warning(`push-while-building: the background uploader stopped (${why}); the post step pushes everything`);
    return null;
  }
  info(`push-while-building: background uploader started (pid ${pid}); it uploads new store paths while the build runs`);
  return { pid, dir };
}
var READY_WAIT_MS;
var init_launch = __esm({
  "src/watch/launch.ts"() {
    "use strict";
    init_runner();
    init_node_child_process();
    init_node_fs();
    init_promises3();
    init_node_path();
    init_promises2();
    init_github();
    init_path_info();
    init_gate();
    init_targets();
    init_protocol();
    READY_WAIT_MS = 5e3;
  }
});

// src/verify.ts
var verify_exports = {};
__export(verify_exports, {
  VerifyError: () => VerifyError,
  parseDryRun: () => parseDryRun,
  verifySubstituted: () => verifySubstituted
});
function parseDryRun(stderr) {
  const out = { toBuild: [], toFetch: [] };
  let current = null;
  for (const line of stderr.split("\n")) {
    if (/^(these|this) .*will be built/.test(line)) current = out.toBuild;
    else if (/^(these|this) .*will be fetched/.test(line)) current = out.toFetch;
    else if (current && /^\s+\/\S+/.test(line)) current.push(line.trim());
    else current = null;
  }
  return out;
}
async function verifySubstituted(installables) {
  const total = { toBuild: [], toFetch: [] };
  for (const result of await nixOnInstallables(["build", "--dry-run", "--no-link"], installables)) {
    if (result.code !== 0) throw new VerifyError(`require-substituted: nix build --dry-run failed: ${result.stderr.trim().split("\n").slice(-3).join(" ")}`);
    const dry = parseDryRun(result.stderr);
    total.toBuild.push(...dry.toBuild);
    total.toFetch.push(...dry.toFetch);
  }
  if (total.toBuild.length > 0) {
    throw new VerifyError(
      `require-substituted: ${total.toBuild.length} derivation(s) would be built from source instead of substituted:
${total.toBuild.map((d) => `  ${d}`).join("\n")}`
    );
  }
  return total;
}
var VerifyError;
var init_verify = __esm({
  "src/verify.ts"() {
    "use strict";
    init_installable();
    VerifyError = class extends Error {
      constructor(message) {
        super(message);
        this.name = "VerifyError";
      }
    };
  }
});

// src/main-phase.ts
init_node_fs();
init_node_os();
init_node_path();

// src/constants.ts
var Inputs = {
  Substituters: "substituters",
  TrustedPublicKeys: "trusted-public-keys",
  Cachix: "cachix",
  CachixAuthToken: "cachix-auth-token",
  CachixSigningKey: "cachix-signing-key",
  CachixPublicKey: "cachix-public-key",
  CachixApiUrl: "cachix-api-url",
  CachixPins: "cachix-pins",
  CachixChunkSize: "cachix-chunk-size",
  AtticEndpoint: "attic-endpoint",
  AtticCache: "attic-cache",
  AtticToken: "attic-token",
  AtticPublicKey: "attic-public-key",
  PushTo: "push-to",
  SigningKey: "signing-key",
  Push: "push",
  PushBranches: "push-branches",
  Paths: "paths",
  Include: "include",
  Exclude: "exclude",
  UpstreamKeys: "upstream-keys",
  Jobs: "jobs",
  PushTimeout: "push-timeout",
  Strict: "strict",
  Fallback: "fallback",
  RequireSubstituted: "require-substituted",
  PushWhileBuilding: "push-while-building"
};
var SecretInputs = [
  Inputs.CachixAuthToken,
  Inputs.CachixSigningKey,
  Inputs.AtticToken,
  Inputs.SigningKey
];
var SecretEnvFallbacks = {
  [Inputs.CachixAuthToken]: "CACHIX_AUTH_TOKEN",
  [Inputs.CachixSigningKey]: "CACHIX_SIGNING_KEY",
  [Inputs.AtticToken]: "ATTIC_TOKEN"
};
var Outputs = {
  Substituters: "substituters",
  Pushed: "pushed",
  PushStatus: "push-status"
};
var State = {
  /** The main step's hand-over to post (JSON, see state.ts); absent means post has nothing to do. */
  Main: "main"
};

// src/config.ts
init_keys();
var DEFAULT_CACHIX_API = "https://app.cachix.org/api/v1";
var DEFAULT_PUSH_TIMEOUT_SECONDS = 600;
var DEFAULT_CHUNK_SIZE = 32 * 1024 * 1024;
var ConfigError = class extends Error {
  problems;
  constructor(problems) {
    super(`invalid input:
${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
};
function words(text) {
  return text.split("\n").map((line) => line.replace(/(^|\s)#.*$/, "")).join(" ").split(/\s+/).filter(Boolean);
}
function lines(text) {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
}
function attempt(parse2, text, problem2) {
  try {
    return parse2(text);
  } catch (error2) {
    problem2(error2.message);
    return null;
  }
}
var trimmed = (s) => s.trim();
var list = (s) => words(s);
var publicKeys = (s, problem2) => words(s).flatMap((k) => attempt(parsePublicKey, k, problem2) ?? []);
var optionalPublicKey = (s, problem2) => s.trim() === "" ? null : attempt(parsePublicKey, s, problem2);
var optionalSecretKey = (s, problem2) => s.trim() === "" ? null : attempt(parseSecretKey, s, problem2);
var cachixSigningKey = (s, problem2) => {
  const text = s.trim();
  if (text === "") return null;
  if (text.includes(":")) {
    problem2('expected the base64 secret key Cachix shows (no "name:" prefix)');
    return null;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    problem2("expected base64 text");
    return null;
  }
  return attempt((t) => secretKeyFromBytes("cachix", Buffer.from(t, "base64")), text, problem2);
};
var httpUrl = (s, problem2) => {
  let url;
  try {
    url = new URL(s);
  } catch {
    problem2(`"${s}" is not a URL`);
    return "";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") problem2(`"${s}" must be an http:// or https:// URL`);
  return s.replace(/\/+$/, "");
};
var SUBSTITUTER_SCHEMES = ["http:", "https:", "file:", "s3:", "ssh:", "ssh-ng:", "daemon:", "local:"];
var PUSH_SCHEMES = ["http:", "https:", "file:", "s3:", "ssh:", "ssh-ng:"];
function storeUrls(schemes) {
  return (s, problem2) => words(s).map((u) => {
    if (!schemes.includes(URL.parse(u)?.protocol ?? "")) {
      problem2(`"${u}" is not a supported store URL (expected ${schemes.map((p) => `${p}//\u2026`).join(", ")})`);
    }
    return u;
  });
}
function optional(parse2) {
  return (s, problem2) => s.trim() === "" ? "" : parse2(s.trim(), problem2);
}
function matching(pattern, expected) {
  return (s, problem2) => {
    if (!pattern.test(s)) problem2(expected);
    return s;
  };
}
var atticCache = matching(/^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/, 'an attic cache name is 1\u201350 letters, digits, "-", "_" or "+", starting with a letter or digit');
var cachixName = matching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)");
var bool = (name) => (s, problem2) => {
  const v = s.trim().toLowerCase();
  if (v !== "true" && v !== "false") problem2(`${name} takes true or false, not "${s}"`);
  return v === "true";
};
var integer = (min, max) => (s, problem2) => {
  const n = Number(s.trim());
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) problem2(`expected a whole number from ${min} to ${max}, not "${s}"`);
  return n;
};
var regexes = (s, problem2) => lines(s).map((source) => {
  try {
    return new RegExp(source);
  } catch (error2) {
    problem2(`"${source}" is not a valid regular expression: ${error2.message}`);
    return /$^/;
  }
});
var branchGlobs = (s, problem2) => {
  const globs = words(s);
  for (const g of globs) if (/[\s~^:?\\]|\.\.|@\{/.test(g.replace(/\?/g, ""))) problem2(`"${g}" is not a branch name or glob`);
  return globs;
};
var keyNames = (s, problem2) => {
  const names = words(s);
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(n)) problem2(`"${n}" is not a key name (the part before ":" in a key)`);
  return names;
};
var pins = (s, problem2) => lines(s).map((line) => {
  const m13 = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(\S+)(?:\s+keep=(\S+))?$/.exec(line);
  if (!m13?.[1] || !m13[2]) {
    problem2(`"${line}" is not "name=path-or-installable [keep=days:N|revisions:N|forever]"`);
    return { name: "", target: "", keep: null };
  }
  const keepText = m13[3];
  let keep = null;
  if (keepText === "forever") keep = { tag: "Forever" };
  else if (keepText) {
    const k = /^(days|revisions):([1-9]\d*)$/.exec(keepText);
    if (!k?.[1] || !k[2]) problem2(`keep "${keepText}" must be days:N, revisions:N or forever`);
    else keep = { tag: k[1] === "days" ? "Days" : "Revisions", contents: Number(k[2]) };
  }
  return { name: m13[1], target: m13[2], keep };
});
var pushMode = (s, problem2) => {
  const v = s.trim().toLowerCase();
  if (v === "auto" || v === "true" || v === "false") return v;
  problem2(`expected auto, true or false, not "${s}"`);
  return "auto";
};
var table = {
  [Inputs.Substituters]: [storeUrls(SUBSTITUTER_SCHEMES), ""],
  [Inputs.TrustedPublicKeys]: [publicKeys, ""],
  [Inputs.Cachix]: [optional(cachixName), ""],
  [Inputs.CachixAuthToken]: [trimmed, ""],
  [Inputs.CachixSigningKey]: [cachixSigningKey, ""],
  [Inputs.CachixPublicKey]: [optionalPublicKey, ""],
  [Inputs.CachixApiUrl]: [httpUrl, DEFAULT_CACHIX_API],
  [Inputs.CachixPins]: [pins, ""],
  [Inputs.CachixChunkSize]: [integer(64 * 1024, 5 * 1024 ** 3), String(DEFAULT_CHUNK_SIZE)],
  [Inputs.AtticEndpoint]: [optional(httpUrl), ""],
  [Inputs.AtticCache]: [optional(atticCache), ""],
  [Inputs.AtticToken]: [trimmed, ""],
  [Inputs.AtticPublicKey]: [optionalPublicKey, ""],
  [Inputs.PushTo]: [storeUrls(PUSH_SCHEMES), ""],
  [Inputs.SigningKey]: [optionalSecretKey, ""],
  [Inputs.Push]: [pushMode, "auto"],
  [Inputs.PushBranches]: [branchGlobs, "main"],
  [Inputs.Paths]: [list, ""],
  [Inputs.Include]: [regexes, ""],
  [Inputs.Exclude]: [regexes, ""],
  [Inputs.UpstreamKeys]: [keyNames, "cache.nixos.org-1"],
  [Inputs.Jobs]: [integer(1, 64), "8"],
  [Inputs.PushTimeout]: [integer(1, 6 * 3600), String(DEFAULT_PUSH_TIMEOUT_SECONDS)],
  [Inputs.Strict]: [bool("strict"), "false"],
  [Inputs.Fallback]: [bool("fallback"), "true"],
  [Inputs.RequireSubstituted]: [list, ""],
  [Inputs.PushWhileBuilding]: [bool("push-while-building"), "false"]
};
function withEnvFallbacks(raw, env) {
  const out = { ...raw };
  for (const [input, variable] of Object.entries(SecretEnvFallbacks)) {
    if (!out[input]?.trim() && env[variable]) out[input] = env[variable];
  }
  return out;
}
function parseSettings(raw) {
  const problems = [];
  const parsed = {};
  for (const [name, [parse2, fallback]] of Object.entries(table)) {
    const text = raw[name];
    parsed[name] = parse2(text === void 0 || text.trim() === "" ? fallback : text, (message) => problems.push(`${name}: ${message}`));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const p = parsed;
  if (p[Inputs.AtticEndpoint] !== "" && p[Inputs.AtticCache] === "") problems.push(`${Inputs.AtticCache}: required when ${Inputs.AtticEndpoint} is set`);
  if (p[Inputs.AtticCache] !== "" && p[Inputs.AtticEndpoint] === "") problems.push(`${Inputs.AtticEndpoint}: required when ${Inputs.AtticCache} is set`);
  for (const input of [Inputs.CachixAuthToken, Inputs.CachixSigningKey, Inputs.CachixPublicKey, Inputs.CachixPins]) {
    if (p[input] && (!Array.isArray(p[input]) || p[input].length > 0) && p[Inputs.Cachix] === "") problems.push(`${input}: needs the cache name in ${Inputs.Cachix}`);
  }
  for (const input of [Inputs.AtticToken, Inputs.AtticPublicKey]) {
    if (p[input] && p[Inputs.AtticCache] === "") problems.push(`${input}: needs ${Inputs.AtticEndpoint} and ${Inputs.AtticCache}`);
  }
  if (p[Inputs.SigningKey] && p[Inputs.PushTo].length === 0) problems.push(`${Inputs.SigningKey}: only signs uploads to ${Inputs.PushTo}, which is empty`);
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    substituters: p[Inputs.Substituters],
    trustedPublicKeys: p[Inputs.TrustedPublicKeys],
    cachix: p[Inputs.Cachix] === "" ? null : {
      name: p[Inputs.Cachix],
      authToken: p[Inputs.CachixAuthToken] || null,
      signingKey: p[Inputs.CachixSigningKey],
      publicKey: p[Inputs.CachixPublicKey],
      apiUrl: p[Inputs.CachixApiUrl],
      pins: p[Inputs.CachixPins],
      chunkSize: p[Inputs.CachixChunkSize]
    },
    attic: p[Inputs.AtticEndpoint] === "" ? null : {
      endpoint: p[Inputs.AtticEndpoint],
      cache: p[Inputs.AtticCache],
      token: p[Inputs.AtticToken] || null,
      publicKey: p[Inputs.AtticPublicKey]
    },
    pushTo: p[Inputs.PushTo],
    signingKey: p[Inputs.SigningKey],
    push: p[Inputs.Push],
    pushBranches: p[Inputs.PushBranches],
    paths: p[Inputs.Paths],
    include: p[Inputs.Include],
    exclude: p[Inputs.Exclude],
    upstreamKeys: p[Inputs.UpstreamKeys],
    jobs: p[Inputs.Jobs],
    pushTimeoutSeconds: p[Inputs.PushTimeout],
    strict: p[Inputs.Strict],
    fallback: p[Inputs.Fallback],
    requireSubstituted: p[Inputs.RequireSubstituted],
    pushWhileBuilding: p[Inputs.PushWhileBuilding]
  };
}

// src/configure/apply.ts
init_node_fs();
init_node_path();

// src/report.ts
init_runner();
function cell(text) {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
function configureSummaryMarkdown(sources, skipped, appliedVia) {
  const rows = sources.map((s) => `| ${cell(s.label)} | ${cell(s.urls.join(" "))} | ${cell(s.keys.map((k) => k.name).join(" "))} | ${cell(s.how)}${s.netrc.length ? ", read auth via netrc" : ""} |`);
  const out = ["### Nix binary caches", "", `Applied through ${appliedVia}.`, ""];
  if (rows.length > 0) out.push("| cache | substituter | keys | how |", "|---|---|---|---|", ...rows, "");
  for (const s of skipped) out.push(`- :warning: ${cell(s.label)} skipped: ${cell(s.reason)}`);
  return `${out.join("\n")}
`;
}

// src/configure/apply.ts
init_runner();

// src/text-file.ts
init_node_fs();
function readTextIfPresent(file) {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

// src/configure/access.ts
init_node_fs();
init_node_os();
init_command();

// src/configure/nix-settings.ts
init_command();
function settingValues(doc) {
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) throw new Error("Nix printed its settings as something other than a JSON object");
  const out = {};
  for (const [k, v] of Object.entries(doc)) out[k] = v !== null && typeof v === "object" && "value" in v ? v.value : v;
  return out;
}
var COMMANDS = [["show-config", "--json"], ["config", "show", "--json"]];
var working = null;
async function readNixSettings(env = process.env) {
  for (const command2 of working ? [working] : COMMANDS) {
    const { stdout, code } = await run("nix", [...NIX_COMMAND, ...command2], { env, allowFailure: true });
    if (code === 0) {
      working = command2;
      return settingValues(JSON.parse(stdout));
    }
  }
  throw new Error("cannot read Nix settings: neither `nix config show` nor `nix show-config` worked");
}
function stringList(value) {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.split(/\s+/).filter(Boolean);
  return [];
}

// src/configure/access.ts
var DAEMON_SOCKET = "/nix/var/nix/daemon-socket/socket";
async function userGroups() {
  const { stdout, code } = await run("id", ["-Gn"], { allowFailure: true });
  return code === 0 ? stdout.trim().split(/\s+/) : [];
}
function usesDaemon(env, isRoot, socketExists) {
  const remote = env.NIX_REMOTE ?? "";
  if (remote === "daemon" || remote.startsWith("unix://")) return true;
  if (remote !== "" && remote !== "local" && !remote.startsWith("/")) return false;
  if (remote !== "") return false;
  return !isRoot && socketExists;
}
function isTrusted(user, groups, trustedUsers) {
  return trustedUsers.some((t) => t === "*" || t === user || t.startsWith("@") && groups.includes(t.slice(1)));
}
async function detectAccess(settings, env = process.env) {
  const isRoot = process.getuid?.() === 0;
  if (!usesDaemon(env, isRoot, existsSync(DAEMON_SOCKET))) return { kind: "local" };
  if (isRoot) return { kind: "trusted-daemon" };
  const info2 = userInfo();
  const trustedUsers = stringList((await settings())["trusted-users"]);
  if (isTrusted(info2.username, await userGroups(), trustedUsers)) return { kind: "trusted-daemon" };
  return { kind: "untrusted-daemon", user: info2.username, trustedUsers };
}

// src/configure/caches.ts
init_keys();
var LOOKUP_TIMEOUT_MS = 15e3;
function hostOf(url) {
  return new URL(url).host.replace(/:\d+$/, "");
}
async function cachixSource(c) {
  const label = `cachix:${c.name}`;
  if (c.publicKey) {
    const url = `https://${c.name}.cachix.org`;
    return { label, urls: [url], keys: [c.publicKey], netrc: c.authToken ? [{ machine: hostOf(url), password: c.authToken }] : [], how: "key given as input" };
  }
  const { cacheInfo: cacheInfo2 } = await Promise.resolve().then(() => (init_cachix_api(), cachix_api_exports));
  const info2 = await cacheInfo2(c.apiUrl, c.name, c.authToken, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  const keys = info2.publicSigningKeys.map(parsePublicKey);
  const netrc = !info2.isPublic && c.authToken ? [{ machine: hostOf(info2.uri), password: c.authToken }] : [];
  return { label, urls: [info2.uri.replace(/\/+$/, "")], keys, netrc, how: `key from Cachix (${info2.isPublic ? "public" : "private"} cache)` };
}
async function atticSource(a) {
  const label = `attic:${a.cache}`;
  const netrc = a.token ? [{ machine: hostOf(a.endpoint), password: a.token }] : [];
  if (a.publicKey) return { label, urls: [`${a.endpoint}/${a.cache}`], keys: [a.publicKey], netrc, how: "key given as input" };
  const { cacheConfig: cacheConfig2 } = await Promise.resolve().then(() => (init_attic_api(), attic_api_exports));
  const config2 = await cacheConfig2(a.endpoint, a.cache, a.token, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  if (!config2.publicKey) throw new Error(`attic cache ${a.cache} reported no public key`);
  const url = (config2.substituterEndpoint ?? `${a.endpoint}/${a.cache}`).replace(/\/+$/, "");
  return {
    label,
    urls: [url],
    keys: [config2.publicKey],
    netrc: a.token ? [{ machine: hostOf(url), password: a.token }] : [],
    how: `key from attic's cache config (${config2.isPublic === false ? "private" : "public"} cache)`
  };
}
function withoutCredentials(raw) {
  let url;
  try {
    url = new URL(raw);
  } catch {
    return { url: raw, netrc: [] };
  }
  if (!url.username && !url.password) return { url: raw, netrc: [] };
  const entry = { machine: hostOf(raw), password: decodeURIComponent(url.password) };
  if (url.username) entry.login = decodeURIComponent(url.username);
  url.username = "";
  url.password = "";
  return { url: url.href.replace(/\/+$/, ""), netrc: [entry] };
}
async function resolveCaches(settings) {
  const sources = [];
  const skipped = [];
  if (settings.substituters.length > 0 || settings.trustedPublicKeys.length > 0) {
    const plain = settings.substituters.map(withoutCredentials);
    sources.push({ label: "substituters", urls: plain.map((p) => p.url), keys: settings.trustedPublicKeys, netrc: plain.flatMap((p) => p.netrc), how: "inputs" });
  }
  const lookups = [];
  if (settings.cachix) lookups.push([`cachix:${settings.cachix.name}`, () => cachixSource(settings.cachix)]);
  if (settings.attic) lookups.push([`attic:${settings.attic.cache}`, () => atticSource(settings.attic)]);
  const results = await Promise.allSettled(lookups.map(([, f]) => f()));
  results.forEach((r, i) => {
    if (r.status === "fulfilled") sources.push(r.value);
    else skipped.push({ label: lookups[i][0], reason: r.reason instanceof Error ? r.reason.message : String(r.reason) });
  });
  return { sources, skipped };
}

// src/configure/netrc.ts
function parseNetrc(text) {
  const tokens = text.split(/\s+/).filter(Boolean);
  const out = [];
  let current = null;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const value = tokens[i + 1];
    if (t === "machine" && value !== void 0) {
      if (current?.machine) out.push({ password: "", ...current });
      current = { machine: value };
      i++;
    } else if ((t === "login" || t === "password") && value !== void 0 && current) {
      current[t] = value;
      i++;
    }
  }
  if (current?.machine) out.push({ password: "", ...current });
  return out;
}
function renderNetrc(entries) {
  return entries.map((e) => `machine ${e.machine}${e.login ? ` login ${e.login}` : ""} password ${e.password}
`).join("");
}
function mergeNetrc(existing, ours) {
  const hosts = new Set(ours.map((e) => e.machine));
  return [...existing.filter((e) => !hosts.has(e.machine)), ...ours];
}

// src/configure/nix-conf.ts
var CONNECT_TIMEOUT = 5;
var STALLED_DOWNLOAD_TIMEOUT = 60;
function renderNixConf(a) {
  const lines2 = [];
  if (a.substituters.length > 0) lines2.push(`extra-substituters = ${a.substituters.join(" ")}`);
  if (a.keys.length > 0) lines2.push(`extra-trusted-public-keys = ${[...new Set(a.keys.map((k) => k.text))].join(" ")}`);
  if (a.fallback) lines2.push("fallback = true");
  lines2.push(`connect-timeout = ${CONNECT_TIMEOUT}`, `stalled-download-timeout = ${STALLED_DOWNLOAD_TIMEOUT}`);
  if (a.netrcFile) lines2.push(`netrc-file = ${a.netrcFile}`);
  return `${lines2.join("\n")}
`;
}
function mergeNixConfig(existing, ours) {
  if (!existing?.trim()) return ours;
  return `${existing.replace(/\n*$/, "\n")}${ours}`;
}

// src/configure/system-conf.ts
init_node_os();
init_command();
var SYSTEM_CONF = "/etc/nix/nix.conf";
var BEGIN = "# BEGIN nix-substitute-action (removed by its post step)";
var END = "# END nix-substitute-action";
async function canSudo() {
  const { code } = await run("sudo", ["-n", "true"], { allowFailure: true }).catch(() => ({ code: 1 }));
  return code === 0;
}
function withBlock(conf, block) {
  return `${withoutBlock(conf).replace(/\n*$/, "\n")}${BEGIN}
${block.replace(/\n*$/, "\n")}${END}
`;
}
function withoutBlock(conf) {
  const start = conf.indexOf(BEGIN);
  if (start < 0) return conf;
  const end = conf.indexOf(END, start);
  return conf.slice(0, start) + (end < 0 ? "" : conf.slice(end + END.length + 1));
}
async function sudoWrite(file, text) {
  await run("sudo", ["-n", "tee", file], { input: text });
}
async function restartDaemon() {
  const attempts = platform() === "darwin" ? [["launchctl", "kickstart", "-k", "system/org.nixos.nix-daemon"], ["launchctl", "kickstart", "-k", "system/systems.determinate.nix-daemon"]] : [["systemctl", "restart", "nix-daemon.service"]];
  const custom = process.env.NIX_DAEMON_RESTART_COMMAND;
  if (custom) attempts.unshift(["sh", "-c", custom]);
  const errors = [];
  for (const cmd of attempts) {
    const { code, stderr } = await run("sudo", ["-n", ...cmd], { allowFailure: true });
    if (code === 0) return;
    errors.push(`${cmd.join(" ")}: ${stderr.trim()}`);
  }
  throw new Error(`could not restart the Nix daemon so it reads ${SYSTEM_CONF}: ${errors.join("; ")}`);
}
async function addToSystemConf(block) {
  const original = readTextIfPresent(SYSTEM_CONF);
  await sudoWrite(SYSTEM_CONF, withBlock(original, block));
  await restartDaemon();
}

// src/configure/apply.ts
function untrustedMessage(access2) {
  return [
    `the Nix daemon does not trust user "${access2.user}" (trusted-users = ${access2.trustedUsers.join(" ") || "(empty)"}), so it would silently ignore the caches,`,
    "and sudo is not available to add them to the system configuration. Either:",
    `  - add "trusted-users = root ${access2.user}" to /etc/nix/nix.conf and restart the daemon (the installer option: cachix/install-nix-action "extra_nix_config", DeterminateSystems "extra-conf"), or`,
    "  - allow passwordless sudo for this user, or",
    `  - list the caches in the daemon's own "substituters"/"trusted-public-keys".`
  ].join("\n");
}
function writeNetrc(dir, entries, currentNetrcFile) {
  const existing = typeof currentNetrcFile === "string" ? readTextIfPresent(currentNetrcFile) : "";
  const file = join(dir, "netrc");
  writeFileSync(file, renderNetrc(mergeNetrc(parseNetrc(existing), entries)), { mode: 384 });
  return file;
}
async function requireListed(urls) {
  const effective = await readNixSettings();
  const now = new Set(stringList(effective.substituters).map((u) => u.replace(/\/+$/, "")));
  const lost = urls.filter((u) => !now.has(u.replace(/\/+$/, "")));
  if (lost.length > 0) throw new Error(`Nix does not list ${lost.join(", ")} in its effective substituters after configuration`);
}
async function configure(settings, dir, state) {
  let current = null;
  const nixSettings = () => current ??= readNixSettings();
  const access2 = await detectAccess(nixSettings);
  const { sources, skipped } = await resolveCaches(settings);
  for (const s of skipped) {
    if (settings.strict) throw new Error(`${s.label}: ${s.reason}`);
    warning(`${s.label} is not used for substitution: ${s.reason}`);
  }
  const netrcEntries = sources.flatMap((s) => s.netrc);
  const netrcFile = netrcEntries.length > 0 ? writeNetrc(dir, netrcEntries, (await nixSettings())["netrc-file"]) : null;
  if (netrcFile) state.files.push(netrcFile);
  const conf = renderNixConf({
    substituters: sources.flatMap((s) => s.urls),
    keys: sources.flatMap((s) => s.keys),
    fallback: settings.fallback,
    netrcFile
  });
  let appliedVia;
  if (access2.kind === "untrusted-daemon") {
    if (!await canSudo()) throw new Error(untrustedMessage(access2));
    await addToSystemConf(conf);
    state.systemConf = true;
    appliedVia = "/etc/nix/nix.conf with sudo (the daemon does not trust this user), daemon restarted";
    info(`Nix settings added through ${appliedVia}:
${conf}`);
    await requireListed(sources.flatMap((s) => s.urls));
  } else {
    const merged = mergeNixConfig(process.env.NIX_CONFIG, conf);
    exportVariable("NIX_CONFIG", merged);
    appliedVia = access2.kind === "local" ? "NIX_CONFIG (single-user store)" : "NIX_CONFIG (the daemon trusts this user)";
    info(`Nix settings added through ${appliedVia}:
${conf}`);
  }
  setOutput(Outputs.Substituters, sources.flatMap((s) => s.urls).join(" "));
  appendSummary(configureSummaryMarkdown(sources, skipped, appliedVia));
}

// src/inputs.ts
init_runner();
function readRawInputs() {
  const raw = {};
  for (const name of Object.values(Inputs)) raw[name] = getInput(name);
  return raw;
}
function secretForms(value) {
  const v = value.trim();
  if (v === "") return [];
  const forms = /* @__PURE__ */ new Set([value, v, ...v.split("\n").map((l) => l.trim()).filter((l) => l.length >= 4)]);
  const body = v.includes(":") ? v.slice(v.indexOf(":") + 1) : v;
  forms.add(body);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(body)) {
    const bytes = Buffer.from(body, "base64");
    forms.add(bytes.toString("base64url"));
    forms.add(bytes.toString("hex"));
  }
  forms.add(Buffer.from(`:${v}`).toString("base64"));
  return [...forms].filter((f) => f.length >= 4);
}
function urlSecretForms(text) {
  const forms = [];
  for (const word of words(text)) {
    let url;
    try {
      url = new URL(word);
    } catch {
      continue;
    }
    if (!url.password) continue;
    const password = decodeURIComponent(url.password);
    forms.push(url.password, password, Buffer.from(`${decodeURIComponent(url.username)}:${password}`).toString("base64"));
  }
  return forms.filter((f) => f.length >= 4);
}
function maskSecrets(raw) {
  for (const name of SecretInputs) for (const form of secretForms(raw[name] ?? "")) setSecret(form);
  for (const name of [Inputs.Substituters, Inputs.PushTo]) for (const form of urlSecretForms(raw[name] ?? "")) setSecret(form);
}
function loadSettings(env = process.env) {
  const raw = withEnvFallbacks(readRawInputs(), env);
  maskSecrets(raw);
  return parseSettings(raw);
}

// src/main-phase.ts
init_runner();
function workRoot() {
  const base = process.env.RUNNER_TEMP || tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, "nix-substitute-action-"));
}
async function runMain() {
  const snapshotAt = Date.now();
  let settings;
  try {
    settings = loadSettings();
  } catch (error2) {
    setFailed(error2 instanceof ConfigError ? error2.message : `cannot read inputs: ${String(error2)}`);
    return;
  }
  try {
    const dir = workRoot();
    const state = { snapshotAt: settings.paths.length === 0 ? snapshotAt : null, systemConf: false, files: [], watcher: null };
    try {
      await configure(settings, dir, state);
      if (state.snapshotAt !== null) info(`Store snapshot: paths that become valid from ${new Date(snapshotAt).toISOString()} on are this job's`);
      if (settings.pushWhileBuilding && state.snapshotAt !== null) {
        const { startWatcher: startWatcher2 } = await Promise.resolve().then(() => (init_launch(), launch_exports));
        state.watcher = await startWatcher2(settings, state.snapshotAt, dir);
      }
    } finally {
      saveState(State.Main, JSON.stringify(state));
    }
    if (settings.requireSubstituted.length > 0) {
      const { verifySubstituted: verifySubstituted2 } = await Promise.resolve().then(() => (init_verify(), verify_exports));
      const dry = await verifySubstituted2(settings.requireSubstituted);
      info(`require-substituted: nothing to build; ${dry.toFetch.length} path(s) will be fetched`);
    }
  } catch (error2) {
    setFailed(error2 instanceof Error ? error2.message : String(error2));
  }
}

// src/main.ts
await runMain();
