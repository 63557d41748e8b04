/**
 * The contract between a role (agent, coordinator) and the transport under it: a reliable, ordered, session-long
 * message link that survives connection blips. The WebSocket implementation (link.ts + endpoints) resends what
 * was not acknowledged after a reconnect; `memory-link.ts` is an in-process pair for tests of the roles.
 */

export interface Link<Out, In> {
  /** Queues a reliable message: delivered once, in order, even across reconnects of the same session. */
  send(message: Out): void;
  on(event: 'message', listener: (message: In) => void): this;
  /** The connection dropped; messages are buffered until `up` (or until the session is lost). */
  on(event: 'down', listener: () => void): this;
  /** The session resumed on a new connection. */
  on(event: 'up', listener: () => void): this;
  /** The session is over (closed by either side, or given up on): nothing more will be delivered. */
  on(event: 'closed', listener: (reason: string) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
  readonly connected: boolean;
  /** Ends the session. */
  close(reason?: string): void;
}
