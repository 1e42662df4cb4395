import {
  NIX_COMMAND,
  run
} from "./chunk-RYJLRJHH.js";

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

export {
  nixOnInstallables
};
