import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { RookeryError } from '../../../agent/common/errors';
import { MAX_LATENCY_MS, resolveFaults, resolveTargetOptions, type TargetOptions } from '../../../agent/target/options';

function problemsOf(options: TargetOptions): string[] {
  try {
    resolveTargetOptions(options);
  } catch (error) {
    assert.ok(error instanceof RookeryError);
    assert.equal(error.code, 'ROOKERY_USAGE');
    return error.problems.map((p) => p.where ?? '?');
  }
  assert.fail('expected the options to be refused');
}

describe('resolveTargetOptions', () => {
  test('applies the defaults', () => {
    assert.deepEqual(resolveTargetOptions({}), { host: '127.0.0.1', port: 0, faults: { latencyMinMs: 0, latencyMaxMs: 0, errorRate: 0 } });
  });

  test('accepts a fixed latency, a range and an error rate', () => {
    assert.deepEqual(resolveTargetOptions({ host: '::1', port: 8080, latency: 20, errorRate: 0.25 }), {
      host: '::1',
      port: 8080,
      faults: { latencyMinMs: 20, latencyMaxMs: 20, errorRate: 0.25 },
    });
    assert.deepEqual(resolveFaults({ latency: [10, 50], errorRate: 1 }), { latencyMinMs: 10, latencyMaxMs: 50, errorRate: 1 });
    assert.deepEqual(resolveFaults({ latency: [0, MAX_LATENCY_MS], errorRate: 0 }), { latencyMinMs: 0, latencyMaxMs: MAX_LATENCY_MS, errorRate: 0 });
  });

  test('reports every bad option at once, each by name', () => {
    const bad = { host: '', port: 70000, latency: -5, errorRate: 2 } as TargetOptions;
    assert.deepEqual(problemsOf(bad), ['host', 'port', 'latency', 'errorRate']);
  });

  test('refuses malformed values', () => {
    const cases: TargetOptions[] = [
      { port: 1.5 },
      { port: -1 },
      { port: '80' as unknown as number },
      { latency: NaN },
      { latency: MAX_LATENCY_MS + 1 },
      { latency: [50, 10] },
      { latency: [10] as unknown as [number, number] },
      { latency: [1, 2, 3] as unknown as [number, number] },
      { latency: '20' as unknown as number },
      { errorRate: -0.1 },
      { errorRate: NaN },
      { host: 42 as unknown as string },
    ];
    for (const options of cases) assert.equal(problemsOf(options).length, 1, JSON.stringify(options));
  });

  test('the error renders each problem and a hint', () => {
    try {
      resolveFaults({ latency: [5, 1] });
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(error instanceof RookeryError);
      assert.match(error.format(), /latency: expected milliseconds .*got \[5,1\]/);
      assert.match(error.format(), /hint:/);
    }
  });
});
