// Types shared across layers, kept here so readers and writers both depend downward.
import type { PublicKey } from './nix/keys.ts';

/** A machine's credentials in a netrc file (read auth for private caches). */
export interface NetrcEntry {
  machine: string;
  login?: string;
  password: string;
}

/** One cache to substitute from, as configure/ resolved it and report.ts shows it. */
export interface CacheSource {
  label: string;
  urls: string[];
  keys: PublicKey[];
  /** Read credentials for private caches. */
  netrc: NetrcEntry[];
  how: string;
  /** What the user should know about this cache (server answers not used). */
  warnings?: string[];
}
