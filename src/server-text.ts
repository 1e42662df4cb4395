// Text a server or a child process wrote (error bodies, Nix's stderr) is data. The runner reads a
// workflow command from `::name::` at a line's start and from the legacy `##[name]` anywhere in a
// line, so such text could set outputs, add masks' opposite (stop-commands) or fake annotations.
// Before it is logged it is shortened, put on one line, and both markers are broken.

/** Longest server text kept in a message. */
export const SERVER_TEXT_MAX = 300;

export function serverText(text: string, max = SERVER_TEXT_MAX): string {
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .trim();
  const short = flat.length > max ? `${flat.slice(0, max)}…` : flat;
  // A zero-width space between `::` and inside `##[`: still readable, never a command.
  return short.replace(/:(?=:)/g, ':\u200b').replace(/#(?=#\[)/g, '#\u200b');
}
