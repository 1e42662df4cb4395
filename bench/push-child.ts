// The post step's push, alone in a process (so its time includes a Node start and its peak memory
// is its own): closure query → plan (upstream filter) → missing query → uploads, with the native
// binary-cache writer. Usage: node bench/push-child.ts JOB.json; prints a JSON result line.
import { readFileSync } from 'node:fs';
import { parseSecretKey } from '../src/nix/keys.ts';
import { queryPathInfo } from '../src/nix/store.ts';
import { BinaryCacheTarget } from '../src/push/binary-cache.ts';
import { planPush } from '../src/push/plan.ts';
import { pushToTarget } from '../src/push/uploader.ts';

interface Job {
  paths: string[];
  url: string;
  secretKey: string;
  jobs: number;
}

const started = performance.now();
const job = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Job;
const closure = await queryPathInfo(job.paths, { closure: true });
const plan = planPush(closure, ['cache.nixos.org-1']);
const target = new BinaryCacheTarget(job.url, { signingKey: parseSecretKey(job.secretKey), compression: 'zstd' });
const log = { info: () => undefined, warning: (m: string) => process.stderr.write(`${m}\n`), debug: () => undefined };
const report = await pushToTarget(target, plan.toPush, { jobs: job.jobs, ctx: { signal: new AbortController().signal, log } });
if (report.error || report.failed.length > 0) {
  process.stderr.write(`push failed: ${report.error ?? JSON.stringify(report.failed.slice(0, 3))}\n`);
  process.exit(1);
}
process.stdout.write(
  `${JSON.stringify({ ms: performance.now() - started, closure: closure.length, upstream: plan.upstream.length, uploaded: report.uploaded, present: report.alreadyPresent, bytes: report.bytes, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
