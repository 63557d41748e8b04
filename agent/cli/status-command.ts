/**
 * `rookery status --coordinator ws://host:7400`: the cluster's state at this moment (amoc_dist:get_state):
 * every agent with its state, workers, users and utilization, and the current run.
 */
import { RookeryError } from '../common/errors';
import { connectControl } from '../cluster/control-client';
import { formatIdRanges, table } from '../output/format';
import type { ClusterStatus } from '../protocol/control';
import { parse } from './args';
import { NETWORK_OPTIONS, readTls, resolveToken } from './network-options';

const USAGE = 'rookery status --coordinator ws://host:7400 [--token T] [--ca ca.pem] [--json]';

export async function statusCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { coordinator: { type: 'string' }, json: { type: 'boolean' }, ...NETWORK_OPTIONS }, USAGE);
  if (positionals.length > 0) throw new RookeryError('ROOKERY_USAGE', `unexpected argument "${positionals[0]}"`, { hint: USAGE });
  if (!values.coordinator) throw new RookeryError('ROOKERY_USAGE', 'missing --coordinator ws://host:port', { hint: USAGE });
  const client = await connectControl(values.coordinator, { token: resolveToken(values.token), ca: readTls(values).ca });
  try {
    const status = (await client.request({ type: 'control/status' })) as ClusterStatus;
    process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    return 0;
  } finally {
    client.close();
  }
}

export function formatStatus(status: ClusterStatus): string {
  const out: string[] = [`coordinator ${status.coordinatorId} (protocol ${status.protocolVersion})\n`];
  const run = status.run;
  out.push(run
    ? `run ${run.runId}: ${run.status}${run.reason ? ` (${run.reason})` : ''}, ${run.runningUsers} users running, ${run.pendingUsers} queued, highest id ${run.highestUserId}, ${run.userRate}/min\n`
    : 'no run\n');
  if (status.agents.length === 0) {
    out.push('no agent: start one with `rookery agent --join <this coordinator> --token ...`\n');
  } else {
    out.push(table(['agent', 'state', 'workers', 'users', 'req/s', 'util', 'ids'], status.agents.map((a) => {
      const util = Math.max(a.utilization.eventLoop, a.utilization.cpu);
      return [
        a.name, a.state, String(a.workers), String(a.runningUsers), String(Math.round(a.rps)),
        `${util.toFixed(2)}${a.overloaded ? ' (!)' : ''}`,
        formatIdRanges(a.ranges),
      ];
    })));
  }
  return out.join('');
}
