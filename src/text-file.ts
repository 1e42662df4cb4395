// Small text files that may be absent or unreadable (a nix.conf looked at for its includes).
import { readFileSync } from 'node:fs';

/** The file's text, or '' when it cannot be read (absent, unreadable). */
export function readTextIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
