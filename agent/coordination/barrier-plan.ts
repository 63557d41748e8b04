/**
 * The plan of a barrier (amoc_coordinator's "coordination plan"): its public types, and the check that turns what a
 * scenario wrote into validated items — every problem reported at once, each naming the item it is about.
 *
 * An action's shape is told apart by its declared parameter count (`action.length`), as amoc tells funs apart by
 * arity: write every parameter out (no defaults or rest parameters, which lower `length`). Inline arrow functions
 * need their parameters annotated (`(event: BarrierEvent, users: BarrierUser<D>[]) => …`): TypeScript cannot type
 * the parameters of a function from a union of signatures of different lengths.
 */
import { RookeryError, type Problem } from '../common/errors';

/** Why actions run: a batch filled, the timeout passed, `reset()`, or `stop()`. */
export type BarrierEventType = 'coordinate' | 'timeout' | 'reset' | 'stop';

/** What every action receives first; `users` is the number of users in the batch it is called for. */
export interface BarrierEvent {
  readonly type: BarrierEventType;
  readonly users: number;
}

/** One user that called `add`, with the data it passed. */
export interface BarrierUser<D> {
  readonly userId: number;
  readonly data: D;
}

/** `(event)`: cares only about how many users there are. */
export type BarrierEventAction = (event: BarrierEvent) => unknown;
/** `(event, users)`: the whole batch, most recent `add` first (amoc's order). */
export type BarrierUsersAction<D> = (event: BarrierEvent, users: BarrierUser<D>[]) => unknown;
/** `(event, a, b)`: called once for every distinct pair of the batch; a lone user comes with `b` undefined. */
export type BarrierPairAction<D> = (event: BarrierEvent, a: BarrierUser<D>, b: BarrierUser<D> | undefined) => unknown;

export type BarrierAction<D> = BarrierEventAction | BarrierUsersAction<D> | BarrierPairAction<D>;

/**
 * How many users make a batch: a count, a range `[min, max]` (a new size is drawn, uniformly, each time a batch
 * fills), or `'all'`: every user added, handed over only on timeout, `reset()` and `stop()`.
 */
export type BarrierUsers = number | readonly [number, number] | 'all';

export interface BarrierPlanItem<D> {
  users: BarrierUsers;
  /** One action or several; an item's actions run in the order written. `'all'` items take no pair actions. */
  action: BarrierAction<D> | readonly BarrierAction<D>[];
}

export type BarrierPlan<D> = BarrierPlanItem<D> | readonly BarrierPlanItem<D>[];

/** An action with its shape resolved once, so the barrier never looks at `length` again. */
export type CompiledAction<D> =
  | { kind: 'event'; run: BarrierEventAction }
  | { kind: 'users'; run: BarrierUsersAction<D> }
  | { kind: 'pairs'; run: BarrierPairAction<D> };

export type BatchSize = { kind: 'fixed'; size: number } | { kind: 'range'; min: number; max: number } | { kind: 'all' };

export interface CompiledItem<D> {
  /** Position in the plan as written, for error reports. */
  index: number;
  size: BatchSize;
  actions: CompiledAction<D>[];
}

/**
 * Checks a plan and resolves each action's shape. Throws one `RookeryError` listing every problem (`where` is
 * `plan[i].users` or `plan[i].action[j]`) for an empty plan, a size that is not a positive integer, a reversed
 * range, a value that is not a function, or a function taking other than 1–3 parameters (3 not allowed for `'all'`).
 */
export function compileBarrierPlan<D>(plan: BarrierPlan<D>, name = 'barrier'): CompiledItem<D>[] {
  const items: readonly unknown[] = Array.isArray(plan) ? plan : [plan];
  const problems: Problem[] = [];
  if (items.length === 0) problems.push({ where: 'plan', message: 'the plan has no items' });
  const compiled: CompiledItem<D>[] = [];
  items.forEach((raw, index) => {
    const where = `plan[${index}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push({ where, message: 'expected an item { users, action }' });
      return;
    }
    const item = raw as Partial<BarrierPlanItem<D>>;
    const size = checkSize(item.users, `${where}.users`, problems);
    const actions = checkActions<D>(item.action, size?.kind === 'all', `${where}.action`, problems);
    if (size && actions) compiled.push({ index, size, actions });
  });
  if (problems.length > 0) {
    throw new RookeryError('ROOKERY_SCENARIO_INIT', `invalid plan for coordination "${name}"`, {
      problems,
      hint: "plan items are { users: N | [min, max] | 'all', action: (event) | (event, users) | (event, a, b) }",
    });
  }
  return compiled;
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

function checkSize(users: unknown, where: string, problems: Problem[]): BatchSize | undefined {
  if (users === 'all') return { kind: 'all' };
  if (isPositiveInteger(users)) return { kind: 'fixed', size: users };
  if (Array.isArray(users) && users.length === 2 && isPositiveInteger(users[0]) && isPositiveInteger(users[1])) {
    const [min, max] = users as [number, number];
    if (min <= max) return min === max ? { kind: 'fixed', size: min } : { kind: 'range', min, max };
    problems.push({ where, message: `range [${min}, ${max}] has min above max` });
    return undefined;
  }
  problems.push({ where, message: `expected a positive integer, [min, max] or 'all', got ${describe(users)}` });
  return undefined;
}

function checkActions<D>(action: unknown, isAll: boolean, where: string, problems: Problem[]): CompiledAction<D>[] | undefined {
  const list: readonly unknown[] = Array.isArray(action) ? action : [action];
  if (list.length === 0) {
    problems.push({ where, message: 'expected at least one action' });
    return undefined;
  }
  const compiled: CompiledAction<D>[] = [];
  list.forEach((fn, j) => {
    const at = Array.isArray(action) ? `${where}[${j}]` : where;
    if (typeof fn !== 'function') {
      problems.push({ where: at, message: `expected a function, got ${describe(fn)}` });
    } else if (fn.length === 1) {
      compiled.push({ kind: 'event', run: fn as BarrierEventAction });
    } else if (fn.length === 2) {
      compiled.push({ kind: 'users', run: fn as BarrierUsersAction<D> });
    } else if (fn.length === 3 && !isAll) {
      compiled.push({ kind: 'pairs', run: fn as BarrierPairAction<D> });
    } else if (fn.length === 3) {
      problems.push({ where: at, message: "'all' items take (event) or (event, users) actions, not pair actions" });
    } else {
      problems.push({ where: at, message: `an action takes (event), (event, users) or (event, a, b); this one declares ${fn.length} parameters` });
    }
  });
  return compiled.length === list.length ? compiled : undefined;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
