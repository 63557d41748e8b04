import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunHeadline } from '../../../extension/runs/live-run';
import { LINGER_MS, StatusBarModel } from '../../../extension/status/status-model';

const running: RunHeadline = { runId: 'run-1', title: 'http-api.plan.yaml', status: 'running', users: 50, rps: 1200, p99: 40, errors: 0, elapsedMs: 5000 };

test('hidden until a run is followed', () => {
  const model = new StatusBarModel();
  assert.equal(model.view(0).visible, false);
  assert.equal(model.nextChangeIn(0), undefined);
});

test('while running: the pulse and the figures, no warning, no expiry', () => {
  const model = new StatusBarModel();
  model.update(running, 1000);
  assert.deepEqual(model.view(1000), {
    visible: true,
    text: '$(pulse) Rookery: 50 users · 1.2k req/s · p99 40 ms · 0 err',
    tooltip: 'http-api.plan.yaml — running (0:05)\nClick to open the dashboard',
    warning: false,
    runId: 'run-1',
  });
  assert.equal(model.nextChangeIn(1000), undefined);
  model.update({ ...running, errors: 3 }, 2000);
  assert.ok(model.view(2000).warning);
  assert.match(model.view(2000).text, /^\$\(pulse\) .* 3 err$/);
});

test('after the end: the last figures for a minute, then hidden', () => {
  const model = new StatusBarModel();
  model.update(running, 0);
  model.update({ ...running, status: 'finished', rps: 900 }, 10_000);
  // Later headlines of the same ended run do not restart the minute.
  model.update({ ...running, status: 'finished', rps: 900 }, 20_000);
  const view = model.view(20_000);
  assert.equal(view.text, '$(pass) Rookery: 50 users · 900 req/s · p99 40 ms · 0 err');
  assert.equal(view.warning, false);
  assert.equal(model.nextChangeIn(20_000), LINGER_MS - 10_000);
  assert.equal(model.view(10_000 + LINGER_MS - 1).visible, true);
  assert.equal(model.view(10_000 + LINGER_MS).visible, false);
  assert.equal(model.nextChangeIn(10_000 + LINGER_MS), undefined);
});

test('a run that ended in error (or was lost) shows the warning', () => {
  const model = new StatusBarModel(1000);
  model.update({ ...running, status: 'error' }, 0);
  const view = model.view(10);
  assert.ok(view.warning);
  assert.match(view.text, /^\$\(warning\) Rookery: /);
  assert.match(view.tooltip, /— error/);
});

test('a new run replaces the ended one at once, and no run hides it', () => {
  const model = new StatusBarModel(1000);
  model.update({ ...running, status: 'finished' }, 0);
  model.update({ ...running, runId: 'run-2', users: 1 }, 500);
  assert.equal(model.view(5000).visible, true);
  assert.equal(model.view(5000).runId, 'run-2');
  model.update(undefined, 6000);
  assert.equal(model.view(6000).visible, false);
});
