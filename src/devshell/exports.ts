// What of a dev shell's environment later steps of the job get: the variables a command run in the
// shell would see that differ from the step's own, minus what belongs to one shell process or to
// the builder (temp dirs, HOME, TERM…) or to the runner, and PATH as entries to prepend.

export interface ShellExports {
  /** Name → value, for GITHUB_ENV. */
  variables: Map<string, string>;
  /** Directories the shell put on PATH, in the order PATH should list them (first wins). */
  path: string[];
  /** Changed or new variables not exported, with why (for the debug log). */
  leftOut: Map<string, string>;
  /** Variables the shell removed: later steps still have them (a file command cannot unset). */
  unset: string[];
}

/** One shell process's or one build's own: they must not follow the job into later steps. */
const PER_PROCESS = new Map<string, string>([
  ['NIX_BUILD_TOP', "the shell's temporary build directory"],
  ['TMP', "the shell's temporary directory"],
  ['TMPDIR', "the shell's temporary directory"],
  ['TEMP', "the shell's temporary directory"],
  ['TEMPDIR', "the shell's temporary directory"],
  ['HOME', "the builder's home"],
  ['TERM', "the builder's terminal"],
  ['SHELL', "the builder's shell"],
  ['PWD', 'the working directory of one shell'],
  ['OLDPWD', 'the working directory of one shell'],
  ['SHLVL', 'bash-internal'],
  ['_', 'bash-internal'],
  ['NIX_GCROOT', "nix develop's own"],
  ['NIX_LOG_FD', "the builder's log"],
  ['NIX_REMOTE', "the builder's store connection"],
  ['NIX_ENFORCE_PURITY', 'a build setting'],
  ['SSL_CERT_FILE', "the builder's certificates"],
  // The runner refuses it from GITHUB_ENV (it would reach every later action's node).
  ['NODE_OPTIONS', 'the runner does not accept it from GITHUB_ENV'],
]);

/** Names the runner owns: a shell must not redirect the job's own files or identity. */
const RUNNER_OWNED = /^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|STATE_)|^CI$/;

/** Builds write `/no-cert-file.crt` here; exported, it would break TLS in every later step. */
const NO_CERT_FILE = '/no-cert-file.crt';

function whyLeftOut(name: string, value: string): string | null {
  const fixed = PER_PROCESS.get(name);
  if (fixed) return fixed;
  if (RUNNER_OWNED.test(name)) return "the runner's own";
  if (value === NO_CERT_FILE) return `the builder's placeholder ${NO_CERT_FILE}`;
  return null;
}

const entries = (list: string | undefined): string[] => (list ?? '').split(':').filter((e) => e !== '');

export function shellExports(before: Readonly<Record<string, string>>, after: ReadonlyMap<string, string>): ShellExports {
  const result: ShellExports = { variables: new Map(), path: [], leftOut: new Map(), unset: [] };
  for (const [name, value] of after) {
    if (name === 'PATH' || before[name] === value) continue;
    const why = whyLeftOut(name, value);
    if (why) result.leftOut.set(name, why);
    else result.variables.set(name, value);
  }
  const had = new Set(entries(before['PATH']));
  const added = [...new Set(entries(after.get('PATH')).filter((e) => !had.has(e)))];
  // A GITHUB_PATH entry is one line.
  for (const e of added.filter((e) => /[\r\n]/.test(e))) result.leftOut.set(`PATH entry ${JSON.stringify(e)}`, 'it has a line break');
  result.path = added.filter((e) => !/[\r\n]/.test(e));
  result.unset = Object.keys(before).filter((name) => !after.has(name) && whyLeftOut(name, before[name] ?? '') === null).sort();
  return result;
}
