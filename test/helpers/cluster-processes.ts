/**
 * Real Rookery processes for cluster tests: a coordinator and agents started from the built CLI, each killed in
 * `stopAll()`. The coordinator's URL is read from its own log line, so port 0 works.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, ROOT } from './cli';

export interface RookeryProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const started: RookeryProcess[] = [];

export function startProcess(args: string[], env: NodeJS.ProcessEnv = {}): RookeryProcess {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, output: () => out, exited };
  started.push(p);
  return p;
}

/** Resolves with the first match of `pattern` in the process's output, or rejects after `timeoutMs`. */
export async function waitForOutput(p: RookeryProcess, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(p.output());
    if (m) return m;
    if (p.child.exitCode !== null) throw new Error(`process exited (${p.child.exitCode}) before printing ${pattern}:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startCoordinator(token: string): Promise<{ process: RookeryProcess; url: string }> {
  const p = startProcess(['coordinator', '--listen', '127.0.0.1:0', '--token', token]);
  const m = await waitForOutput(p, /listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  return { process: p, url: m[1] };
}

export function startAgent(joinUrl: string, token: string, name: string, workers = 2, extra: string[] = []): RookeryProcess {
  return startProcess(['agent', '--join', joinUrl, '--token', token, '--workers', String(workers), '--name', name, ...extra]);
}

export async function stopAll(): Promise<void> {
  await Promise.all(
    started.splice(0).map(async (p) => {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), 5000);
        await p.exited;
        clearTimeout(timer);
      }
    }),
  );
}
