// Small text files (nix.conf, netrc) read synchronously: the main step has no other I/O to overlap
// with, and node:fs/promises alone would cost it ~2 ms to load (bench/, "main step").
import { readFileSync } from 'node:fs';

/** The file's text, or '' when it cannot be read (absent, unreadable). */
export function readTextIfPresent(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
