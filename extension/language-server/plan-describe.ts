/**
 * Plan values in plain words, for hovers and completion details: a duration in seconds ("1m30s = 90 seconds"),
 * a rate in users per second ("600/min = 10 users per second"), a threshold as the check it makes, and a
 * scenario's variables as a short Markdown table. Uses the plan's own parsers, so a value reads here exactly as
 * the run will read it; undefined for what does not parse (the diagnostics say why).
 */
import { statWords } from '../../agent/plan/plan-key-docs';
import { parseThreshold } from '../../agent/plan/thresholds';
import { formatDuration, parseDuration, parseRate } from '../../agent/plan/units';
import type { ThresholdSpec } from '../../agent/protocol/thresholds';
import type { ScenarioDeclarations } from '../../agent/protocol/variables';
import { renderValue } from '../../agent/variables/json-value';

/** Up to three decimals, without trailing zeros. */
function num(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

function plural(n: number, unit: string): string {
  return `${num(n)} ${unit}${n === 1 ? '' : 's'}`;
}

/** A duration's length in words: "500 milliseconds", "90 seconds", "300 seconds (5 minutes)". */
export function durationLength(ms: number): string {
  if (ms < 1000) return plural(ms, 'millisecond');
  const seconds = plural(ms / 1000, 'second');
  if (ms >= 3_600_000) return `${seconds} (${plural(ms / 3_600_000, 'hour')})`;
  if (ms >= 60_000) return `${seconds} (${plural(ms / 60_000, 'minute')})`;
  return seconds;
}

/** `1m30s = 90 seconds`; undefined when the text is not a duration. */
export function durationWords(text: string | number): string | undefined {
  try {
    return `${text} = ${durationLength(parseDuration(text))}`;
  } catch {
    return undefined;
  }
}

/** `600/min = 10 users per second`, `30/h = one user every 2 minutes`; undefined when the text is not a rate. */
export function rateWords(text: string | number): string | undefined {
  let perMinute: number;
  try {
    perMinute = parseRate(text);
  } catch {
    return undefined;
  }
  const perSecond = perMinute / 60;
  if (perSecond >= 1) return `${text} = ${plural(perSecond, 'user')} per second`;
  if (perMinute >= 1) return `${text} = ${plural(perMinute, 'user')} per minute (one every ${formatDuration(60_000 / perMinute)})`;
  return `${text} = one user every ${formatDuration(60_000 / perMinute)}`;
}

const OPERATOR_WORDS: Record<ThresholdSpec['operator'], string> = {
  '<': 'below', '<=': 'at most', '>': 'above', '>=': 'at least', '==': 'exactly', '!=': 'anything but',
};

function limitWords(spec: ThresholdSpec): string {
  switch (spec.metric) {
    case 'latency':
      return spec.limit >= 1000 ? `${formatDuration(spec.limit)} (${num(spec.limit)} ms)` : `${num(spec.limit)} ms`;
    case 'error_rate':
    case 'checks':
      return `${num(spec.limit)}%`;
    case 'rps':
      return `${num(spec.limit)} requests per second`;
    default:
      return num(spec.limit);
  }
}

function subjectWords(spec: ThresholdSpec): string {
  const of = (what: string) => (spec.name === undefined ? what : `${what} named \`${spec.name}\``);
  switch (spec.metric) {
    case 'latency':
      return `${statWords(spec.stat!)} response time of ${spec.name === undefined ? 'all requests' : `the requests named \`${spec.name}\``}`;
    case 'error_rate':
      return `the share of failed requests${spec.name === undefined ? '' : ` named \`${spec.name}\``}`;
    case 'errors':
      return `the number of failed requests${spec.name === undefined ? '' : ` named \`${spec.name}\``}`;
    case 'requests':
      return `the number of completed ${of('requests')}`;
    case 'rps':
      return 'the requests per second over the run';
    case 'checks':
      return spec.name === undefined ? 'the pass rate of all checks' : `the pass rate of the check \`${spec.name}\``;
    case 'counter':
      return `the custom counter \`${spec.name}\``;
    case 'histogram':
      return `${statWords(spec.stat!)} of the custom histogram \`${spec.name}\` (in its own unit)`;
  }
}

/**
 * What a threshold checks, in words: "Passes when the 99th percentile response time of all requests is below
 * 500 ms." `error` is the parser's message when the expression is invalid.
 */
export function thresholdWords(expression: string): { text: string } | { error: string } {
  let spec: ThresholdSpec;
  try {
    spec = parseThreshold(expression);
  } catch (error) {
    return { error: (error as Error).message };
  }
  return { text: `Passes when ${subjectWords(spec)} is ${OPERATOR_WORDS[spec.operator]} ${limitWords(spec)}; otherwise the run fails.` };
}

/** Markdown table cells cannot hold `|` or newlines. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

/** The scenario's variables as a short table (name, default or "required", description). */
export function scenarioVariablesMarkdown(label: string, decls: ScenarioDeclarations): string {
  const lines = [`**${label}**`, ''];
  if (!decls.isScenario) return [...lines, '_Not a scenario: no `export default scenario({...})` found._'].join('\n');
  const unreadable = decls.problems.some((p) => p.code === 'ROOKERY_VAR_NOT_STATIC');
  if (decls.variables.length === 0) {
    lines.push(unreadable ? '_Its variables cannot be read without running it._' : '_No variables._');
    return lines.join('\n');
  }
  lines.push('| Variable | Default | Description |', '| --- | --- | --- |');
  for (const v of decls.variables) {
    const value = !v.hasDefault ? '**required**' : v.default !== undefined ? `\`${cell(renderValue(v.default))}\`` : `\`${cell(v.defaultText ?? '(computed)')}\``;
    lines.push(`| \`${cell(v.name)}\` | ${value} | ${cell(v.description ?? '')} |`);
  }
  if (unreadable) lines.push('', '_Some variables cannot be read without running the scenario; the list may be incomplete._');
  return lines.join('\n');
}
