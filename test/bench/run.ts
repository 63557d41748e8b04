/**
 * `npm run bench`: Rookery next to autocannon on the same target in the same run, and the memory of 10,000
 * WebSocket chat users. Prints a table and writes test-results/bench.json. Figures are measurements of this
 * machine at this moment — compare the ratios, not the absolute numbers.
 *
 * 1. HTTP closed loop: a minimal keep-alive server in its own process; 50 connections/users, no think time, 10 s;
 *    autocannon first, then `rookery run` (full per-request metrics), then autocannon again (to see drift).
 *    Rookery runs twice: with 1 worker thread and with 2.
 * 2. WebSocket memory: the demo target in its own process, `rookery run examples/chat.scenario.ts` with 10,000
 *    users; the peak RSS of the Rookery process, sampled from /proc every 200 ms.
 * 3. Coordinator merge cost (merge-cost.ts): 100 simulated agents × 20 request names, a snapshot each per second.
 * 4. Throttle overhead: empty actions per second through a throttle at Infinity versus none, on the local agent
 *    (1 and 2 workers) and across 2 agent processes under a standalone coordinator.
 * 5. Language server latency (language-server.ts): edit → diagnostics for a 2,000-line scenario and a 500-line plan.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { measureLanguageServer } from './language-server';
import { measureMergeCost } from './merge-cost';

const ROOT = join(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const RESULTS = join(ROOT, 'test-results');
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 10);
const CONNECTIONS = 50;
const WS_USERS = Number(process.env.BENCH_WS_USERS ?? 10_000);

/** Starts a process that prints a URL as its first line; resolves with it. */
async function startServer(args: string[], match: RegExp): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const m = match.exec(line);
    if (m) return { child, url: m[1] };
  }
  throw new Error(`${args.join(' ')} exited before printing its URL`);
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Figures {
  rps: number;
  p99Ms: number;
  utilization?: number;
}

async function autocannon(url: string): Promise<Figures> {
  const bin = join(ROOT, 'node_modules', 'autocannon', 'autocannon.js');
  const r = await run(process.execPath, [bin, '-c', String(CONNECTIONS), '-d', String(DURATION_S), '--json', url], (DURATION_S + 30) * 1000);
  if (r.code !== 0) throw new Error(`autocannon failed: ${r.stderr}`);
  const json = JSON.parse(r.stdout);
  return { rps: json.requests.total / json.duration, p99Ms: json.latency.p99 };
}

async function rookery(url: string, workers: number): Promise<Figures & { errors: number; workers: number }> {
  const out = join(RESULTS, `bench-rookery-http-${workers}w.json`);
  const scenario = join(ROOT, 'test', 'bench', 'closed-loop.scenario.ts');
  const r = await run(
    process.execPath,
    [CLI, 'run', scenario, '--users', String(CONNECTIONS), '--rate', '600000/min', '--duration', `${DURATION_S}s`, '--var', `url=${url}`,
      '--workers', String(workers), '--out', out, '--quiet'],
    (DURATION_S + 30) * 1000,
  );
  if (r.code !== 0) throw new Error(`rookery run failed: ${r.stderr}`);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  // Rate over the measured seconds only: the series' full intervals, not the start-up and the stop.
  const series: { start: number; end: number; requests: Record<string, { count: number }> }[] = result.series;
  const full = series.filter((s) => s.end - s.start >= 990);
  const count = full.reduce((n, s) => n + Object.values(s.requests).reduce((m, q) => m + q.count, 0), 0);
  const seconds = full.reduce((n, s) => n + (s.end - s.start) / 1000, 0);
  return {
    rps: count / seconds,
    p99Ms: result.summary.total.p99,
    utilization: result.summary.utilization.mean,
    errors: result.summary.total.failed,
    workers,
  };
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function wsMemory(): Promise<{ users: number; peakRssMiB: number; connects: number; failed: number }> {
  const target = await startServer([CLI, 'target', '--port', '0'], /WebSocket:\s+(ws:\/\/\S+)/);
  try {
    const port = new URL(target.url).port;
    const out = join(RESULTS, 'bench-rookery-ws.json');
    const child = spawn(
      process.execPath,
      [CLI, 'run', join(ROOT, 'examples', 'chat.scenario.ts'), '--users', String(WS_USERS), '--rate', '300000/min', '--duration', '15s',
        '--var', `port=${port}`, '--var', 'number_of_neighbours=2', '--out', out, '--quiet'],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(child.pid!))), 200);
    const [code] = await once(child, 'exit');
    clearInterval(sampler);
    if (code !== 0) throw new Error(`rookery run (chat) exited ${code}`);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    return { users: result.summary.users.peakActive ?? 0, peakRssMiB: peak / 1024 / 1024, connects: result.summary.ws.connects, failed: result.summary.ws.connectFailures };
  } finally {
    target.child.stdin!.end();
    target.child.kill();
  }
}

/**
 * Actions per second through a throttle at Infinity versus none: on the local agent with `workers` threads, or
 * (`coordinator` given) on the agents joined to that coordinator.
 */
async function throttleOverhead(label: string, where: string[]): Promise<{ label: string; none: number; infinity: number; ratio: number }> {
  const rates: Record<string, number> = {};
  for (const mode of ['none', 'infinity']) {
    const out = join(RESULTS, `bench-throttle-${mode}-${label.replace(/\W+/g, '-')}.json`);
    const r = await run(
      process.execPath,
      [CLI, 'run', join(ROOT, 'test', 'bench', 'throttle.scenario.ts'), '--users', '50', '--rate', '600000/min', '--duration', '5s',
        ...where, '--var', `mode=${mode}`, '--out', out, '--quiet'],
      60_000,
    );
    if (r.code !== 0) throw new Error(`rookery run (throttle ${mode}) failed: ${r.stderr}`);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    const actions = result.summary.counters.find((c: { name: string }) => c.name === 'actions')?.value ?? 0;
    rates[mode] = actions / (result.summary.elapsedMs / 1000);
  }
  return { label, none: rates.none!, infinity: rates.infinity!, ratio: rates.infinity! / rates.none! };
}

/** The same across a standalone coordinator and 2 agent processes (1 worker each), on loopback. */
async function throttleOverheadAcrossAgents(): Promise<{ label: string; none: number; infinity: number; ratio: number }> {
  const token = 'bench-token';
  const coordinator = spawn(process.execPath, [CLI, 'coordinator', '--listen', '127.0.0.1:0', '--token', token], { stdio: ['ignore', 'ignore', 'pipe'] });
  const agents: ChildProcess[] = [];
  try {
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      coordinator.stderr!.on('data', (d) => {
        log += d;
        const m = /listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) resolve(m[1]!);
      });
      coordinator.on('exit', () => reject(new Error(`coordinator exited: ${log}`)));
    });
    for (const name of ['b1', 'b2']) {
      agents.push(spawn(process.execPath, [CLI, 'agent', '--join', url, '--token', token, '--workers', '1', '--name', name], { stdio: 'ignore' }));
    }
    const status = [CLI, 'status', '--coordinator', url, '--token', token, '--json'];
    for (let i = 0; i < 100; i++) {
      const s = await run(process.execPath, status, 10_000);
      if (s.code === 0 && JSON.parse(s.stdout).agents.filter((a: { state: string }) => a.state === 'ready').length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return await throttleOverhead('2 agents x 1 worker', ['--coordinator', url, '--token', token]);
  } finally {
    for (const a of agents) a.kill();
    coordinator.kill();
  }
}

/** `BENCH_ONLY=lsp,merge npm run bench` runs only those sections (http, ws, merge, throttle, lsp); all by default. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const want = (section: string) => ONLY === undefined || ONLY.includes(section);

async function httpClosedLoop() {
  const server = await startServer([join(__dirname, 'minimal-server.js')], /^(http:\/\/\S+)$/);
  try {
    const before = await autocannon(server.url);
    const one = await rookery(server.url, 1);
    const two = await rookery(server.url, 2);
    const after = await autocannon(server.url);
    const peer = (before.rps + after.rps) / 2;
    return { autocannonBefore: before, rookery1: one, rookery2: two, autocannonAfter: after, ratio1: one.rps / peer, ratio2: two.rps / peer };
  } finally {
    server.child.stdin!.end();
    server.child.kill();
  }
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const http = want('http') ? await httpClosedLoop() : undefined;
  const ws = want('ws') && WS_USERS > 0 ? await wsMemory() : undefined;
  const merge = want('merge') ? [measureMergeCost(50), measureMergeCost(250)] : [];
  const throttle = want('throttle')
    ? [
      await throttleOverhead('local, 1 worker', ['--workers', '1']),
      await throttleOverhead('local, 2 workers', ['--workers', '2']),
      await throttleOverheadAcrossAgents(),
    ]
    : [];
  const languageServer = want('lsp') ? await measureLanguageServer() : [];
  const report = { date: new Date().toISOString(), durationS: DURATION_S, connections: CONNECTIONS, http, ws, merge, throttle, languageServer };
  writeFileSync(join(RESULTS, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  const f = (n: number) => n.toFixed(0);
  if (http) {
    console.log(`\nHTTP closed loop, ${CONNECTIONS} connections, ${DURATION_S} s, keep-alive GET / on a minimal server`);
    console.log(`  autocannon (before)  ${f(http.autocannonBefore.rps)} req/s  p99 ${http.autocannonBefore.p99Ms} ms`);
    for (const r of [http.rookery1, http.rookery2]) {
      console.log(`  rookery, ${r.workers} worker${r.workers > 1 ? 's' : ' '}    ${f(r.rps)} req/s  p99 ${r.p99Ms} ms  utilization ${r.utilization?.toFixed(2)}  errors ${r.errors}`);
    }
    console.log(`  autocannon (after)   ${f(http.autocannonAfter.rps)} req/s  p99 ${http.autocannonAfter.p99Ms} ms`);
    console.log(`  ratio rookery / autocannon: ${http.ratio1.toFixed(2)}x with 1 worker, ${http.ratio2.toFixed(2)}x with 2 workers (target >= 0.7x)`);
    console.log('  (the target, autocannon and rookery share this machine\'s 2 cores: a second worker competes with the target)');
  }
  if (ws) {
    console.log(`\nWebSocket chat users: ${ws.connects} connected (${ws.failed} failed), peak ${ws.users} at once, peak RSS ${ws.peakRssMiB.toFixed(0)} MiB` +
      ` (${((ws.peakRssMiB * 1024) / Math.max(1, ws.users)).toFixed(1)} KiB per user)`);
  }
  for (const m of merge) {
    console.log(`\ncoordinator merge, ${m.agents} agents × ${m.names} names at ${m.requestsPerAgent} req/s each: ${m.cpuMsPerSecond.toFixed(1)} ms CPU per second = ${(m.cpuShare * 100).toFixed(1)}% of one core (target < 5%)`);
  }
  for (const t of throttle) {
    console.log(`\nthrottle overhead, ${t.label}: ${t.infinity.toFixed(0)} actions/s through a throttle at Infinity, ${t.none.toFixed(0)} without: ${t.ratio.toFixed(2)}x`);
  }
  if (languageServer.length > 0) console.log('\nlanguage server, edit → diagnostics (target < 100 ms):');
  for (const l of languageServer) {
    console.log(`  ${l.case}, ${l.lines} lines: median ${l.medianMs.toFixed(1)} ms, p95 ${l.p95Ms.toFixed(1)} ms, max ${l.maxMs.toFixed(1)} ms`);
  }
  console.log(`\nwritten to ${join(RESULTS, 'bench.json')}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
