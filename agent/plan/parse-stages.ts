/**
 * The `stages:` list of a plan → Stage[]: each item names exactly one kind (ramp, hold, seq, aseq) with its fields,
 * and every mistake is reported at the item, key or value it concerns. Positions only; what stages do over time
 * is timeline.ts.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { didYouMean, suggestionSuffix } from '../common/did-you-mean';
import type { Stage } from '../protocol/plan';
import type { SourceRange } from '../protocol/variables';
import { describeNode, type Entry, type PlanReader } from './plan-reader';
import { parseDuration, parseUserCount } from './units';

export const STAGE_KINDS = ['ramp', 'hold', 'seq', 'aseq'] as const;
type StageKind = (typeof STAGE_KINDS)[number];

const FIELDS: Record<Exclude<StageKind, 'hold'>, readonly string[]> = {
  ramp: ['to', 'over'],
  seq: ['every', 'users'],
  aseq: ['every', 'add', 'to'],
};

/** What each field means, for "ramp needs `over` (…)" messages. */
const FIELD_HINTS: Record<string, string> = {
  to: 'the user count to reach, like `to: 100`',
  over: 'how long the ramp takes, like `over: 30s`',
  every: 'the interval between steps, like `every: 10s`',
  users: 'the counts to set in turn, like `users: [10, 20, 50]`',
  add: 'users added each interval, like `add: 10`',
};

const EXAMPLES: Record<StageKind, string> = {
  ramp: '`- ramp: { to: 100, over: 30s }`',
  hold: '`- hold: 1m`',
  seq: '`- seq: { every: 10s, users: [10, 20, 50] }`',
  aseq: '`- aseq: { every: 5s, add: 10, to: 100 }`',
};

export interface ParsedStages {
  /** The valid stages, in order (invalid items are left out and reported). */
  stages: Stage[];
  /** The range of each list item, in source order, valid or not. */
  ranges: SourceRange[];
  /** True when every item became a stage, so `stages[i]` is the item at `ranges[i]`. */
  complete: boolean;
}

export function parseStages(reader: PlanReader, list: YAMLSeq): ParsedStages {
  const stages: Stage[] = [];
  const ranges: SourceRange[] = [];
  for (const item of list.items) {
    const range = reader.range(item as Node);
    ranges.push(range);
    if (reader.isBroken(item)) continue;
    const stage = parseStage(reader, reader.resolve(item), range);
    if (stage) stages.push(stage);
  }
  return { stages, ranges, complete: stages.length === ranges.length };
}

function parseStage(reader: PlanReader, node: Node | null, range: SourceRange): Stage | undefined {
  if (!isMap(node)) {
    const word = isScalar(node) && typeof node.value === 'string' ? node.value : undefined;
    if (word !== undefined && (STAGE_KINDS as readonly string[]).includes(word)) {
      reader.error('ROOKERY_PLAN_STAGE', `stage "${word}" needs its settings after a colon, like ${EXAMPLES[word as StageKind]}`, range);
    } else {
      const suffix = word === undefined ? '' : suggestionSuffix(word, STAGE_KINDS);
      reader.error('ROOKERY_PLAN_STAGE', `a stage is one of ${STAGE_KINDS.join(', ')} with its settings, like ${EXAMPLES.hold}; found ${describeNode(node)}${suffix}`, range);
    }
    return undefined;
  }
  const entries = reader.entries(node, { names: STAGE_KINDS, what: 'stage kind', code: 'ROOKERY_PLAN_STAGE' });
  if (entries.length === 0) {
    // Either the mapping is empty or every key was unknown (already reported).
    if (node.items.length === 0) reader.error('ROOKERY_PLAN_STAGE', `empty stage: use one of ${STAGE_KINDS.join(', ')}, like ${EXAMPLES.hold}`, range);
    return undefined;
  }
  for (const extra of entries.slice(1)) {
    reader.error('ROOKERY_PLAN_STAGE', `one stage per list item: start "${extra.name}" on its own line with "- "`, extra.key);
  }
  if (entries.length > 1) return undefined;
  const entry = entries[0];
  const kind = entry.name as StageKind;
  if (entry.broken) return undefined;
  if (kind === 'hold') {
    const duration = reader.unit(entry, parseDuration, 'ROOKERY_PLAN_DURATION', 'a duration like 1m');
    return duration === undefined ? undefined : { kind: 'hold', duration };
  }
  if (!isMap(entry.node)) {
    reader.error('ROOKERY_PLAN_TYPE', `${kind} takes settings, like ${EXAMPLES[kind]}; found ${describeNode(entry.node)}`, entry.value);
    return undefined;
  }
  const fields = readFields(reader, kind, entry, entry.node);
  if (!fields) return undefined;
  switch (kind) {
    case 'ramp': {
      const to = reader.unit(fields.to, parseUserCount, 'ROOKERY_PLAN_USERS', 'a number of users');
      const duration = reader.unit(fields.over, parseDuration, 'ROOKERY_PLAN_DURATION', 'a duration like 30s');
      return to === undefined || duration === undefined ? undefined : { kind, to, duration };
    }
    case 'seq': {
      const interval = readInterval(reader, fields.every);
      const users = readCountList(reader, fields.users);
      return interval === undefined || users === undefined ? undefined : { kind, interval, users };
    }
    case 'aseq': {
      const interval = readInterval(reader, fields.every);
      const add = reader.unit(fields.add, parseUserCount, 'ROOKERY_PLAN_USERS', 'a number of users');
      if (add === 0) reader.error('ROOKERY_PLAN_VALUE', '`add` must be at least 1: the users added each interval', fields.add.value);
      const to = reader.unit(fields.to, parseUserCount, 'ROOKERY_PLAN_USERS', 'a number of users');
      return interval === undefined || add === undefined || add === 0 || to === undefined ? undefined : { kind, interval, add, to };
    }
  }
}

/** The fields of a ramp/seq/aseq mapping by name, or undefined (after reporting) when any is unknown or missing. */
function readFields(reader: PlanReader, kind: Exclude<StageKind, 'hold'>, stage: Entry, map: YAMLMap): Record<string, Entry> | undefined {
  const names = FIELDS[kind];
  const before = reader.problems.length;
  const found: Record<string, Entry> = {};
  for (const entry of reader.entries(map, { names, what: `${kind} setting` })) found[entry.name] = entry;
  // A misspelt field is already reported as unknown with a suggestion; saying it is also missing adds nothing.
  const suggested = new Set<string>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
    const guess = key === undefined || names.includes(key) ? undefined : didYouMean(key, names);
    if (guess !== undefined) suggested.add(guess);
  }
  const missing = names.filter((n) => !(n in found) && !suggested.has(n));
  for (const name of missing) {
    reader.error('ROOKERY_PLAN_MISSING_KEY', `${kind} needs \`${name}\`: ${FIELD_HINTS[name]}`, stage.value);
  }
  return reader.problems.length === before ? found : undefined;
}

function readInterval(reader: PlanReader, entry: Entry): number | undefined {
  const interval = reader.unit(entry, parseDuration, 'ROOKERY_PLAN_DURATION', 'a duration like 10s');
  if (interval === 0) {
    reader.error('ROOKERY_PLAN_VALUE', '`every` must be more than 0: it is the time between steps', entry.value);
    return undefined;
  }
  return interval;
}

/** seq's `users`: a non-empty list of counts, each reported at its own position. */
function readCountList(reader: PlanReader, entry: Entry): number[] | undefined {
  if (entry.broken) return undefined;
  if (!isSeq(entry.node)) {
    reader.error('ROOKERY_PLAN_TYPE', `\`users\` must be a list of user counts, like [10, 20, 50]; found ${describeNode(entry.node)}`, entry.value);
    return undefined;
  }
  if (entry.node.items.length === 0) {
    reader.error('ROOKERY_PLAN_VALUE', '`users` is empty: list at least one user count, like [10, 20, 50]', entry.value);
    return undefined;
  }
  const counts: number[] = [];
  let ok = true;
  for (const item of entry.node.items) {
    if (reader.isBroken(item)) {
      ok = false;
      continue;
    }
    const node = reader.resolve(item);
    const range = reader.range(item as Node);
    if (node !== null && !isScalar(node)) {
      reader.error('ROOKERY_PLAN_TYPE', `a user count must be a number, not ${describeNode(node)}`, range);
      ok = false;
      continue;
    }
    const count = reader.parseValue(node === null ? null : node.value, range, parseUserCount, 'ROOKERY_PLAN_USERS');
    if (count === undefined) ok = false;
    else counts.push(count);
  }
  return ok ? counts : undefined;
}
