// Streams a store path's NAR from `nix-store --dump`, so a multi-gigabyte path never sits in memory.
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';

/**
 * The NAR of `path` as a stream. The stream errors if nix-store fails, so a consumer that pipes it
 * into an upload sees the failure instead of a silently truncated body.
 */
export function dumpNar(path: string, signal?: AbortSignal): Readable {
  const child = spawn('nix-store', ['--dump', path], { stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
  const stderr: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => stderr.push(d));
  const out = new Readable({ read() {} });
  child.stdout.on('data', (chunk: Buffer) => {
    if (!out.push(chunk)) child.stdout.pause();
  });
  out._read = () => child.stdout.resume();
  out._destroy = (error, callback) => {
    child.kill();
    callback(error);
  };
  child.on('error', (error) => out.destroy(error));
  child.on('close', (code) => {
    if (code === 0) out.push(null);
    else out.destroy(new Error(`nix-store --dump ${path} failed (exit ${code}): ${Buffer.concat(stderr).toString().trim()}`));
  });
  return out;
}
