// src/nix/snapshot.ts
import { writeFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
var STORE_DIR = "/nix/store";
function isCandidateEntry(name) {
  return !(name.startsWith(".") || name.endsWith(".drv") || name.endsWith(".lock") || name.endsWith(".check") || name.endsWith(".chroot"));
}
function listStore(storeDir = STORE_DIR) {
  return readdir(storeDir);
}
async function writeSnapshot(file, entries) {
  const names = await entries;
  writeFileSync(file, names.join("\n"), { mode: 384 });
  return names.length;
}
async function newEntries(snapshotFile, storeDir = STORE_DIR) {
  const [before, now] = await Promise.all([readFile(snapshotFile, "utf8"), listStore(storeDir)]);
  const old = new Set(before.split("\n"));
  return now.filter((e) => !old.has(e) && isCandidateEntry(e)).map((e) => `${storeDir}/${e}`);
}

export {
  STORE_DIR,
  isCandidateEntry,
  listStore,
  writeSnapshot,
  newEntries
};
