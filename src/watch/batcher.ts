// Groups bursts of store changes into batches, like attic's watch-store: a batch closes after
// `idleMs` without news or `maxMs` after its first item, so a long build uploads every few seconds
// and a burst of thousands of paths becomes one query and one plan. One batch runs at a time.
export class Batcher<T> {
  private readonly pending = new Set<T>();
  private idle: NodeJS.Timeout | null = null;
  private max: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private readonly idleMs: number;
  private readonly maxMs: number;
  private readonly flush: (items: T[]) => Promise<void>;
  private readonly onError: (error: unknown) => void;

  constructor(options: { idleMs: number; maxMs: number; flush: (items: T[]) => Promise<void>; onError: (error: unknown) => void }) {
    this.idleMs = options.idleMs;
    this.maxMs = options.maxMs;
    this.flush = options.flush;
    this.onError = options.onError;
  }

  add(items: Iterable<T>): void {
    if (this.closed) return;
    let added = false;
    for (const item of items) {
      if (!this.pending.has(item)) added = true;
      this.pending.add(item);
    }
    if (!added) return;
    if (this.idle) clearTimeout(this.idle);
    this.idle = setTimeout(() => this.fire(), this.idleMs);
    this.max ??= setTimeout(() => this.fire(), this.maxMs);
  }

  get size(): number {
    return this.pending.size;
  }

  /** The batch in flight, if any (resolves when it is done). */
  get busy(): Promise<void> | null {
    return this.running;
  }

  /** For good: no further batch starts; items still pending are dropped (post's diff has them). */
  close(): void {
    this.closed = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.max) clearTimeout(this.max);
    this.idle = this.max = null;
  }

  private fire(): void {
    this.clearTimers();
    if (this.closed) return;
    if (this.running) {
      // Items wait for the batch in flight; they go out right after it.
      void this.running.then(() => this.pending.size > 0 && this.fire());
      return;
    }
    const items = [...this.pending];
    this.pending.clear();
    if (items.length === 0) return;
    this.running = this.flush(items)
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }
}
