/**
 * `rookery run`: runs a load test in this process with a live progress line, prints the summary, writes `--out`.
 * Ctrl-C stops gracefully (users get their grace period), a second Ctrl-C forces; the summary is printed either way.
 */
import { RookeryError } from '../common/errors';
import { LocalRun, type RunResult } from '../controller/local-run';
import { writeResultJson } from '../output/json-result';
import { formatSummary } from '../output/summary-table';
import { parse } from './args';
import { ProgressReporter } from './progress';
import { buildRunConfig, type CliRunConfig } from './run-config';

const USAGE = 'rookery run <scenario.ts | plan.yaml> [--users N] [--rate N/min] [--duration 30s] [--var name=value]... [--maintain] [--out file.json] [--quiet]';

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      users: { type: 'string', short: 'u' },
      rate: { type: 'string', short: 'r' },
      duration: { type: 'string', short: 'd' },
      var: { type: 'string', multiple: true },
      maintain: { type: 'boolean' },
      out: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
    },
    USAGE,
  );
  if (positionals.length !== 1) {
    throw new RookeryError('ROOKERY_USAGE', positionals.length === 0 ? 'missing the scenario or plan file' : 'give exactly one scenario or plan file', { hint: USAGE });
  }
  await runAndReport(await buildRunConfig(positionals[0], values, process.env), { quiet: values.quiet ?? false, out: values.out });
  return 0;
}

/** Prepares a run (bad input throws, nothing starts), runs it with progress, prints the summary, writes `out`. */
export async function runAndReport({ config, warnings }: CliRunConfig, options: { quiet: boolean; out?: string }): Promise<RunResult> {
  for (const w of warnings) process.stderr.write(`${w}\n`);
  const run = await LocalRun.prepare(config);
  const result = await execute(run, { quiet: options.quiet });
  process.stdout.write(formatSummary(result));
  if (options.out) {
    await writeResultJson(options.out, result);
    process.stdout.write(`result written to ${options.out}\n`);
  }
  return result;
}

/** Runs a prepared run with progress output and Ctrl-C handling. */
export async function execute(run: LocalRun, options: { quiet: boolean }): Promise<RunResult> {
  const progress = new ProgressReporter(process.stderr, { quiet: options.quiet });
  const started = Date.now();
  run.on('snapshot', (snapshot) => progress.update(snapshot, run.controller.status(), Date.now() - started));
  run.on('user-error', (e) => progress.userError(e));
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      progress.note('stopping: users get 2 s to finish (Ctrl-C again to force)');
      void run.stop('stopped').catch(() => undefined);
    } else {
      progress.note('forcing stop');
      void run.stop('stopped', { force: true }).catch(() => undefined);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    return await run.start();
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    progress.done();
  }
}
