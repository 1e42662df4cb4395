// src/constants.ts
var Inputs = {
  Substituters: "substituters",
  TrustedPublicKeys: "trusted-public-keys",
  Cachix: "cachix",
  CachixAuthToken: "cachix-auth-token",
  CachixSigningKey: "cachix-signing-key",
  CachixPublicKey: "cachix-public-key",
  CachixApiUrl: "cachix-api-url",
  CachixPins: "cachix-pins",
  CachixChunkSize: "cachix-chunk-size",
  AtticEndpoint: "attic-endpoint",
  AtticCache: "attic-cache",
  AtticToken: "attic-token",
  AtticPublicKey: "attic-public-key",
  PushTo: "push-to",
  SigningKey: "signing-key",
  Push: "push",
  PushBranches: "push-branches",
  Paths: "paths",
  Include: "include",
  Exclude: "exclude",
  UpstreamKeys: "upstream-keys",
  Jobs: "jobs",
  PushTimeout: "push-timeout",
  Strict: "strict",
  Fallback: "fallback",
  RequireSubstituted: "require-substituted",
  PushWhileBuilding: "push-while-building"
};
var SecretInputs = [
  Inputs.CachixAuthToken,
  Inputs.CachixSigningKey,
  Inputs.AtticToken,
  Inputs.SigningKey
];
var SecretEnvFallbacks = {
  [Inputs.CachixAuthToken]: "CACHIX_AUTH_TOKEN",
  [Inputs.CachixSigningKey]: "CACHIX_SIGNING_KEY",
  [Inputs.AtticToken]: "ATTIC_TOKEN"
};
var Outputs = {
  Substituters: "substituters",
  Pushed: "pushed",
  PushStatus: "push-status"
};
var State = {
  /** The main step's hand-over to post (JSON, see state.ts); absent means post has nothing to do. */
  Main: "main"
};

export {
  Inputs,
  SecretInputs,
  SecretEnvFallbacks,
  Outputs,
  State
};
