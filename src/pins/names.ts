// Pin names are Nix attribute names, so every pin is `<set>.NAME` / `URL#NAME` without quoting.
// Kept apart from format.ts so that reading inputs does not load the schema library.
export const PIN_NAME = /^[A-Za-z_][A-Za-z0-9_'-]*$/;

/** A branch name git accepts, kept plain (no `..`, `//`, leading `-` or `/`, trailing `/` or `.lock`). */
export const PLAIN_BRANCH = /^(?!.*\.\.)(?!.*\/\/)(?![/-])(?!.*\/$)(?!.*\.lock$)[A-Za-z0-9._/-]{1,200}$/;
