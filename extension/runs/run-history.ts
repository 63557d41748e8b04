/**
 * Past runs of a workspace, kept on disk in a folder the caller chooses: one file per run in exactly the format
 * of `rookery run --out` (agent/output/json-result.ts), so a result written by the CLI can be dropped in the
 * folder and shows up, and a saved one can be read by anything that reads `--out` files.
 *
 * Listing never throws: files that are not results (foreign JSON, a truncated write, another format version) are
 * skipped with a reason. Each file is read and validated once (the same guard as `run/finished` frames) and its
 * listing cached by size and modification time, since a long run's file holds every second's histograms.
 * Pruning and loading touch only files that read as results; nothing else in the folder is ever deleted.
 */
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { RookeryError } from '../../agent/common/errors';
import { RESULT_FORMAT, RESULT_VERSION, resultToJson } from '../../agent/output/json-result';
import type { RunResultData } from '../../agent/protocol/control';
import type { DashboardView, RunListing } from '../../agent/protocol/dashboard';
import { SNAPSHOT_VERSION } from '../../agent/protocol/snapshot';
import { parseControlPush } from '../../agent/protocol/validate';
import { runStatusOf, titleOf, viewOfResult } from './result-view';
import type { SeriesStoreOptions } from './series-store';

export const DEFAULT_KEEP_RUNS = 50;
/** Files larger than this are not read (a day-long run with many names stays well below it). */
export const MAX_RESULT_BYTES = 512 * 1024 * 1024;

/** One past run as the history lists it: the comparison picker's listing plus the sidebar's headline figures. */
export interface HistoryEntry extends RunListing {
  /** Absolute path of its file. */
  file: string;
  endedAt: number;
  endReason: RunResultData['endReason'];
  durationMs: number;
  requests: number;
  failed: number;
  rps: number;
  /** ms; null when no request completed. */
  p99: number | null;
  errorPct: number;
  /** null when the run had no thresholds. */
  thresholdsOk: boolean | null;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface HistoryListing {
  /** Newest first. */
  runs: HistoryEntry[];
  skipped: SkippedFile[];
}

export interface RunHistoryOptions {
  /** How many runs `prune` keeps (and `save` prunes to). */
  keep?: number;
  nameCap?: number;
  store?: SeriesStoreOptions;
}

/**
 * Parses a result file's text; throws a RookeryError (ROOKERY_PROTOCOL) saying why it is not a readable result.
 */
export function parseResultFile(text: string): RunResultData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw notAResult(`not valid JSON (${(error as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw notAResult('not a JSON object');
  const file = json as Record<string, unknown>;
  if (file.format !== RESULT_FORMAT) throw notAResult(`not a Rookery result (format ${JSON.stringify(file.format ?? null)})`);
  if (file.version !== RESULT_VERSION) throw notAResult(`result format version ${String(file.version)}; this version reads ${RESULT_VERSION}`);
  if (file.snapshotVersion !== SNAPSHOT_VERSION) throw notAResult(`snapshot version ${String(file.snapshotVersion)}; this version reads ${SNAPSHOT_VERSION}`);
  const startedAt = typeof file.startedAt === 'string' ? Date.parse(file.startedAt) : NaN;
  const endedAt = typeof file.endedAt === 'string' ? Date.parse(file.endedAt) : NaN;
  if (Number.isNaN(startedAt) || Number.isNaN(endedAt)) throw notAResult('startedAt/endedAt are not ISO dates');
  try {
    const push = parseControlPush({ type: 'run/finished', result: { ...file, startedAt, endedAt } });
    if (push.type !== 'run/finished') throw notAResult('not a run result');
    return push.result;
  } catch (error) {
    if (error instanceof RookeryError) throw error;
    throw notAResult((error as Error).message);
  }
}

function notAResult(reason: string): RookeryError {
  return new RookeryError('ROOKERY_PROTOCOL', reason, { hint: 'the file was not written by `rookery run --out` or the extension, or it was damaged' });
}

/** A file name for a run id: what ids are made of, anything else replaced. */
export function fileNameOf(runId: string): string {
  return `${runId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200)}.json`;
}

/** A run's line in the list of past runs, from its result (`title`: the name it was followed under, else its file's). */
export function entryOf(file: string, result: RunResultData, title = titleOf(result)): HistoryEntry {
  const total = result.summary.total;
  return {
    runId: result.runId,
    title,
    startedAt: result.startedAt,
    status: runStatusOf(result),
    file,
    endedAt: result.endedAt,
    endReason: result.endReason,
    durationMs: Math.max(0, result.endedAt - result.startedAt),
    requests: total.count,
    failed: total.failed,
    rps: total.rps,
    p99: total.count > 0 ? total.p99 : null,
    errorPct: total.errorPct,
    thresholdsOk: result.thresholds.length > 0 ? result.thresholds.every((t) => t.ok) : null,
  };
}

type Cached = { size: number; mtimeMs: number } & ({ entry: HistoryEntry } | { reason: string });

export class RunHistory {
  readonly folder: string;
  readonly keep: number;
  private readonly options: RunHistoryOptions;
  private readonly cache = new Map<string, Cached>();

  constructor(folder: string, options: RunHistoryOptions = {}) {
    const keep = options.keep ?? DEFAULT_KEEP_RUNS;
    if (!Number.isSafeInteger(keep) || keep < 1) throw new RangeError(`keep must be an integer >= 1, got ${keep}`);
    this.folder = folder;
    this.keep = keep;
    this.options = options;
  }

  /**
   * Writes the result (the `--out` format; a temporary file renamed into place, so a crash never leaves half a
   * file) and prunes the folder to the newest `keep` runs. Returns the file's path.
   */
  async save(result: RunResultData, options: { prune?: boolean } = {}): Promise<string> {
    await mkdir(this.folder, { recursive: true });
    const file = join(this.folder, fileNameOf(result.runId));
    const temporary = join(this.folder, `.${fileNameOf(result.runId)}.${process.pid}.tmp`);
    await writeFile(temporary, JSON.stringify(resultToJson(result)));
    await rename(temporary, file);
    if (options.prune ?? true) await this.prune();
    return file;
  }

  /** Every readable run, newest first, and every other file with the reason it was skipped. Never throws. */
  async list(): Promise<HistoryListing> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { runs: [], skipped: [] };
      return { runs: [], skipped: [{ file: this.folder, reason: `cannot read the folder (${(error as Error).message})` }] };
    }
    const runs: HistoryEntry[] = [];
    const skipped: SkippedFile[] = [];
    const seen = new Set(names);
    for (const key of this.cache.keys()) if (!seen.has(key)) this.cache.delete(key);
    for (const name of names.sort()) {
      // Hidden files: our own temporary files while saving, and the OS's own.
      if (name.startsWith('.')) continue;
      const file = join(this.folder, name);
      const read = await this.read(name, file);
      if ('entry' in read) runs.push(read.entry);
      else skipped.push({ file, reason: read.reason });
    }
    runs.sort((a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
    // Two files of one run (a copy): the first listed wins, the other is skipped.
    const unique: HistoryEntry[] = [];
    const ids = new Map<string, string>();
    for (const entry of runs) {
      const first = ids.get(entry.runId);
      if (first === undefined) {
        ids.set(entry.runId, entry.file);
        unique.push(entry);
      } else {
        skipped.push({ file: entry.file, reason: `another file of run ${entry.runId} (${first})` });
      }
    }
    return { runs: unique, skipped };
  }

  /** A past run's result, read again from its file. Throws a RookeryError when it is not there or unreadable. */
  async readResult(runId: string): Promise<RunResultData> {
    return this.readListed((await this.list()).runs, runId);
  }

  /** A past run as the dashboard shows it (points through a series store: bounded like a live run's). */
  async load(runId: string): Promise<DashboardView> {
    const { runs } = await this.list();
    const result = await this.readListed(runs, runId);
    const { view } = viewOfResult(result, { ...(this.options.nameCap === undefined ? {} : { nameCap: this.options.nameCap }), ...(this.options.store ? { store: this.options.store } : {}) });
    view.runs = runs.filter((r) => r.runId !== runId).map(({ runId: id, title, startedAt, status }) => ({ runId: id, title, startedAt, status }));
    return view;
  }

  /** Deletes the oldest runs beyond `keep`; returns their run ids. Files that are not results are left alone. */
  async prune(keep: number = this.keep): Promise<string[]> {
    const { runs } = await this.list();
    const removed: string[] = [];
    for (const entry of runs.slice(keep)) {
      try {
        await unlink(entry.file);
        this.cache.delete(basename(entry.file));
        removed.push(entry.runId);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return removed;
  }

  /** Deletes one run's file; false when the history has no such run. */
  async remove(runId: string): Promise<boolean> {
    const entry = (await this.list()).runs.find((r) => r.runId === runId);
    if (entry === undefined) return false;
    await unlink(entry.file);
    return true;
  }

  private async readListed(runs: readonly HistoryEntry[], runId: string): Promise<RunResultData> {
    const entry = runs.find((r) => r.runId === runId);
    if (entry === undefined) {
      throw new RookeryError('ROOKERY_STATE', `run ${runId} is not in the run history`, { where: this.folder, hint: 'it may have been pruned or deleted' });
    }
    return parseResultFile(await readFile(entry.file, 'utf8'));
  }

  private async read(name: string, file: string): Promise<Cached> {
    let info;
    try {
      info = await stat(file);
    } catch (error) {
      return { size: 0, mtimeMs: 0, reason: `cannot read it (${(error as Error).message})` };
    }
    if (!info.isFile()) return { size: 0, mtimeMs: 0, reason: 'not a file' };
    const cached = this.cache.get(name);
    if (cached && cached.size === info.size && cached.mtimeMs === info.mtimeMs) return cached;
    let read: Cached;
    if (!name.endsWith('.json')) read = { size: info.size, mtimeMs: info.mtimeMs, reason: 'not a .json file' };
    else if (info.size > MAX_RESULT_BYTES) read = { size: info.size, mtimeMs: info.mtimeMs, reason: `larger than ${MAX_RESULT_BYTES} bytes` };
    else {
      try {
        read = { size: info.size, mtimeMs: info.mtimeMs, entry: entryOf(file, parseResultFile(await readFile(file, 'utf8'))) };
      } catch (error) {
        read = { size: info.size, mtimeMs: info.mtimeMs, reason: (error as Error).message };
      }
    }
    this.cache.set(name, read);
    return read;
  }
}
