// Writing chunks that live in reused buffers (src/nix/nar.ts reads a NAR into two buffers in turn,
// so a multi-gigabyte path costs two megabytes): a chunk may be written only while the next one is
// read, never queued behind it, or the reader would overwrite bytes not yet sent.

/** Anything with Node's `write(chunk, callback)`: streams, sockets, HTTP requests. */
export interface ChunkSink {
  write(chunk: Uint8Array, callback: (error?: Error | null) => void): unknown;
}

/** Resolves once `sink` has taken `chunk` (written it out or processed it), not merely queued it. */
export function written(sink: ChunkSink, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => sink.write(chunk, (error) => (error ? reject(error) : resolve())));
}

/**
 * Writes `chunks` to `sink` one at a time: chunk N is being written while chunk N+1 is read, and
 * N+2 is asked for only once N has been taken. Does not end the sink.
 */
export async function writeInTurn(sink: ChunkSink, chunks: AsyncIterable<Uint8Array>): Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  for await (const chunk of chunks) {
    await previous;
    previous = written(sink, chunk);
    // Awaited on the next turn or after the loop; a failure meanwhile is not "unhandled".
    previous.catch(() => undefined);
  }
  await previous;
}
