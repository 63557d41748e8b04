import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostMessage } from '../../../agent/protocol/dashboard';
import { MessageStream } from '../../../extension/runs/message-stream';

type Update = Extract<HostMessage, { type: 'dashboard/update' }>;
const TABLES = {} as Update['tables'];

function stream(throttleMs: number, errors: unknown[] = []): { s: MessageStream; sent: HostMessage[]; builds: number[] } {
  const sent: HostMessage[] = [];
  const builds: number[] = [];
  const s = new MessageStream({
    throttleMs,
    now: Date.now,
    buildUpdate: (seq) => {
      builds.push(seq);
      return { type: 'dashboard/update', seq, points: [], tables: TABLES };
    },
    onError: (e) => errors.push(e),
  });
  s.onMessage((m) => sent.push(m));
  return { s, sent, builds };
}

/** Resolves once `check` holds, polling; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('MessageStream', () => {
  test('coalesces changes into one update per throttle period, with consecutive seqs', async () => {
    const { s, sent } = stream(300);
    for (let i = 0; i < 10; i++) s.changed();
    await until(() => sent.length === 1, 2000, 'the first update');
    const t1 = Date.now();
    s.changed();
    s.changed();
    await until(() => sent.length === 2, 2000, 'the second update');
    assert.ok(Date.now() - t1 >= 250, 'the second waited for the throttle');
    assert.deepEqual(sent.map((m) => m.seq), [1, 2]);
    assert.equal(s.seq, 2);
    assert.equal(s.pending, false);
    s.close();
  });

  test('flush sends at once; send numbers the owner’s messages; a snapshot can replace the pending update', () => {
    const { s, sent, builds } = stream(60_000);
    s.flush();
    assert.equal(sent.length, 0, 'nothing pending, nothing sent');
    s.changed();
    s.flush();
    s.send((seq) => ({ type: 'dashboard/compare', seq }));
    s.changed();
    s.send((seq) => ({ type: 'dashboard/compare', seq }), { replacesPending: true });
    s.flush();
    assert.deepEqual(sent.map((m) => [m.type, m.seq]), [['dashboard/update', 1], ['dashboard/compare', 2], ['dashboard/compare', 3]]);
    assert.deepEqual(builds, [1]);
    s.close();
    s.changed();
    s.send((seq) => ({ type: 'dashboard/compare', seq }));
    assert.equal(sent.length, 3, 'a closed stream sends nothing');
  });

  test('a throwing listener does not keep the message from the others', () => {
    const errors: unknown[] = [];
    const { s, sent } = stream(1000, errors);
    const stop = s.onMessage(() => {
      throw new Error('listener broke');
    });
    const later: HostMessage[] = [];
    s.onMessage((m) => later.push(m));
    s.send((seq) => ({ type: 'dashboard/compare', seq }));
    assert.equal(sent.length, 1);
    assert.equal(later.length, 1);
    assert.match((errors[0] as Error).message, /listener broke/);
    stop();
    s.send((seq) => ({ type: 'dashboard/compare', seq }));
    assert.equal(errors.length, 1);
    assert.throws(() => new MessageStream({ throttleMs: -1, now: Date.now, buildUpdate: () => ({ type: 'dashboard/update', seq: 0, points: [], tables: TABLES }) }), RangeError);
    s.close();
  });
});
