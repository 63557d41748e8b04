/**
 * `rookery run`: runs a load test from a scenario or a plan. By default in this process: a coordinator and a
 * local agent with a worker thread per core (`--workers N`); `--agents` (or the plan's `agents:`) runs on remote
 * agents instead, `--coordinator` on a standalone coordinator. Either way the run is driven through the control
 * protocol, with a live progress line, a summary at the end, and `--out` for the whole result.
 *
 * Exit code 3 when the run went through but a threshold failed (the plan's `thresholds:` or `--threshold`), so CI
 * can tell "the target is too slow" (3) from "the test could not run" (2).
 */
import { RookeryError } from '../common/errors';
import { connectControl, type ControlClient } from '../cluster/control-client';
import { writeResultJson } from '../output/json-result';
import { formatSummary } from '../output/summary-table';
import { AGENT_LOSS_POLICIES } from '../plan/parse-plan';
import type { RunRequest, RunResultData } from '../protocol/control';
import { compileScenario } from '../scenario/compile';
import { option, parse, parseWorkerCount } from './args';
import { driveRun } from './drive-run';
import { startLocalCluster, type LocalCluster } from './local-cluster';
import { NETWORK_OPTIONS, readTls, resolveToken, TOKEN_ENV } from './network-options';
import { buildRunConfig, toRunRequest, type CliRunConfig } from './run-config';

const USAGE = `rookery run <scenario.ts | plan.yaml> [--users N] [--rate N/min] [--duration 30s] [--var name=value]...
            [--threshold "p99<500ms"]... [--maintain] [--out file.json] [--quiet] [--workers N]
            [--agents ws://a:7400,ws://b:7400 | --coordinator ws://host:7400] [--token T] [--ca ca.pem]
            [--on-agent-loss continue|redistribute|abort]`;

/** The run completed (or was stopped) and reported, but at least one threshold failed. */
export const THRESHOLDS_FAILED_EXIT_CODE = 3;

/** 0, or 3 when a threshold of the result failed. */
export function exitCodeOf(result: RunResultData): number {
  return result.thresholds.some((t) => !t.ok) ? THRESHOLDS_FAILED_EXIT_CODE : 0;
}

export async function runCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      users: { type: 'string', short: 'u' },
      rate: { type: 'string', short: 'r' },
      duration: { type: 'string', short: 'd' },
      var: { type: 'string', multiple: true },
      threshold: { type: 'string', multiple: true },
      maintain: { type: 'boolean' },
      out: { type: 'string', short: 'o' },
      quiet: { type: 'boolean', short: 'q' },
      workers: { type: 'string', short: 'w' },
      agents: { type: 'string' },
      coordinator: { type: 'string' },
      'on-agent-loss': { type: 'string' },
      ...NETWORK_OPTIONS,
    },
    USAGE,
  );
  if (positionals.length !== 1) {
    throw new RookeryError('ROOKERY_USAGE', positionals.length === 0 ? 'missing the scenario or plan file' : 'give exactly one scenario or plan file', { hint: USAGE });
  }
  const lossPolicy = option('on-agent-loss', values['on-agent-loss'], (v) => {
    if (!(AGENT_LOSS_POLICIES as readonly string[]).includes(v)) throw new Error(`invalid policy "${v}": use ${AGENT_LOSS_POLICIES.join(', ')}`);
    return v as (typeof AGENT_LOSS_POLICIES)[number];
  });
  const agents = values.agents?.split(',').map((a) => a.trim()).filter(Boolean);
  if (agents && values.coordinator) throw new RookeryError('ROOKERY_USAGE', 'give --agents or --coordinator, not both', { hint: USAGE });
  const result = await runAndReport(await buildRunConfig(positionals[0], values, process.env), {
    quiet: values.quiet ?? false,
    out: values.out,
    workers: option('workers', values.workers, parseWorkerCount),
    agents,
    coordinator: values.coordinator,
    token: resolveToken(values.token),
    ca: readTls(values).ca,
    onAgentLoss: lossPolicy,
  });
  return exitCodeOf(result);
}

export interface RunTarget {
  quiet: boolean;
  out?: string;
  /** Worker threads of the local agent (at least 1: `parseWorkerCount`); every core by default. */
  workers?: number;
  agents?: string[];
  coordinator?: string;
  token?: string;
  ca?: string;
  onAgentLoss?: RunRequest['onAgentLoss'];
}

/**
 * Compiles the scenario (a broken one stops here: nothing started), starts or reaches the coordinator, runs,
 * prints the summary and writes `out`.
 */
export async function runAndReport(cli: CliRunConfig, target: RunTarget): Promise<RunResultData> {
  for (const w of cli.warnings) process.stderr.write(`${w}\n`);
  const { config } = cli;
  const request = toRunRequest(config, await compileScenario(config.scenarioFile), target.onAgentLoss ?? cli.onAgentLoss ?? 'continue', TOKEN_ENV);
  let cluster: LocalCluster | undefined;
  let client: ControlClient | undefined;
  try {
    if (target.coordinator) {
      client = await connectControl(`${target.coordinator.replace(/\/+$/, '')}/control`, { token: target.token, ca: target.ca });
    } else {
      const agents = target.agents ?? cli.agents ?? [];
      cluster = await startLocalCluster({ agents, agentToken: target.token, ca: target.ca, workers: target.workers });
      client = await connectControl(cluster.controlUrl, { token: cluster.token });
    }
    const result = await driveRun(client, request, { quiet: target.quiet });
    process.stdout.write(formatSummary(result));
    if (target.out) {
      await writeResultJson(target.out, result);
      process.stdout.write(`result written to ${target.out}\n`);
    }
    return result;
  } finally {
    client?.close();
    await cluster?.close();
  }
}
