/**
 * Which Node.js runs the local agent: the `rookery.nodePath` setting, else the first `node` on PATH that runs and is
 * new enough, else VS Code's own runtime (its executable with ELECTRON_RUN_AS_NODE=1). No vscode import: the caller
 * passes the setting in, so this is unit-tested with fake `node` scripts.
 *
 * PATH is searched here rather than by the shell: spawning `node` by name would pick whatever the extension host's
 * PATH holds without checking it, and an old Node fails later with an obscure module error instead of now.
 */
import { execFile } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RookeryError } from '../../agent/common/errors';

/** The oldest Node the agent supports (undici 7 needs 20.18). */
export const MIN_NODE_VERSION: readonly [number, number, number] = [20, 18, 0];
const MIN_TEXT = MIN_NODE_VERSION.join('.');

export type NodeRuntimeSource = 'setting' | 'path' | 'vscode';

export interface NodeRuntime {
  /** The executable to spawn. */
  command: string;
  /** Extra environment for the child (ELECTRON_RUN_AS_NODE for VS Code's runtime). */
  env: Record<string, string>;
  source: NodeRuntimeSource;
  /** As `node --version` prints it, e.g. `v20.18.1`. */
  version: string;
  /** Candidates passed over and why, and warnings about the chosen one: for the output channel. */
  notes: string[];
}

export interface ResolveNodeOptions {
  /** The `rookery.nodePath` setting; empty or undefined = not set. */
  setting?: string;
  /** Where PATH (and PATHEXT on Windows) come from; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** VS Code's runtime (process.execPath of the extension host) and its Node version. */
  execPath?: string;
  execVersion?: string;
  platform?: NodeJS.Platform;
  /** How long `node --version` may take (a network drive, a wrapper script). */
  probeTimeoutMs?: number;
}

export async function resolveNodeRuntime(options: ResolveNodeOptions = {}): Promise<NodeRuntime> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const timeoutMs = options.probeTimeoutMs ?? 5000;
  const notes: string[] = [];

  const setting = options.setting?.trim();
  if (setting) {
    const command = setting.startsWith('~/') ? join(homedir(), setting.slice(2)) : setting;
    const probe = await probeNode(command, timeoutMs);
    if (!probe.ok) {
      throw new RookeryError('ROOKERY_USAGE', `the rookery.nodePath setting "${setting}" cannot be used: ${probe.reason}`, {
        where: 'rookery.nodePath',
        hint: `point it at a Node.js ${MIN_TEXT} or newer executable, or clear it to use the node on PATH`,
      });
    }
    return { command, env: {}, source: 'setting', version: probe.version, notes };
  }

  for (const candidate of await nodeCandidatesOnPath(env, platform)) {
    const probe = await probeNode(candidate, timeoutMs);
    if (probe.ok) return { command: candidate, env: {}, source: 'path', version: probe.version, notes };
    notes.push(`skipped ${candidate}: ${probe.reason}`);
  }

  const execPath = options.execPath ?? process.execPath;
  const version = `v${options.execVersion ?? process.versions.node}`;
  const parsed = parseNodeVersion(version);
  if (!parsed || !isSupportedNodeVersion(parsed)) {
    // Still worth trying: it is the only runtime there is. The note tells the user what to install.
    notes.push(`VS Code's runtime is Node ${version}, older than ${MIN_TEXT}: the agent may fail; install Node.js ${MIN_TEXT}+ or set rookery.nodePath`);
  }
  return { command: execPath, env: { ELECTRON_RUN_AS_NODE: '1' }, source: 'vscode', version, notes };
}

/** One line for the output channel: which runtime and why. */
export function describeNodeRuntime(runtime: NodeRuntime): string {
  const from = runtime.source === 'setting' ? 'from the rookery.nodePath setting' : runtime.source === 'path' ? 'the node on PATH' : "VS Code's own runtime";
  return `using Node ${runtime.version} at ${runtime.command} (${from})`;
}

/** `v20.18.1` → [20, 18, 1]; undefined for anything else. */
export function parseNodeVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

export function isSupportedNodeVersion(version: readonly [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== MIN_NODE_VERSION[i]) return version[i] > MIN_NODE_VERSION[i];
  }
  return true;
}

/** Executable files named node (node.exe, node.cmd… on Windows) in PATH order, each directory once. */
export async function nodeCandidatesOnPath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): Promise<string[]> {
  const windows = platform === 'win32';
  // Windows spells it Path; the lookup of env keys is case-sensitive in a plain object.
  const pathValue = windows ? Object.entries(env).find(([k]) => k.toUpperCase() === 'PATH')?.[1] : env.PATH;
  const dirs = [...new Set((pathValue ?? '').split(windows ? ';' : delimiter).filter((d) => d !== ''))];
  const names = windows ? ['node.exe', ...(env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => `node${e.toLowerCase()}`)] : ['node'];
  const found: string[] = [];
  for (const dir of dirs) {
    for (const name of new Set(names)) {
      const file = join(dir, name);
      if (await isExecutableFile(file, windows)) {
        found.push(file);
        break;
      }
    }
  }
  return found;
}

async function isExecutableFile(file: string, windows: boolean): Promise<boolean> {
  try {
    if (!(await stat(file)).isFile()) return false;
    if (!windows) await access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

type Probe = { ok: true; version: string } | { ok: false; reason: string };

/** Runs `<command> --version` and checks the answer. */
function probeNode(command: string, timeoutMs: number): Promise<Probe> {
  return new Promise((resolve) => {
    // ELECTRON_RUN_AS_NODE is unset: a node on PATH must be a real Node, not an Electron app that happens to answer.
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    execFile(command, ['--version'], { timeout: timeoutMs, env, windowsHide: true }, (error, stdout) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === 'ENOENT' ? 'no such file'
          : code === 'EACCES' ? 'not executable'
          : (error as { killed?: boolean }).killed ? `\`--version\` did not answer within ${timeoutMs} ms`
          : `\`--version\` failed: ${error.message.split('\n')[0]}`;
        resolve({ ok: false, reason });
        return;
      }
      const version = stdout.trim().split('\n')[0] ?? '';
      const parsed = parseNodeVersion(version);
      if (!parsed) resolve({ ok: false, reason: `\`--version\` printed "${version.slice(0, 60)}", not a Node.js version` });
      else if (!isSupportedNodeVersion(parsed)) resolve({ ok: false, reason: `Node ${version} is older than ${MIN_TEXT}` });
      else resolve({ ok: true, version: `v${parsed.join('.')}` });
    });
  });
}
