import {
  addToSystemConf,
  canSudo,
  configureSummaryMarkdown
} from "./chunk-YLXKZHUV.js";
import {
  NIX_COMMAND,
  run
} from "./chunk-RYJLRJHH.js";
import {
  appendSummary,
  exportVariable,
  info,
  setOutput,
  warning
} from "./chunk-Z7IFXG4U.js";
import {
  Outputs
} from "./chunk-JISXD36P.js";
import {
  parsePublicKey
} from "./chunk-HZFF3K6I.js";
import {
  pipe,
  record,
  string,
  transform,
  unknown
} from "./chunk-PVTLSGZJ.js";

// src/configure/apply.ts
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

// src/configure/access.ts
import { existsSync } from "node:fs";
import { userInfo } from "node:os";

// src/configure/nix-settings.ts
var Settings = pipe(
  record(string(), unknown()),
  transform((doc) => {
    const out = {};
    for (const [k, v] of Object.entries(doc)) out[k] = v !== null && typeof v === "object" && "value" in v ? v.value : v;
    return out;
  })
);
var COMMANDS = [["show-config", "--json"], ["config", "show", "--json"]];
var working = null;
async function readNixSettings(env = process.env) {
  for (const command of working ? [working] : COMMANDS) {
    const { stdout, code } = await run("nix", [...NIX_COMMAND, ...command], { env, allowFailure: true });
    if (code === 0) {
      working = command;
      return Settings.parse(JSON.parse(stdout));
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
  const info2 = userInfo();
  if (!usesDaemon(env, info2.uid === 0, existsSync(DAEMON_SOCKET))) return { kind: "local" };
  if (info2.uid === 0) return { kind: "trusted-daemon" };
  const trustedUsers = stringList((await settings())["trusted-users"]);
  if (isTrusted(info2.username, await userGroups(), trustedUsers)) return { kind: "trusted-daemon" };
  return { kind: "untrusted-daemon", user: info2.username, trustedUsers };
}

// src/configure/caches.ts
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
  const { cacheInfo } = await import("./cachix-api-GBVXL4EK.js");
  const info2 = await cacheInfo(c.apiUrl, c.name, c.authToken, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  const keys = info2.publicSigningKeys.map(parsePublicKey);
  const netrc = !info2.isPublic && c.authToken ? [{ machine: hostOf(info2.uri), password: c.authToken }] : [];
  return { label, urls: [info2.uri.replace(/\/+$/, "")], keys, netrc, how: `key from Cachix (${info2.isPublic ? "public" : "private"} cache)` };
}
async function atticSource(a) {
  const label = `attic:${a.cache}`;
  const netrc = a.token ? [{ machine: hostOf(a.endpoint), password: a.token }] : [];
  if (a.publicKey) return { label, urls: [`${a.endpoint}/${a.cache}`], keys: [a.publicKey], netrc, how: "key given as input" };
  const { cacheConfig } = await import("./attic-api-ROIGXORT.js");
  const config = await cacheConfig(a.endpoint, a.cache, a.token, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  if (!config.publicKey) throw new Error(`attic cache ${a.cache} reported no public key`);
  const url = (config.substituterEndpoint ?? `${a.endpoint}/${a.cache}`).replace(/\/+$/, "");
  return {
    label,
    urls: [url],
    keys: [config.publicKey],
    netrc: a.token ? [{ machine: hostOf(url), password: a.token }] : [],
    how: `key from attic's cache config (${config.isPublic === false ? "private" : "public"} cache)`
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
  const lines = [];
  if (a.substituters.length > 0) lines.push(`extra-substituters = ${a.substituters.join(" ")}`);
  if (a.keys.length > 0) lines.push(`extra-trusted-public-keys = ${[...new Set(a.keys.map((k) => k.text))].join(" ")}`);
  if (a.fallback) lines.push("fallback = true");
  lines.push(`connect-timeout = ${CONNECT_TIMEOUT}`, `stalled-download-timeout = ${STALLED_DOWNLOAD_TIMEOUT}`);
  if (a.netrcFile) lines.push(`netrc-file = ${a.netrcFile}`);
  return `${lines.join("\n")}
`;
}
function mergeNixConfig(existing, ours) {
  if (!existing?.trim()) return ours;
  return `${existing.replace(/\n*$/, "\n")}${ours}`;
}

// src/configure/apply.ts
function untrustedMessage(access) {
  return [
    `the Nix daemon does not trust user "${access.user}" (trusted-users = ${access.trustedUsers.join(" ") || "(empty)"}), so it would silently ignore the caches,`,
    "and sudo is not available to add them to the system configuration. Either:",
    `  - add "trusted-users = root ${access.user}" to /etc/nix/nix.conf and restart the daemon (the installer option: cachix/install-nix-action "extra_nix_config", DeterminateSystems "extra-conf"), or`,
    "  - allow passwordless sudo for this user, or",
    `  - list the caches in the daemon's own "substituters"/"trusted-public-keys".`
  ].join("\n");
}
async function writeNetrc(dir, entries, currentNetrcFile) {
  const existing = typeof currentNetrcFile === "string" ? await readFile(currentNetrcFile, "utf8").catch(() => "") : "";
  const file = join(dir, "netrc");
  await writeFile(file, renderNetrc(mergeNetrc(parseNetrc(existing), entries)), { mode: 384 });
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
  const access = await detectAccess(nixSettings);
  const { sources, skipped } = await resolveCaches(settings);
  for (const s of skipped) {
    if (settings.strict) throw new Error(`${s.label}: ${s.reason}`);
    warning(`${s.label} is not used for substitution: ${s.reason}`);
  }
  const netrcEntries = sources.flatMap((s) => s.netrc);
  const netrcFile = netrcEntries.length > 0 ? await writeNetrc(dir, netrcEntries, (await nixSettings())["netrc-file"]) : null;
  if (netrcFile) state.files.push(netrcFile);
  const conf = renderNixConf({
    substituters: sources.flatMap((s) => s.urls),
    keys: sources.flatMap((s) => s.keys),
    fallback: settings.fallback,
    netrcFile
  });
  let appliedVia;
  if (access.kind === "untrusted-daemon") {
    if (!await canSudo()) throw new Error(untrustedMessage(access));
    await addToSystemConf(conf);
    state.systemConf = true;
    appliedVia = "/etc/nix/nix.conf with sudo (the daemon does not trust this user), daemon restarted";
    info(`Nix settings added through ${appliedVia}:
${conf}`);
    await requireListed(sources.flatMap((s) => s.urls));
  } else {
    const merged = mergeNixConfig(process.env.NIX_CONFIG, conf);
    exportVariable("NIX_CONFIG", merged);
    appliedVia = access.kind === "local" ? "NIX_CONFIG (single-user store)" : "NIX_CONFIG (the daemon trusts this user)";
    info(`Nix settings added through ${appliedVia}:
${conf}`);
  }
  setOutput(Outputs.Substituters, sources.flatMap((s) => s.urls).join(" "));
  appendSummary(configureSummaryMarkdown(sources, skipped, appliedVia));
}
export {
  configure
};
