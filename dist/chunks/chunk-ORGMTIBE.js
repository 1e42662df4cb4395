import {
  signatureKeyName
} from "./chunk-HZFF3K6I.js";

// src/push/plan.ts
function selectRoots(paths, filter) {
  return paths.filter(
    (p) => (filter.include.length === 0 || filter.include.some((r) => r.test(p))) && !filter.exclude.some((r) => r.test(p))
  );
}
function isUpstream(info, upstreamKeys) {
  return info.sigs.some((s) => upstreamKeys.has(signatureKeyName(s)));
}
function planPush(closure, upstreamKeys) {
  const keys = new Set(upstreamKeys);
  const upstream = closure.filter((i) => isUpstream(i, keys));
  const rest = closure.filter((i) => !isUpstream(i, keys));
  return { toPush: topoSort(rest), upstream };
}
function topoSort(infos) {
  const byPath = new Map(infos.map((i) => [i.path, i]));
  const done = /* @__PURE__ */ new Set();
  const out = [];
  for (const start of [...infos].sort((a, b) => a.path.localeCompare(b.path))) {
    if (done.has(start.path)) continue;
    const stack = [{ info: start, next: 0 }];
    const onStack = /* @__PURE__ */ new Set([start.path]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ref = top.info.references[top.next++];
      if (ref === void 0) {
        stack.pop();
        onStack.delete(top.info.path);
        done.add(top.info.path);
        out.push(top.info);
        continue;
      }
      const dep = byPath.get(ref);
      if (!dep || done.has(ref) || onStack.has(ref)) continue;
      onStack.add(ref);
      stack.push({ info: dep, next: 0 });
    }
  }
  return out;
}

// src/push/uploader.ts
function message(error) {
  return error instanceof Error ? error.message : String(error);
}
var Slots = class {
  free;
  waiting = [];
  constructor(limit) {
    this.free = limit;
  }
  async acquire() {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise((resolve) => this.waiting.push(resolve));
  }
  release() {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
};
async function pushToTarget(target, plan, options) {
  const started = Date.now();
  const report = {
    label: target.label,
    planned: plan.length,
    alreadyPresent: 0,
    uploaded: 0,
    bytes: 0,
    failed: [],
    blocked: 0,
    error: null,
    durationMs: 0,
    pushed: []
  };
  try {
    let paths = plan;
    if (target.upstreamKeyNames) {
      const extra = new Set(await target.upstreamKeyNames(options.ctx));
      paths = plan.filter((i) => !isUpstream(i, extra));
    }
    const missing = paths.length === 0 ? /* @__PURE__ */ new Set() : await target.missing(paths, options.ctx);
    const todo = paths.filter((i) => missing.has(i.path));
    report.alreadyPresent = paths.length - todo.length;
    await uploadInOrder(target, todo, options.jobs, options.ctx, report);
    if (target.finish && report.failed.length === 0 && report.blocked === 0) await target.finish(report.pushed, options.ctx);
  } catch (error) {
    report.error = message(error);
  }
  report.durationMs = Date.now() - started;
  return report;
}
async function uploadInOrder(target, todo, jobs, ctx, report) {
  const slots = new Slots(jobs);
  const outcome = /* @__PURE__ */ new Map();
  for (const info of todo) {
    const deps = info.references.filter((r) => r !== info.path).map((r) => outcome.get(r)).filter((p) => p !== void 0);
    outcome.set(
      info.path,
      (async () => {
        const depsOk = (await Promise.all(deps)).every(Boolean);
        if (!depsOk) {
          report.blocked++;
          return false;
        }
        await slots.acquire();
        try {
          ctx.signal.throwIfAborted();
          const { bytes } = await target.upload(info, ctx);
          report.uploaded++;
          report.bytes += bytes;
          report.pushed.push(info);
          return true;
        } catch (error) {
          report.failed.push({ path: info.path, error: message(error) });
          return false;
        } finally {
          slots.release();
        }
      })()
    );
  }
  await Promise.all(outcome.values());
}

export {
  selectRoots,
  planPush,
  pushToTarget
};
