/**
 * A TCP proxy on 127.0.0.1 for link tests: forwards to a target port, and on demand cuts every connection (no
 * WebSocket close frame: the link sees an abrupt drop) or refuses new ones for a while (accepted, then reset at
 * once, as a down network or a restarting peer would look).
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Connections currently forwarded. */
  readonly connections: number;
  /** Connections accepted since the start (including refused ones). */
  readonly accepted: number;
  /** Destroys every forwarded connection, both sides. */
  cut(): void;
  /** While on, new connections are reset as soon as they arrive. */
  setRefusing(on: boolean): void;
  /** Cuts everything and refuses new connections for `ms`. */
  cutFor(ms: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let refusing = false;
  let accepted = 0;
  let refuseTimer: NodeJS.Timeout | undefined;

  const server = createServer((client) => {
    accepted++;
    client.on('error', () => {});
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    upstream.on('error', () => {});
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', drop);
    upstream.on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const cut = () => {
    for (const [client, upstream] of [...pairs]) {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    }
    pairs.clear();
  };
  return {
    port,
    get connections() {
      return pairs.size;
    },
    get accepted() {
      return accepted;
    },
    cut,
    setRefusing(on) {
      refusing = on;
    },
    cutFor(ms) {
      refusing = true;
      cut();
      clearTimeout(refuseTimer);
      refuseTimer = setTimeout(() => {
        refusing = false;
      }, ms);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(refuseTimer);
        cut();
        server.close(() => resolve());
      }),
  };
}
