/**
 * Two connected in-process links: what one side sends, the other receives (asynchronously, in order). For tests
 * of the agent and coordinator roles without sockets; `cut()` and `restore()` simulate a blip.
 */
import { EventEmitter } from 'node:events';
import type { Link } from './link-types';

class MemoryLink<Out, In> extends EventEmitter implements Link<Out, In> {
  peer!: MemoryLink<In, Out>;
  connected = true;
  private isClosed = false;
  private readonly buffered: Out[] = [];

  send(message: Out): void {
    if (this.isClosed) return;
    if (!this.connected) {
      this.buffered.push(message);
      return;
    }
    // Structured clone: what crosses a link is data, never shared objects.
    const copy = structuredClone(message);
    setImmediate(() => {
      if (!this.peer.isClosed) this.peer.emit('message', copy);
    });
  }

  setConnected(connected: boolean): void {
    if (this.connected === connected || this.isClosed) return;
    this.connected = connected;
    this.emit(connected ? 'up' : 'down');
    if (connected) for (const m of this.buffered.splice(0)) this.send(m);
  }

  close(reason = 'closed'): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.connected = false;
    this.emit('closed', reason);
    this.peer.close(reason);
  }
}

export interface MemoryLinkPair<A, B> {
  /** The side that sends A and receives B. */
  a: Link<A, B>;
  b: Link<B, A>;
  cut(): void;
  restore(): void;
}

export function createMemoryLinkPair<A, B>(): MemoryLinkPair<A, B> {
  const a = new MemoryLink<A, B>();
  const b = new MemoryLink<B, A>();
  a.peer = b;
  b.peer = a;
  return {
    a,
    b,
    cut: () => {
      a.setConnected(false);
      b.setConnected(false);
    },
    restore: () => {
      a.setConnected(true);
      b.setConnected(true);
    },
  };
}
