// The `<hash>.narinfo` text of a binary cache, written by our own uploader and read by the tests'
// protocol doubles and the nginx cache checks.
import { Sha256 } from './hash.ts';
import { baseName } from './path-info.ts';

export interface NarInfo {
  storePath: string;
  url: string;
  compression: string;
  fileHash?: Sha256;
  fileSize?: number;
  narHash: Sha256;
  narSize: number;
  references: string[];
  deriver: string | null;
  sigs: string[];
  ca: string | null;
}

export function renderNarInfo(n: NarInfo): string {
  const lines = [`StorePath: ${n.storePath}`, `URL: ${n.url}`, `Compression: ${n.compression}`];
  if (n.fileHash) lines.push(`FileHash: ${n.fileHash.nix32}`);
  if (n.fileSize !== undefined) lines.push(`FileSize: ${n.fileSize}`);
  lines.push(`NarHash: ${n.narHash.nix32}`, `NarSize: ${n.narSize}`);
  lines.push(`References: ${n.references.map(baseName).sort().join(' ')}`);
  if (n.deriver) lines.push(`Deriver: ${baseName(n.deriver)}`);
  for (const sig of n.sigs) lines.push(`Sig: ${sig}`);
  if (n.ca) lines.push(`CA: ${n.ca}`);
  return `${lines.join('\n')}\n`;
}

export function parseNarInfo(text: string, storeDir = '/nix/store'): NarInfo {
  const fields = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const at = line.indexOf(': ');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 2)]);
  }
  const one = (k: string): string | undefined => fields.get(k)?.[0];
  const need = (k: string): string => {
    const v = one(k);
    if (v === undefined) throw new Error(`narinfo has no ${k}`);
    return v;
  };
  const refs = one('References') ?? '';
  const fileHash = one('FileHash');
  const fileSize = one('FileSize');
  const deriver = one('Deriver');
  return {
    storePath: need('StorePath'),
    url: need('URL'),
    compression: one('Compression') ?? 'bzip2',
    ...(fileHash ? { fileHash: Sha256.parse(fileHash) } : {}),
    ...(fileSize ? { fileSize: Number(fileSize) } : {}),
    narHash: Sha256.parse(need('NarHash')),
    narSize: Number(need('NarSize')),
    references: refs === '' ? [] : refs.split(' ').map((r) => `${storeDir}/${r}`),
    deriver: deriver && deriver !== 'unknown-deriver' ? `${storeDir}/${deriver}` : null,
    sigs: fields.get('Sig') ?? [],
    ca: one('CA') ?? null,
  };
}
