import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';

import { resolveServerCommand } from '../serverPath';

test('the serverPath setting wins', () => {
  assert.deepEqual(resolveServerCommand(' /opt/specedit ', ['/w'], () => true, 'linux'), {
    command: '/opt/specedit',
    args: ['serve'],
  });
});

test("the first workspace folder's .venv is used when it has the script", () => {
  const venv = path.join('/w2', '.venv', 'bin', 'specedit');
  assert.deepEqual(resolveServerCommand('', ['/w1', '/w2'], (p) => p === venv, 'linux'), { command: venv, args: ['serve'] });
});

test('Windows venvs keep the script in Scripts', () => {
  const venv = path.join('/w', '.venv', 'Scripts', 'specedit.exe');
  assert.equal(resolveServerCommand('', ['/w'], (p) => p === venv, 'win32').command, venv);
});

test('otherwise specedit is looked up on PATH', () => {
  assert.deepEqual(resolveServerCommand('', ['/w'], () => false, 'linux'), { command: 'specedit', args: ['serve'] });
  assert.deepEqual(resolveServerCommand('', [], () => true, 'linux'), { command: 'specedit', args: ['serve'] });
});
