/**
 * Turns a plan's stages into a timeline: the moments the target user count changes. The controller only has to
 * follow the points (start or stop users when one is due), so every load shape becomes the same few lines there.
 *
 * Shapes (t is the stage's start, `current` the count when it begins):
 *   ramp  a point each time the straight line from `current` to `to` over `duration` crosses a whole user, ending
 *         exactly at `to` at t+duration. Points are at least MIN_STEP_MS apart: a fast ramp (0→10000 in 1 s) gets
 *         one point per MIN_STEP_MS with bigger jumps instead of 10000 timers. A ramp over 0 ms is a jump at t.
 *   hold  adds time only.
 *   seq   sets users[i] at t + i*interval; lasts users.length*interval (the last value holds one interval).
 *   aseq  like wile-e-coyote, the first step is immediate: current+add at t, +add again at t+interval, … capped at
 *         `to`; lasts steps*interval. It only adds: if `current` is already at or above `to` it does nothing.
 * Points with the same count as the previous one are dropped, and a later point at the same instant replaces the
 * earlier one, so `usersAt` never sees two values for one moment.
 */
import type { Stage, TimelinePoint } from '../protocol/plan';

/** The finest spacing of ramp points: enough for a smooth ramp, coarse enough to keep timers and messages few. */
export const MIN_STEP_MS = 100;

/** The user count right after `stage` has run, starting from `current`. */
export function usersAfterStage(current: number, stage: Stage): number {
  switch (stage.kind) {
    case 'ramp':
      return stage.to;
    case 'hold':
      return current;
    case 'seq':
      return stage.users.length > 0 ? stage.users[stage.users.length - 1] : current;
    case 'aseq':
      return current >= stage.to ? current : stage.to;
  }
}

/** How many steps an aseq stage takes from `current` (0 when it has nothing to add). */
function aseqSteps(current: number, stage: Extract<Stage, { kind: 'aseq' }>): number {
  return current >= stage.to ? 0 : Math.ceil((stage.to - current) / stage.add);
}

/** How long `stage` lasts when it starts at `current` users. */
function stageDuration(current: number, stage: Stage): number {
  switch (stage.kind) {
    case 'ramp':
    case 'hold':
      return stage.duration;
    case 'seq':
      return stage.users.length * stage.interval;
    case 'aseq':
      return aseqSteps(current, stage) * stage.interval;
  }
}

/**
 * Total length of the stages in ms. An aseq stage's length depends on the count it starts from, so pass the
 * plan's initial users when stages contain one (the default, 0, is a plan's default when it has stages).
 */
export function timelineDuration(stages: Stage[], initialUsers = 0): number {
  let total = 0;
  let current = initialUsers;
  for (const stage of stages) {
    checkStage(stage);
    total += stageDuration(current, stage);
    current = usersAfterStage(current, stage);
  }
  return total;
}

/** The points at which the user count changes, starting with {at: 0, users: initialUsers}. */
export function stagesToTimeline(initialUsers: number, stages: Stage[]): TimelinePoint[] {
  checkCount(initialUsers, 'initial users');
  const points: TimelinePoint[] = [{ at: 0, users: initialUsers }];
  let t = 0;
  let current = initialUsers;
  for (const stage of stages) {
    checkStage(stage);
    switch (stage.kind) {
      case 'ramp':
        addRamp(points, t, current, stage.to, stage.duration);
        break;
      case 'hold':
        break;
      case 'seq':
        stage.users.forEach((users, i) => push(points, t + i * stage.interval, users));
        break;
      case 'aseq': {
        let users = current;
        for (let i = 0; i < aseqSteps(current, stage); i++) {
          users = Math.min(users + stage.add, stage.to);
          push(points, t + i * stage.interval, users);
        }
        break;
      }
    }
    t += stageDuration(current, stage);
    current = usersAfterStage(current, stage);
  }
  return points;
}

/**
 * Points of a linear ramp from `from` to `to` over `duration` starting at `start`. With n = the number of whole
 * users to cross, step i of n lands at start + duration*i/n holding the users crossed by then; when crossings would
 * come faster than MIN_STEP_MS, n shrinks to duration/MIN_STEP_MS so each step covers several users. Times are
 * rounded to whole ms, which keeps steps at least MIN_STEP_MS apart because MIN_STEP_MS is itself whole.
 */
function addRamp(points: TimelinePoint[], start: number, from: number, to: number, duration: number): void {
  const distance = Math.abs(to - from);
  if (distance === 0) return;
  const direction = Math.sign(to - from);
  const steps = Math.max(1, Math.min(distance, Math.floor(duration / MIN_STEP_MS)));
  for (let i = 1; i <= steps; i++) {
    const crossed = Math.floor((distance * i) / steps);
    push(points, start + Math.round((duration * i) / steps), from + direction * crossed);
  }
}

/** Appends a point, merging it with the last one when they share an instant or a count. */
function push(points: TimelinePoint[], at: number, users: number): void {
  let last = points[points.length - 1];
  if (last.at === at) {
    points.pop();
    last = points[points.length - 1];
    if (last === undefined || last.users !== users) points.push({ at, users });
    return;
  }
  if (last.users !== users) points.push({ at, users });
}

/** The target user count at `t` ms: the count of the last point at or before it (the first point's before 0). */
export function usersAt(timeline: TimelinePoint[], t: number): number {
  if (timeline.length === 0) return 0;
  let low = 0;
  let high = timeline.length - 1;
  if (t < timeline[0].at) return timeline[0].users;
  // Binary search for the last point with at <= t: long ramps have tens of thousands of points.
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (timeline[mid].at <= t) low = mid;
    else high = mid - 1;
  }
  return timeline[low].users;
}

/** Stages from the plan parser are already valid; these guard stages built elsewhere (CLI flags, the extension). */
function checkStage(stage: Stage): void {
  switch (stage.kind) {
    case 'ramp':
      checkCount(stage.to, 'ramp to');
      checkDuration(stage.duration, 'ramp duration', false);
      return;
    case 'hold':
      checkDuration(stage.duration, 'hold duration', false);
      return;
    case 'seq':
      checkDuration(stage.interval, 'seq interval', true);
      if (stage.users.length === 0) throw new RangeError('seq needs at least one user count');
      stage.users.forEach((u) => checkCount(u, 'seq users'));
      return;
    case 'aseq':
      checkDuration(stage.interval, 'aseq interval', true);
      checkCount(stage.to, 'aseq to');
      checkCount(stage.add, 'aseq add');
      if (stage.add === 0) throw new RangeError('aseq add must be more than 0');
      return;
    default:
      throw new RangeError(`unknown stage kind ${JSON.stringify((stage as { kind?: unknown }).kind)}`);
  }
}

function checkCount(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number of users, 0 or more (got ${n})`);
}

function checkDuration(ms: number, what: string, positive: boolean): void {
  if (!Number.isSafeInteger(ms) || ms < 0 || (positive && ms === 0)) {
    throw new RangeError(`${what} must be a whole number of ms, ${positive ? 'more than 0' : '0 or more'} (got ${ms})`);
  }
}
