// zod/mini loads no locale, so every built-in issue would read just "Invalid input". Inputs are not
// parsed with zod (src/config.ts); this gives the wire and state schemas
// (Cachix and attic answers, `nix path-info --json`, the watcher's files) zod's English wording
// back for the issues they can raise, without bundling zod's locale (~6 KB per bundle).
// Imported for its effect by every module that parses with zod.
import * as z from 'zod/mini';

/** What zod's English locale calls a received value (its `util.parsedType`). */
function typeName(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? 'number' : String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function primitive(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : typeof value === 'bigint' ? `${value}n` : String(value);
}

/** Same text as zod's `locales/en` for these codes; anything else keeps zod's "Invalid input". */
export function englishMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid input: expected ${issue.expected === 'nan' ? 'NaN' : issue.expected}, received ${typeName(issue.input)}`;
    case 'invalid_value':
      if (issue.values.length === 1) return `Invalid input: expected ${primitive(issue.values[0])}`;
      return `Invalid option: expected one of ${issue.values.map(primitive).join('|')}`;
    case 'too_small':
      if (issue.origin !== 'number' && issue.origin !== 'int') return undefined;
      return `Too small: expected ${issue.origin} to be ${issue.exact ? 'exactly ' : issue.inclusive ? '>=' : '>'}${issue.minimum.toString()}`;
    case 'too_big':
      if (issue.origin !== 'number' && issue.origin !== 'int') return undefined;
      return `Too big: expected ${issue.origin} to be ${issue.exact ? 'exactly ' : issue.inclusive ? '<=' : '<'}${issue.maximum.toString()}`;
    default:
      return undefined;
  }
}

// A full locale, if one is already loaded (classic zod's test doubles load English), stays.
if (!z.config().localeError) z.config({ localeError: englishMessage });
