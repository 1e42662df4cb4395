// The schema's defaults must be action.yml's: the runner passes action.yml's default as the input,
// while tests and the uploader parse absent inputs; both must give the same Settings.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseSettings, type RawInputs } from '../../src/config.ts';
import { Inputs } from '../../src/constants.ts';
import { readActionInputs } from '../harness/action-yml.ts';

const declared = readActionInputs(join(import.meta.dirname, '..', '..')) ?? [];

test('every input of action.yml is in Inputs, and back', () => {
  assert.deepEqual(declared.map((i) => i.name).sort(), Object.values(Inputs).sort());
});

test("parsing action.yml's defaults gives the same settings as parsing no input", () => {
  const fromYml: RawInputs = Object.fromEntries(declared.flatMap((i) => (i.default === undefined ? [] : [[i.name, i.default]])));
  assert.ok(Object.keys(fromYml).length > 5, 'action.yml declares defaults');
  assert.deepEqual(parseSettings(fromYml), parseSettings({}));
});
