import assert from 'node:assert/strict';
import { test } from 'node:test';

import { applyTextEdits, offsetAt } from '../protocol-check';

test('offsets count UTF-16 code units, as VS Code does', () => {
  const text = 'a\n🧾x\n';
  assert.equal(offsetAt(text, { line: 1, character: 2 }), 4);
  assert.equal(offsetAt(text, { line: 1, character: 99 }), 5);
  assert.equal(offsetAt(text, { line: 9, character: 0 }), text.length);
});

test('edits against the same text apply regardless of their order', () => {
  const text = 'total = 0\ntotal += 1\n';
  const edits = [
    { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'sub' },
    { range: { start: { line: 1, character: 0 }, end: { line: 1, character: 5 } }, newText: 'subtotal' },
  ];
  assert.equal(applyTextEdits(text, edits).text, 'subtotal = 0\nsubtotal += 1\n');
  assert.equal(applyTextEdits(text, [...edits].reverse()).text, 'subtotal = 0\nsubtotal += 1\n');
});
