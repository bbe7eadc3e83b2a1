import assert from 'node:assert/strict';
import { test } from 'node:test';

import { changedOptions, didChangeConfigurationParams, initializationOptions, SERVER_SETTING_KEYS } from '../settings';

function lookupFrom(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

test('unset settings are left out so server defaults apply', () => {
  const { options, problems } = initializationOptions(lookupFrom({}));
  assert.deepEqual(options, {});
  assert.deepEqual(problems, []);
});

test('every server setting maps one to one by name', () => {
  const values = {
    modelPath: '/models/qwen.gguf',
    freeformModel: 'qwen2.5-coder-1.5b',
    nCtx: 4096,
    nThreads: 8,
    nGpuLayers: 99,
    useExtraBufts: false,
    draftMin: 4,
    draftMax: 32,
    streaming: 'off',
    acceptance: 'typical',
    typicalRatio: 0.5,
    maxNewTokens: 512,
    linters: { python: ['ruff', 'check', '-'] },
    sketchMarkers: ['... keep ...'],
    review: true,
    warmUp: false,
    engine: 'openai',
    engineUrl: 'http://127.0.0.1:8080/v1',
    engineModel: 'qwen2.5-coder-7b',
    engineApiKeyEnv: 'OPENAI_API_KEY',
    engineApi: 'chat',
  };
  const { options, problems } = initializationOptions(lookupFrom({ ...values, serverPath: '/x/specedit' }));
  assert.deepEqual(options, values);
  assert.deepEqual(problems, []);
  assert.deepEqual([...SERVER_SETTING_KEYS].sort(), Object.keys(values).sort());
});

test('empty modelPath means the embedded model and is sent as null', () => {
  assert.deepEqual(initializationOptions(lookupFrom({ modelPath: '' })).options, { modelPath: null });
});

test('null nThreads is kept: the server picks the thread count', () => {
  assert.deepEqual(initializationOptions(lookupFrom({ nThreads: null })).options, { nThreads: null });
});

test('invalid values are dropped with a problem message', () => {
  const { options, problems } = initializationOptions(
    lookupFrom({ nCtx: 'big', streaming: 'words', linters: { python: 'ruff' }, draftMax: 2.5, acceptance: 'greedy' }),
  );
  assert.deepEqual(options, { acceptance: 'greedy' });
  assert.equal(problems.length, 4);
  assert.match(problems.join('\n'), /specedit\.nCtx/);
});

test('draftMin above draftMax is reported but sent', () => {
  const { options, problems } = initializationOptions(lookupFrom({ draftMin: 40, draftMax: 8 }));
  assert.deepEqual(options, { draftMin: 40, draftMax: 8 });
  assert.equal(problems.length, 1);
});

test('didChangeConfiguration nests the settings under specedit', () => {
  assert.deepEqual(didChangeConfigurationParams({ draftMax: 16 }), { settings: { specedit: { draftMax: 16 } } });
});

test('a setting the user removed is sent at its default, so the server drops the old value', () => {
  const defaults = lookupFrom({ modelPath: null, nCtx: 4096, nThreads: null });
  assert.deepEqual(
    changedOptions({ modelPath: '/missing.gguf', nCtx: 2048, acceptance: 'typical' }, { acceptance: 'typical' }, defaults),
    { acceptance: 'typical', modelPath: null, nCtx: 4096 },
  );
  assert.deepEqual(changedOptions({ nThreads: 4 }, {}, defaults), { nThreads: null });
  assert.deepEqual(changedOptions({}, { draftMax: 16 }, defaults), { draftMax: 16 });
});

test('freeformModel is sent as given, and empty means the default pairing (null)', () => {
  assert.deepEqual(initializationOptions(lookupFrom({ freeformModel: 'same' })).options, { freeformModel: 'same' });
  assert.deepEqual(initializationOptions(lookupFrom({ freeformModel: '' })).options, { freeformModel: null });
  assert.deepEqual(initializationOptions(lookupFrom({ freeformModel: 3 })).problems.length, 1);
});
