// Keeps a long NAR stream's memory flat.
//
// Every chunk read from a store path and every chunk zstd writes is a Buffer whose bytes live
// outside the JS heap. The chunks die young, but V8 is slow to notice: its heap barely grows (a
// chunk's JS object is tiny), so no young-generation GC runs, and its external-memory trigger waits
// for 64 MB of them. Streaming a 2 GB path then holds ~60 MB of spent chunks at any time, the
// largest part of the post step's peak memory (bench/, "peak RSS"). A GC every 16 MiB read frees
// them: a few milliseconds each on the step's small heap, well under a second for a 2 GB path.
// (A minor GC is cheaper but, measured, frees only some: chunks that waited in a queue are old.)
//
// `gc` is not exposed to a normal Node process; the flag can be set at run time and the function
// taken from a fresh context. Should that ever fail, streaming works as before, only with more memory.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options?: { type: 'minor' | 'major' }) => void;

let collect: Collect | null | undefined;

function collector(): Collect | null {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collect = typeof gc === 'function' ? (gc as Collect) : null;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Bytes read between two collections: a few dozen chunks of 1 MiB. */
export const COLLECT_EVERY = 16 * 1024 * 1024;
let since = 0;

/** Counts bytes that went through a stream (any stream, any upload) and collects the spent ones. */
export function noteStreamed(bytes: number): void {
  since += bytes;
  if (since < COLLECT_EVERY) return;
  since = 0;
  collector()?.({ type: 'major' });
}
