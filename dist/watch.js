import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);

// src/watch/run.ts
import { readFileSync } from "node:fs";
import { mkdtemp as mkdtemp2, readFile as readFile2, rm as rm3 } from "node:fs/promises";
import { setPriority } from "node:os";
import { join as join3 } from "node:path";

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
var Cached = class {
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
var captureStackTrace = "captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => {
};
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
var propertyKeyTypes = /* @__PURE__ */ new Set(["string", "number", "symbol"]);
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
var NUMBER_FORMAT_RANGES = /* @__PURE__ */ (() => ({
  safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
  float32: [-34028234663852886e22, 34028234663852886e22],
  float64: [-Number.MAX_VALUE, Number.MAX_VALUE]
}))();
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
    var _a2;
    (_a2 = iss).path ?? (_a2.path = []);
    iss.path.unshift(path);
    return iss;
  });
}
function unwrapMessage(message3) {
  return typeof message3 === "string" ? message3 : message3?.message;
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
  var _a2;
  for (let i = start; i < issues.length; i++) {
    (_a2 = issues[i]).schema ?? (_a2.schema = inst);
  }
}
function finalizeIssue(iss, ctx, config2) {
  var _a2;
  const traits = iss.inst?._zod?.traits;
  if (traits?.has("$ZodType")) {
    if (traits.has("$ZodCheck"))
      (_a2 = iss).schema ?? (_a2.schema = iss.inst);
    else
      iss.schema = iss.inst;
  }
  const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : void 0;
  const message3 = iss.message ? iss.message : unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ?? unwrapMessage(schemaError?.(iss)) ?? unwrapMessage(ctx?.error?.(iss)) ?? unwrapMessage(config2.customError?.(iss)) ?? unwrapMessage(config2.localeError?.(iss)) ?? "Invalid input";
  const full2 = {};
  for (const k of Object.keys(iss)) {
    if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
      continue;
    full2[k] = iss[k];
  }
  full2.path ?? (full2.path = []);
  full2.message = message3;
  if (ctx?.reportInput) {
    full2.input = iss.input;
  }
  return full2;
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
var installing;
var broke = false;
var breaker = {
  configurable: true,
  get() {
    broke = true;
    return void 0;
  }
};
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

// node_modules/zod/v4/core/core.js
var _a;
var NEVER = /* @__PURE__ */ Object.freeze({
  status: "aborted"
});
var _zodDesc = { value: void 0, enumerable: false };
var _E = "captureStackTrace" in Error ? Error : null;
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
var $ZodAsyncError = class extends Error {
  constructor() {
    super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
  }
};
var $ZodEncodeError = class extends Error {
  constructor(name) {
    super(`Encountered unidirectional transform during encode: ${name}`);
    this.name = "ZodEncodeError";
  }
};
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
var globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
  if (newConfig)
    Object.assign(globalConfig, newConfig);
  return globalConfig;
}

// node_modules/zod/v4/core/errors.js
function _getMessage() {
  const internals = this._zod;
  internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
  return internals.message;
}
function _setMessage(value) {
  this._zod.message = value;
}
var _messageDesc = {
  get: _getMessage,
  set: _setMessage,
  enumerable: true,
  configurable: true
};
var _issuesDesc = { value: void 0, enumerable: false };
var _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
var initializer = (inst, def) => {
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
var $ZodError = $constructor("$ZodError", initializer);
var $ZodRealError = $constructor("$ZodError", initializer, void 0, {
  Parent: Error
});

// node_modules/zod/v4/core/parse.js
var _parse = (_Err) => {
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
var parse = /* @__PURE__ */ _parse($ZodRealError);
var _parseAsync = (_Err) => {
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
var parseAsync = /* @__PURE__ */ _parseAsync($ZodRealError);
var _safeParse = (_Err) => (schema, value, _ctx) => {
  const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
  const result = schema._zod.run({ value, issues: [] }, ctx);
  if (result instanceof Promise) {
    throw new $ZodAsyncError();
  }
  return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
var safeParse = /* @__PURE__ */ _safeParse($ZodRealError);
function failure(Err, issues, ctx) {
  let error;
  return {
    success: false,
    get error() {
      if (!error) {
        error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
        issues = void 0;
        ctx = void 0;
      }
      return error;
    },
    set error(e) {
      error = e;
      issues = void 0;
      ctx = void 0;
    }
  };
}
var _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
  const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
  let result = schema._zod.run({ value, issues: [] }, ctx);
  if (result instanceof Promise)
    result = await result;
  return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
var safeParseAsync = /* @__PURE__ */ _safeParseAsync($ZodRealError);

// node_modules/zod/v4/core/regexes.js
var anyString = /^[\s\S]{0,}$/;
var number = /^-?\d+(?:\.\d+)?$/;
var boolean = /^(?:true|false)$/i;

// node_modules/zod/v4/core/checks.js
var $ZodCheck = /* @__PURE__ */ $constructor("$ZodCheck", (inst, def) => {
  var _a2;
  inst._zod ?? (inst._zod = {});
  inst._zod.def = def;
  (_a2 = inst._zod).onattach ?? (_a2.onattach = []);
});
var numericOriginMap = {
  number: "number",
  bigint: "bigint",
  object: "date"
};
var $ZodCheckGreaterThan = /* @__PURE__ */ $constructor("$ZodCheckGreaterThan", (inst, def) => {
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
var $ZodCheckNumberFormat = /* @__PURE__ */ $constructor("$ZodCheckNumberFormat", (inst, def) => {
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
var $ZodCheckStringFormat = /* @__PURE__ */ $constructor("$ZodCheckStringFormat", (inst, def) => {
  var _a2, _b;
  $ZodCheck.init(inst, def);
  if (def.pattern)
    (_a2 = inst._zod).check ?? (_a2.check = (payload) => {
      def.pattern.lastIndex = 0;
      if (def.pattern.test(payload.value))
        return;
      payload.issues.push({
        origin: "string",
        code: "invalid_format",
        format: def.format,
        input: payload.value,
        ...def.pattern ? { pattern: def.pattern.toString() } : {},
        inst,
        continue: !def.abort
      });
    });
  else
    (_b = inst._zod).check ?? (_b.check = () => {
    });
});
var $ZodCheckRegex = /* @__PURE__ */ $constructor("$ZodCheckRegex", (inst, def) => {
  $ZodCheckStringFormat.init(inst, def);
  inst._zod.check = (payload) => {
    def.pattern.lastIndex = 0;
    if (def.pattern.test(payload.value))
      return;
    payload.issues.push({
      origin: "string",
      code: "invalid_format",
      format: "regex",
      input: payload.value,
      pattern: def.pattern.toString(),
      inst,
      continue: !def.abort
    });
  };
});

// node_modules/zod/v4/core/versions.js
var version = {
  major: 4,
  minor: 6,
  patch: 7
};

// node_modules/zod/v4/core/schemas.js
var $ZodType = /* @__PURE__ */ $constructor("$ZodType", (inst, def) => {
  var _a2;
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
    (_a2 = inst._zod).deferred ?? (_a2.deferred = []);
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
var toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
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
var $ZodString = /* @__PURE__ */ $constructor("$ZodString", (inst, def) => {
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
var $ZodNumber = /* @__PURE__ */ $constructor("$ZodNumber", (inst, def) => {
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
var $ZodNumberFormat = /* @__PURE__ */ $constructor("$ZodNumberFormat", (inst, def) => {
  $ZodCheckNumberFormat.init(inst, def);
  $ZodNumber.init(inst, def);
});
var $ZodBoolean = /* @__PURE__ */ $constructor("$ZodBoolean", (inst, def) => {
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
var $ZodUnknown = /* @__PURE__ */ $constructor("$ZodUnknown", (inst, def) => {
  $ZodType.init(inst, def);
  inst._zod.parse = (payload) => payload;
});
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
var arraySize = (input) => Array.isArray(input) ? input.length : -1;
function handleArrayResult(result, final, index) {
  if (result.issues.length) {
    final.issues.push(...prefixIssues(index, result.issues));
  }
  final.value[index] = result.value;
}
var $ZodArray = /* @__PURE__ */ $constructor("$ZodArray", (inst, def) => {
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
var NO_SYMBOL_KEYS = [];
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
var $ZodObject = /* @__PURE__ */ $constructor("$ZodObject", (inst, def) => {
  $ZodType.init(inst, def);
  const desc = Object.getOwnPropertyDescriptor(def, "shape");
  const sh = desc?.get ? desc.get.raw : def.shape ?? {};
  if (sh) {
    const get = () => {
      const newSh = { ...sh };
      Object.defineProperty(def, "shape", { value: newSh });
      get.raw = newSh;
      return newSh;
    };
    get.raw = sh;
    Object.defineProperty(def, "shape", { get });
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
var $ZodUnion = /* @__PURE__ */ $constructor("$ZodUnion", (inst, def) => {
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
var $ZodRecord = /* @__PURE__ */ $constructor("$ZodRecord", (inst, def) => {
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
var $ZodEnum = /* @__PURE__ */ $constructor("$ZodEnum", (inst, def) => {
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
var $ZodTransform = /* @__PURE__ */ $constructor("$ZodTransform", (inst, def) => {
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
function handleOptionalResult(payload, result) {
  payload.value = result.issues.length ? void 0 : result.value;
  return payload;
}
var $ZodOptional = /* @__PURE__ */ $constructor("$ZodOptional", (inst, def) => {
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
var $ZodNullable = /* @__PURE__ */ $constructor("$ZodNullable", (inst, def) => {
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
var $ZodDefault = /* @__PURE__ */ $constructor("$ZodDefault", (inst, def) => {
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
function handleDefaultResult(payload, def) {
  if (payload.value === void 0) {
    payload.value = def.defaultValue;
  }
  return payload;
}
var $ZodPipe = /* @__PURE__ */ $constructor("$ZodPipe", (inst, def) => {
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
function handlePipeResult(left, next, ctx) {
  if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
    left.aborted = true;
    return left;
  }
  return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}

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
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
  return new $ZodCheckRegex({
    check: "string_format",
    format: "regex",
    ...normalizeParams(params),
    pattern
  });
}

// node_modules/zod/v4/mini/schemas.js
var ZodMiniType = /* @__PURE__ */ $constructor("ZodMiniType", (inst, def) => {
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
var ZodMiniString = /* @__PURE__ */ $constructor("ZodMiniString", (inst, def) => {
  $ZodString.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function string2(params) {
  return _string(ZodMiniString, params);
}
var ZodMiniNumber = /* @__PURE__ */ $constructor("ZodMiniNumber", (inst, def) => {
  $ZodNumber.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function number2(params) {
  return _number(ZodMiniNumber, params);
}
var ZodMiniNumberFormat = /* @__PURE__ */ $constructor("ZodMiniNumberFormat", (inst, def) => {
  $ZodNumberFormat.init(inst, def);
  ZodMiniNumber.init(inst, def);
});
function int(params) {
  return _int(ZodMiniNumberFormat, params);
}
var ZodMiniBoolean = /* @__PURE__ */ $constructor("ZodMiniBoolean", (inst, def) => {
  $ZodBoolean.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function boolean2(params) {
  return _boolean(ZodMiniBoolean, params);
}
var ZodMiniUnknown = /* @__PURE__ */ $constructor("ZodMiniUnknown", (inst, def) => {
  $ZodUnknown.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function unknown() {
  return _unknown(ZodMiniUnknown);
}
var ZodMiniArray = /* @__PURE__ */ $constructor("ZodMiniArray", (inst, def) => {
  $ZodArray.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function array(element, params) {
  return new ZodMiniArray({
    type: "array",
    element,
    ...normalizeParams(params)
  });
}
var ZodMiniObject = /* @__PURE__ */ $constructor("ZodMiniObject", (inst, def) => {
  $ZodObject.init(inst, def);
  ZodMiniType.init(inst, def);
  installLazyProp(inst, "shape", (self) => self._zod.def.shape, false);
});
// @__NO_SIDE_EFFECTS__
function object(shape, params) {
  const def = {
    type: "object",
    shape: shape ?? {},
    ...normalizeParams(params)
  };
  return new ZodMiniObject(def);
}
var ZodMiniUnion = /* @__PURE__ */ $constructor("ZodMiniUnion", (inst, def) => {
  $ZodUnion.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function union(options, params) {
  return new ZodMiniUnion({
    type: "union",
    options,
    ...normalizeParams(params)
  });
}
var ZodMiniRecord = /* @__PURE__ */ $constructor("ZodMiniRecord", (inst, def) => {
  $ZodRecord.init(inst, def);
  ZodMiniType.init(inst, def);
});
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
var ZodMiniEnum = /* @__PURE__ */ $constructor("ZodMiniEnum", (inst, def) => {
  $ZodEnum.init(inst, def);
  ZodMiniType.init(inst, def);
  inst.options = [...inst._zod.values];
});
// @__NO_SIDE_EFFECTS__
function _enum(values, params) {
  const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
  return new ZodMiniEnum({
    type: "enum",
    entries,
    ...normalizeParams(params)
  });
}
var ZodMiniTransform = /* @__PURE__ */ $constructor("ZodMiniTransform", (inst, def) => {
  $ZodTransform.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function transform(fn) {
  return new ZodMiniTransform({
    type: "transform",
    transform: fn
  });
}
var ZodMiniOptional = /* @__PURE__ */ $constructor("ZodMiniOptional", (inst, def) => {
  $ZodOptional.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function optional(innerType) {
  return new ZodMiniOptional({
    type: "optional",
    innerType
  });
}
var ZodMiniNullable = /* @__PURE__ */ $constructor("ZodMiniNullable", (inst, def) => {
  $ZodNullable.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function nullable(innerType) {
  return new ZodMiniNullable({
    type: "nullable",
    innerType
  });
}
// @__NO_SIDE_EFFECTS__
function nullish2(innerType) {
  return /* @__PURE__ */ optional(/* @__PURE__ */ nullable(innerType));
}
var ZodMiniDefault = /* @__PURE__ */ $constructor("ZodMiniDefault", (inst, def) => {
  $ZodDefault.init(inst, def);
  ZodMiniType.init(inst, def);
});
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
var ZodMiniPipe = /* @__PURE__ */ $constructor("ZodMiniPipe", (inst, def) => {
  $ZodPipe.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function pipe(in_, out) {
  return new ZodMiniPipe({
    type: "pipe",
    in: in_,
    out
  });
}

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
if (!config().localeError) config({ localeError: englishMessage });

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
  const publicKey2 = { name, raw: Buffer.from(pub), text: `${name}:${pub.toString("base64")}` };
  return {
    name,
    publicKey: publicKey2,
    text: `${name}:${Buffer.from(bytes).toString("base64")}`,
    sign: (message3) => `${name}:${crypto().sign(null, Buffer.from(message3), priv).toString("base64")}`
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

// src/config.ts
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
function problem(ctx, message3) {
  ctx.issues.push({ code: "custom", message: message3, input: ctx.value });
}
function stringTo(fn) {
  return pipe(string2(), transform(fn));
}
var list = stringTo(words);
function fromThrowing(parse2) {
  return (value, ctx) => {
    try {
      return parse2(value);
    } catch (error) {
      problem(ctx, error.message);
      return NEVER;
    }
  };
}
var publicKey = stringTo(fromThrowing(parsePublicKey));
var optionalPublicKey = stringTo((s, ctx) => s.trim() === "" ? null : fromThrowing(parsePublicKey)(s, ctx));
var optionalSecretKey = stringTo((s, ctx) => s.trim() === "" ? null : fromThrowing(parseSecretKey)(s, ctx));
var cachixSigningKey = stringTo((s, ctx) => {
  const trimmed = s.trim();
  if (trimmed === "") return null;
  if (trimmed.includes(":")) {
    problem(ctx, 'expected the base64 secret key Cachix shows (no "name:" prefix)');
    return NEVER;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) {
    problem(ctx, "expected base64 text");
    return NEVER;
  }
  return fromThrowing((t) => secretKeyFromBytes("cachix", Buffer.from(t, "base64")))(trimmed, ctx);
});
var httpUrl = stringTo((s, ctx) => {
  let url;
  try {
    url = new URL(s);
  } catch {
    problem(ctx, `"${s}" is not a URL`);
    return NEVER;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    problem(ctx, `"${s}" must be an http:// or https:// URL`);
    return NEVER;
  }
  return s.replace(/\/+$/, "");
});
var SUBSTITUTER_SCHEMES = ["http:", "https:", "file:", "s3:", "ssh:", "ssh-ng:", "daemon:", "local:"];
var PUSH_SCHEMES = ["http:", "https:", "file:", "s3:", "ssh:", "ssh-ng:"];
function storeUrls(schemes) {
  return stringTo(
    (s, ctx) => words(s).map((u) => {
      let url = null;
      try {
        url = new URL(u);
      } catch {
      }
      if (!url || !schemes.includes(url.protocol)) {
        problem(ctx, `"${u}" is not a supported store URL (expected ${schemes.map((p) => `${p}//\u2026`).join(", ")})`);
      }
      return u;
    })
  );
}
var CACHE_NAME = /^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/;
var atticCache = string2().check(_regex(CACHE_NAME, 'an attic cache name is 1\u201350 letters, digits, "-", "_" or "+", starting with a letter or digit'));
var cachixName = string2().check(_regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)"));
function optional2(schema) {
  return stringTo((s, ctx) => {
    const trimmed = s.trim();
    if (trimmed === "") return "";
    const result = schema.safeParse(trimmed);
    if (result.success) return result.data;
    for (const issue2 of result.error.issues) problem(ctx, issue2.message);
    return NEVER;
  });
}
var bool = (name) => stringTo((s, ctx) => {
  const v = s.trim().toLowerCase();
  if (v === "true") return true;
  if (v === "false") return false;
  problem(ctx, `${name} takes true or false, not "${s}"`);
  return NEVER;
});
var integer2 = (min, max) => stringTo((s, ctx) => {
  const n = Number(s.trim());
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    problem(ctx, `expected a whole number from ${min} to ${max}, not "${s}"`);
    return NEVER;
  }
  return n;
});
var regexes = stringTo(
  (s, ctx) => lines(s).map((source) => {
    try {
      return new RegExp(source);
    } catch (error) {
      problem(ctx, `"${source}" is not a valid regular expression: ${error.message}`);
      return /$^/;
    }
  })
);
var branchGlobs = stringTo((s, ctx) => {
  const globs = words(s);
  for (const g of globs) if (/[\s~^:?\\]|\.\.|@\{/.test(g.replace(/\?/g, ""))) problem(ctx, `"${g}" is not a branch name or glob`);
  return globs;
});
var keyNames = stringTo((s, ctx) => {
  const names = words(s);
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(n)) problem(ctx, `"${n}" is not a key name (the part before ":" in a key)`);
  return names;
});
var pins = stringTo(
  (s, ctx) => lines(s).map((line) => {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(\S+)(?:\s+keep=(\S+))?$/.exec(line);
    if (!m?.[1] || !m[2]) {
      problem(ctx, `"${line}" is not "name=path-or-installable [keep=days:N|revisions:N|forever]"`);
      return { name: "", target: "", keep: null };
    }
    const keepText = m[3];
    let keep = null;
    if (keepText === "forever") keep = { tag: "Forever" };
    else if (keepText) {
      const k = /^(days|revisions):([1-9]\d*)$/.exec(keepText);
      if (!k?.[1] || !k[2]) problem(ctx, `keep "${keepText}" must be days:N, revisions:N or forever`);
      else keep = { tag: k[1] === "days" ? "Days" : "Revisions", contents: Number(k[2]) };
    }
    return { name: m[1], target: m[2], keep };
  })
);
var pushMode = stringTo((s, ctx) => {
  const v = s.trim().toLowerCase();
  if (v === "auto" || v === "true" || v === "false") return v;
  problem(ctx, `expected auto, true or false, not "${s}"`);
  return NEVER;
});
var table = {
  [Inputs.Substituters]: [storeUrls(SUBSTITUTER_SCHEMES), ""],
  [Inputs.TrustedPublicKeys]: [pipe(list, array(publicKey)), ""],
  [Inputs.Cachix]: [optional2(cachixName), ""],
  [Inputs.CachixAuthToken]: [stringTo((s) => s.trim()), ""],
  [Inputs.CachixSigningKey]: [cachixSigningKey, ""],
  [Inputs.CachixPublicKey]: [optionalPublicKey, ""],
  [Inputs.CachixApiUrl]: [httpUrl, DEFAULT_CACHIX_API],
  [Inputs.CachixPins]: [pins, ""],
  [Inputs.CachixChunkSize]: [integer2(64 * 1024, 5 * 1024 ** 3), String(DEFAULT_CHUNK_SIZE)],
  [Inputs.AtticEndpoint]: [optional2(httpUrl), ""],
  [Inputs.AtticCache]: [optional2(atticCache), ""],
  [Inputs.AtticToken]: [stringTo((s) => s.trim()), ""],
  [Inputs.AtticPublicKey]: [optionalPublicKey, ""],
  [Inputs.PushTo]: [storeUrls(PUSH_SCHEMES), ""],
  [Inputs.SigningKey]: [optionalSecretKey, ""],
  [Inputs.Push]: [pushMode, "auto"],
  [Inputs.PushBranches]: [branchGlobs, "main"],
  [Inputs.Paths]: [list, ""],
  [Inputs.Include]: [regexes, ""],
  [Inputs.Exclude]: [regexes, ""],
  [Inputs.UpstreamKeys]: [keyNames, "cache.nixos.org-1"],
  [Inputs.Jobs]: [integer2(1, 64), "8"],
  [Inputs.PushTimeout]: [integer2(1, 6 * 3600), String(DEFAULT_PUSH_TIMEOUT_SECONDS)],
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
  for (const [name, [schema, fallback]] of Object.entries(table)) {
    const text = raw[name];
    const result = schema.safeParse(text === void 0 || text.trim() === "" ? fallback : text);
    if (result.success) parsed[name] = result.data;
    else for (const issue2 of result.error.issues) problems.push(`${name}: ${issue2.message}`);
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

// src/runner.ts
function getInput(name) {
  return (process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
}

// src/inputs.ts
function readRawInputs() {
  const raw = {};
  for (const name of Object.values(Inputs)) raw[name] = getInput(name);
  return raw;
}

// src/nix/command.ts
var CommandError = class extends Error {
  code;
  stderr;
  constructor(command, code, stderr) {
    super(`${command} failed (exit ${code ?? "signal"}): ${stderr.trim().split("\n").slice(-5).join("\n")}`);
    this.name = "CommandError";
    this.code = code;
    this.stderr = stderr;
  }
};
var NIX_COMMAND = ["--extra-experimental-features", "nix-command"];
function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = process.getBuiltinModule("node:child_process").spawn(command, args, {
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
      if (code !== 0 && !options.allowFailure) reject(new CommandError(`${command} ${args.slice(0, 3).join(" ")}`, code, result.stderr));
      else resolve(result);
    });
    child.stdin.on("error", () => void 0);
    child.stdin.end(options.input ?? "");
  });
}

// src/nix/installable.ts
var NIX_FLAGS = [...NIX_COMMAND, "--extra-experimental-features", "flakes"];
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

// src/nix/snapshot.ts
var STORE_DIR = "/nix/store";
function isCandidateEntry(name) {
  return !(name.startsWith(".") || name.endsWith(".drv") || name.endsWith(".lock") || name.endsWith(".check") || name.endsWith(".chroot"));
}

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
function problem2(ctx, message3) {
  ctx.issues.push({ code: "custom", message: message3, input: ctx.value });
}
var AnyHash = union([
  pipe(
    string2(),
    transform((text, ctx) => {
      const m = /^([a-z0-9]+)(?:-(.+)|:(.+))$/.exec(text);
      const algorithm = m?.[1];
      try {
        if (algorithm && m[2] !== void 0) return { algorithm, bytes: hashBytes(algorithm, "sri", m[2]) };
        if (algorithm && m[3] !== void 0) return { algorithm, bytes: hashBytes(algorithm, void 0, m[3]) };
      } catch (e) {
        problem2(ctx, e.message);
        return NEVER;
      }
      problem2(ctx, `not a hash: "${text}"`);
      return NEVER;
    })
  ),
  pipe(
    object({ algorithm: string2(), format: string2(), hash: string2() }),
    transform((h, ctx) => {
      try {
        return { algorithm: h.algorithm, bytes: hashBytes(h.algorithm, h.format, h.hash) };
      } catch (e) {
        problem2(ctx, e.message);
        return NEVER;
      }
    })
  )
]);
var NarHash = pipe(
  AnyHash,
  transform((h, ctx) => {
    if (h.algorithm === "sha256") return Sha256.fromBytes(h.bytes);
    problem2(ctx, `narHash must be sha256, not ${h.algorithm}`);
    return NEVER;
  })
);
var Signature = union([
  string2(),
  pipe(
    object({ keyName: string2(), sig: string2() }),
    transform((s) => `${s.keyName}:${s.sig}`)
  )
]);
var CA_PREFIX = { text: "text:", flat: "fixed:", nar: "fixed:r:", git: "fixed:git:" };
var ContentAddress = union([
  string2(),
  pipe(
    object({ method: string2(), hash: AnyHash }),
    transform((ca, ctx) => {
      const prefix = CA_PREFIX[ca.method];
      if (prefix !== void 0) return `${prefix}${ca.hash.algorithm}:${toNix32(ca.hash.bytes)}`;
      problem2(ctx, `unknown content-address method "${ca.method}"`);
      return NEVER;
    })
  )
]);
var Entry = object({
  path: optional(string2()),
  storeDir: optional(string2()),
  narHash: NarHash,
  narSize: number2().check(int(), _nonnegative()),
  references: _default(array(string2()), []),
  deriver: nullish2(string2()),
  signatures: nullish2(array(Signature)),
  ca: nullish2(ContentAddress)
});
var Wrapped = object({
  version: number2().check(int()),
  storeDir: string2(),
  info: record(string2(), unknown())
});
function isInvalid(value) {
  return value === null || typeof value === "object" && value.valid === false;
}
function toPathInfo(storeDir, key, e) {
  const dir2 = e.storeDir ?? storeDir;
  return {
    path: full(dir2, key),
    narHash: e.narHash,
    narSize: e.narSize,
    references: e.references.map((r) => full(dir2, r)).sort(),
    deriver: e.deriver ? full(dir2, e.deriver) : null,
    sigs: e.signatures ?? [],
    ca: e.ca ?? null
  };
}
function parsePathInfoJson(text, storeDir = STORE_DIR) {
  const doc = JSON.parse(text);
  let pairs;
  let dir2 = storeDir;
  if (Array.isArray(doc)) {
    pairs = doc.map((v) => [void 0, v]);
  } else if (typeof doc === "object" && doc !== null && "info" in doc) {
    const w = Wrapped.parse(doc);
    dir2 = w.storeDir;
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
    out.push(toPathInfo(dir2, path, entry));
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
function pathInfoArgs(nixVersion2) {
  const v = parseNixVersion(nixVersion2);
  if (!v || v.flavor === "lix" || !atLeast(v, 2, 33)) return [];
  return ["--json-format", "2"];
}

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
    for (const info of parsePathInfoJson(stdout)) byPath.set(info.path, info);
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

// src/push/plan.ts
function selectRoots(paths, filter) {
  return paths.filter(
    (p) => (filter.include.length === 0 || filter.include.some((r) => r.test(p))) && !filter.exclude.some((r) => r.test(p))
  );
}
function isUpstream(info, upstreamKeys) {
  return info.sigs.some((s) => upstreamKeys.has(signatureKeyName(s)));
}
function planPush(closure, upstreamKeys) {
  const keys = new Set(upstreamKeys);
  const upstream = closure.filter((i) => isUpstream(i, keys));
  const rest = closure.filter((i) => !isUpstream(i, keys));
  return { toPush: topoSort(rest), upstream };
}
function topoSort(infos) {
  const byPath = new Map(infos.map((i) => [i.path, i]));
  const done = /* @__PURE__ */ new Set();
  const out = [];
  for (const start of [...infos].sort((a, b) => a.path.localeCompare(b.path))) {
    if (done.has(start.path)) continue;
    const stack = [{ info: start, next: 0 }];
    const onStack = /* @__PURE__ */ new Set([start.path]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ref = top.info.references[top.next++];
      if (ref === void 0) {
        stack.pop();
        onStack.delete(top.info.path);
        done.add(top.info.path);
        out.push(top.info);
        continue;
      }
      const dep = byPath.get(ref);
      if (!dep || done.has(ref) || onStack.has(ref)) continue;
      onStack.add(ref);
      stack.push({ info: dep, next: 0 });
    }
  }
  return out;
}

// src/http.ts
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { setTimeout as sleep } from "node:timers/promises";

// src/push/target.ts
var PushError = class extends Error {
  transient;
  constructor(message3, transient, options) {
    super(message3, options);
    this.name = "PushError";
    this.transient = transient;
  }
};

// src/http.ts
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
  const headers2 = { "user-agent": USER_AGENT, ...options.headers };
  const body = options.body;
  if (typeof body === "string") headers2["content-length"] = String(Buffer.byteLength(body));
  else if (body instanceof Uint8Array) headers2["content-length"] = String(body.byteLength);
  const { request: send, agent } = client(https);
  const req = send(url, { method: options.method, headers: headers2, agent });
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
async function putStream(url, headers2, body, timeoutMs, signal) {
  const { status, text } = await request(url, { method: "PUT", headers: headers2, body, timeoutMs, signal });
  if (status < 200 || status >= 300) throw new HttpError(status, url, text);
  return text;
}

// src/caches/attic-api.ts
var NAR_INFO_PREAMBLE_THRESHOLD = 4096;
var MISSING_PATHS_BATCH = 1e3;
var AtticApiError = class extends PushError {
  status;
  kind;
  constructor(message3, transient, status, kind, options) {
    super(message3, transient, options);
    this.name = "AtticApiError";
    this.status = status;
    this.kind = kind;
  }
};
var CacheConfigJson = object({
  substituter_endpoint: nullish2(string2()),
  api_endpoint: nullish2(string2()),
  public_key: nullish2(string2()),
  is_public: nullish2(boolean2()),
  store_dir: nullish2(string2()),
  priority: nullish2(number2().check(int())),
  upstream_cache_key_names: nullish2(array(string2()))
});
var MissingPathsJson = object({ missing_paths: array(string2()) });
var UploadResultJson = object({
  kind: optional(string2()),
  file_size: nullish2(number2()),
  frac_deduplicated: nullish2(number2())
});
var ErrorJson = object({ code: optional(number2()), error: string2(), message: string2() });
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
  const make = (message3, transient = false) => new AtticApiError(message3, transient, error.status, kind, { cause: error });
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
  let publicKey2 = null;
  if (raw.public_key) {
    try {
      publicKey2 = parsePublicKey(raw.public_key);
    } catch (error) {
      throw new AtticApiError(`attic cache "${cache}": the server's public key "${raw.public_key}" is not a Nix public key: ${error.message}`, false, 200, null);
    }
  }
  return {
    substituterEndpoint: raw.substituter_endpoint ? raw.substituter_endpoint.replace(/\/+$/, "") : null,
    apiEndpoint: raw.api_endpoint ? raw.api_endpoint.replace(/\/+$/, "") : null,
    publicKey: publicKey2,
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
  const headers2 = { "content-type": "application/octet-stream", accept: "application/json", ...authHeaders(token) };
  if (preamble) headers2["x-attic-nar-info-preamble-size"] = String(preamble.length);
  else headers2["x-attic-nar-info"] = json;
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
    const text = await putStream(url, headers2, body(), timeoutMs, signal);
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

// src/nix/nar.ts
import { spawn } from "node:child_process";
import { lstat, open, readdir, readlink } from "node:fs/promises";
import { Readable as Readable2 } from "node:stream";

// src/nix/spent-buffers.ts
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
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
  const stream = Readable2.from(nar(path), { objectMode: false, highWaterMark: CHUNK });
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
  const out = new Readable2({ read() {
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
    this.config ??= cacheConfig(this.endpoint, this.cache, this.token, ctx.signal).catch((error) => {
      if (ctx.signal.aborted) throw error;
      const message3 = `${this.label}: could not read the cache configuration, pushing without it (attic's upstream_cache_key_names are not applied): ${error.message}`;
      this.configWarning = message3;
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
      onRetry: (error, attempt, delay) => ctx.log.info(`${this.label}: retrying get-missing-paths in ${delay} ms (attempt ${attempt} failed: ${error.message})`)
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
        onRetry: (error, attempt, delay) => ctx.log.info(`${this.label}: retrying ${path.path} in ${delay} ms (attempt ${attempt} failed: ${error.message})`)
      }
    );
    if (result.kind === "Deduplicated") ctx.log.debug(`${this.label}: ${path.path} deduplicated by the server`);
    return { bytes: path.narSize };
  }
};

// src/push/binary-cache.ts
import { createWriteStream } from "node:fs";
import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { pipeline as pipeline2 } from "node:stream/promises";

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

// src/push/nar-stream.ts
import { createHash } from "node:crypto";
import { Transform } from "node:stream";
import { constants, createZstdCompress, zstdCompressSync } from "node:zlib";
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
function corrupt(info) {
  return new Error(`the NAR of ${info.path} does not match its registered hash/size: the local store may be corrupt (run nix-store --verify --check-contents)`);
}
async function narFor(info, compression, signal) {
  return info.narSize <= SMALL_NAR ? smallNar(info, compression, signal) : streamedNar(info, compression, signal);
}
async function smallNar(info, compression, signal) {
  const chunks = [];
  let size = 0;
  const hash = createHash("sha256");
  for await (const chunk of dumpNar(info.path, signal)) {
    size += chunk.length;
    if (size > info.narSize) throw corrupt(info);
    hash.update(chunk);
    chunks.push(chunk);
  }
  if (size !== info.narSize || !Sha256.fromBytes(hash.digest()).equals(info.narHash)) throw corrupt(info);
  const nar2 = Buffer.concat(chunks, size);
  const body = compression === "zstd" ? zstdCompressSync(nar2, { pledgedSrcSize: size, params: { [constants.ZSTD_c_compressionLevel]: 3 } }) : nar2;
  const file = { hash: Sha256.fromBytes(createHash("sha256").update(body).digest()), size: body.length };
  return { body, file: () => file };
}
function streamedNar(info, compression, signal) {
  const nar2 = new Meter((m) => m.size !== info.narSize || !m.digest?.equals(info.narHash) ? corrupt(info) : null);
  const file = new Meter();
  const source = dumpNar(info.path, signal);
  const fail = (error) => file.destroy(error);
  source.on("error", fail);
  nar2.on("error", fail);
  let stream = source.pipe(nar2);
  if (compression === "zstd") {
    const chunkSize = Math.min(1024 * 1024, Math.max(16 * 1024, 2 ** Math.ceil(Math.log2(info.narSize + 1))));
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
    } catch (error) {
      if (error instanceof HttpError && (error.status === 404 || error.status === 403)) return false;
      throw error;
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
    const partial2 = `${target}.${process.pid}.partial`;
    await mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    try {
      if (typeof body === "string" || Buffer.isBuffer(body)) await writeFile(partial2, body);
      else await pipeline2(body, createWriteStream(partial2));
      await rename(partial2, target);
    } catch (error) {
      await rm(partial2, { force: true });
      throw error;
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
        const info = paths[next++];
        const present = await this.retry(() => this.sink.exists(`${hashPart(info.path)}.narinfo`, ctx), ctx, "narinfo query");
        if (!present) missing.add(info.path);
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
  async upload(info, ctx) {
    await this.ensureCacheInfo(ctx);
    const { compression, signingKey } = this.options;
    const url = `nar/${toNix32(info.narHash.bytes)}${narExtension(compression)}`;
    const file = await this.retry(async () => {
      const nar2 = await narFor(info, compression, ctx.signal);
      await this.sink.put(url, nar2.body, "application/x-nix-nar", ctx);
      return nar2.file();
    }, ctx, `upload of ${info.path}`);
    const sigs = [...info.sigs];
    if (signingKey && !sigs.some((s) => s.startsWith(`${signingKey.name}:`))) sigs.push(signingKey.sign(fingerprint(info)));
    const narinfo = renderNarInfo({
      storePath: info.path,
      url,
      compression,
      fileHash: file.hash,
      fileSize: file.size,
      narHash: info.narHash,
      narSize: info.narSize,
      references: [...info.references],
      deriver: info.deriver,
      sigs,
      ca: info.ca
    });
    await this.retry(() => this.sink.put(`${hashPart(info.path)}.narinfo`, narinfo, "text/x-nix-narinfo", ctx), ctx, `narinfo of ${info.path}`);
    return { bytes: file.size + narinfo.length };
  }
};

// src/caches/cachix-api.ts
import { createHash as createHash2 } from "node:crypto";
import { Transform as Transform2 } from "node:stream";
import { pipeline as pipeline3 } from "node:stream/promises";
import { constants as zlibConstants, createZstdCompress as createZstdCompress2 } from "node:zlib";
var BinaryCacheJson = object({
  name: string2(),
  uri: string2(),
  isPublic: boolean2(),
  publicSigningKeys: array(string2()),
  githubUsername: optional(string2()),
  // Generic aeson encodes nullary constructors as their names.
  permission: optional(_enum(["Read", "Write", "Admin"])),
  preferredCompressionMethod: optional(_enum(["XZ", "ZSTD"]))
});
var CreateMultipartJson = object({ narId: string2(), uploadId: string2() });
var UploadPartJson = object({ uploadUrl: string2() });
var MissingJson = array(string2());
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
  const message3 = error instanceof Error ? error.message : String(error);
  return new PushError(`${cache}: ${message3}`, isTransient(error), { cause: error });
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
var HashTap = class extends Transform2 {
  hash = createHash2("sha256");
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
  const zstd = createZstdCompress2({ params: { [zlibConstants.ZSTD_c_compressionLevel]: options.compressionLevel ?? CACHIX_COMPRESSION_LEVEL } });
  const parts = [];
  const inFlight = /* @__PURE__ */ new Set();
  let failure2 = null;
  const start = (partNumber2, body) => {
    const p = uploadPart(e, narUrl, uploadQuery, partNumber2, body, signal).then(
      (eTag) => void parts.push({ partNumber: partNumber2, eTag }),
      (error) => void (failure2 ??= { error })
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  const slot = async () => {
    while (inFlight.size >= concurrency && !failure2) await Promise.race(inFlight);
    if (failure2) throw failure2.error;
  };
  let partNumber = 0;
  await pipeline3(
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
  if (failure2) throw failure2.error;
  parts.sort((a, b) => a.partNumber - b.partNumber);
  return { parts, narTap, fileTap };
}
async function uploadPart(e, narUrl, uploadQuery, partNumber, body, signal) {
  const contentMD5 = createHash2("md5").update(body).digest("base64");
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

// src/push/cachix.ts
var CachixTarget = class _CachixTarget {
  label;
  settings;
  info;
  #options;
  #endpoint;
  constructor(settings, info, options = {}) {
    this.settings = settings;
    this.info = info;
    this.#options = options;
    this.label = `cachix:${settings.name}`;
    this.#endpoint = { apiUrl: settings.apiUrl, name: settings.name, token: settings.authToken };
    checkCredentials(settings, info);
  }
  /** Looks the cache up (fails with a PushError users can act on) and builds the target. */
  static async create(settings, signal, options = {}) {
    const info = await cacheInfo(settings.apiUrl, settings.name, settings.authToken, signal);
    return new _CachixTarget(settings, info, options);
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
        onRetry: (error, attempt) => ctx.log.info(`${this.label}: retrying ${path.path} (attempt ${attempt + 1}): ${error.message}`)
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
      } catch (error) {
        throw new PushError(`${this.label}: cannot resolve pin "${pin.name}" target "${pin.target}": ${error.message}`, false, { cause: error });
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
function checkCredentials(settings, info) {
  const cache = `Cachix cache "${settings.name}"`;
  if (!settings.authToken && !settings.signingKey) {
    throw new PushError(`${cache}: pushing needs cachix-auth-token (CACHIX_AUTH_TOKEN) or cachix-signing-key (CACHIX_SIGNING_KEY)`, false);
  }
  if (settings.signingKey && info.publicSigningKeys.length > 0) {
    const mine = settings.signingKey.publicKey.raw;
    const known = info.publicSigningKeys.flatMap((k) => {
      try {
        return [parsePublicKey(k).raw];
      } catch {
        return [];
      }
    });
    if (!known.some((raw) => raw.equals(mine))) {
      throw new PushError(
        `${cache}: cachix-signing-key does not belong to this cache (its public key is not among ${info.publicSigningKeys.join(", ")}); use the cache's own signing key, or only an auth token if Cachix signs for this cache`,
        false
      );
    }
  }
  if (settings.authToken && !settings.signingKey && info.permission === "Read") {
    throw new PushError(`${cache}: the auth token can only read this cache; pushing needs a token with write access`, false);
  }
}

// src/push/nix-copy.ts
import { chmod, mkdtemp, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import { join } from "node:path";
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
      await writeFile2(file, this.signingKey.text, { mode: 384 });
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
  async upload(info, ctx) {
    const { code, stderr } = await run("nix", [...NIX_COMMAND, "copy", "--to", await this.storeUrl(), info.path], { signal: ctx.signal, allowFailure: true });
    if (code !== 0) throw new PushError(`nix copy of ${info.path} to ${this.label} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`, false);
    return { bytes: info.narSize };
  }
  /** Removes the key file; called after the push whatever happened. */
  async dispose() {
    if (this.keyDir) await rm2(this.keyDir, { recursive: true, force: true });
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

// src/push/uploader.ts
function message(error) {
  return error instanceof Error ? error.message : String(error);
}
var Slots = class {
  free;
  waiting = [];
  constructor(limit) {
    this.free = limit;
  }
  async acquire() {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise((resolve) => this.waiting.push(resolve));
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
};
async function pushToTarget(target, plan, options) {
  const started = Date.now();
  const report = {
    label: target.label,
    planned: plan.length,
    alreadyPresent: 0,
    uploaded: 0,
    bytes: 0,
    failed: [],
    blocked: 0,
    error: null,
    durationMs: 0,
    pushed: []
  };
  try {
    let paths = plan;
    if (target.upstreamKeyNames) {
      const extra = new Set(await target.upstreamKeyNames(options.ctx));
      paths = plan.filter((i) => !isUpstream(i, extra));
    }
    const missing = paths.length === 0 ? /* @__PURE__ */ new Set() : await target.missing(paths, options.ctx);
    const todo = paths.filter((i) => missing.has(i.path));
    report.alreadyPresent = paths.length - todo.length;
    await uploadInOrder(target, todo, options.jobs, options.ctx, report);
    if (target.finish && report.failed.length === 0 && report.blocked === 0) await target.finish(report.pushed, options.ctx);
  } catch (error) {
    report.error = message(error);
  }
  report.durationMs = Date.now() - started;
  return report;
}
async function uploadInOrder(target, todo, jobs, ctx, report) {
  const slots = new Slots(jobs);
  const outcome = /* @__PURE__ */ new Map();
  for (const info of todo) {
    const deps = info.references.filter((r) => r !== info.path).map((r) => outcome.get(r)).filter((p) => p !== void 0);
    outcome.set(
      info.path,
      (async () => {
        const depsOk = (await Promise.all(deps)).every(Boolean);
        if (!depsOk) {
          report.blocked++;
          return false;
        }
        await slots.acquire();
        try {
          ctx.signal.throwIfAborted();
          const { bytes } = await target.upload(info, ctx);
          report.uploaded++;
          report.bytes += bytes;
          report.pushed.push(info);
          return true;
        } catch (error) {
          report.failed.push({ path: info.path, error: message(error) });
          return false;
        } finally {
          slots.release();
        }
      })()
    );
  }
  await Promise.all(outcome.values());
}

// src/watch/batcher.ts
var Batcher = class {
  pending = /* @__PURE__ */ new Set();
  idle = null;
  max = null;
  running = null;
  closed = false;
  idleMs;
  maxMs;
  flush;
  onError;
  constructor(options) {
    this.idleMs = options.idleMs;
    this.maxMs = options.maxMs;
    this.flush = options.flush;
    this.onError = options.onError;
  }
  add(items) {
    if (this.closed) return;
    let added = false;
    for (const item of items) {
      if (!this.pending.has(item)) added = true;
      this.pending.add(item);
    }
    if (!added) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.fire(), this.idleMs);
    this.max ??= setTimeout(() => this.fire(), this.maxMs);
  }
  get size() {
    return this.pending.size;
  }
  /** The batch in flight, if any (resolves when it is done). */
  get busy() {
    return this.running;
  }
  /** For good: no further batch starts; items still pending are dropped (post's diff has them). */
  close() {
    this.closed = true;
    this.clearTimers();
  }
  clearTimers() {
    if (this.idle) clearTimeout(this.idle);
    if (this.max) clearTimeout(this.max);
    this.idle = this.max = null;
  }
  fire() {
    this.clearTimers();
    if (this.closed) return;
    if (this.running) {
      void this.running.then(() => this.pending.size > 0 && this.fire());
      return;
    }
    const items = [...this.pending];
    this.pending.clear();
    if (items.length === 0) return;
    this.running = this.flush(items).catch(this.onError).finally(() => {
      this.running = null;
    });
  }
};

// src/watch/protocol.ts
import { appendFile, readFile, writeFile as writeFile3 } from "node:fs/promises";
import { join as join2 } from "node:path";
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
  storeDir: string2(),
  snapshotFile: string2(),
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
var RecordLine = object({
  /** Target label (as configuredTargets names it). */
  target: string2(),
  /** Full store paths the target now has (uploaded, or found present). */
  paths: array(string2()),
  uploaded: number2().check(int()),
  present: number2().check(int()),
  bytes: number2()
});
async function appendRecord(dir2, line) {
  await appendFile(join2(dir2, WatchFiles.record), `${JSON.stringify(line)}
`, { mode: 384 });
}
async function writeMarker(dir2, name, text) {
  await writeFile3(join2(dir2, name), text, { mode: 384 });
}

// src/watch/store-events.ts
import { watch } from "node:fs";
import { readdir as readdir2 } from "node:fs/promises";
function watchStoreEntries(options) {
  const { storeDir, known, onNames } = options;
  const report = (name) => {
    if (isCandidateEntry(name) && !known.has(name)) onNames([name]);
  };
  let watcher = null;
  try {
    watcher = watch(storeDir, { persistent: true }, (_event, filename) => {
      if (!filename) return;
      const name = filename.toString();
      report(name.endsWith(".lock") ? name.slice(0, -".lock".length) : name);
    });
    watcher.on("error", (error) => {
      watcher?.close();
      watcher = null;
      options.onError(error);
    });
  } catch (error) {
    watcher = null;
    options.onError(error);
  }
  const rescan = async () => {
    const fresh = (await readdir2(storeDir)).filter((n) => isCandidateEntry(n) && !known.has(n));
    if (fresh.length > 0) onNames(fresh);
  };
  const timer = setInterval(() => void rescan().catch(options.onError), options.rescanMs);
  return {
    rescan,
    close() {
      clearInterval(timer);
      watcher?.close();
    },
    get watching() {
      return watcher !== null;
    }
  };
}

// src/watch/run.ts
var log = {
  info: (m) => process.stdout.write(`${(/* @__PURE__ */ new Date()).toISOString()} ${m}
`),
  warning: (m) => process.stdout.write(`${(/* @__PURE__ */ new Date()).toISOString()} warning: ${m}
`),
  debug: () => void 0
};
function message2(error) {
  return error instanceof Error ? error.message : String(error);
}
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
function uploadOnly(target) {
  return {
    label: target.label,
    ...target.upstreamKeyNames ? { upstreamKeyNames: target.upstreamKeyNames.bind(target) } : {},
    missing: target.missing.bind(target),
    upload: target.upload.bind(target)
  };
}
async function runWatcher(dir2) {
  const config2 = WatchConfig.parse(JSON.parse(readFileSync(join3(dir2, WatchFiles.config), "utf8")));
  try {
    setPriority(19);
  } catch {
    log.info("could not lower the CPU priority");
  }
  const settings = parseSettings(withEnvFallbacks(readRawInputs(), process.env));
  const controller = new AbortController();
  const ctx = { signal: controller.signal, log };
  const tempRoot = await mkdtemp2(join3(dir2, "tmp-"));
  const slots = configuredTargets(settings, tempRoot);
  const targets = /* @__PURE__ */ new Map();
  const confirmed = /* @__PURE__ */ new Map();
  const known = new Set((await readFile2(config2.snapshotFile, "utf8")).split("\n"));
  let batches2 = 0;
  let finishing = null;
  const finish = (kind, text) => {
    finishing ??= (async () => {
      events.close();
      batcher.close();
      log.info(kind === "error" ? `stopping after an error: ${text}` : `exiting: ${text}`);
      await writeMarker(dir2, kind === "error" ? WatchFiles.error : WatchFiles.exited, text).catch(() => void 0);
      for (const t of targets.values()) await (await t.catch(() => null))?.dispose?.().catch(() => void 0);
      await rm3(tempRoot, { recursive: true, force: true }).catch(() => void 0);
      process.exit(kind === "error" ? 1 : 0);
    })();
    return finishing;
  };
  const fail = (error) => void finish("error", message2(error));
  const uploadBatch = async (names) => {
    const valid = await validPaths(names.map((n2) => `${config2.storeDir}/${n2}`));
    for (const p of valid) known.add(p.slice(config2.storeDir.length + 1));
    const roots = selectRoots(valid, settings);
    if (roots.length === 0) return;
    const closure = await queryPathInfo(roots, { closure: true });
    const plan = planPush(closure, settings.upstreamKeys);
    const n = ++batches2;
    for (const slot of slots) {
      let target = targets.get(slot.label);
      if (!target) {
        target = slot.create(controller.signal);
        targets.set(slot.label, target);
      }
      const done = confirmed.get(slot.label) ?? /* @__PURE__ */ new Set();
      confirmed.set(slot.label, done);
      const offer = plan.toPush.filter((i) => !done.has(i.path));
      if (offer.length === 0) continue;
      const report = await pushToTarget(uploadOnly(await target), offer, { jobs: settings.jobs, ctx });
      if (report.error || report.failed.length > 0 || report.blocked > 0) {
        const first = report.failed[0];
        throw new Error(`${slot.label}: ${report.error ?? `${report.failed.length} path(s) failed (first: ${first?.path}: ${first?.error})`}`);
      }
      for (const i of offer) done.add(i.path);
      await appendRecord(dir2, { target: slot.label, paths: offer.map((i) => i.path), uploaded: report.uploaded, present: report.alreadyPresent, bytes: report.bytes });
      log.info(`batch ${n}: ${roots.length} new path(s), ${offer.length} offered to ${slot.label}: ${report.uploaded} uploaded, ${report.alreadyPresent} already there`);
    }
  };
  const batcher = new Batcher({ idleMs: config2.idleMs, maxMs: config2.maxBatchMs, flush: uploadBatch, onError: fail });
  const events = watchStoreEntries({
    storeDir: config2.storeDir,
    known,
    rescanMs: config2.rescanMs,
    onNames: (names) => batcher.add(names),
    onError: (error) => log.warning(`store watch: ${message2(error)} (periodic rescans go on)`)
  });
  process.on("SIGTERM", () => {
    log.info("stop requested");
    batcher.close();
    const busy = batcher.busy;
    if (!busy) void finish("exited", "stopped by the post step");
    else {
      const grace = setTimeout(() => {
        void finish("exited", "stopped by the post step; the upload in flight was abandoned");
        controller.abort(new Error("stopped by the post step"));
      }, config2.stopGraceMs);
      void busy.then(() => {
        clearTimeout(grace);
        return finish("exited", "stopped by the post step");
      });
    }
  });
  process.on("uncaughtException", fail);
  process.on("unhandledRejection", fail);
  const started = Date.now();
  setInterval(() => {
    if (!alive(config2.parentPid)) void finish("exited", `the runner process ${config2.parentPid} is gone`);
    if (Date.now() - started > config2.maxLifetimeMs) void finish("exited", "maximum lifetime reached");
  }, 2e3);
  await writeMarker(dir2, WatchFiles.ready, String(process.pid));
  log.info(`watching ${config2.storeDir} (${events.watching ? "fs events" : "rescans only"}; batches ${config2.idleMs} ms idle / ${config2.maxBatchMs} ms max) for ${slots.map((s) => s.label).join(", ")}`);
  await events.rescan();
}

// src/watch.ts
var dir = process.argv[2];
if (!dir) {
  process.stderr.write("usage: watch.js <dir>\n");
  process.exit(2);
}
await runWatcher(dir);
