// Any other Nix store URL (s3://, ssh://, ssh-ng://, binary caches with options we do not write
// natively) through `nix copy`. A real store, and Nix's binary-cache writer, refuse a path whose
// references are missing there, so `nix copy` also sends the upstream-signed references the
// target lacks: the one place where the upstream filter cannot hold.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NIX_COMMAND, runAbortable } from '../nix/command.ts';
import type { SecretKey } from '../nix/keys.ts';
import type { PathInfo } from '../nix/path-info.ts';
import { renderNetrc, withoutCredentials, type NetrcEntry } from '../configure/netrc.ts';
import { redactUrl } from '../http.ts';
import { PushError } from '../errors.ts';
import { serverText } from '../server-text.ts';
import type { PushContext, PushTarget, UploadResult } from './target.ts';

export class NixCopyTarget implements PushTarget {
  readonly label: string;
  /** The URL without credentials: what goes on `nix copy`'s command line (visible in `ps`, logs). */
  private readonly url: string;
  /** Credentials of the URL, for a netrc Nix reads instead. */
  private readonly netrc: NetrcEntry[];
  private readonly signingKey: SecretKey | null;
  private readonly tempRoot: string;
  private keyDir: string | null = null;

  /** Nix reads the signing key and any URL credentials from 0600 files that live only for the push. */
  constructor(url: string, options: { signingKey: SecretKey | null; tempRoot: string }) {
    const plain = withoutCredentials(url);
    this.url = plain.url;
    this.netrc = plain.netrc;
    this.label = redactUrl(url);
    this.signingKey = options.signingKey;
    this.tempRoot = options.tempRoot;
  }

  private async dir(): Promise<string> {
    if (this.keyDir) return this.keyDir;
    const dir = await mkdtemp(join(this.tempRoot, 'sign-'));
    this.keyDir = dir;
    if (this.signingKey) await writeFile(join(dir, 'key'), this.signingKey.text, { mode: 0o600 });
    if (this.netrc.length > 0) await writeFile(join(dir, 'netrc'), renderNetrc(this.netrc), { mode: 0o600 });
    return dir;
  }

  /** `--store`/`--to` URL (with the key file) and the options that point Nix at the netrc. */
  async storeArgs(): Promise<{ url: string; options: string[] }> {
    const dir = await this.dir();
    const options = this.netrc.length > 0 ? ['--option', 'netrc-file', join(dir, 'netrc')] : [];
    if (!this.signingKey) return { url: this.url, options };
    const u = new URL(this.url);
    u.searchParams.set('secret-key', join(dir, 'key'));
    return { url: u.href, options };
  }

  async missing(paths: readonly PathInfo[], ctx: PushContext): Promise<ReadonlySet<string>> {
    const { options } = await this.storeArgs();
    const { stdout, stderr, code } = await runAbortable('nix-store', [...options, '--store', this.url, '--check-validity', '--print-invalid', ...paths.map((p) => p.path)], ctx.signal);
    if (code !== 0) throw new PushError(`cannot query ${this.label}: ${serverText(stderr.trim().split('\n').pop() ?? '')}`, true);
    return new Set(stdout.split('\n').filter(Boolean));
  }

  async upload(info: PathInfo, ctx: PushContext): Promise<UploadResult> {
    const { url, options } = await this.storeArgs();
    const { code, stderr } = await runAbortable('nix', [...NIX_COMMAND, ...options, 'copy', '--to', url, info.path], ctx.signal);
    if (code !== 0) throw new PushError(`nix copy of ${info.path} to ${this.label} failed: ${serverText(stderr.trim().split('\n').slice(-3).join(' '))}`, false);
    return { bytes: info.narSize };
  }

  /** Removes the key and netrc files; called after the push whatever happened. */
  async dispose(): Promise<void> {
    if (this.keyDir) await rm(this.keyDir, { recursive: true, force: true });
    this.keyDir = null;
  }
}
