// The push targets this run has credentials for, built from the settings.
import type { Settings } from '../config.ts';
import { redactUrl } from '../http.ts';
import { resolveInstallables } from '../nix/store.ts';
import { AtticTarget } from './attic.ts';
import { BinaryCacheTarget, supportsNative } from './binary-cache.ts';
import { CachixTarget } from './cachix.ts';
import { NixCopyTarget } from './nix-copy.ts';
import type { PushTarget } from './target.ts';

/** A target, or the reason it could not be set up (reported like a failed push to it). */
export type TargetSlot = { label: string; create: (signal: AbortSignal) => Promise<PushTarget> };

export function configuredTargets(settings: Settings, tempRoot: string): TargetSlot[] {
  const slots: TargetSlot[] = [];
  const { cachix, attic } = settings;
  if (cachix && (cachix.authToken || cachix.signingKey)) {
    slots.push({
      label: `cachix:${cachix.name}`,
      create: (signal) =>
        CachixTarget.create(cachix, signal, {
          resolvePinTarget: async (t) => (await resolveInstallables([t]))[0] ?? t,
        }),
    });
  }
  if (attic?.token) {
    slots.push({ label: `attic:${attic.cache}`, create: async () => new AtticTarget({ endpoint: attic.endpoint, cache: attic.cache, token: attic.token, publicKey: attic.publicKey }) });
  }
  for (const url of settings.pushTo) {
    slots.push({
      label: redactUrl(url),
      create: async () =>
        supportsNative(url)
          ? new BinaryCacheTarget(url, { signingKey: settings.signingKey, compression: (new URL(url).searchParams.get('compression') as 'zstd' | 'none' | null) ?? 'zstd' })
          : new NixCopyTarget(url, { signingKey: settings.signingKey, tempRoot }),
    });
  }
  return slots;
}
