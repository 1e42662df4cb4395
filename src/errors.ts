// Error types shared across layers. A leaf (as detsys-ts src/errors.ts): the HTTP layer, the cache
// clients and the push backends all raise these without importing each other.
import { serverText } from './server-text.ts';

/** Every bad input at once, each line naming its input; main fails with it before changing anything. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid input:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** An error the user can act on; `transient` ones are retried within the time budget. */
export class PushError extends Error {
  readonly transient: boolean;
  constructor(message: string, transient: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PushError';
    this.transient = transient;
  }
}

/** A command that exited non-zero; carries its stderr (exec's own rejection names only the code). */
export class CommandError extends Error {
  readonly code: number | null;
  readonly stderr: string;
  constructor(command: string, code: number | null, stderr: string) {
    // stderr can carry a server's text: each line is made unable to act as a workflow command.
    const tail = stderr.trim().split('\n').slice(-5).map((line) => serverText(line, 500));
    super(`${command} failed (exit ${code ?? 'signal'}): ${tail.join('\n')}`);
    this.name = 'CommandError';
    this.code = code;
    this.stderr = stderr;
  }
}
