// Runs the action's main job locally, the way GitHub's runner would, against real Nix and a real
// nginx binary cache:
//   1. producer job on main: configure → build a "rust toolchain" and a "wasm-bindgen-cli" that
//      refers to it → post step pushes both, signed, to the cache;
//   2. cold consumer job: configure with require-substituted (the verify gate) → build the tool in
//      an empty, separate Nix store, which must substitute everything and build nothing.
// Exits non-zero if any of that does not hold.
import { startNginx } from '../test/harness/nginx.ts';
import { buildFixture, coldStore, generateKey, parseNixLog } from '../test/harness/nix.ts';
import { Job, JOB_NIX_CONF, type StepResult } from '../test/harness/runner.ts';

const say = (line: string) => console.log(`demo: ${line}`);
function check(ok: boolean, what: string, step?: StepResult): void {
  if (ok) return;
  if (step) console.error(step.stdout, step.stderr);
  throw new Error(`demo failed: ${what}`);
}

const cache = await startNginx();
const key = await generateKey('demo-cache-1');
const fixture = await buildFixture({
  name: 'demo',
  build: false,
  graph: { rust_toolchain: {}, wasm_bindgen_cli: { deps: ['rust_toolchain'] }, crate_source: { fixed: true } },
});
try {
  say(`binary cache: ${cache.url} (nginx, HTTP PUT), signing key ${key.name}`);

  const producer = new Job({
    inputs: { substituters: cache.url, 'trusted-public-keys': key.publicKey, 'push-to': cache.url, 'signing-key': key.secretKey },
    ref: 'refs/heads/main',
  });
  try {
    const main = await producer.main();
    check(main.code === 0, 'producer main step', main);
    const build = await producer.exec('nix-build', [fixture.nixFile, '-A', 'wasm_bindgen_cli', '-A', 'crate_source', '--no-out-link']);
    check(build.code === 0, 'producer build', build);
    const post = await producer.post();
    check(post.code === 0 && post.outputs['push-status'] === 'pushed', 'producer post step pushed', post);
    say(`producer on main pushed ${post.outputs.pushed} paths (push-status ${post.outputs['push-status']})`);
    console.log(post.summary);
  } finally {
    producer.dispose();
  }

  // The consumer job's Nix uses a separate, empty store: a runner that has never built anything.
  const cold = coldStore();
  const consumer = new Job({
    inputs: { substituters: cache.url, 'trusted-public-keys': key.publicKey, 'require-substituted': `${fixture.nixFile}#wasm_bindgen_cli` },
    ref: 'refs/pull/1/merge',
    eventName: 'pull_request',
    nixConf: `${JOB_NIX_CONF}store = ${cold.dir}\n`,
  });
  try {
    const main = await consumer.main();
    check(main.code === 0, 'consumer main step (require-substituted)', main);
    say(main.stdout.split('\n').find((l) => l.startsWith('require-substituted')) ?? '');
    const build = await consumer.exec('nix-build', [fixture.nixFile, '-A', 'wasm_bindgen_cli', '--no-out-link', '--max-jobs', '0']);
    const r = parseNixLog(build.stderr);
    check(build.code === 0 && r.built.length === 0 && r.fetched.length === 2, `cold consumer substitutes and builds nothing:\n${build.stderr}`);
    for (const p of r.fetched) say(`cold consumer fetched ${p}`);
    say(`cold consumer built ${r.built.length} derivations: OK`);
    const post = await consumer.post();
    say(`consumer post step: push-status ${post.outputs['push-status']} (pull requests never push)`);
  } finally {
    cold.dispose();
    consumer.dispose();
  }
} finally {
  await cache.stop();
}
