// A narrow logging surface so pure modules and tests need not know about the runner.
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}
