/**
 * Options shared by the commands that listen or dial (agent, coordinator, run with remote agents): host:port,
 * the token (flag or ROOKERY_TOKEN), TLS certificate, key and CA files.
 */
import { readFileSync } from 'node:fs';
import { RookeryError } from '../common/errors';

export const TOKEN_ENV = 'ROOKERY_TOKEN';

export const NETWORK_OPTIONS = {
  token: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  ca: { type: 'string' },
} as const;

/** `--token`, else ROOKERY_TOKEN (so tokens need not appear in process listings), else undefined. */
export function resolveToken(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const token = flag ?? env[TOKEN_ENV];
  return token === undefined || token === '' ? undefined : token;
}

/** `host:port`, `:port` or `port` (host defaults to 127.0.0.1); `[::1]:7400` for IPv6. */
export function parseHostPort(text: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*))?:?(\d+)$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) {
    throw new RookeryError('ROOKERY_USAGE', `invalid address "${text}": use host:port, like 127.0.0.1:7400`, { where: `--${option}` });
  }
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port };
}

function readPem(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new RookeryError('ROOKERY_USAGE', `cannot read ${path}: ${(error as Error).message}`, { where: `--${option}` });
  }
}

/** The TLS material named by --tls-cert/--tls-key (both or neither) and --ca. */
export function readTls(values: { 'tls-cert'?: string; 'tls-key'?: string; ca?: string }): { tlsCert?: string; tlsKey?: string; ca?: string } {
  if ((values['tls-cert'] === undefined) !== (values['tls-key'] === undefined)) {
    throw new RookeryError('ROOKERY_USAGE', 'give both --tls-cert and --tls-key to serve wss://', { where: values['tls-cert'] ? '--tls-key' : '--tls-cert' });
  }
  return {
    tlsCert: values['tls-cert'] === undefined ? undefined : readPem(values['tls-cert'], 'tls-cert'),
    tlsKey: values['tls-key'] === undefined ? undefined : readPem(values['tls-key'], 'tls-key'),
    ca: values.ca === undefined ? undefined : readPem(values.ca, 'ca'),
  };
}

/** Resolves on the first SIGINT/SIGTERM. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
