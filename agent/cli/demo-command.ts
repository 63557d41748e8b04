/**
 * `rookery demo`: the whole thing in one command — starts the demo target on a free port and runs the example
 * plan against it, with the live progress line and the summary.
 */
import { join } from 'node:path';
import { startTarget } from '../target/server';
import { parse } from './args';
import { exitCodeOf, runAndReport } from './run-command';
import { buildRunConfig } from './run-config';

const USAGE = 'rookery demo [--users N] [--duration 10s] [--out result.json] [--quiet]';

/** The examples folder beside the bundle (dist/cli.js → examples/). */
function examplesDir(): string {
  return join(__dirname, '..', 'examples');
}

export async function demoCommand(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      users: { type: 'string', short: 'u' },
      duration: { type: 'string', short: 'd' },
      out: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
    },
    USAGE,
  );
  const target = await startTarget({ host: '127.0.0.1', port: 0, latency: [2, 10] });
  try {
    process.stderr.write(`demo target on ${target.url}\n`);
    const config = await buildRunConfig(
      join(examplesDir(), 'http-api.plan.yaml'),
      { users: values.users, duration: values.duration, var: [`base_url=${target.url}`] },
      process.env,
    );
    // The example plan has thresholds: the demo exits 3 when the demo target misses them, like any run.
    return exitCodeOf(await runAndReport(config, { quiet: values.quiet ?? false, out: values.out }));
  } finally {
    await target.close();
  }
}
