import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  cancelArgs,
  editArgs,
  editFromCommentArgs,
  missingInput,
  renameArgs,
  SERVER_COMMANDS,
  validateNewName,
} from '../commands';

const uri = 'file:///tmp/a.py';
const selection = { start: { line: 1, character: 0 }, end: { line: 3, character: 4 } };
const caret = { start: { line: 2, character: 5 }, end: { line: 2, character: 5 } };

test('edit sends the selection range and trimmed instruction', () => {
  assert.deepEqual(editArgs(uri, selection, '  add type hints \n'), { uri, range: selection, instruction: 'add type hints' });
});

test('edit at the cursor sends the empty range; no range means the whole file', () => {
  assert.deepEqual(editArgs(uri, caret, 'x'), { uri, range: caret, instruction: 'x' });
  assert.deepEqual(editArgs(uri, undefined, 'x'), { uri, instruction: 'x' });
});

test('editFromComment sends the range only when something is selected', () => {
  assert.deepEqual(editFromCommentArgs(uri, selection), { uri, range: selection });
  assert.deepEqual(editFromCommentArgs(uri, caret), { uri });
});

test('rename sends the position and a trimmed new name', () => {
  assert.deepEqual(renameArgs(uri, { line: 4, character: 7 }, ' subtotal '), {
    uri,
    position: { line: 4, character: 7 },
    newName: 'subtotal',
  });
});

test('rename with a blank name lets the server propose one', () => {
  assert.deepEqual(renameArgs(uri, { line: 0, character: 0 }, ''), { uri, position: { line: 0, character: 0 } });
  assert.deepEqual(renameArgs(uri, { line: 0, character: 0 }, undefined), { uri, position: { line: 0, character: 0 } });
});

test('cancel without a uri cancels everything', () => {
  assert.deepEqual(cancelArgs(), {});
  assert.deepEqual(cancelArgs(uri), { uri });
});

test('new names must look like identifiers', () => {
  assert.equal(validateNewName('subtotal'), undefined);
  assert.equal(validateNewName('größe_2'), undefined);
  assert.equal(validateNewName(''), undefined);
  assert.equal(validateNewName('2x'), 'Not an identifier');
  assert.equal(validateNewName('a b'), 'Not an identifier');
});

test('code-action commands without user input are detected', () => {
  assert.equal(missingInput(SERVER_COMMANDS.edit, [{ uri }]), 'instruction');
  assert.equal(missingInput(SERVER_COMMANDS.edit, [{ uri, instruction: 'x' }]), undefined);
  assert.equal(missingInput(SERVER_COMMANDS.rename, [{ uri, position: { line: 0, character: 0 } }]), 'newName');
  assert.equal(missingInput(SERVER_COMMANDS.rename, [{ uri, newName: 'b' }]), undefined);
  assert.equal(missingInput(SERVER_COMMANDS.editFromComment, [{ uri }]), undefined);
  assert.equal(missingInput(SERVER_COMMANDS.fix, []), undefined);
});
