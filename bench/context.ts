import type { Nginx } from '../test/harness/nginx.ts';
import type { KeyPair } from '../test/harness/nix.ts';

export interface BenchContext {
  nginx: Nginx;
  /** Signs what the action and `nix copy` upload. */
  key: KeyPair;
  /** Named `cache.nixos.org-1`: paths signed with it count as upstream. */
  upstreamKey: KeyPair;
  scratch: string;
  benchDir: string;
  runs: number;
}
