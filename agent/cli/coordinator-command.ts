/**
 * `rookery coordinator`: a standalone coordinator that agents join (`rookery agent --join`) and that the CLI
 * (`rookery run --coordinator`) and the VS Code extension attach to, start runs on, and watch.
 */
import { RookeryError } from '../common/errors';
import { assertListenAllowed } from '../cluster/auth';
import { startCoordinatorService } from '../cluster/coordinator-service';
import { parse } from './args';
import { NETWORK_OPTIONS, parseHostPort, readTls, resolveToken, untilInterrupted } from './network-options';

const USAGE = 'rookery coordinator --listen host:port [--token T] [--tls-cert cert.pem --tls-key key.pem]';

export async function coordinatorCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { listen: { type: 'string', short: 'l' }, ...NETWORK_OPTIONS }, USAGE);
  if (positionals.length > 0) throw new RookeryError('ROOKERY_USAGE', `unexpected argument "${positionals[0]}"`, { hint: USAGE });
  const { host, port } = parseHostPort(values.listen ?? '127.0.0.1:7400', 'listen');
  const token = resolveToken(values.token);
  assertListenAllowed(host, token);
  const tls = readTls(values);
  const log = (line: string) => process.stderr.write(`[coordinator] ${line}\n`);
  const service = await startCoordinatorService({ host, port, token, tlsCert: tls.tlsCert, tlsKey: tls.tlsKey, log });
  log(`listening on ${service.url}: agents join ${service.url}/agent, clients attach to ${service.url}/control`);
  await untilInterrupted();
  log('shutting down');
  await service.close();
  return 0;
}
