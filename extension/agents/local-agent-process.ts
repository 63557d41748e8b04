/**
 * The local agent as a child process: `<node> <extension>/dist/cli.js coordinator --local-agent --ready-json
 * --exit-with-stdin` on 127.0.0.1 with a random port and a generated token, its ready line parsed, its output
 * streamed line by line, its exit told apart as asked-for or crash. No vscode import (unit-tested for real).
 *
 * Lifetime: stdin is a pipe the child watches. VS Code gives deactivate() only seconds and killing a parent does not
 * kill its children everywhere, but a dying extension host always closes the pipe — so the agent ends itself.
 * stop() uses the same door first, then SIGTERM after 3 s, SIGKILL after 6 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CoordinatorReady } from '../../agent/cli/coordinator-command';
import { RookeryError } from '../../agent/common/errors';
import type { NodeRuntime } from './node-runtime';

export const READY_TIMEOUT_MS = 20_000;
export const STOP_SIGTERM_AFTER_MS = 3000;
export const STOP_SIGKILL_AFTER_MS = 6000;
/** Lines of output kept to explain an exit before ready. */
const TAIL_LINES = 12;

export interface LocalAgentOptions {
  runtime: Pick<NodeRuntime, 'command' | 'env'>;
  /** The extension's folder: the agent is `<extensionPath>/dist/cli.js`. */
  extensionPath: string;
  /** Worker threads; 0 or undefined = the agent's default (one per core). */
  workers?: number;
  /** Every line the agent prints (its log is on stderr), for an output channel. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Environment the child inherits; process.env by default. */
  baseEnv?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
  sigtermAfterMs?: number;
  sigkillAfterMs?: number;
}

export interface LocalAgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** It ended without stop() being called. */
  crashed: boolean;
  /** What stop() had done when it ended: closed stdin only, or sent a signal too. Undefined for a crash. */
  stoppedBy?: 'stdin' | 'SIGTERM' | 'SIGKILL';
}

/** `exit code 3`, `signal SIGKILL`. */
export function describeExit(exit: Pick<LocalAgentExit, 'code' | 'signal'>): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? '?'}`;
}

export class LocalAgentProcess {
  /** Where to connect: controlUrl, and the token below. */
  readonly ready: CoordinatorReady;
  /** The generated token: given to the child in ROOKERY_TOKEN, never on its command line. */
  readonly token: string;
  /** Resolves once, when the process has ended. */
  readonly exited: Promise<LocalAgentExit>;
  private stopping: Promise<LocalAgentExit> | undefined;
  private stopStage: LocalAgentExit['stoppedBy'];

  private constructor(
    private readonly child: ChildProcess,
    ready: CoordinatorReady,
    token: string,
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
    private readonly options: LocalAgentOptions,
  ) {
    this.ready = ready;
    this.token = token;
    this.exited = exited.then(({ code, signal }) => ({ code, signal, crashed: this.stopStage === undefined, stoppedBy: this.stopStage }));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Spawns the agent and resolves once it printed its ready line; rejects (and kills it) otherwise. */
  static start(options: LocalAgentOptions): Promise<LocalAgentProcess> {
    const token = randomBytes(32).toString('base64url');
    const cli = join(options.extensionPath, 'dist', 'cli.js');
    const args = [cli, 'coordinator', '--listen', '127.0.0.1:0', '--local-agent', '--ready-json', '--exit-with-stdin'];
    if (options.workers && options.workers > 0) args.push('--workers', String(options.workers));
    const env = { ...(options.baseEnv ?? process.env), ...options.runtime.env, ROOKERY_TOKEN: token };
    const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;

    return new Promise<LocalAgentProcess>((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(options.runtime.command, args, { cwd: options.extensionPath, env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      } catch (error) {
        reject(spawnError(options.runtime.command, error as Error));
        return;
      }
      // A write to a dead child's stdin (or its end()) must not become an uncaught error in the extension host.
      child.stdin!.on('error', () => undefined);

      const tail: string[] = [];
      let settled = false;
      let onReady: ((line: string) => boolean) | undefined;
      const emit = (line: string, stream: 'stdout' | 'stderr') => {
        tail.push(line);
        if (tail.length > TAIL_LINES) tail.shift();
        options.onLine?.(line, stream);
      };
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (onReady?.(line)) return;
        emit(line, 'stdout');
      });
      createInterface({ input: child.stderr! }).on('line', (line) => emit(line, 'stderr'));

      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
        child.once('exit', (code, signal) => resolveExit({ code, signal }));
        // spawn failed (ENOENT, EACCES): there is no exit event to wait for.
        child.once('error', () => { if (child.pid === undefined) resolveExit({ code: null, signal: null }); });
      });
      const fail = (error: RookeryError) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(error);
      };
      const deadline = setTimeout(() => fail(new RookeryError('ROOKERY_INTERNAL', `the local agent did not report ready within ${readyTimeoutMs / 1000} s`, {
        where: options.runtime.command,
        hint: 'see the "Rookery Local Agent" output for what it was doing, then restart it',
      })), readyTimeoutMs);

      onReady = (line) => {
        if (settled) return false;
        const ready = parseReadyLine(line);
        if (!ready) return false;
        settled = true;
        clearTimeout(deadline);
        resolve(new LocalAgentProcess(child, ready, token, exited, options));
        return true;
      };
      child.once('error', (error) => {
        if (child.pid === undefined) fail(spawnError(options.runtime.command, error));
      });
      child.once('exit', (code, signal) => {
        const why = tail.length > 0 ? `:\n${tail.join('\n')}` : '';
        fail(new RookeryError('ROOKERY_INTERNAL', `the local agent exited (${describeExit({ code, signal })}) before it was ready${why}`, {
          where: options.runtime.command,
          hint: 'see the "Rookery Local Agent" output; check the rookery.nodePath setting (Node.js 20.18 or newer)',
        }));
      });
    });
  }

  /** Ends the agent: stdin closed (it shuts down by itself), then SIGTERM, then SIGKILL. Idempotent. */
  stop(): Promise<LocalAgentExit> {
    if (this.stopping) return this.stopping;
    const alive = this.child.exitCode === null && this.child.signalCode === null;
    if (!alive) return (this.stopping = this.exited);
    this.stopStage = 'stdin';
    this.child.stdin?.end();
    const term = setTimeout(() => {
      this.stopStage = 'SIGTERM';
      this.child.kill('SIGTERM');
    }, this.options.sigtermAfterMs ?? STOP_SIGTERM_AFTER_MS);
    const kill = setTimeout(() => {
      this.stopStage = 'SIGKILL';
      this.child.kill('SIGKILL');
    }, this.options.sigkillAfterMs ?? STOP_SIGKILL_AFTER_MS);
    this.stopping = this.exited.finally(() => {
      clearTimeout(term);
      clearTimeout(kill);
    });
    return this.stopping;
  }
}

/** The `--ready-json` line, or undefined for any other line. */
export function parseReadyLine(line: string): CoordinatorReady | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Partial<CoordinatorReady>;
    if (value.ready === true && typeof value.controlUrl === 'string' && typeof value.url === 'string') return value as CoordinatorReady;
  } catch {
    // not JSON: an ordinary output line
  }
  return undefined;
}

function spawnError(command: string, error: Error): RookeryError {
  const code = (error as NodeJS.ErrnoException).code;
  const what = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : error.message;
  return new RookeryError('ROOKERY_USAGE', `cannot start the local agent with ${command}: ${what}`, {
    where: command,
    hint: 'set rookery.nodePath to a Node.js 20.18 or newer executable, or clear it to use the node on PATH',
    cause: error,
  });
}
