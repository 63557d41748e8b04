/**
 * Opens undici's connections (wrapping its `buildConnector`) and times them: TCP connect (DNS lookup included,
 * from the connect call to the socket's `connect`) and the TLS handshake (`connect` → `secureConnect`).
 *
 * How a timing finds its request: when a connection is ready undici runs our callback, and inside that same
 * synchronous call it writes the first queued request to the new socket, calling that request's handler
 * `onRequestStart`. So the connector parks the timing in `fresh` for the duration of the callback and the handler
 * takes it there (`takeConnectTiming`). No lookup tables, no diagnostics_channel, nothing per request, and it is
 * exact for per-user clients and shared pools alike: whichever request actually rides the new connection first
 * gets its cost. (If undici ever deferred that write, the timing would simply be dropped, never misattributed.)
 */
import { buildConnector } from 'undici';
import type { Socket } from 'node:net';

export interface ConnectTiming {
  connectUs: number;
  /** Undefined for plain HTTP. */
  tlsUs: number | undefined;
}

let fresh: ConnectTiming | undefined;

/** The timing of the connection being handed to undici right now, once; undefined otherwise. */
export function takeConnectTiming(): ConnectTiming | undefined {
  const timing = fresh;
  fresh = undefined;
  return timing;
}

/**
 * An undici `connect` option: `buildConnector` with timing. `timeout` (ms) bounds the connect and TLS phase; other
 * options go to `buildConnector` as they are (TLS settings such as `ca`).
 */
export function createTimedConnector(options: buildConnector.BuildOptions & { timeout: number }): buildConnector.connector {
  const base = buildConnector(options);
  return function timedConnect(target, callback) {
    const start = performance.now();
    let tcpAt = 0;
    // buildConnector returns the socket it creates (its typings say void); it is only used to see TCP connect
    // ahead of TLS. Without it the whole connect + handshake is reported as connect time.
    const socket = base(target, (error, connected) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const now = performance.now();
      const tcpEnd = tcpAt === 0 ? now : tcpAt;
      fresh = {
        connectUs: Math.round((tcpEnd - start) * 1000),
        tlsUs: target.protocol === 'https:' && tcpAt !== 0 ? Math.round((now - tcpAt) * 1000) : undefined,
      };
      try {
        callback(null, connected);
      } finally {
        fresh = undefined;
      }
    }) as unknown as Socket | undefined;
    // Prepended so it runs before buildConnector's own listener, which is what hands a plain socket to undici.
    if (socket !== undefined && typeof socket.prependOnceListener === 'function') {
      socket.prependOnceListener('connect', () => {
        tcpAt = performance.now();
      });
    }
  };
}
