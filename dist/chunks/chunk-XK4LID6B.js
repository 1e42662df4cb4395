import {
  Inputs,
  SecretEnvFallbacks
} from "./chunk-JISXD36P.js";
import {
  parsePublicKey,
  parseSecretKey,
  secretKeyFromBytes
} from "./chunk-HZFF3K6I.js";
import {
  NEVER,
  _regex,
  array,
  pipe,
  string,
  transform
} from "./chunk-PVTLSGZJ.js";

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
function problem(ctx, message) {
  ctx.issues.push({ code: "custom", message, input: ctx.value });
}
function stringTo(fn) {
  return pipe(string(), transform(fn));
}
var list = stringTo(words);
function fromThrowing(parse) {
  return (value, ctx) => {
    try {
      return parse(value);
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
var atticCache = string().check(_regex(CACHE_NAME, 'an attic cache name is 1\u201350 letters, digits, "-", "_" or "+", starting with a letter or digit'));
var cachixName = string().check(_regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "a Cachix cache name is lower-case letters, digits and inner hyphens (it becomes <name>.cachix.org)"));
function optional(schema) {
  return stringTo((s, ctx) => {
    const trimmed = s.trim();
    if (trimmed === "") return "";
    const result = schema.safeParse(trimmed);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problem(ctx, issue.message);
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
var integer = (min, max) => stringTo((s, ctx) => {
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
  [Inputs.Cachix]: [optional(cachixName), ""],
  [Inputs.CachixAuthToken]: [stringTo((s) => s.trim()), ""],
  [Inputs.CachixSigningKey]: [cachixSigningKey, ""],
  [Inputs.CachixPublicKey]: [optionalPublicKey, ""],
  [Inputs.CachixApiUrl]: [httpUrl, DEFAULT_CACHIX_API],
  [Inputs.CachixPins]: [pins, ""],
  [Inputs.CachixChunkSize]: [integer(64 * 1024, 5 * 1024 ** 3), String(DEFAULT_CHUNK_SIZE)],
  [Inputs.AtticEndpoint]: [optional(httpUrl), ""],
  [Inputs.AtticCache]: [optional(atticCache), ""],
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
  for (const [name, [schema, fallback]] of Object.entries(table)) {
    const text = raw[name];
    const result = schema.safeParse(text === void 0 || text.trim() === "" ? fallback : text);
    if (result.success) parsed[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
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

export {
  DEFAULT_CACHIX_API,
  DEFAULT_PUSH_TIMEOUT_SECONDS,
  DEFAULT_CHUNK_SIZE,
  ConfigError,
  words,
  withEnvFallbacks,
  parseSettings
};
