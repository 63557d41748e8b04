/**
 * A worker thread's side of the coordination barriers (amoc_coordinator) in a cluster run: the scenario's
 * `coordinator.start/add/reset/stop` become operations for the run's coordinator, which holds each barrier and
 * forms the batches across every worker and agent; when a batch fills it asks one worker that registered the
 * plan to run the action, here, with the batch's users. Every worker registers the plan in its `init`, so the
 * actions exist wherever they are asked for.
 */
import { RookeryError } from '../common/errors';
import type { BarrierFire, BarrierMember, BarrierOp, BarrierShape } from '../protocol/cluster';
import { compileBarrierPlan, type BarrierEvent, type BarrierPlan, type BarrierUser, type CompiledItem } from './barrier-plan';

const NAME = /^[\w.:-]{1,128}$/;

export class BarrierClient {
  private readonly plans = new Map<string, CompiledItem<unknown>[]>();

  constructor(
    private readonly post: (op: BarrierOp) => void,
    private readonly onError: (message: string, error: unknown) => void,
  ) {}

  start(name: string, plan: BarrierPlan<unknown>, options: { timeout?: number } = {}): void {
    checkName(name);
    if (this.plans.has(name)) throw new RookeryError('ROOKERY_STATE', `coordinator "${name}" was already started in this worker`);
    const timeout = options.timeout;
    if (timeout !== undefined && !(timeout > 0)) {
      throw new RookeryError('ROOKERY_USAGE', `coordinator "${name}": timeout must be a number of ms > 0 (or Infinity), got ${String(timeout)}`);
    }
    const items = compileBarrierPlan(plan, name);
    this.plans.set(name, items);
    const shape: BarrierShape = {
      items: items.map((item) => ({
        users: item.size.kind === 'fixed' ? item.size.size : item.size.kind === 'range' ? [item.size.min, item.size.max] : 'all',
        actions: item.actions.map((a) => a.kind),
      })),
    };
    if (timeout !== undefined && timeout !== Infinity) shape.timeoutMs = timeout;
    this.post({ kind: 'start', name, shape });
  }

  add(name: string, user: { id: number }, data?: unknown): void {
    checkName(name);
    if (!user || !Number.isSafeInteger(user.id) || user.id < 1) throw new TypeError('coordinator.add(name, user, data?): pass the user that joins');
    this.post({ kind: 'add', name, userId: user.id, data: jsonCopy(data) });
  }

  reset(name: string): void {
    checkName(name);
    this.post({ kind: 'reset', name });
  }

  stop(name: string): void {
    checkName(name);
    this.post({ kind: 'stop', name });
  }

  /** Runs the action the coordinator asked for; a throwing action is reported, never fatal. */
  async fire(fire: BarrierFire): Promise<void> {
    const action = this.plans.get(fire.name)?.[fire.item]?.actions[fire.action];
    if (!action) {
      this.onError(`coordinator "${fire.name}": no action ${fire.item}.${fire.action} here (was the plan started in init?)`, undefined);
      return;
    }
    const event: BarrierEvent = { type: fire.event.type, users: fire.event.users };
    try {
      if (action.kind === 'event') await action.run(event);
      else if (action.kind === 'users') await action.run(event, (fire.users ?? []).map(member));
      else if (fire.pair) await action.run(event, member(fire.pair[0]), fire.pair[1] ? member(fire.pair[1]) : undefined);
    } catch (error) {
      this.onError(`coordinator "${fire.name}", plan item ${fire.item}: the action threw: ${(error as Error)?.message ?? String(error)}`, error);
    }
  }
}

function member(m: BarrierMember): BarrierUser<unknown> {
  return { userId: m.userId, data: m.data };
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new TypeError(`a coordinator's name is 1-128 letters, digits, _ . : or -; got ${JSON.stringify(name)}`);
  }
}

function jsonCopy(data: unknown): unknown {
  try {
    const json = JSON.stringify(data);
    return json === undefined ? null : JSON.parse(json);
  } catch (error) {
    throw new TypeError(`coordinator.add(): data must be JSON data: ${(error as Error).message}`);
  }
}
