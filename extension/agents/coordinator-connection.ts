/**
 * One subscribed connection to a coordinator: dial its control endpoint with the token, send control/subscribe,
 * keep the cluster status current from the reply and from `cluster/status` pushes, re-emit every push, and tell a
 * close the client asked for (close()) from one it did not ('disconnect'). No vscode import.
 */
import { EventEmitter } from 'node:events';
import { connectControl, type ControlClient } from '../../agent/cluster/control-client';
import { RookeryError } from '../../agent/common/errors';
import type { ClusterStatus, ControlPush } from '../../agent/protocol/control';

/** Dialling gives up after this; so does each request (the subscribe reply is small and immediate). */
export const CONNECT_TIMEOUT_MS = 10_000;
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ConnectionOptions {
  token?: string;
  connectTimeoutMs?: number;
  timeoutMs?: number;
}

export class CoordinatorConnection extends EventEmitter {
  private latest: ClusterStatus;
  private closing = false;

  private constructor(readonly client: ControlClient, status: ClusterStatus) {
    super();
    this.latest = status;
    client.on('push', (push: ControlPush) => {
      if (push.type === 'cluster/status') this.latest = push.status;
      this.emit('push', push);
      if (push.type === 'cluster/status') this.emit('status', push.status);
    });
    client.on('close', (reason: string) => {
      if (!this.closing) this.emit('disconnect', reason);
    });
  }

  /** Connects and subscribes; a failure after the socket opened closes it again, so nothing is left half open. */
  static async open(url: string, options: ConnectionOptions = {}): Promise<CoordinatorConnection> {
    const client = await connectControl(url, {
      token: options.token,
      connectTimeoutMs: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
      timeoutMs: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
    });
    try {
      const status = await client.request({ type: 'control/subscribe' });
      if (!isClusterStatus(status)) {
        throw new RookeryError('ROOKERY_PROTOCOL', `the coordinator at ${url} answered control/subscribe without a cluster status`, {
          where: url,
          hint: 'is it a Rookery coordinator of the same version as the extension?',
        });
      }
      return new CoordinatorConnection(client, status);
    } catch (error) {
      client.close();
      throw error;
    }
  }

  get url(): string {
    return this.client.url;
  }

  get status(): ClusterStatus {
    return this.latest;
  }

  get closed(): boolean {
    return this.closing || this.client.closed;
  }

  /** Asks the coordinator again (after attach/detach, whose status push may lag by up to a second). */
  async refresh(): Promise<ClusterStatus> {
    const status = await this.client.request({ type: 'control/status' });
    if (isClusterStatus(status)) {
      this.latest = status;
      this.emit('status', status);
    }
    return this.latest;
  }

  /** Closes on purpose: no 'disconnect' event. */
  close(): void {
    this.closing = true;
    this.client.close();
  }

  override on(event: 'push', listener: (push: ControlPush) => void): this;
  override on(event: 'status', listener: (status: ClusterStatus) => void): this;
  override on(event: 'disconnect', listener: (reason: string) => void): this;
  override on(event: string, listener: (...args: any[]) => void): this {
    return super.on(event, listener);
  }
}

function isClusterStatus(value: unknown): value is ClusterStatus {
  const v = value as Partial<ClusterStatus> | null;
  return typeof v === 'object' && v !== null && typeof v.coordinatorId === 'string' && Array.isArray(v.agents);
}
