/**
 * The coordination barriers (amoc_coordinator) of one cluster run, held by the coordinator so that users of every
 * worker and agent meet in the same batches. The plans' functions stay in the workers: each barrier here is built
 * from the plan's shape with stand-in actions that ask an agent that registered the plan to run the real one.
 *
 * Every worker registers the same plan in its `init`; the first registration defines the barrier, later ones must
 * have the same shape (a different one is reported and ignored). Adds that arrive before the plan (a fast user
 * of another worker) wait for it.
 */
import { Barrier } from '../coordination/barrier';
import type { BarrierAction, BarrierEvent, BarrierPlanItem, BarrierUser } from '../coordination/barrier-plan';
import type { BarrierFire, BarrierMember, BarrierOp, BarrierShape } from '../protocol/cluster';

interface HubBarrier {
  barrier: Barrier<unknown>;
  shape: string;
  /** Agents that registered the plan, in order: the first live one runs the actions. */
  agents: string[];
}

export class BarrierHub {
  private readonly barriers = new Map<string, HubBarrier>();
  private readonly waiting = new Map<string, { userId: number; data: unknown }[]>();

  constructor(
    /** Runs `fire` on agent `agentId`. */
    private readonly fire: (agentId: string, fire: BarrierFire) => void,
    private readonly isLive: (agentId: string) => boolean,
    private readonly warn: (message: string) => void,
  ) {}

  apply(agentId: string, op: BarrierOp): void {
    const existing = this.barriers.get(op.name);
    switch (op.kind) {
      case 'start':
        this.start(agentId, op.name, op.shape);
        return;
      case 'add':
        if (!existing) {
          const queue = this.waiting.get(op.name) ?? [];
          queue.push({ userId: op.userId, data: op.data });
          this.waiting.set(op.name, queue);
          return;
        }
        this.settle(op.name, existing.barrier.add(op.userId, op.data));
        return;
      case 'reset':
        if (existing) this.settle(op.name, existing.barrier.reset());
        else this.warn(`coordinator "${op.name}": reset before it was started`);
        return;
      case 'stop':
        if (existing) this.settle(op.name, existing.barrier.stop());
        else this.warn(`coordinator "${op.name}": stop before it was started`);
        return;
    }
  }

  /** The run ends: barriers are dropped without firing (no agent is left to run actions). */
  close(): void {
    for (const { barrier } of this.barriers.values()) barrier.dispose();
    this.barriers.clear();
    this.waiting.clear();
  }

  private start(agentId: string, name: string, shape: BarrierShape): void {
    const key = JSON.stringify(shape);
    const existing = this.barriers.get(name);
    if (existing) {
      if (existing.shape !== key) this.warn(`coordinator "${name}": agent ${agentId} started it with another plan; the first plan stays`);
      else if (!existing.agents.includes(agentId)) existing.agents.push(agentId);
      return;
    }
    const hub: HubBarrier = { barrier: undefined as unknown as Barrier<unknown>, shape: key, agents: [agentId] };
    const plan: BarrierPlanItem<unknown>[] = shape.items.map((item, i) => ({
      users: item.users,
      action: item.actions.map((kind, j) => this.standIn(name, hub, i, j, kind)),
    }));
    hub.barrier = new Barrier<unknown>(plan, {
      name,
      ...(shape.timeoutMs === undefined ? {} : { timeoutMs: shape.timeoutMs }),
      onError: (error) => this.warn(`coordinator "${name}": ${(error as Error)?.message ?? String(error)}`),
    });
    this.barriers.set(name, hub);
    for (const added of this.waiting.get(name) ?? []) this.settle(name, hub.barrier.add(added.userId, added.data));
    this.waiting.delete(name);
  }

  /** An action of the right arity (the barrier tells them apart by it) that has an agent run the real one. */
  private standIn(name: string, hub: HubBarrier, item: number, action: number, kind: 'event' | 'users' | 'pairs'): BarrierAction<unknown> {
    const send = (event: BarrierEvent, extra: Pick<BarrierFire, 'users' | 'pair'>) => {
      const agentId = hub.agents.find((a) => this.isLive(a));
      if (agentId === undefined) {
        this.warn(`coordinator "${name}": no live agent holds its plan; an action was skipped`);
        return;
      }
      this.fire(agentId, { name, item, action, event: { type: event.type, users: event.users }, ...extra });
    };
    if (kind === 'event') return (event: BarrierEvent) => send(event, {});
    if (kind === 'users') return (event: BarrierEvent, users: BarrierUser<unknown>[]) => send(event, { users: users.map(member) });
    return (event: BarrierEvent, a: BarrierUser<unknown>, b: BarrierUser<unknown> | undefined) => send(event, { pair: [member(a), b ? member(b) : null] });
  }

  private settle(name: string, done: Promise<void>): void {
    done.catch((error: unknown) => this.warn(`coordinator "${name}": ${(error as Error)?.message ?? String(error)}`));
  }
}

function member(user: BarrierUser<unknown>): BarrierMember {
  return { userId: user.userId, data: user.data ?? null };
}
