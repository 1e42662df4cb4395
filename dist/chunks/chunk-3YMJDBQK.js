import {
  getInput,
  setSecret
} from "./chunk-A7N4CZIB.js";
import {
  parsePublicKey,
  parseSecretKey,
  secretKeyFromBytes,
  signatureKeyName
} from "./chunk-D6XC7FMD.js";

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
function attempt(parse, text, problem) {
  try {
    return parse(text);
  } catch (error) {
    problem(error.message);
    return null;
  }
}
var trimmed = (s) => s.trim();
var list = (s) => words(s);
var publicKeys = (s, problem) => words(s).flatMap((k) => attempt(parsePublicKey, k, problem) ?? []);
var optionalPublicKey = (s, problem) => s.trim() === "" ? null : attempt(parsePublicKey, s, problem);
var optionalSecretKey = (s, problem) => s.trim() === "" ? null : attempt(parseSecretKey, s, problem);
var cachixSigningKey = (s, problem) => {
  const text = s.trim();
  if (text === "") return null;
  if (text.includes(":")) {
    problem('expected the base64 secret key Cachix shows (no "name:" prefix)');
    return null;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    problem("expected base64 text");
    return null;
  }
  return attempt((t) => secretKeyFromBytes("cachix", Buffer.from(t, "base64")), text, problem);
};
var httpUrl = (s, problem) => {
  let url;
  try {
    url = new URL(s);
  } catch {
    problem(`"${s}" is not a URL`);
    return "";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") problem(`"${s}" must be an http:// or https:// URL`);
  return s.replace(/\/+$/, "");
};
var SUBSTITUTER_SCHEMES = ["http:", "https:", "file:", "s3:", "ssh:", "ssh-ng:", "daemon:", "local:"];
var PUSH_SCHEMES = ["http:", "https:", "file:", "s3:", "ssh:", "ssh-ng:"];
function storeUrls(schemes) {
  return (s, problem) => words(s).map((u) => {
    if (!schemes.includes(URL.parse(u)?.protocol ?? "")) {
      problem(`"${u}" is not a supported store URL (expected ${schemes.map((p) => `${p}//\u2026`).join(", ")})`);
    }
    return u;
  });
}
function optional(parse) {
  return (s, problem) => s.trim() === "" ? "" : parse(s.trim(), problem);
}
function matching(pattern, expected) {
  return (s, problem) => {
    if (!pattern.test(s)) problem(expected);
    return s;
  };
}
var atticCache = matching(/^[A-Za-z0-9][A-Za-z0-9-_+]{0,49}$/, 'an attic cache name is 1\u201350 letters, digits, "-", "_" or "+", starting with a letter or digit');
var cachixName = matching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)");
var bool = (name) => (s, problem) => {
  const v = s.trim().toLowerCase();
  if (v !== "true" && v !== "false") problem(`${name} takes true or false, not "${s}"`);
  return v === "true";
};
var integer = (min, max) => (s, problem) => {
  const n = Number(s.trim());
  if (!/^\d+$/.test(s.trim()) || !Number.isSafeInteger(n) || n < min || n > max) problem(`expected a whole number from ${min} to ${max}, not "${s}"`);
  return n;
};
var regexes = (s, problem) => lines(s).map((source) => {
  try {
    return new RegExp(source);
  } catch (error) {
    problem(`"${source}" is not a valid regular expression: ${error.message}`);
    return /$^/;
  }
});
var branchGlobs = (s, problem) => {
  const globs = words(s);
  for (const g of globs) if (/[\s~^:?\\]|\.\.|@\{/.test(g.replace(/\?/g, ""))) problem(`"${g}" is not a branch name or glob`);
  return globs;
};
var keyNames = (s, problem) => {
  const names = words(s);
  for (const n of names) if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(n)) problem(`"${n}" is not a key name (the part before ":" in a key)`);
  return names;
};
var pins = (s, problem) => lines(s).map((line) => {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*=\s*(\S+)(?:\s+keep=(\S+))?$/.exec(line);
  if (!m?.[1] || !m[2]) {
    problem(`"${line}" is not "name=path-or-installable [keep=days:N|revisions:N|forever]"`);
    return { name: "", target: "", keep: null };
  }
  const keepText = m[3];
  let keep = null;
  if (keepText === "forever") keep = { tag: "Forever" };
  else if (keepText) {
    const k = /^(days|revisions):([1-9]\d*)$/.exec(keepText);
    if (!k?.[1] || !k[2]) problem(`keep "${keepText}" must be days:N, revisions:N or forever`);
    else keep = { tag: k[1] === "days" ? "Days" : "Revisions", contents: Number(k[2]) };
  }
  return { name: m[1], target: m[2], keep };
});
var pushMode = (s, problem) => {
  const v = s.trim().toLowerCase();
  if (v === "auto" || v === "true" || v === "false") return v;
  problem(`expected auto, true or false, not "${s}"`);
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
  for (const [name, [parse, fallback]] of Object.entries(table)) {
    const text = raw[name];
    parsed[name] = parse(text === void 0 || text.trim() === "" ? fallback : text, (message2) => problems.push(`${name}: ${message2}`));
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

// src/inputs.ts
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

export {
  Outputs,
  State,
  withEnvFallbacks,
  parseSettings,
  readRawInputs,
  loadSettings,
  selectRoots,
  planPush,
  pushToTarget
};
