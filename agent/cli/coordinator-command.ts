/**
 * `rookery coordinator`: a standalone coordinator that agents join (`rookery agent --join`) and that the CLI
 * (`rookery run --coordinator`) and the VS Code extension attach to, start runs on, and watch.
 *
 * `--local-agent` also runs an agent with worker threads in this process (what the VS Code extension launches as
 * its "local agent"), `--ready-json` prints one JSON line with the URLs once everything is ready, and
 * `--exit-with-stdin` ends the process when its stdin closes: a parent that dies (an editor window closed, a
 * crash) cannot leave a load generator running, even where killing a parent does not kill its children.
 */
import { RookeryError } from '../common/errors';
import { assertListenAllowed } from '../cluster/auth';
import { startCoordinatorService } from '../cluster/coordinator-service';
import { option, parse, parseWorkerCount } from './args';
import { startLocalCluster } from './local-cluster';
import { NETWORK_OPTIONS, parseHostPort, readTls, resolveToken, untilInterrupted } from './network-options';

const USAGE = `rookery coordinator --listen host:port [--token T] [--tls-cert cert.pem --tls-key key.pem]
                    [--local-agent [--workers N]] [--ready-json] [--exit-with-stdin]`;

/** The line `--ready-json` prints: what a parent process needs to connect. */
export interface CoordinatorReady {
  ready: true;
  pid: number;
  url: string;
  controlUrl: string;
  agentUrl: string;
  localAgent: boolean;
  workers?: number;
}

export async function coordinatorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    listen: { type: 'string', short: 'l' },
    'local-agent': { type: 'boolean' },
    workers: { type: 'string', short: 'w' },
    'ready-json': { type: 'boolean' },
    'exit-with-stdin': { type: 'boolean' },
    ...NETWORK_OPTIONS,
  }, USAGE);
  if (positionals.length > 0) throw new RookeryError('ROOKERY_USAGE', `unexpected argument "${positionals[0]}"`, { hint: USAGE });
  const { host, port } = parseHostPort(values.listen ?? '127.0.0.1:7400', 'listen');
  const token = resolveToken(values.token);
  assertListenAllowed(host, token);
  const tls = readTls(values);
  const workers = option('workers', values.workers, parseWorkerCount);
  if (workers !== undefined && !values['local-agent']) throw new RookeryError('ROOKERY_USAGE', '--workers needs --local-agent', { hint: USAGE });
  if (values['local-agent'] && (tls.tlsCert || tls.tlsKey)) {
    throw new RookeryError('ROOKERY_USAGE', '--local-agent runs on plain ws: leave out --tls-cert/--tls-key or run agents separately', { hint: USAGE });
  }
  const log = (line: string) => process.stderr.write(`[coordinator] ${line}\n`);

  const started = values['local-agent']
    ? await startLocalCluster({ agents: [], workers, host, port, token, log: (line) => process.stderr.write(`[agent] ${line}\n`) })
    : undefined;
  const service = started?.service ?? await startCoordinatorService({ host, port, token, tlsCert: tls.tlsCert, tlsKey: tls.tlsKey, log });
  log(`listening on ${service.url}: agents join ${service.url}/agent, clients attach to ${service.url}/control`);
  if (values['ready-json']) {
    const ready: CoordinatorReady = {
      ready: true, pid: process.pid, url: service.url, controlUrl: `${service.url}/control`, agentUrl: `${service.url}/agent`,
      localAgent: started !== undefined, workers: started ? service.coordinator.status().agents[0]?.workers : undefined,
    };
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  }
  await Promise.race([untilInterrupted(), values['exit-with-stdin'] ? stdinClosed() : new Promise<never>(() => undefined)]);
  log('shutting down');
  if (started) await started.close();
  else await service.close();
  return 0;
}

/** Resolves when the parent closes our stdin (or dies, which closes it too). */
function stdinClosed(): Promise<void> {
  return new Promise((resolve) => {
    process.stdin.on('end', resolve);
    process.stdin.on('close', resolve);
    process.stdin.on('error', resolve);
    process.stdin.resume();
  });
}
