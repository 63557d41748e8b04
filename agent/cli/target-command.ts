/**
 * `rookery target`: the built-in demo target (HTTP API + WebSocket message router), until Ctrl-C.
 */
import { RookeryError } from '../common/errors';
import { startTarget } from '../target/server';
import { option, parse, parseNonNegativeInt } from './args';

const USAGE = 'rookery target [--host 127.0.0.1] [--port 8080] [--latency 20 | 10-50] [--error-rate 0.01]';

/** `20` → 20; `10-50` → [10, 50] (ms). */
export function parseLatency(text: string): number | [number, number] {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*(?:ms)?\s*$/.exec(text);
  if (!m) throw new Error(`invalid latency "${text}": give ms, like 20, or a range, like 10-50`);
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

export function parseErrorRate(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !(n >= 0 && n <= 1)) throw new Error(`invalid error rate "${text}": give a fraction between 0 and 1`);
  return n;
}

export async function targetCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      host: { type: 'string' },
      port: { type: 'string', short: 'p' },
      latency: { type: 'string' },
      'error-rate': { type: 'string' },
    },
    USAGE,
  );
  if (positionals.length > 0) throw new RookeryError('ROOKERY_USAGE', `unexpected argument "${positionals[0]}"`, { hint: USAGE });
  const target = await startTarget({
    host: values.host ?? '127.0.0.1',
    port: option('port', values.port, parseNonNegativeInt) ?? 8080,
    latency: option('latency', values.latency, parseLatency),
    errorRate: option('error-rate', values['error-rate'], parseErrorRate),
  });
  process.stdout.write(`demo target listening\n  HTTP API:   ${target.url}  (GET /, GET /items/:id, POST /items)\n  WebSocket:  ${target.wsUrl}\nCtrl-C to stop\n`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await target.close();
  const stats = target.stats();
  process.stdout.write(`demo target stopped: ${JSON.stringify(stats)}\n`);
  return 0;
}
