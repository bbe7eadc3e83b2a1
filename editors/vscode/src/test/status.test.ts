import assert from 'node:assert/strict';
import { test } from 'node:test';

import { JobStatus } from '../status';

test('idle status before any job', () => {
  const status = new JobStatus();
  assert.equal(status.busy, false);
  assert.equal(status.text(), '$(sparkle) SpecEdit');
});

test('a running job shows the latest progress report', () => {
  const status = new JobStatus();
  status.started(1);
  assert.equal(status.text(), '$(sync~spin) SpecEdit: editing');
  status.progress({ kind: 'begin', title: 'specedit' });
  status.progress({ kind: 'report', message: '120 tok, 95 tok/s, 87% accepted', percentage: 40 });
  assert.equal(status.text(), '$(sync~spin) SpecEdit: 120 tok, 95 tok/s, 87% accepted');
  status.progress({ kind: 'report', message: '10 tok', percentage: 12.4 });
  assert.equal(status.text(), '$(sync~spin) SpecEdit: 10 tok, 12%');
});

test('jobDone ends the job and shows its message', () => {
  const status = new JobStatus();
  status.started(3);
  status.done({ uri: 'file:///a', job: 3, ok: true, message: 'renamed 4 occurrences' });
  assert.equal(status.busy, false);
  assert.equal(status.text(), '$(check) SpecEdit: renamed 4 occurrences');
  status.started(4);
  status.done({ uri: 'file:///a', job: 4, ok: false, message: 'cancelled' });
  assert.equal(status.text(), '$(error) SpecEdit: cancelled');
});

test('overlapping jobs stay busy until the last one ends', () => {
  const status = new JobStatus();
  status.started(1);
  status.started(2);
  assert.equal(status.text(), '$(sync~spin) SpecEdit: 2 jobs');
  status.done({ uri: 'u', job: 1, ok: true, message: 'done' });
  assert.equal(status.busy, true);
  status.done({ uri: 'u', job: 2, ok: true, message: 'done' });
  assert.equal(status.busy, false);
});

test('long messages are shortened to one line', () => {
  const status = new JobStatus();
  status.done({ uri: 'u', job: 1, ok: false, message: 'x'.repeat(100) + '\nmore' });
  assert.ok(status.text().endsWith('…'));
  assert.ok(status.text().length < 80);
});

test('the server state shows until the server runs, and a failure stays visible', () => {
  const status = new JobStatus();
  status.serverState('starting');
  assert.equal(status.text(), '$(sync~spin) SpecEdit: starting the server');
  status.serverState('running');
  assert.equal(status.text(), '$(sparkle) SpecEdit');
  status.started(1);
  status.serverState('failed', 'the server did not start (see Output: SpecEdit)');
  assert.equal(status.busy, false, 'a dead server runs no jobs');
  assert.equal(status.text(), '$(error) SpecEdit: the server did not start (see Output: SpecEdit)');
});

test('a jobDone that comes before the command answer does not leave the job spinning', () => {
  const status = new JobStatus();
  status.done({ uri: 'u', job: 7, ok: false, message: 'model file not found: /m.gguf' });
  status.started(7);
  assert.equal(status.busy, false);
  assert.equal(status.text(), '$(error) SpecEdit: model file not found: /m.gguf');
});

test('a restarted server numbers jobs from 1 again: they show as running', () => {
  const status = new JobStatus();
  status.started(1);
  status.done({ uri: 'u', job: 1, ok: true, message: 'done' });
  status.serverState('starting');
  status.serverState('running');
  assert.equal(status.text(), '$(sparkle) SpecEdit');
  status.started(1);
  assert.equal(status.busy, true);
});

test('Restricted Mode is said while idle until a job has something newer to say', () => {
  const status = new JobStatus();
  status.restricted("Restricted Mode: not using this folder's serverPath");
  assert.equal(status.text(), "$(shield) SpecEdit: Restricted Mode: not using this folder's serverPath");
  assert.equal(status.showsRestriction, true);
  status.serverState('starting');
  assert.equal(status.text(), '$(sync~spin) SpecEdit: starting the server');
  status.serverState('running');
  status.started(1);
  assert.equal(status.showsRestriction, false);
  status.done({ uri: 'file:///a', job: 1, ok: true, message: 'done' });
  assert.equal(status.text(), '$(check) SpecEdit: done');
  // Trusted: nothing to say about it.
  const trusted = new JobStatus();
  trusted.restricted(undefined);
  assert.equal(trusted.text(), '$(sparkle) SpecEdit');
  assert.equal(trusted.showsRestriction, false);
});
