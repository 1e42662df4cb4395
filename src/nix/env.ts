// The environment of every Nix command the action runs. Evaluation can read any variable
// (`builtins.getEnv "INPUT_SIGNING-KEY"` in a `file.nix#attr` installable) and write what it read
// into the store, where the push would publish it: so inputs, state, cache tokens and the runner's
// own tokens are left out.

/** Variables that hold secrets without an INPUT_/STATE_ prefix. */
const SECRET_VARIABLES = new Set([
  'CACHIX_AUTH_TOKEN',
  'CACHIX_SIGNING_KEY',
  'ATTIC_TOKEN',
  'GITHUB_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_ID_TOKEN_REQUEST_URL',
]);

export function isSecretVariable(name: string): boolean {
  return name.startsWith('INPUT_') || name.startsWith('STATE_') || SECRET_VARIABLES.has(name);
}

/** `env` without the variables a Nix evaluation must not see. */
export function nixEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(env)) if (!isSecretVariable(k)) out[k] = v;
  return out;
}
