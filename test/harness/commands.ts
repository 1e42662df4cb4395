// Parsers for the two channels a step talks to the runner through: file commands (GITHUB_ENV,
// GITHUB_STATE, GITHUB_OUTPUT) and workflow commands printed on stdout/stderr (`::add-mask::…`).
// Both follow actions/runner's own parsers so a format bug in the action fails here as it would there.

export class FileCommandError extends Error {
  override name = 'FileCommandError';
}

/**
 * Parses a file-command file: `name=value` lines and `name<<DELIM` … `DELIM` heredocs.
 * As in the runner: empty lines are skipped, whichever of `=` / `<<` comes first decides the form,
 * a missing closing delimiter or a line with neither form is an error, and a later record wins.
 */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const eq = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (eq >= 0 && (heredoc < 0 || eq < heredoc)) {
      const name = line.slice(0, eq);
      if (name === '') throw new FileCommandError(`empty name in file command line ${i + 1}`);
      result[name] = line.slice(eq + 1);
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') throw new FileCommandError(`invalid heredoc at line ${i + 1}: ${line}`);
      const value: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        if (lines[i] === delimiter) {
          closed = true;
          break;
        }
        value.push(lines[i] ?? '');
      }
      if (!closed) throw new FileCommandError(`matching delimiter not found for ${name}<<${delimiter}`);
      result[name] = value.join('\n');
    } else {
      throw new FileCommandError(`invalid file command line ${i + 1}: ${line}`);
    }
  }
  return result;
}

/** GITHUB_PATH: one directory per non-empty line, in the order written. */
export function parsePathFile(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

export interface WorkflowCommand {
  /** e.g. `add-mask`, `warning`, `error`, `notice`, `debug`, `group`. */
  command: string;
  /** `key=value` pairs between the command name and `::`, unescaped. */
  properties: Record<string, string>;
  /** The text after `::`, unescaped (`%25` `%0D` `%0A`). */
  message: string;
}

// @actions/core escapes data as %25 %0D %0A, and property values additionally as %3A %2C.
function unescapeData(s: string): string {
  return s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return unescapeData(s.replace(/%3A/gi, ':').replace(/%2C/gi, ','));
}

/**
 * Extracts `::command key=v,…::message` lines (leading whitespace allowed, like the runner).
 * Honours `::stop-commands::TOKEN` … `::TOKEN::`, during which nothing is a command.
 */
export function parseWorkflowCommands(text: string): WorkflowCommand[] {
  const found: WorkflowCommand[] = [];
  let stopToken: string | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimStart();
    if (!line.startsWith('::')) continue;
    if (stopToken !== null) {
      if (line === `::${stopToken}::`) stopToken = null;
      continue;
    }
    const end = line.indexOf('::', 2);
    if (end < 0) continue;
    const head = line.slice(2, end);
    const message = unescapeData(line.slice(end + 2));
    const space = head.indexOf(' ');
    const command = space < 0 ? head : head.slice(0, space);
    if (command === '') continue;
    const properties: Record<string, string> = {};
    if (space >= 0) {
      for (const pair of head.slice(space + 1).split(',')) {
        const eq = pair.indexOf('=');
        if (eq > 0) properties[pair.slice(0, eq).trim()] = unescapeProperty(pair.slice(eq + 1));
      }
    }
    if (command === 'stop-commands') {
      stopToken = message;
      continue;
    }
    found.push({ command, properties, message });
  }
  return found;
}
