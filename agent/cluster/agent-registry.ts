/**
 * The agents a coordinator knows: one entry per agent session (handed over by the transport), its state, its
 * last figures, and the events of its link turned into registry events (message, disconnected, reconnected, lost).
 *
 * States: `ready` between runs; `preparing`, `running`, `stopping` as a run moves them (setState); `disconnected`
 * while the link is down (the state to come back to is kept, and restored on `up`); `lost` once the link says
 * `closed` — the transport closes a session silent for PEER_TIMEOUT_MS, so `lost` is final for that session. A new
 * session with the same agent id replaces the old entry (the old one is reported lost first, if it was not).
 * Lost entries stay listed for status until replaced, detached, or pushed out by newer ones (MAX_LOST_AGENTS).
 */
import { EventEmitter } from 'node:events';
import { RookeryError } from '../common/errors';
import type { AgentMessage, CoordinatorMessage, IdRange } from '../protocol/cluster';
import type { AgentInfo, AgentState } from '../protocol/control';
import type { Utilization } from '../protocol/snapshot';
import type { Link } from './link-types';

/** The coordinator's end of an agent link. */
export type AgentLink = Link<CoordinatorMessage, AgentMessage>;

/** A session as the transport hands it over after a successful hello. */
export interface AgentSession {
  agentId: string;
  name: string;
  workers: number;
  link: AgentLink;
  /** The URL the coordinator dialled (agents attached with `--agents` / control/attach-agent). */
  url?: string;
}

/** Lost entries kept for status; older ones are dropped. */
export const MAX_LOST_AGENTS = 50;

export class AgentEntry {
  readonly agentId: string;
  readonly name: string;
  readonly workers: number;
  readonly url: string | undefined;
  readonly link: AgentLink;
  /** Set by the run the agent takes part in. */
  ranges: IdRange[] = [];
  runningUsers = 0;
  rps = 0;
  utilization: Utilization = { eventLoop: 0, cpu: 0 };
  overloaded = false;
  lastSeen: number;
  private current: AgentState = 'ready';
  /** Where a `disconnected` agent returns on `up`. */
  private resumeState: AgentState = 'ready';

  constructor(session: AgentSession, now: number) {
    this.agentId = session.agentId;
    this.name = session.name;
    this.workers = session.workers;
    this.url = session.url;
    this.link = session.link;
    this.lastSeen = now;
  }

  get state(): AgentState {
    return this.current;
  }

  /** True until the session is lost. */
  get alive(): boolean {
    return this.current !== 'lost';
  }

  info(): AgentInfo {
    const info: AgentInfo = {
      agentId: this.agentId,
      name: this.name,
      state: this.current,
      workers: this.workers,
      ranges: this.ranges.map((r) => ({ ...r })),
      runningUsers: this.runningUsers,
      rps: this.rps,
      utilization: { ...this.utilization },
      overloaded: this.overloaded,
      lastSeen: this.lastSeen,
    };
    if (this.url !== undefined) info.url = this.url;
    return info;
  }

  /** @internal the registry's transitions; runs use AgentRegistry.setState. */
  transition(state: AgentState): boolean {
    if (this.current === 'lost') return false;
    if (state === 'disconnected') {
      if (this.current === 'disconnected') return false;
      this.resumeState = this.current;
    } else if (this.current === 'disconnected' && state !== 'lost') {
      // Still down: remember where to go when it comes back.
      this.resumeState = state;
      return false;
    }
    if (this.current === state) return false;
    this.current = state;
    return true;
  }

  /** @internal back from `disconnected`. */
  resume(): boolean {
    if (this.current !== 'disconnected') return false;
    this.current = this.resumeState;
    return true;
  }
}

type Events = {
  joined: [AgentEntry];
  message: [AgentEntry, AgentMessage];
  disconnected: [AgentEntry];
  reconnected: [AgentEntry];
  lost: [AgentEntry, string];
  /** Any change worth a `cluster/status` push: joined, state, lost, removed. */
  changed: [];
};

export class AgentRegistry extends EventEmitter<Events> {
  private readonly entries = new Map<string, AgentEntry>();
  private readonly detachers = new Map<AgentEntry, () => void>();
  private readonly now: () => number;

  constructor(options: { now?: () => number } = {}) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Registers a session. Throws a RookeryError (and registers nothing) on a malformed one. */
  add(session: AgentSession): AgentEntry {
    const problems: string[] = [];
    if (typeof session.agentId !== 'string' || session.agentId === '') problems.push('agentId must be a non-empty string');
    if (typeof session.name !== 'string' || session.name === '') problems.push('name must be a non-empty string');
    if (!Number.isSafeInteger(session.workers) || session.workers < 1) problems.push(`workers must be a whole number >= 1 (got ${String(session.workers)})`);
    if (problems.length > 0) {
      throw new RookeryError('ROOKERY_USAGE', `invalid agent session: ${problems.join('; ')}`, { problems: problems.map((message) => ({ message })) });
    }
    const previous = this.entries.get(session.agentId);
    if (previous !== undefined) {
      if (previous.link === session.link) return previous;
      this.markLost(previous, 'replaced by a new session of the same agent');
      this.detach(previous);
      previous.link.close('replaced by a new session');
      this.entries.delete(previous.agentId);
    }
    const entry = new AgentEntry(session, this.now());
    this.entries.set(entry.agentId, entry);
    this.attach(entry);
    this.pruneLost();
    this.emit('joined', entry);
    this.emit('changed');
    // A link that dropped before the session was registered is down until it says `up` (or `closed`).
    if (!entry.link.connected) this.onDown(entry);
    return entry;
  }

  get(agentId: string): AgentEntry | undefined {
    return this.entries.get(agentId);
  }

  /** By id, or else by name (a live agent first, since a lost one may share its name). */
  find(idOrName: string): AgentEntry | undefined {
    const byId = this.entries.get(idOrName);
    if (byId) return byId;
    const named = [...this.entries.values()].filter((e) => e.name === idOrName);
    return named.find((e) => e.alive) ?? named[0];
  }

  /** Every entry, in the order they joined. */
  list(): AgentEntry[] {
    return [...this.entries.values()];
  }

  infos(): AgentInfo[] {
    return this.list().map((e) => e.info());
  }

  setState(entry: AgentEntry, state: AgentState): void {
    if (this.entries.get(entry.agentId) !== entry) return;
    if (entry.transition(state)) this.emit('changed');
  }

  /** Ends an agent's session and forgets it. */
  remove(entry: AgentEntry, reason = 'detached'): void {
    if (this.entries.get(entry.agentId) !== entry) return;
    this.markLost(entry, reason);
    this.detach(entry);
    this.entries.delete(entry.agentId);
    entry.link.close(reason);
    this.emit('changed');
  }

  /** Closes every session (the coordinator is shutting down). */
  close(reason = 'coordinator closing'): void {
    for (const entry of this.list()) this.remove(entry, reason);
  }

  private attach(entry: AgentEntry): void {
    const onMessage = (message: AgentMessage) => {
      entry.lastSeen = this.now();
      this.emit('message', entry, message);
    };
    const onDown = () => this.onDown(entry);
    const onUp = () => {
      entry.lastSeen = this.now();
      if (entry.resume()) {
        this.emit('reconnected', entry);
        this.emit('changed');
      }
    };
    const onClosed = (reason: string) => {
      this.markLost(entry, reason);
      this.detach(entry);
    };
    entry.link.on('message', onMessage).on('down', onDown).on('up', onUp).on('closed', onClosed);
    this.detachers.set(entry, () => {
      entry.link.off('message', onMessage).off('down', onDown).off('up', onUp).off('closed', onClosed);
    });
  }

  private onDown(entry: AgentEntry): void {
    if (entry.transition('disconnected')) {
      this.emit('disconnected', entry);
      this.emit('changed');
    }
  }

  private detach(entry: AgentEntry): void {
    this.detachers.get(entry)?.();
    this.detachers.delete(entry);
  }

  private markLost(entry: AgentEntry, reason: string): void {
    if (!entry.transition('lost')) return;
    entry.runningUsers = 0;
    entry.rps = 0;
    entry.overloaded = false;
    this.emit('lost', entry, reason);
    this.emit('changed');
  }

  private pruneLost(): void {
    const lost = this.list().filter((e) => !e.alive);
    for (const entry of lost.slice(0, Math.max(0, lost.length - MAX_LOST_AGENTS))) this.entries.delete(entry.agentId);
  }
}
