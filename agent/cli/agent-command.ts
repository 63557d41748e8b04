/**
 * `rookery agent`: a process that runs users for a coordinator, in worker threads (one per core by default).
 * Either it listens and a coordinator attaches (`--listen`), or it dials a coordinator (`--join`, which works
 * behind NAT and for fleets an autoscaler starts). Scenarios arrive with each run; the agent needs no files.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { RookeryError } from '../common/errors';
import { Agent } from '../cluster/agent';
import { startAgentEndpoint } from '../cluster/agent-endpoint';
import { assertListenAllowed } from '../cluster/auth';
import { parseDuration } from '../plan/units';
import { option, parse, parseWorkerCount } from './args';
import { NETWORK_OPTIONS, parseHostPort, readTls, resolveToken, untilInterrupted } from './network-options';

const USAGE = `rookery agent (--listen host:port | --join ws://coordinator:7400) [--token T] [--workers N] [--name NAME]
              [--tls-cert cert.pem --tls-key key.pem] [--ca ca.pem] [--orphan-grace 30s] [--exit-after-run]`;

export async function agentCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      listen: { type: 'string', short: 'l' },
      join: { type: 'string', short: 'j' },
      workers: { type: 'string', short: 'w' },
      name: { type: 'string' },
      'orphan-grace': { type: 'string' },
      'exit-after-run': { type: 'boolean' },
      ...NETWORK_OPTIONS,
    },
    USAGE,
  );
  if (positionals.length > 0) throw new RookeryError('ROOKERY_USAGE', `unexpected argument "${positionals[0]}"`, { hint: USAGE });
  if ((values.listen === undefined) === (values.join === undefined)) {
    throw new RookeryError('ROOKERY_USAGE', 'give either --listen host:port or --join ws://coordinator:port', { hint: USAGE });
  }
  const token = resolveToken(values.token);
  const tls = readTls(values);
  const workers = option('workers', values.workers, parseWorkerCount) ?? availableParallelism();
  const orphanGraceMs = option('orphan-grace', values['orphan-grace'], (v) => parseDuration(v));
  const name = values.name ?? `${hostname()}-${process.pid}`;
  const listen = values.listen === undefined ? undefined : parseHostPort(values.listen, 'listen');
  if (listen) assertListenAllowed(listen.host, token);
  if (values.join !== undefined && !/^wss?:\/\//.test(values.join)) {
    throw new RookeryError('ROOKERY_USAGE', `invalid coordinator URL "${values.join}": use ws://host:port or wss://host:port`, { where: '--join' });
  }

  const agent = new Agent({ name, workers, orphanGraceMs });
  const log = (line: string) => process.stderr.write(`[agent ${name}] ${line}\n`);
  const endpoint = await startAgentEndpoint({
    agentId: randomUUID(),
    name,
    workers,
    token,
    listen: listen && { ...listen, tlsCert: tls.tlsCert, tlsKey: tls.tlsKey },
    join: values.join === undefined ? undefined : { url: values.join, ca: tls.ca },
    log,
  });
  endpoint.on('session', (link) => agent.attach(link));
  endpoint.on('connected', () => log('connected to the coordinator'));
  endpoint.on('disconnected', () => log('coordinator connection lost; reconnecting'));
  log(`${workers} worker${workers === 1 ? '' : 's'}, ${listen ? `listening on ${endpoint.url}` : `joining ${values.join}`}`);

  const finished = values['exit-after-run'] ? new Promise<void>((resolve) => agent.once('run-finished', () => resolve())) : new Promise<void>(() => undefined);
  await Promise.race([untilInterrupted(), finished]);
  log('shutting down');
  await agent.close();
  await endpoint.close();
  return 0;
}
