/**
 * Runs a load test as `rookery run` does — an in-process coordinator, a local agent with worker threads, driven
 * through the control protocol — and hands the test the result (and the client, to act on the run meanwhile).
 */
import { connectControl, type ControlClient } from '../../agent/cluster/control-client';
import { driveRun } from '../../agent/cli/drive-run';
import { startLocalCluster } from '../../agent/cli/local-cluster';
import { TOKEN_ENV } from '../../agent/cli/network-options';
import { toRunRequest, type RunConfig } from '../../agent/cli/run-config';
import type { AgentLossPolicy } from '../../agent/protocol/cluster';
import type { RunResultData } from '../../agent/protocol/control';
import { compileScenario } from '../../agent/scenario/compile';

export function runConfig(scenarioFile: string, overrides: Partial<RunConfig> = {}): RunConfig {
  return { scenarioFile, users: 1, userRate: 60_000, maintain: false, stages: [], planVariables: {}, cliVariables: {}, env: {}, gracePeriodMs: 500, ...overrides };
}

export interface LocalRun {
  client: ControlClient;
  result: Promise<RunResultData>;
}

/** Starts the run; `result` settles when it ends (and the cluster is closed). */
export async function startLocalRun(config: RunConfig, options: { workers?: number; onAgentLoss?: AgentLossPolicy } = {}): Promise<LocalRun> {
  const request = toRunRequest(config, await compileScenario(config.scenarioFile), options.onAgentLoss ?? 'continue', TOKEN_ENV);
  const cluster = await startLocalCluster({ agents: [], workers: options.workers ?? 1, log: () => undefined });
  const client = await connectControl(cluster.controlUrl, { token: cluster.token });
  const result = driveRun(client, request, { quiet: true }).finally(async () => {
    client.close();
    await cluster.close();
  });
  return { client, result };
}

export async function runLocally(config: RunConfig, options: { workers?: number } = {}): Promise<RunResultData> {
  return (await startLocalRun(config, options)).result;
}
