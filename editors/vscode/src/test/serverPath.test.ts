import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';

import { resolveServerCommand } from '../serverPath';

test('the serverPath setting wins', () => {
  assert.deepEqual(resolveServerCommand(' /opt/specedit ', ['/w'], () => true, true, 'linux'), {
    command: '/opt/specedit',
    args: ['serve'],
  });
});

test("the first workspace folder's .venv is used when it has the script", () => {
  const venv = path.join('/w2', '.venv', 'bin', 'specedit');
  assert.deepEqual(resolveServerCommand('', ['/w1', '/w2'], (p) => p === venv, true, 'linux'), { command: venv, args: ['serve'] });
});

test('Windows venvs keep the script in Scripts', () => {
  const venv = path.join('/w', '.venv', 'Scripts', 'specedit.exe');
  assert.equal(resolveServerCommand('', ['/w'], (p) => p === venv, true, 'win32').command, venv);
});

test('otherwise specedit is looked up on PATH', () => {
  assert.deepEqual(resolveServerCommand('', ['/w'], () => false, true, 'linux'), { command: 'specedit', args: ['serve'] });
  assert.deepEqual(resolveServerCommand('', [], () => true, true, 'linux'), { command: 'specedit', args: ['serve'] });
});

test("an untrusted folder's .venv is not started: PATH's specedit instead, and the skipped one is named", () => {
  const venv = path.join('/w', '.venv', 'bin', 'specedit');
  assert.deepEqual(resolveServerCommand('', ['/w'], (p) => p === venv, false, 'linux'), {
    command: 'specedit',
    args: ['serve'],
    skippedVenv: venv,
  });
  // Nothing to skip: nothing to say.
  assert.deepEqual(resolveServerCommand('', ['/w'], () => false, false, 'linux'), { command: 'specedit', args: ['serve'] });
});

test("in Restricted Mode the user's own serverPath still wins", () => {
  assert.deepEqual(resolveServerCommand('/home/me/bin/specedit', ['/w'], () => true, false, 'linux'), {
    command: '/home/me/bin/specedit',
    args: ['serve'],
  });
});
