// A dev shell's environment as `nix print-dev-env` / `nix develop` store it: the `…-env` store path
// is one JSON file written by Nix's get-env.sh inside the shell's derivation, after stdenv's setup:
// `variables` (each exported, var, array, associative — or, from older Nix, unknown), and
// `bashFunctions` (name → body), with `structuredAttrs` when the derivation used them.
// It comes from another machine's build (a published pin), so it is validated where it enters:
// every name that ends up in bash code must be a plain name.
import { z } from 'zod';

const StringVariable = z.object({ type: z.enum(['exported', 'var']), value: z.string() });
const Variable = z.union([
  StringVariable,
  z.object({ type: z.literal('array'), value: z.array(z.string()) }),
  z.object({ type: z.literal('associative'), value: z.record(z.string(), z.string()) }),
  // get-env.sh of older Nix prints readonly/integer/… variables as this; Nix skips them too.
  z.object({ type: z.literal('unknown') }),
]);

/** Bash variable names (what `declare` accepts); anything else would be code in our script. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Bash function names: no blanks, quotes or shell metacharacters. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_:.@+-]*$/;

const BuildEnvironmentJson = z.object({
  variables: z.record(z.string(), Variable),
  bashFunctions: z.record(z.string(), z.string()),
  structuredAttrs: z.object({ '.attrs.sh': z.string(), '.attrs.json': z.string() }).optional(),
});
export type BuildEnvironment = z.infer<typeof BuildEnvironmentJson>;
export type EnvVariable = z.infer<typeof Variable>;

export class NotADevShellError extends Error {
  constructor(what: string, reason: string) {
    super(`${what} is not a dev-shell environment (${reason})`);
    this.name = 'NotADevShellError';
  }
}

/** Parses an `…-env` file; `what` names it in errors. Requires `outputs`, as `nix develop` does. */
export function parseBuildEnvironment(text: string, what: string): BuildEnvironment {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NotADevShellError(what, 'not JSON');
  }
  const parsed = BuildEnvironmentJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NotADevShellError(what, `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'unexpected shape'}`);
  }
  const badVariable = Object.keys(parsed.data.variables).find((n) => !VARIABLE_NAME.test(n));
  if (badVariable !== undefined) throw new NotADevShellError(what, `${JSON.stringify(badVariable)} is not a bash variable name`);
  const badFunction = Object.keys(parsed.data.bashFunctions).find((n) => !FUNCTION_NAME.test(n));
  if (badFunction !== undefined) throw new NotADevShellError(what, `${JSON.stringify(badFunction)} is not a plain bash function name`);
  if (!parsed.data.variables['outputs']) throw new NotADevShellError(what, "it has no 'outputs' variable");
  return parsed.data;
}

export function stringValue(env: BuildEnvironment, name: string): string | null {
  const v = env.variables[name];
  return v && (v.type === 'exported' || v.type === 'var') ? v.value : null;
}

/** The platform the shell was built for (`system`), as Nix reads it; null when it says none. */
export function environmentSystem(env: BuildEnvironment): string | null {
  return stringValue(env, 'system');
}

/**
 * Output name → the store path the builder had for it. `nix develop` points these at
 * `./outputs/<name>` so an install phase run in the shell never writes to the store.
 */
export function outputPaths(env: BuildEnvironment): Map<string, string> {
  const outputs = env.variables['outputs'];
  const map = new Map<string, string>();
  // Output names become path components below the workspace: plain names only.
  const plain = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);
  if (outputs?.type === 'associative') {
    for (const [name, path] of Object.entries(outputs.value)) if (plain(name)) map.set(name, path);
  } else if (outputs?.type === 'array' || outputs?.type === 'exported' || outputs?.type === 'var') {
    const names = outputs.type === 'array' ? outputs.value : outputs.value.split(/\s+/).filter(Boolean);
    for (const name of names.filter(plain)) {
      const path = stringValue(env, name);
      if (path !== null) map.set(name, path);
    }
  }
  return map;
}
