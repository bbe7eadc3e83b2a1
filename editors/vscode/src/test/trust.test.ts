import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

import { describeRestriction, ignoredSettings, Inspected, parseSettings, RESTRICTED_KEYS, settingValue } from '../trust';

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));

test('package.json restricts exactly the settings that name a program, a file, a URL or a variable', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.match(untrusted.description, /trust/i);
  assert.deepEqual([...untrusted.restrictedConfigurations].sort(), RESTRICTED_KEYS.map((k) => `specedit.${k}`).sort());
  const properties = manifest.contributes.configuration.properties;
  for (const key of RESTRICTED_KEYS) {
    assert.ok(['machine', 'machine-overridable'].includes(properties[`specedit.${key}`].scope), key);
  }
  // The others are the folder's to choose (a model size, a streaming mode): no restriction, no machine scope.
  for (const [name, property] of Object.entries(properties) as [string, { scope?: string }][]) {
    if (!untrusted.restrictedConfigurations.includes(name)) {
      assert.equal(property.scope, undefined, name);
    }
  }
});

const everywhere: Inspected = { globalValue: 'user', workspaceValue: 'workspace', workspaceFolderValue: 'folder' };

test('trusted: the folder, then the workspace, then the user', () => {
  assert.equal(settingValue('serverPath', everywhere, true), 'folder');
  assert.equal(settingValue('serverPath', { globalValue: 'user', workspaceValue: 'workspace' }, true), 'workspace');
  assert.equal(settingValue('serverPath', { globalValue: 'user' }, true), 'user');
  assert.equal(settingValue('serverPath', undefined, true), undefined);
});

test("Restricted Mode: a restricted setting takes only the user's own value", () => {
  for (const key of RESTRICTED_KEYS) {
    assert.equal(settingValue(key, everywhere, false), 'user', key);
    assert.equal(settingValue(key, { workspaceFolderValue: 'folder' }, false), undefined, key);
  }
  // Other settings are the folder's to choose even in Restricted Mode.
  assert.equal(settingValue('draftMax', everywhere, false), 'folder');
});

test('ignoredSettings names the restricted settings the workspace or a folder sets', () => {
  const inspect = (key: string): Inspected | undefined =>
    ({
      serverPath: { workspaceValue: '/x/run-me' },
      linters: { workspaceFolderValue: { python: ['sh', '-c', 'x'] } },
      engineUrl: { globalValue: 'http://127.0.0.1:8080/v1' },
      draftMax: { workspaceValue: 8 },
    })[key];
  assert.deepEqual(ignoredSettings(inspect, false), ['serverPath', 'linters']);
  assert.deepEqual(ignoredSettings(inspect, true), []);
  // VS Code leaves restricted values out of an untrusted workspace: the settings files tell.
  const files = [{ 'specedit.engineApiKeyEnv': 'GITHUB_TOKEN' }, { 'specedit.modelPath': './evil.gguf', 'specedit.draftMax': 4 }];
  assert.deepEqual(ignoredSettings(() => undefined, false, files), ['modelPath', 'engineApiKeyEnv']);
  assert.deepEqual(ignoredSettings(() => undefined, true, files), []);
});

test('settings files are read as VS Code writes them: comments, trailing commas, a workspace file\'s section', () => {
  const text = '{\n  // the folder\'s server\n  "specedit.serverPath": "./run.sh", /* and */ "specedit.linters": {},\n}\n';
  assert.deepEqual(parseSettings(text), { 'specedit.serverPath': './run.sh', 'specedit.linters': {} });
  assert.deepEqual(parseSettings('{"folders": [], "settings": {"specedit.engineUrl": "http://x"}}', 'settings'), {
    'specedit.engineUrl': 'http://x',
  });
  for (const broken of ['', 'not json', '[1, 2]', '"text"', '{"settings": 3}']) {
    assert.deepEqual(parseSettings(broken, broken.includes('settings') ? 'settings' : undefined), {}, broken);
  }
});

test('the restriction says what is not used and why, or nothing when nothing is limited', () => {
  assert.equal(describeRestriction([], undefined), undefined);
  const both = describeRestriction(['serverPath', 'linters'], '/w/.venv/bin/specedit');
  assert.ok(both);
  assert.equal(both.text, "Restricted Mode: not using this folder's serverPath, linters, .venv");
  assert.match(both.tooltip, /not trusted/);
  assert.match(both.tooltip, /ignores its specedit\.serverPath, specedit\.linters and does not start \/w\/\.venv\/bin\/specedit\./);
  assert.match(both.tooltip, /Manage Workspace Trust/);
  const venvOnly = describeRestriction([], '/w/.venv/bin/specedit');
  assert.equal(venvOnly?.text, "Restricted Mode: not using this folder's .venv");
});
