// Cleanup on every way the post step can end. Besides returning normally, post can be stopped by
// the runner (SIGINT on cancel, SIGTERM ~7.5 s later, then SIGKILL) or by its own hard stop when
// something ignores the push-timeout abort. Each of these runs the same cleanup, once, before the
// process exits: a token in a netrc or a line in nix.conf never outlives the step.
import type { Logger } from './log.ts';

export class ExitGuard {
  private cleaning: Promise<void> | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly handler = (signal: NodeJS.Signals) => void this.stop(`${signal} received (job cancelled?): removing the action's credentials and settings, then stopping`);

  private readonly cleanup: () => Promise<void>;
  private readonly log: Pick<Logger, 'warning'>;
  /** Exit code when the guard ends the process. */
  private readonly code: () => number;
  private readonly exit: (code: number) => void;

  constructor(cleanup: () => Promise<void>, log: Pick<Logger, 'warning'>, code: () => number, exit: (code: number) => void = (c) => process.exit(c)) {
    this.cleanup = cleanup;
    this.log = log;
    this.code = code;
    this.exit = exit;
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  /** Runs the cleanup once; later calls wait for the same run. Failures become warnings. */
  cleanUp(): Promise<void> {
    this.cleaning ??= this.cleanup().catch((error: unknown) => this.log.warning(`cleanup: ${error instanceof Error ? error.message : String(error)}`));
    return this.cleaning;
  }

  /** Says why, cleans up, ends the process. */
  async stop(reason: string): Promise<void> {
    this.log.warning(reason);
    await this.cleanUp();
    this.exit(this.code());
  }

  /**
   * Ends the process (after cleanup) `ms` from now unless disposed first. The timer keeps the
   * process alive on purpose: a push that hangs without any open handle must not let Node exit
   * before the cleanup ran.
   */
  stopAfter(ms: number, reason: string): void {
    this.timers.add(setTimeout(() => void this.stop(reason), ms));
  }

  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    process.off('SIGINT', this.handler);
    process.off('SIGTERM', this.handler);
  }
}
