// Input, output and state names in one place (actions/cache style), so main, post and the tests
// never spell them twice.
export const Inputs = {
  Substituters: 'substituters',
  TrustedPublicKeys: 'trusted-public-keys',
  Cachix: 'cachix',
  CachixAuthToken: 'cachix-auth-token',
  CachixSigningKey: 'cachix-signing-key',
  CachixPublicKey: 'cachix-public-key',
  CachixApiUrl: 'cachix-api-url',
  CachixPins: 'cachix-pins',
  CachixChunkSize: 'cachix-chunk-size',
  AtticEndpoint: 'attic-endpoint',
  AtticCache: 'attic-cache',
  AtticToken: 'attic-token',
  AtticPublicKey: 'attic-public-key',
  PushTo: 'push-to',
  SigningKey: 'signing-key',
  Push: 'push',
  PushBranches: 'push-branches',
  Paths: 'paths',
  Include: 'include',
  Exclude: 'exclude',
  UpstreamKeys: 'upstream-keys',
  Jobs: 'jobs',
  PushTimeout: 'push-timeout',
  Strict: 'strict',
  Fallback: 'fallback',
  RequireSubstituted: 'require-substituted',
  PushWhileBuilding: 'push-while-building',
  // GitHub Actions cache target (docs/github-cache.md)
  GitHubCache: 'github-cache',
  GitHubCacheSize: 'github-cache-size',
  // Pin sets (docs/pins.md): producer, then consumer.
  Pins: 'pins',
  PinsTo: 'pins-to',
  PinsFrom: 'pins-from',
  Install: 'install',
  // Dev shells on pin sets (docs/dev-shells.md): producer, then consumer.
  DevShells: 'dev-shells',
  DevShell: 'dev-shell',
} as const;
export type InputName = (typeof Inputs)[keyof typeof Inputs];

/** Inputs whose values are secrets: masked before anything else happens. */
export const SecretInputs: readonly InputName[] = [
  Inputs.CachixAuthToken,
  Inputs.CachixSigningKey,
  Inputs.AtticToken,
  Inputs.SigningKey,
];

/** Environment variables users already set for these secrets (cachix-action, attic). */
export const SecretEnvFallbacks: Partial<Record<InputName, string>> = {
  [Inputs.CachixAuthToken]: 'CACHIX_AUTH_TOKEN',
  [Inputs.CachixSigningKey]: 'CACHIX_SIGNING_KEY',
  [Inputs.AtticToken]: 'ATTIC_TOKEN',
};

export const Outputs = {
  Substituters: 'substituters',
  Pushed: 'pushed',
  PushStatus: 'push-status',
  // GitHub Actions cache target: main restores, post saves
  GitHubCacheRestored: 'github-cache-restored',
  GitHubCacheRestoredPaths: 'github-cache-restored-paths',
  GitHubCacheRestoredSize: 'github-cache-restored-size',
  GitHubCacheSaved: 'github-cache-saved',
  GitHubCacheSavedPaths: 'github-cache-saved-paths',
  GitHubCacheSavedSize: 'github-cache-saved-size',
  // Pin sets
  Installed: 'installed',
  PinsStatus: 'pins-status',
  // Dev shells
  DevShell: 'dev-shell',
} as const;

export const State = {
  /** The main step's hand-over to post (JSON, see state.ts); absent means post has nothing to do. */
  Main: 'main',
} as const;
