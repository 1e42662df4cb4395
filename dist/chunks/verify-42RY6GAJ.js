import {
  nixOnInstallables
} from "./chunk-2CPB34Y7.js";

// src/verify.ts
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
var VerifyError = class extends Error {
  constructor(message) {
    super(message);
    this.name = "VerifyError";
  }
};
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
export {
  VerifyError,
  parseDryRun,
  verifySubstituted
};
