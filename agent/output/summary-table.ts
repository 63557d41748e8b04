/**
 * The end-of-run summary as text for the terminal: requests per name, checks, errors by kind, users, WebSocket
 * traffic, custom metrics, failed users, generator utilization and warnings, and last, where the eye lands, the
 * thresholds with ✓/✗ (and, when one stopped the run, which).
 */
import type { RunEvent, RunResultData } from '../protocol/control';
import { clip, formatBytes, formatCount, formatElapsed, formatIdRanges, formatMs, formatPct, formatRate, table } from './format';

export function formatSummary(result: RunResultData): string {
  const s = result.summary;
  const out: string[] = [];
  const source = result.config.planFile ?? result.config.scenarioFile;
  out.push(`\n${source} — ${formatElapsed(result.endedAt - result.startedAt)}, ended: ${result.endReason}\n`);
  const stoppedBy = result.events.find((e) => e.kind === 'threshold-failed');
  if (stoppedBy?.kind === 'threshold-failed') out.push(`stopped early: threshold \`${stoppedBy.threshold}\` failed (${stoppedBy.line})\n`);

  if (s.requests.length > 0) {
    const row = (r: typeof s.total) => [
      r.name, formatCount(r.count), formatRate(r.rps), formatPct(r.errorPct),
      formatMs(r.p50), formatMs(r.p90), formatMs(r.p99), formatMs(r.max),
    ];
    out.push('requests\n');
    out.push(table(['name', 'count', 'req/s', 'errors', 'p50', 'p90', 'p99', 'max'], [...s.requests.map(row), row({ ...s.total, name: 'total' })]));
    out.push(`  received ${formatBytes(s.total.bytesIn)}, sent ${formatBytes(s.total.bytesOut)}\n`);
  } else {
    out.push('requests: none\n');
  }

  if (s.checks.length > 0) {
    out.push('\nchecks\n');
    out.push(table(['name', 'pass', 'fail', 'pass %'], s.checks.map((c) => [
      c.name, formatCount(c.pass), formatCount(c.fail), formatPct(c.pass + c.fail === 0 ? 0 : (100 * c.pass) / (c.pass + c.fail)),
    ])));
  }

  if (s.errors.length > 0) {
    out.push('\nerrors\n');
    out.push(table(['kind', 'count', 'last'], s.errors.map((e) => [e.kind, formatCount(e.count), clip(`${e.lastName ? `${e.lastName}: ` : ''}${e.lastMessage}`, 80)])));
  }

  const u = s.users;
  out.push(`\nusers: ${u.started} started, ${u.finished} finished, ${u.failed} failed, ${u.stopped} stopped` +
    `${u.peakActive !== undefined ? `, peak ${u.peakActive} at once` : ''}\n`);

  if (s.userFailures.length > 0) {
    out.push('\nfailed users\n');
    out.push(table(['error', 'count', 'where'], s.userFailures.map((f) => [clip(f.message, 70), formatCount(f.count), f.where ?? ''])));
    if (s.otherUserFailures > 0) out.push(`  …and ${s.otherUserFailures} more\n`);
  }

  const ws = s.ws;
  if (ws.connects + ws.connectFailures > 0) {
    out.push(`\nwebsocket: ${ws.connects} connects, ${ws.connectFailures} failed, ${ws.closes} closed; ` +
      `messages ${formatCount(ws.messagesOut)} sent, ${formatCount(ws.messagesIn)} received; ` +
      `${formatBytes(ws.bytesOut)} sent, ${formatBytes(ws.bytesIn)} received\n`);
  }

  if (s.counters.length > 0) {
    out.push('\ncounters\n');
    out.push(table(['name', 'value', 'per s'], s.counters.map((c) => [c.name, formatCount(c.value), formatRate(c.rate)])));
  }
  if (s.histograms.length > 0) {
    out.push('\nhistograms\n');
    out.push(table(['name', 'count', 'mean', 'p50', 'p99', 'max'], s.histograms.map((h) => [
      h.name, formatCount(h.count), String(Number(h.mean.toPrecision(3))), String(h.p50), String(h.p99), String(h.max),
    ])));
  }

  if (result.agents.length > 0) {
    out.push('\nagents\n');
    out.push(table(['agent', 'workers', 'users (ids)', 'peak util'], result.agents.map((a) => [
      a.name, String(a.workers), formatIdRanges(a.ranges),
      `${a.peakUtilization.toFixed(2)}${a.peakUtilization > 0.8 ? ' (!)' : ''}`,
    ])));
  }
  const notable = result.events.filter((e) => e.kind === 'agent-lost' || e.kind === 'users-redistributed' || e.kind === 'agent-reconnected');
  if (notable.length > 0) {
    out.push('\nevents\n');
    for (const e of notable) out.push(`  ${new Date(e.at).toISOString().slice(11, 19)}  ${describeEvent(e)}\n`);
  }

  const util = s.utilization;
  out.push(`\ngenerator utilization: mean ${util.mean.toFixed(2)}, peak ${util.peak.toFixed(2)} (event loop ${util.eventLoop.toFixed(2)}, cpu ${util.cpu.toFixed(2)})\n`);
  for (const w of s.warnings) out.push(`warning: ${w}\n`);
  out.push(formatThresholds(result));
  return out.join('');
}

/** `thresholds` with one ✓/✗ line each and a verdict; empty when the run had none. */
export function formatThresholds(result: Pick<RunResultData, 'thresholds'>): string {
  const results = result.thresholds ?? [];
  if (results.length === 0) return '';
  const width = Math.max(...results.map((t) => t.threshold.length));
  const failed = results.filter((t) => !t.ok).length;
  const lines = results.map((t) => `  ${t.ok ? '✓' : '✗'} ${t.threshold.padEnd(width)}  ${t.line}\n`);
  const verdict = failed === 0 ? `all ${results.length} passed` : `${failed} of ${results.length} failed`;
  return `\nthresholds: ${verdict}\n${lines.join('')}`;
}

/** One line for a cluster event, as the summary lists it and the progress reporter prints it as it happens. */
export function describeEvent(e: RunEvent): string {
  switch (e.kind) {
    case 'agent-lost':
      return `agent ${e.name} lost with ${e.users} users (onAgentLoss: ${e.policy})`;
    case 'users-redistributed':
      return `users of ${e.fromAgent} restarted on ${e.toAgents.join(', ')}`;
    case 'agent-reconnected':
      return `agent ${e.name} reconnected`;
    default:
      return e.kind;
  }
}
