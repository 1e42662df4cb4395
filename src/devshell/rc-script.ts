// The bash script that puts a command where `nix develop ENV -c COMMAND` puts it: the same steps
// as Nix's own rc script (src/nix/develop.cc, makeRcScript) — the environment's variables and
// functions over the caller's, the caller's PATH and XDG_DATA_DIRS kept behind the shell's, a fresh
// NIX_BUILD_TOP, the shellHook — but instead of the command, a dump of every exported variable
// (what a command would inherit) to a file, NUL-separated so any value survives.
import type { BuildEnvironment } from './environment.ts';
import { outputPaths, stringValue } from './environment.ts';

/** Variables Nix never carries from the environment into the shell (develop.cc `ignoreVars`). */
export const NIX_IGNORED_VARIABLES: ReadonlySet<string> = new Set([
  'BASHOPTS', 'HOME', 'NIX_BUILD_TOP', 'NIX_ENFORCE_PURITY', 'NIX_LOG_FD', 'NIX_REMOTE', 'PPID',
  'SHELLOPTS', 'SSL_CERT_FILE', 'TEMP', 'TEMPDIR', 'TERM', 'TMP', 'TMPDIR', 'TZ', 'UID',
]);

/** Colon lists the shell prepends to instead of replacing, so the caller's tools stay usable. */
const SAVED_LISTS = ['PATH', 'XDG_DATA_DIRS'];

export interface ScriptPlaces {
  /** The directory the shell runs in: outputs are redirected to `<cwd>/outputs/<name>`. */
  cwd: string;
  /** NIX_BUILD_TOP and TMP… while the hook runs (Nix makes one with mktemp). */
  buildTop: string;
  /** Where structured-attrs files go (they must outlive the step: later steps may read them). */
  attrsDir: string;
  /** Where the exported variables are dumped. */
  dumpFile: string;
}

export interface EnterScript {
  script: string;
  /** Files to write before running the script: path → content. */
  files: Map<string, string>;
}

/** Bash single-quoting, as Nix's escapeShellArgAlways. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function assignments(env: BuildEnvironment): string[] {
  const out: string[] = [];
  // Nix writes them in its std::map's order (bytewise by name).
  for (const name of Object.keys(env.variables).sort(bytewise)) {
    const v = env.variables[name];
    if (!v || NIX_IGNORED_VARIABLES.has(name)) continue;
    if (v.type === 'exported' || v.type === 'var') {
      out.push(`${name}=${shellQuote(v.value)}`);
      if (v.type === 'exported') out.push(`export ${name}`);
    } else if (v.type === 'array') {
      out.push(`declare -a ${name}=(${v.value.map((s) => `${shellQuote(s)} `).join('')})`);
    } else if (v.type === 'associative') {
      const pairs = Object.entries(v.value).sort(([a], [b]) => bytewise(a, b));
      out.push(`declare -A ${name}=(${pairs.map(([k, s]) => `[${shellQuote(k)}]=${shellQuote(s)} `).join('')})`);
    }
  }
  for (const name of Object.keys(env.bashFunctions).sort(bytewise)) out.push(`${name} ()\n{\n${env.bashFunctions[name] ?? ''}}`);
  return out;
}

function bytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

export function enterScript(env: BuildEnvironment, places: ScriptPlaces): EnterScript {
  // Nothing on stdin (a step has no terminal): a hook that reads gets end of file, never a wait.
  const lines = ['exec < /dev/null', 'unset shellHook'];
  for (const v of SAVED_LISTS) lines.push(`${v}=\${${v}:-}`, `nix_saved_${v}="$${v}"`);
  lines.push(...assignments(env));
  for (const v of SAVED_LISTS) lines.push(`${v}="$${v}\${nix_saved_${v}:+:$nix_saved_${v}}"`);
  lines.push(`export NIX_BUILD_TOP=${shellQuote(places.buildTop)}`);
  for (const v of ['TMP', 'TMPDIR', 'TEMP', 'TEMPDIR']) lines.push(`export ${v}="$NIX_BUILD_TOP"`);
  lines.push('eval "${shellHook:-}"');

  // Store paths the builder wrote to → where a shell user may write (Nix's rewriteStrings).
  const rewrites = new Map<string, string>();
  for (const [name, path] of outputPaths(env)) rewrites.set(path, `${places.cwd}/outputs/${name}`);
  const files = new Map<string, string>();
  if (env.structuredAttrs) {
    for (const [ext, variable] of [['sh', 'NIX_ATTRS_SH_FILE'], ['json', 'NIX_ATTRS_JSON_FILE']] as const) {
      const file = `${places.attrsDir}/.attrs.${ext}`;
      files.set(file, env.structuredAttrs[`.attrs.${ext}`]);
      const inBuilder = stringValue(env, variable);
      if (inBuilder) rewrites.set(inBuilder, file);
    }
  }
  let script = `${lines.join('\n')}\n`;
  for (const [from, to] of rewrites) if (from !== '') script = script.replaceAll(from, to);

  // `builtin`: the shell may define functions named like the commands used here. compgen is in
  // every bash built with readline (runners' bash); stdenv's own bash has none, so say which.
  script += [
    `if ! builtin compgen -e > /dev/null 2>&1; then`,
    `  builtin echo "$BASH (bash $BASH_VERSION) cannot list exported variables (no compgen): put a bash with readline first on PATH" >&2; builtin exit 97`,
    `fi`,
    `{ while IFS= builtin read -r __nsa_name; do`,
    `    if [[ -n "\${!__nsa_name+x}" ]]; then builtin printf '%s=%s\\0' "$__nsa_name" "\${!__nsa_name}"; fi`,
    `  done < <(builtin compgen -e); } > ${shellQuote(places.dumpFile)}`,
    '',
  ].join('\n');
  return { script, files };
}

/** Parses the NUL-separated `NAME=value` records the script dumps. */
export function parseDump(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const record of text.split('\0')) {
    const eq = record.indexOf('=');
    if (eq > 0) vars.set(record.slice(0, eq), record.slice(eq + 1));
  }
  return vars;
}
