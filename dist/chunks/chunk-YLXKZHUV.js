import {
  run
} from "./chunk-RYJLRJHH.js";
import {
  setOutput
} from "./chunk-Z7IFXG4U.js";
import {
  Outputs
} from "./chunk-JISXD36P.js";

// src/report.ts
function formatBytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}
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
function pushSummaryMarkdown(s) {
  const out = ["### Nix cache push", "", `Status: **${s.status}**${s.reason ? ` \u2014 ${cell(s.reason)}` : ""}`, ""];
  if (s.status !== "skipped") {
    out.push(`New paths: ${s.newPaths}; closure to consider: ${s.closure}; already upstream (skipped): ${s.upstream}; time: ${(s.durationMs / 1e3).toFixed(1)} s`, "");
  }
  if (s.targets.length > 0) {
    out.push("| target | already present | uploaded | bytes | failed | time |", "|---|---|---|---|---|---|");
    for (const t of s.targets) {
      const failed = t.error ? `error: ${cell(t.error)}` : String(t.failed.length + t.blocked);
      out.push(`| ${cell(t.label)} | ${t.alreadyPresent} | ${t.uploaded} | ${formatBytes(t.bytes)} | ${failed} | ${(t.durationMs / 1e3).toFixed(1)} s |`);
    }
    out.push("");
  }
  return `${out.join("\n")}
`;
}
function setPushOutputs(s) {
  setOutput(Outputs.Pushed, String(s.targets.reduce((n, t) => n + t.uploaded, 0)));
  setOutput(Outputs.PushStatus, s.status);
}

// src/configure/system-conf.ts
import { readFile } from "node:fs/promises";
import { platform } from "node:os";
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
  const original = await readFile(SYSTEM_CONF, "utf8").catch(() => "");
  await sudoWrite(SYSTEM_CONF, withBlock(original, block));
  await restartDaemon();
}
async function restoreSystemConf() {
  const now = await readFile(SYSTEM_CONF, "utf8").catch(() => "");
  if (withoutBlock(now) === now) return;
  await sudoWrite(SYSTEM_CONF, withoutBlock(now));
  await restartDaemon();
}

export {
  configureSummaryMarkdown,
  pushSummaryMarkdown,
  setPushOutputs,
  canSudo,
  addToSystemConf,
  restoreSystemConf
};
