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

export {
  NIX_COMMAND,
  run,
  nixOnInstallables
};
