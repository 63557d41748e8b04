/**
 * The documentation of a plan file's vocabulary, written once: top-level keys, stage kinds and their fields,
 * threshold stats and options, agent-loss policies. Markdown, so the language server's completion and hover show
 * it as is (and the CLI may print it); keyed by the names the parser accepts, which a unit test checks.
 */
import { THRESHOLD_STATS, type ThresholdStat } from '../protocol/thresholds';
import type { AgentLossPolicy } from '../protocol/cluster';
import type { PLAN_KEYS, THRESHOLD_KEYS } from './parse-plan';
import type { STAGE_KINDS } from './parse-stages';

/** What one key means: a sentence or two, the accepted format, and a YAML example. */
export interface KeyDoc {
  summary: string;
  format: string;
  example: string;
}

export type PlanKey = (typeof PLAN_KEYS)[number];
export type StageKind = (typeof STAGE_KINDS)[number];

export const PLAN_KEY_DOCS: Record<PlanKey, KeyDoc> = {
  scenario: {
    summary: 'The scenario file to run: a `*.scenario.ts` whose default export is `scenario({...})`. Required.',
    format: 'a path, relative to the plan file\'s folder',
    example: 'scenario: ./http-api.scenario.ts',
  },
  users: {
    summary: 'Users started at the beginning. With `stages`, the count the first stage starts from.',
    format: 'a whole number, 0 or more (default: 0 with stages, else 1)',
    example: 'users: 10',
  },
  userRate: {
    summary: 'How fast new users are started, whether at the beginning, in a ramp or to replace finished ones (with `maintain`).',
    format: 'users per time unit: `10/s`, `600/min`, `3600/h`; a bare number is per minute (default 1200/min)',
    example: 'userRate: 600/min',
  },
  duration: {
    summary: 'Stop the run after this long. Without it, the run ends when the stages end (or when every user has finished).',
    format: 'a duration: `500ms`, `30s`, `5m`, `1h`, `1m30s`; a bare number is seconds',
    example: 'duration: 5m',
  },
  maintain: {
    summary: 'Replace every user that finishes by a new one, keeping the count steady.',
    format: '`true` or `false` (default false)',
    example: 'maintain: true',
  },
  variables: {
    summary: 'Values for the scenario\'s variables, by name. They override the defaults and `ROOKERY_<NAME>` environment values; `--var name=value` overrides them.',
    format: 'a mapping of variable names to any YAML value',
    example: 'variables:\n  base_url: http://127.0.0.1:8080\n  think_time_ms: 200',
  },
  stages: {
    summary: 'The load shape, followed in order: ramps, holds and step sequences of the user count.',
    format: 'a list of stages, each one of `ramp`, `hold`, `seq`, `aseq` with its settings',
    example: 'stages:\n  - ramp: { to: 100, over: 30s }\n  - hold: 1m\n  - ramp: { to: 0, over: 10s }',
  },
  thresholds: {
    summary: 'Pass/fail criteria checked on the run\'s results: the run fails (exit code 1) when any is not met. With `abortOnFail`, a failing threshold stops the run early.',
    format: 'a list of expressions `stat operator value` (`p99 < 500ms`, `error_rate < 1%`), or mappings `{ threshold: ..., abortOnFail: true, delay: 10s }`',
    example: 'thresholds:\n  - p99 < 500ms\n  - error_rate < 1%\n  - { threshold: p95 < 800ms, abortOnFail: true, delay: 10s }',
  },
  agents: {
    summary: 'Remote agents to run the users on, each started with `rookery agent --listen`. Without it, the run uses a local agent.',
    format: 'a list of WebSocket URLs: `ws://host:port` or `wss://host:port`',
    example: 'agents:\n  - ws://10.0.0.5:7400\n  - ws://10.0.0.6:7400',
  },
  onAgentLoss: {
    summary: 'What the run does when an agent is lost mid-run.',
    format: '`continue` (default), `redistribute` or `abort`',
    example: 'onAgentLoss: redistribute',
  },
};

export const STAGE_KIND_DOCS: Record<StageKind, KeyDoc> = {
  ramp: {
    summary: 'Linearly add or remove users until `to` are running, over `over`. Ramps up or down.',
    format: '`{ to: <users>, over: <duration> }`',
    example: '- ramp: { to: 100, over: 30s }',
  },
  hold: {
    summary: 'Keep the current user count for a while.',
    format: 'a duration',
    example: '- hold: 1m',
  },
  seq: {
    summary: 'Every `every`, set the user count to the next value of `users` (the first at once).',
    format: '`{ every: <duration>, users: [<count>, ...] }`',
    example: '- seq: { every: 10s, users: [10, 20, 50] }',
  },
  aseq: {
    summary: 'Every `every` (the first at once), add `add` users, until `to` are running.',
    format: '`{ every: <duration>, add: <users>, to: <users> }`',
    example: '- aseq: { every: 5s, add: 10, to: 100 }',
  },
};

/** Each field of each stage kind that takes settings (hold takes a duration itself). */
export const STAGE_FIELD_DOCS: Record<Exclude<StageKind, 'hold'>, Record<string, string>> = {
  ramp: {
    to: 'The user count to reach at the end of the ramp (a whole number, 0 or more).',
    over: 'How long the ramp takes: a duration like `30s`.',
  },
  seq: {
    every: 'The time between two steps: a duration like `10s`, more than 0.',
    users: 'The user counts to set in turn, like `[10, 20, 50]`.',
  },
  aseq: {
    every: 'The time between two additions: a duration like `5s`, more than 0.',
    add: 'Users added at each step (at least 1).',
    to: 'The user count at which the sequence stops.',
  },
};

export const AGENT_LOSS_POLICY_DOCS: Record<AgentLossPolicy, string> = {
  continue: 'Keep running on the remaining agents; the lost agent\'s users are gone and its share of the user rate moves to the others.',
  redistribute: 'Start the lost agent\'s users again on the remaining agents, so the user count is kept.',
  abort: 'Stop the whole run (its result is `aborted`).',
};

/** The options of a threshold's mapping form. */
export const THRESHOLD_OPTION_DOCS: Record<(typeof THRESHOLD_KEYS)[number], KeyDoc> = {
  threshold: {
    summary: 'The expression checked, as in the short form.',
    format: '`stat operator value`',
    example: 'threshold: p99 < 800ms',
  },
  abortOnFail: {
    summary: 'Stop the run (gracefully) as soon as this threshold fails, instead of only failing the run at the end.',
    format: '`true` or `false` (default false)',
    example: 'abortOnFail: true',
  },
  delay: {
    summary: 'With `abortOnFail`: how long after the start the threshold is first checked, so a warm-up does not abort the run.',
    format: 'a duration like `10s` (default 0)',
    example: 'delay: 10s',
  },
};

const STAT_WORDS: Record<ThresholdStat, string> = {
  min: 'the fastest',
  mean: 'the mean',
  p50: 'the median (50th percentile)',
  p90: 'the 90th percentile',
  p95: 'the 95th percentile',
  p99: 'the 99th percentile',
  p999: 'the 99.9th percentile',
  max: 'the slowest',
};

/** How a latency stat reads in a sentence: "the 99th percentile". */
export function statWords(stat: ThresholdStat): string {
  return STAT_WORDS[stat];
}

/** What each non-latency metric of a threshold measures, and its unit. */
export const THRESHOLD_METRIC_DOCS: Record<'error_rate' | 'errors' | 'requests' | 'rps' | 'checks' | 'counter' | 'histogram', KeyDoc> = {
  error_rate: {
    summary: 'Failed requests as a percentage of all requests.',
    format: 'a percentage, the `%` required',
    example: '- error_rate < 1%',
  },
  errors: {
    summary: 'The number of failed requests.',
    format: 'a count',
    example: '- errors == 0',
  },
  requests: {
    summary: 'The number of completed requests.',
    format: 'a count',
    example: '- requests > 1000',
  },
  rps: {
    summary: 'Completed requests per second, over the whole run.',
    format: 'a number of requests per second',
    example: '- rps >= 100',
  },
  checks: {
    summary: 'The pass rate of the scenario\'s checks (`user.check(...)`); `checks{name}` for one check.',
    format: 'a percentage, the `%` required',
    example: '- checks > 99%',
  },
  counter: {
    summary: 'The value of a custom counter recorded by the scenario; `counter{name}` names it.',
    format: 'a plain number',
    example: '- counter{chat.sent} > 0',
  },
  histogram: {
    summary: 'A stat of a custom histogram recorded by the scenario: `histogram.<stat>{name}` with the latency stats\' names (`histogram.p99{chat.delivery_ms}`).',
    format: 'a plain number, in the unit the scenario recorded',
    example: '- histogram.p99{chat.delivery_ms} < 50',
  },
};

function isLatencyStat(head: string): head is ThresholdStat {
  return (THRESHOLD_STATS as readonly string[]).includes(head);
}

/** The Markdown of a threshold's stat (`p99`, `error_rate`, `histogram.p95`...), or undefined for an unknown one. */
export function thresholdStatMarkdown(head: string): string | undefined {
  if (isLatencyStat(head)) {
    const words = statWords(head);
    return [
      `**${head}** — request latency`,
      '',
      `${capitalize(words)} response time, over every request, or over one request name with \`${head}{GET /api/items}\`.`,
      '',
      '- Value: a duration (`500ms`, `1.5s`, `2m`) or a bare number of ms',
      '',
      fence(`- ${head} < 500ms`),
    ].join('\n');
  }
  const histogram = /^histogram\.(\w+)$/.exec(head);
  if (histogram && isLatencyStat(histogram[1])) {
    return [
      `**${head}{name}** — custom histogram`,
      '',
      `${capitalize(statWords(histogram[1]))} of a histogram the scenario records, named in braces.`,
      '',
      `- Value: ${THRESHOLD_METRIC_DOCS.histogram.format}`,
      '',
      fence(`- ${head}{chat.delivery_ms} < 50`),
    ].join('\n');
  }
  if (Object.prototype.hasOwnProperty.call(THRESHOLD_METRIC_DOCS, head)) return keyMarkdown(head, THRESHOLD_METRIC_DOCS[head as keyof typeof THRESHOLD_METRIC_DOCS], 'threshold');
  return undefined;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function fence(yaml: string): string {
  return ['```yaml', yaml, '```'].join('\n');
}

/** `**name** — what`, the summary, the format and an example: one layout for every kind of key. */
export function keyMarkdown(name: string, doc: KeyDoc, what: string): string {
  return [`**${name}** — ${what}`, '', doc.summary, '', `- Format: ${doc.format}`, '', fence(doc.example)].join('\n');
}

/** The Markdown of a top-level plan key, or undefined for an unknown one. */
export function planKeyMarkdown(key: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(PLAN_KEY_DOCS, key)) return undefined;
  return keyMarkdown(key, PLAN_KEY_DOCS[key as keyof typeof PLAN_KEY_DOCS], 'plan key');
}

/** The Markdown of a stage kind, or undefined. */
export function stageKindMarkdown(kind: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(STAGE_KIND_DOCS, kind)) return undefined;
  return keyMarkdown(kind, STAGE_KIND_DOCS[kind as StageKind], 'stage');
}

/** The Markdown of a stage's field, or undefined. */
export function stageFieldMarkdown(kind: string, field: string): string | undefined {
  const fields = Object.prototype.hasOwnProperty.call(STAGE_FIELD_DOCS, kind) ? STAGE_FIELD_DOCS[kind as Exclude<StageKind, 'hold'>] : undefined;
  if (!fields || !Object.prototype.hasOwnProperty.call(fields, field)) return undefined;
  return [`**${field}** — ${kind} setting`, '', fields[field]].join('\n');
}

/** The Markdown of an option of a threshold's mapping form, or undefined. */
export function thresholdOptionMarkdown(option: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(THRESHOLD_OPTION_DOCS, option)) return undefined;
  return keyMarkdown(option, THRESHOLD_OPTION_DOCS[option as keyof typeof THRESHOLD_OPTION_DOCS], 'threshold option');
}

/** The Markdown of an agent-loss policy, or undefined. */
export function agentLossPolicyMarkdown(policy: string): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(AGENT_LOSS_POLICY_DOCS, policy)) return undefined;
  return `**${policy}** — onAgentLoss policy\n\n${AGENT_LOSS_POLICY_DOCS[policy as AgentLossPolicy]}`;
}
