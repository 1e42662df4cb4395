// Any other Nix store URL (s3://, ssh://, ssh-ng://, binary caches with options we do not write
// natively) through `nix copy`. A real store, and Nix's binary-cache writer, refuse a path whose
// references are missing there, so `nix copy` also sends the upstream-signed references the
// target lacks: the one place where the upstream filter cannot hold.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NIX_COMMAND, runAbortable } from '../nix/command.ts';
import type { SecretKey } from '../nix/keys.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { redactUrl } from '../http.ts';
import { PushError } from '../errors.ts';
import type { PushContext, PushTarget, UploadResult } from './target.ts';

export class NixCopyTarget implements PushTarget {
  readonly label: string;
  private readonly url: string;
  private readonly signingKey: SecretKey | null;
    private readonly tempRoot: string;
  private keyDir: string | null = null;

  /** Nix reads the signing key from a 0600 file that lives only for the push. */
  constructor(url: string, options: { signingKey: SecretKey | null; tempRoot: string }) {
    this.url = url;
    this.label = redactUrl(url);
    this.signingKey = options.signingKey;
        this.tempRoot = options.tempRoot;
  }

  private async storeUrl(): Promise<string> {
    if (!this.signingKey) return this.url;
    if (!this.keyDir) {
      this.keyDir = await mkdtemp(join(this.tempRoot, 'sign-'));
      const file = join(this.keyDir, 'key');
      await writeFile(file, this.signingKey.text, { mode: 0o600 });
      await chmod(file, 0o600);
    }
    const u = new URL(this.url);
    u.searchParams.set('secret-key', join(this.keyDir, 'key'));
    return u.href;
  }

  async missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>> {
    const { stdout, stderr, code } = await runAbortable('nix-store', ['--store', this.url, '--check-validity', '--print-invalid', ...paths.map((p) => p.path)], ctx.signal);
    if (code !== 0) throw new PushError(`cannot query ${this.label}: ${stderr.trim().split('\n').pop() ?? ''}`, true);
    return new Set(stdout.split('\n').filter(Boolean));
  }

  async upload(info: PathInfo, ctx: PushContext): Promise<UploadResult> {
    const { code, stderr } = await runAbortable('nix', [...NIX_COMMAND, 'copy', '--to', await this.storeUrl(), info.path], ctx.signal);
    if (code !== 0) throw new PushError(`nix copy of ${info.path} to ${this.label} failed: ${stderr.trim().split('\n').slice(-3).join(' ')}`, false);
    return { bytes: info.narSize };
  }

  /** Removes the key file; called after the push whatever happened. */
  async dispose(): Promise<void> {
    if (this.keyDir) await rm(this.keyDir, { recursive: true, force: true });
    this.keyDir = null;
  }
}
