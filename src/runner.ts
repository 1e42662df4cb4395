// The two channels a step talks to the GitHub Actions runner through: workflow commands printed on
// stdout (`::add-mask::`, `::warning::`) and file commands appended to the files the runner names
// in GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE and GITHUB_STEP_SUMMARY.
//
// Why not @actions/core: importing it loads @actions/http-client, tunnel and node:https for an OIDC
// helper this action never calls, which costs ~15 ms and ~8 MB in every step (bench/), a third of
// the main step's whole budget. The protocol it speaks is small and stable; this file is all of it
// that the action uses, written to the runner's parsers (test/harness/commands.ts checks the output
// the way actions/runner reads it).
import { appendFileSync, writeSync } from 'node:fs';
import { EOL } from 'node:os';

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes to the step log (fd 1) directly. `process.stdout` on the runner's pipe builds a net.Socket
 * and loads the stream modules (~3 ms, bench/ "main step"); a synchronous write also keeps log lines
 * in order with file commands on every platform. EAGAIN (a non-blocking pipe that is full) is
 * retried: a log line is never dropped.
 */
function print(text: string): void {
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(1, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 5); // let the reader drain the pipe without spinning
    }
  }
}

/** `%`, CR and LF would end or corrupt a command: the runner decodes these escapes. */
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function command(name: string, message: string): void {
  print(`::${name}::${escapeData(message)}${EOL}`);
}

/** The value of input `name` (as `with:` gave it, trimmed), or '' when not given. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** The runner replaces `secret` with *** in every later log line. */
export function setSecret(secret: string): void {
  command('add-mask', secret);
}

export function info(message: string): void {
  print(`${message}${EOL}`);
}

export function debug(message: string): void {
  command('debug', message);
}

export function warning(message: string): void {
  command('warning', message);
}

export function error(message: string): void {
  command('error', message);
}

/** Marks the step failed (exit code 1 once the process ends) and prints why as an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1;
  error(message);
}

/**
 * Appends `name` = `value` to a file command, as a heredoc so values may hold newlines. A value
 * that contains the delimiter is refused, so no value can end its record early and add others;
 * the random part only makes that refusal practically never happen (node:crypto is not needed for
 * it and would cost ~4 ms to load).
 */
function fileCommand(envVar: string, name: string, value: string): void {
  const file = process.env[envVar];
  if (!file) throw new Error(`${envVar} is not set: this step is not running under a GitHub Actions runner`);
  const delimiter = `ghadelimiter_${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`${name}: the value contains the file-command delimiter`);
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8');
}

/** Sets `name` for this step's later code and for every later step of the job. */
export function exportVariable(name: string, value: string): void {
  process.env[name] = value;
  fileCommand('GITHUB_ENV', name, value);
}

export function setOutput(name: string, value: string): void {
  fileCommand('GITHUB_OUTPUT', name, value);
}

/** Hands `value` to this action's post step, which reads it with getState. */
export function saveState(name: string, value: string): void {
  fileCommand('GITHUB_STATE', name, value);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? '';
}

/** Appends Markdown to the job summary page; a no-op outside a runner. */
export function appendSummary(markdown: string): void {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (file) appendFileSync(file, markdown, 'utf8');
}
