// Reads the `inputs:` block of action.yml without a YAML library (none is allowed as a dependency).
// Handles what action metadata uses: `name:` keys, a `default:` that is a plain, quoted or block
// (`|` / `>`) scalar. The runner sets INPUT_<NAME> for every declared input: the given value, else
// the default, else ''. Of `${{ … }}` defaults only `github.token` is known here (env GITHUB_TOKEN).
import { existsSync, readFileSync } from 'node:fs';

export interface DeclaredInput {
  name: string;
  /** Raw default from action.yml, or undefined when there is none. */
  default: string | undefined;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return JSON.parse(t) as string;
  return t.replace(/\s+#.*$/, ''); // plain scalar: drop a trailing comment
}

export function parseActionInputs(text: string): DeclaredInput[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^inputs:\s*(#.*)?$/.test(l));
  if (start < 0) return [];
  const inputs: DeclaredInput[] = [];
  let keyIndent = -1;
  let current: DeclaredInput | null = null;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = indentOf(line);
    if (indent === 0) break; // next top-level key
    if (keyIndent < 0) keyIndent = indent;
    // `key: value`; a plain key may contain spaces (`skip push:`), a key ends at `:` + space/EOL.
    const key = /^\s*('[^']+'|"[^"]+"|[^\s'"#][^:]*?):(?:\s+(.*))?$/.exec(line);
    if (indent === keyIndent && key) {
      current = { name: unquote(key[1] ?? ''), default: undefined };
      inputs.push(current);
      continue;
    }
    if (current && key && key[1] === 'default') {
      const value = (key[2] ?? '').trim();
      if (/^[|>][+-]?$/.test(value)) {
        // Block scalar: the following more-indented lines.
        const block: string[] = [];
        let blockIndent = -1;
        for (i++; i < lines.length; i++) {
          const b = lines[i] ?? '';
          if (b.trim() !== '' && indentOf(b) <= indent) break;
          if (blockIndent < 0 && b.trim() !== '') blockIndent = indentOf(b);
          block.push(b.slice(Math.max(blockIndent, 0)));
        }
        i--;
        const joined = value.startsWith('>') ? block.join(' ').trim() : block.join('\n').replace(/\n+$/, '');
        current.default = value.endsWith('-') || value.startsWith('>') ? joined : `${joined}\n`;
      } else {
        current.default = unquote(value);
      }
    }
  }
  return inputs;
}

export function readActionInputs(actionDir: string): DeclaredInput[] | null {
  for (const file of ['action.yml', 'action.yaml']) {
    const p = `${actionDir}/${file}`;
    if (existsSync(p)) return parseActionInputs(readFileSync(p, 'utf8'));
  }
  return null;
}

/** Evaluates the few `${{ }}` expressions a default may hold; unknown ones become ''. */
export function evaluateDefault(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => (expr === 'github.token' ? (env['GITHUB_TOKEN'] ?? '') : ''));
}
