// The store directory as Nix has it (`builtins.storeDir`): /nix/store unless the machine's Nix was
// built or configured for another (NIX_STORE_DIR, a `store` setting with `?store=`). The post step
// reads that directory for the job's new paths, and caches it pushes to must name it in
// nix-cache-info; assuming /nix/store would push nothing, or a cache Nix refuses.
import * as z from 'zod';
import { NIX_COMMAND, run } from './command.ts';

const StoreDir = z.string().check(z.regex(/^\/[^\s]*[^\s/]$/, 'an absolute path without spaces or a trailing slash'));

let asked: Promise<string> | null = null;

/** Asked once per process (a Nix start, ~30 ms). */
export function storeDir(): Promise<string> {
  asked ??= run('nix', [...NIX_COMMAND, 'eval', '--raw', '--expr', 'builtins.storeDir']).then(({ stdout }) => {
    const parsed = StoreDir.safeParse(stdout.trim());
    if (!parsed.success) throw new Error(`Nix reported a store directory that is not usable: ${JSON.stringify(stdout.slice(0, 200))}`);
    return parsed.data;
  });
  return asked;
}
