/**
 * A plan file (YAML) → Plan, with every problem at its exact position and the source ranges of the keys and
 * variables the language server points at. Used by `rookery run <plan>`, `rookery validate` and the editor, so
 * all three report the same problems at the same places.
 *
 * The format (keys are camelCase; unknown keys are errors, with a "did you mean"):
 *
 *   scenario: ./http-api.scenario.ts   # required; a path relative to the plan file
 *   users: 10                          # users at the start (default 0 when stages are given, else 1)
 *   userRate: 600/min                  # new users per minute: "10/s", "600/m", "3600/h", a bare number = per
 *                                      #   minute; default 1200
 *   duration: 30s                      # stop after: "500ms", "30s", "5m", "1h", "1m30s"; a bare number = seconds
 *   maintain: false                    # replace users that finish, keeping the count
 *   variables:                         # values for the scenario's variables (any YAML value)
 *     host: http://127.0.0.1:8080
 *   stages:                            # the load shape, followed in order (see timeline.ts)
 *     - ramp: { to: 100, over: 30s }   # linear ramp, up or down, to `to` users over `over`
 *     - hold: 1m                       # keep the count
 *     - seq: { every: 10s, users: [10, 20, 50] }   # every interval, set the count to the next value
 *     - aseq: { every: 5s, add: 10, to: 100 }       # every interval (the first at once), add `add` until `to`
 *     - ramp: { to: 0, over: 10s }
 *   agents:                            # remote agents (`rookery agent --listen`); a local agent by default
 *     - ws://10.0.0.5:7400
 *   onAgentLoss: continue              # when an agent is lost mid-run: continue | redistribute | abort
 *   thresholds:                        # pass/fail criteria (see thresholds.ts); a failed one makes the run exit 3
 *     - p99 < 500ms                    # an expression: latency stat, error_rate, errors, requests, rps, checks,
 *     - error_rate < 1%                #   counter{name}, histogram.<stat>{name}; `{name}` selects one request
 *     - { threshold: p95 < 800ms, abortOnFail: true, delay: 10s }   # stop the run once it fails (after `delay`)
 *
 * Every problem is collected (YAML syntax errors included: the YAML library recovers and we keep checking what
 * it could read) and `plan` is returned only when none is an error. One exception avoids a misleading report:
 * with syntax errors, a missing `scenario` is not reported, since the broken text may be where it was, and an
 * error about a value that overlaps a syntax error is dropped: the syntax error is its cause, and the fix.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { AGENT_LOSS_POLICIES, type AgentLossPolicy } from '../protocol/cluster';
import { DEFAULT_USER_RATE, type Plan, type Stage } from '../protocol/plan';
import type { SourceRange } from '../protocol/variables';
import { PlanReader, describeNode, readBoolean, type Entry, type EntryRange } from './plan-reader';
import { sortProblems, type PlanProblem } from './plan-problems';
import { parseStages } from './parse-stages';
import { readThresholds } from './parse-thresholds';
import { timelineDuration, usersAfterStage } from './timeline';
import { formatDuration, parseDuration, parseRate, parseUserCount } from './units';

export { formatPlanProblem, planError, type PlanProblem, type PlanProblemCode } from './plan-problems';
export type { EntryRange } from './plan-reader';
export { THRESHOLD_KEYS } from './parse-thresholds';

export const PLAN_KEYS = ['scenario', 'users', 'userRate', 'duration', 'maintain', 'variables', 'stages', 'agents', 'onAgentLoss', 'thresholds'] as const;


export { AGENT_LOSS_POLICIES };

/** Where things are in the plan's source, for hovers, go-to-definition and quick fixes. Zero-based. */
export interface PlanRanges {
  /** Each top-level entry with a plain key, in source order (unknown keys included; repeated keys only once). */
  keys: EntryRange[];
  /** Each entry under `variables:`. */
  variables: EntryRange[];
  /** Each item under `stages:`, valid or not. */
  stages: SourceRange[];
}

export interface PlanParseResult {
  /** Present only when there is no error (warnings allowed). */
  plan?: Plan;
  /** Errors and warnings, in file order. */
  problems: PlanProblem[];
  ranges: PlanRanges;
  /**
   * The absolute path the `scenario:` value resolves to (relative to the plan's folder) whenever that value is a
   * non-empty string, even when the plan has other errors or the file does not exist: the editor links it.
   */
  scenarioPath?: string;
  /** The values under `variables:` as read, even when the plan has errors elsewhere; {} when there are none. */
  variableValues: Record<string, unknown>;
}

export interface ParsePlanOptions {
  /** Report a scenario path that does not name a file (default true; the editor may check it itself). */
  checkScenarioExists?: boolean;
}

/** The entry named `name` in a list of ranges (`ranges.keys` or `ranges.variables`). */
export function findEntry(entries: EntryRange[], name: string): EntryRange | undefined {
  return entries.find((e) => e.name === name);
}

const AT_START: SourceRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function parsePlan(fileName: string, text: string, options: ParsePlanOptions = {}): PlanParseResult {
  // Editors hide a byte-order mark; dropping it keeps first-line columns as the user sees them.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  // uniqueKeys off: PlanReader.checkDocument reports duplicates itself, naming the key and its first line.
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const reader = new PlanReader(source, lineCounter, doc);
  const ranges: PlanRanges = { keys: [], variables: [], stages: [] };

  reader.reportYamlProblems();
  const syntaxErrors = doc.errors.length > 0;
  reader.checkDocument();

  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) {
    if (!syntaxErrors) {
      reader.error('ROOKERY_PLAN_EMPTY', 'the plan is empty: it needs at least `scenario: ./my.scenario.ts`', AT_START);
    }
    return { problems: sortProblems(reader.problems), ranges, variableValues: {} };
  }
  if (!isMap(contents)) {
    reader.error('ROOKERY_PLAN_NOT_MAPPING', `a plan is a mapping of keys, like \`scenario: ./my.scenario.ts\`; found ${describeNode(contents)}`, reader.range(contents));
    return { problems: sortProblems(reader.problems), ranges, variableValues: {} };
  }

  const entries = reader.entries(contents, { names: PLAN_KEYS, what: 'plan key', keepUnknown: true });
  ranges.keys = entries.map(({ name, key, value }) => ({ name, key, value }));
  const get = (name: (typeof PLAN_KEYS)[number]) => entries.find((e) => e.name === name);

  const scenarioEntry = get('scenario');
  const scenarioPath = scenarioEntry && scenarioPathOf(fileName, scenarioEntry);
  const scenario = scenarioEntry ? readScenario(reader, fileName, scenarioEntry, options.checkScenarioExists ?? true) : undefined;
  if (!scenarioEntry && !syntaxErrors) {
    reader.error('ROOKERY_PLAN_MISSING_KEY', 'missing `scenario`: the scenario file to run, like `scenario: ./my.scenario.ts`', entries[0]?.key ?? reader.range(contents));
  }

  const usersEntry = get('users');
  const users = usersEntry && reader.unit(usersEntry, parseUserCount, 'ROOKERY_PLAN_USERS', 'a number of users');
  const rateEntry = get('userRate');
  const userRate = rateEntry && reader.unit(rateEntry, parseRate, 'ROOKERY_PLAN_RATE', 'a rate like 600/min');
  const durationEntry = get('duration');
  const duration = durationEntry && readRunDuration(reader, durationEntry);
  const maintainEntry = get('maintain');
  const maintain = maintainEntry && readBoolean(reader, maintainEntry);
  const variablesEntry = get('variables');
  const variables = variablesEntry ? readVariables(reader, variablesEntry, ranges) : {};
  const agentsEntry = get('agents');
  const agents = agentsEntry && readAgents(reader, agentsEntry);
  const lossEntry = get('onAgentLoss');
  const onAgentLoss = lossEntry && readAgentLoss(reader, lossEntry);
  const thresholdsEntry = get('thresholds');
  const thresholds = thresholdsEntry ? readThresholds(reader, source, thresholdsEntry) : [];

  let stages: Stage[] = [];
  let stagesComplete = true;
  const stagesEntry = get('stages');
  if (stagesEntry && stagesEntry.node !== null && !(isScalar(stagesEntry.node) && stagesEntry.node.value === null)) {
    if (isSeq(stagesEntry.node)) {
      const parsed = parseStages(reader, stagesEntry.node);
      ranges.stages = parsed.ranges;
      stages = parsed.stages;
      stagesComplete = parsed.complete;
    } else {
      reader.error('ROOKERY_PLAN_TYPE', `\`stages\` must be a list, like \`- ramp: { to: 100, over: 30s }\`; found ${describeNode(stagesEntry.node)}`, stagesEntry.value);
      stagesComplete = false;
    }
  }

  const initialUsers = users ?? (stages.length > 0 ? 0 : 1);
  if (usersEntry === undefined || users !== undefined) {
    if (stagesComplete) checkShape(reader, initialUsers, stages, ranges.stages, duration, durationEntry, usersEntry);
  }

  const problems = sortProblems(dropCascades(reader.problems));
  const seen = { ranges, variableValues: variables, ...(scenarioPath === undefined ? {} : { scenarioPath }) };
  if (reader.hasErrors() || scenario === undefined) return { problems, ...seen };
  return {
    plan: {
      file: resolve(fileName),
      scenario,
      users: initialUsers,
      userRate: userRate ?? DEFAULT_USER_RATE,
      ...(duration === undefined ? {} : { duration }),
      maintain: maintain ?? false,
      variables,
      stages,
      ...(agents === undefined ? {} : { agents }),
      ...(onAgentLoss === undefined ? {} : { onAgentLoss }),
      thresholds,
    },
    problems,
    ...seen,
  };
}

/** Where a string `scenario:` value points, checked or not (for the editor's link); undefined for anything else. */
function scenarioPathOf(fileName: string, entry: Entry): string | undefined {
  if (entry.broken || !isScalar(entry.node) || typeof entry.node.value !== 'string') return undefined;
  const given = entry.node.value.trim();
  return given === '' ? undefined : resolve(dirname(resolve(fileName)), given);
}

/** The scenario path, absolute (relative paths are from the plan's folder); checked to name a file if asked. */
function readScenario(reader: PlanReader, fileName: string, entry: Entry, checkExists: boolean): string | undefined {
  const node = entry.node;
  if (entry.broken) return undefined;
  if (!isScalar(node) || (node.value !== null && typeof node.value !== 'string')) {
    reader.error('ROOKERY_PLAN_TYPE', `\`scenario\` must be the path of a scenario file, like ./my.scenario.ts; found ${describeNode(node)}`, entry.value);
    return undefined;
  }
  const given = typeof node.value === 'string' ? node.value.trim() : '';
  if (given === '') {
    reader.error('ROOKERY_PLAN_VALUE', '`scenario` is empty: give the path of a scenario file, like ./my.scenario.ts', entry.value);
    return undefined;
  }
  const path = resolve(dirname(resolve(fileName)), given);
  if (checkExists) {
    if (!existsSync(path)) {
      reader.error('ROOKERY_PLAN_SCENARIO_NOT_FOUND', `scenario file not found: ${given} (looked for ${path})`, entry.value);
      return undefined;
    }
    if (!statSync(path).isFile()) {
      reader.error('ROOKERY_PLAN_SCENARIO_NOT_FOUND', `scenario ${given} is a directory, not a file (${path})`, entry.value);
      return undefined;
    }
  }
  return path;
}

function readRunDuration(reader: PlanReader, entry: Entry): number | undefined {
  const ms = reader.unit(entry, parseDuration, 'ROOKERY_PLAN_DURATION', 'a duration like 30s');
  if (ms === 0) {
    reader.error('ROOKERY_PLAN_VALUE', '`duration` must be more than 0: leave it out to run until the stages (or the users) end', entry.value);
    return undefined;
  }
  return ms;
}

/** `agents:` → the WebSocket URLs of agents started with `rookery agent --listen`. */
function readAgents(reader: PlanReader, entry: Entry): string[] | undefined {
  if (entry.broken) return undefined;
  const node = entry.node;
  const items = isSeq(node) ? node.items : undefined;
  if (!items || !items.every((item) => isScalar(item) && typeof item.value === 'string')) {
    reader.error('ROOKERY_PLAN_TYPE', `\`agents\` must be a list of agent URLs, like \`- ws://10.0.0.5:7400\`; found ${describeNode(node)}`, entry.value);
    return undefined;
  }
  const urls: string[] = [];
  for (const item of items) {
    const url = String((item as { value: unknown }).value).trim();
    if (!/^wss?:\/\/[^/\s]+/.test(url)) {
      reader.error('ROOKERY_PLAN_VALUE', `invalid agent URL "${url}": use ws://host:port or wss://host:port`, reader.range(item as Node));
    } else {
      urls.push(url);
    }
  }
  return urls;
}

/** `onAgentLoss:` → what to do when an agent is lost mid-run. */
function readAgentLoss(reader: PlanReader, entry: Entry): AgentLossPolicy | undefined {
  if (entry.broken) return undefined;
  const value = isScalar(entry.node) ? entry.node.value : undefined;
  if (typeof value === 'string' && (AGENT_LOSS_POLICIES as readonly string[]).includes(value)) return value as AgentLossPolicy;
  reader.error('ROOKERY_PLAN_VALUE', `\`onAgentLoss\` must be one of ${AGENT_LOSS_POLICIES.join(', ')}; found ${describeNode(entry.node)}`, entry.value);
  return undefined;
}

/** `variables:` → name → plain JS value (anchors and aliases followed); records each entry's ranges. */
function readVariables(reader: PlanReader, entry: Entry, ranges: PlanRanges): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const node = entry.node;
  if (node === null || (isScalar(node) && node.value === null)) return values;
  if (!isMap(node)) {
    reader.error('ROOKERY_PLAN_TYPE', `\`variables\` must be a mapping of names to values, like \`host: http://127.0.0.1:8080\`; found ${describeNode(node)}`, entry.value);
    return values;
  }
  for (const variable of reader.entries(node)) {
    ranges.variables.push({ name: variable.name, key: variable.key, value: variable.value });
    let value: unknown = null;
    try {
      value = variable.node === null ? null : variable.node.toJS(reader.doc, { maxAliasCount: 100 });
    } catch (error) {
      reader.error('ROOKERY_PLAN_YAML', `cannot read the value of ${variable.name}: ${(error as Error).message}`, variable.value);
    }
    // defineProperty: a variable named __proto__ must stay a plain key.
    Object.defineProperty(values, variable.name, { value, enumerable: true, writable: true, configurable: true });
  }
  return values;
}

/**
 * Warnings about a load shape that is valid but probably not what was meant: nothing would ever run, an aseq
 * that starts at or above its target, or a `duration` that cuts the stages short.
 */
function checkShape(reader: PlanReader, initialUsers: number, stages: Stage[], stageRanges: SourceRange[],
  duration: number | undefined, durationEntry: Entry | undefined, usersEntry: Entry | undefined): void {
  if (stages.length === 0) {
    if (initialUsers === 0 && usersEntry) {
      reader.warning('ROOKERY_PLAN_NO_USERS', '`users` is 0 and there are no stages: no user will ever start', usersEntry.value);
    }
    return;
  }
  let current = initialUsers;
  stages.forEach((stage, i) => {
    if (stage.kind === 'aseq' && current >= stage.to) {
      reader.warning('ROOKERY_PLAN_STAGE_NO_EFFECT', `this aseq does nothing: it starts at ${current} users, already at or above \`to\` (${stage.to})`, stageRanges[i]);
    }
    current = usersAfterStage(current, stage);
  });
  const total = timelineDuration(stages, initialUsers);
  if (duration !== undefined && durationEntry && duration < total) {
    reader.warning('ROOKERY_PLAN_DURATION_CUTS_STAGES', `the run stops after ${formatDuration(duration)}, before the stages end (${formatDuration(total)})`, durationEntry.value);
  }
}

/** Errors that overlap a YAML syntax error are its consequences (a value the parser read wrongly): keep the cause. */
function dropCascades(problems: PlanProblem[]): PlanProblem[] {
  const syntax = problems.filter((p) => p.code === 'ROOKERY_PLAN_YAML');
  if (syntax.length === 0) return problems;
  return problems.filter((p) => p.severity !== 'error' || p.code === 'ROOKERY_PLAN_YAML' || !syntax.some((s) => overlaps(s.range, p.range)));
}

function overlaps(a: SourceRange, b: SourceRange): boolean {
  return compare(a.start, b.end) <= 0 && compare(b.start, a.end) <= 0;
}

function compare(a: SourceRange['start'], b: SourceRange['start']): number {
  return a.line - b.line || a.character - b.character;
}
