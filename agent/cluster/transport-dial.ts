/**
 * The dialling side's two chores: turning what a user typed into the endpoint URL (`http://h:p` → `ws://h:p`, a
 * bare host:port gets the default path), and turning a failed connection into a RookeryError that says what to do
 * (wrong token, nothing listening, untrusted certificate) instead of `Unexpected server response: 401`.
 */
import { RookeryError } from '../common/errors';

/** ws(s) URL for `url`, with `defaultPath` when it has no path of its own. Throws a usage error for non-URLs. */
export function endpointUrl(url: string, defaultPath?: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RookeryError('ROOKERY_USAGE', `"${url}" is not a URL: use ws://host:port or wss://host:port`, { where: url });
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  else if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new RookeryError('ROOKERY_USAGE', `"${url}" is not a WebSocket URL: use ws://host:port or wss://host:port`, { where: url });
  }
  if (defaultPath && (parsed.pathname === '' || parsed.pathname === '/')) parsed.pathname = defaultPath;
  return parsed.toString();
}

/**
 * Sent by a coordinator dialling a listening agent, so that an agent busy with another coordinator can refuse
 * at the handshake (409) instead of after hello, while the same coordinator may still take over its session.
 */
export const COORDINATOR_ID_HEADER = 'x-rookery-coordinator';

const TLS_CODES = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT.*|CERT_.*|ERR_TLS_.*|ERR_SSL_.*|EPROTO)$/;

/** A connection to `url` (an agent's or a coordinator's) failed: say why in the user's terms. */
export function describeDialError(error: Error, url: string, what: 'agent' | 'coordinator'): RookeryError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const status = /Unexpected server response: (\d+)/.exec(error.message)?.[1];
  const at = `${what} at ${url}`;
  const make = (message: string, hint?: string) => new RookeryError('ROOKERY_CONNECT', `${at}: ${message}`, { where: url, hint, cause: error });
  const start = what === 'agent' ? '`rookery agent --listen host:port`' : '`rookery coordinator --listen host:port`';
  if (status === '401') return make('wrong or missing token; pass --token', `use the same --token the ${what} was started with`);
  if (status === '404') return make(`no ${what} endpoint at this path (HTTP 404)`, what === 'coordinator' ? 'give the coordinator URL as ws://host:port' : undefined);
  if (status === '409') return make('busy: attached to another coordinator (HTTP 409)', 'detach it there first, or start another agent');
  if (status !== undefined) return make(`unexpected HTTP ${status} instead of a WebSocket`, `is this a Rookery ${what}?`);
  if (code === 'ECONNREFUSED') return make('connection refused', `is ${start} running there?`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return make('host not found');
  if (code === 'ETIMEDOUT' || /timed out/i.test(error.message)) return make('no answer (timed out)');
  if (code === 'ECONNRESET' || /socket hang up/.test(error.message)) return make('connection reset during the handshake', 'check ws:// versus wss://');
  if (TLS_CODES.test(code)) {
    return make(`TLS: ${error.message}`, /wrong version number|EPROTO/.test(`${code} ${error.message}`) ? 'check ws:// versus wss://' : 'pass --ca <cert.pem> to trust its certificate');
  }
  return make(error.message);
}
