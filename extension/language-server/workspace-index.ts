/**
 * The language server's view of the workspace (WorkspaceView): static readings of scenario files, cached per open
 * document version or per file stamp on disk; which files exist; the workspace's scenario files. Open documents win
 * over the disk, so a plan sees the scenario as the author is typing it, before it is saved.
 *
 * Everything is synchronous on purpose: features are pure functions of what is known now, and the files involved
 * are small local text files; a request never waits on another one.
 */
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type ts from 'typescript';
import { declarationsOf } from '../../agent/analysis/extract-variables';
import { parseScenarioSource, reparseScenarioSource } from '../../agent/analysis/scenario-source';
import type { ScenarioDeclarations } from '../../agent/protocol/variables';
import type { WorkspaceView } from './feature-context';

/** Above this size a file is not analysed (the server stays responsive); see `tooLarge`. */
export const MAX_ANALYSED_BYTES = 5 * 1024 * 1024;

/** Folders never searched for scenarios: dependencies, build output, VCS data. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'out', 'dist', '.vscode-test', 'coverage']);
/** Bounds of the workspace scan, so that opening a home directory as a workspace cannot stall the server. */
const MAX_SCAN_DEPTH = 8;
const MAX_SCANNED_ENTRIES = 20_000;

export const SCENARIO_FILE = /\.scenario\.ts$/;

/** The text of an open document, as the server's document manager holds it. */
export interface OpenText {
  version: number;
  text: string;
}

interface CachedReading {
  /** `open:<version>` or `disk:<mtime>:<size>`: the reading is valid while the stamp is. */
  stamp: string;
  declarations: ScenarioDeclarations;
  /** The syntax tree of an open document, kept so that its next version is parsed incrementally. */
  tree?: ts.SourceFile;
}

export class WorkspaceIndex implements WorkspaceView {
  private readonly readings = new Map<string, CachedReading>();
  private scenarioList: string[] | undefined;

  /**
   * `openText(file)` gives the open document for a path, if any (the server's TextDocuments); `folders` are the
   * workspace folders' paths.
   */
  constructor(
    private readonly openText: (file: string) => OpenText | undefined,
    private folders: string[],
  ) {}

  setFolders(folders: string[]): void {
    this.folders = folders;
    this.scenarioList = undefined;
  }

  scenario(file: string): ScenarioDeclarations | undefined {
    const open = this.openText(file);
    if (open) return this.reading(file, `open:${open.version}`, () => open.text, true);
    const stats = statOrUndefined(file);
    if (!stats?.isFile()) {
      this.readings.delete(file);
      return undefined;
    }
    if (stats.size > MAX_ANALYSED_BYTES) return tooLarge(file, stats.size);
    try {
      return this.reading(file, `disk:${stats.mtimeMs}:${stats.size}`, () => readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /**
   * The syntax tree the last `scenario(file)` read, when one is kept (open documents), for features that walk the
   * tree themselves; its `text` says which version it is. Valid until the next version is read: the incremental
   * parser reuses its nodes.
   */
  tree(file: string): ts.SourceFile | undefined {
    return this.readings.get(file)?.tree;
  }

  fileExists(file: string): boolean {
    return this.openText(file) !== undefined || statOrUndefined(file)?.isFile() === true;
  }

  scenarioFiles(): string[] {
    this.scenarioList ??= scanScenarios(this.folders);
    return this.scenarioList;
  }

  /** A file was created, changed or deleted on disk (watched files) or opened/closed: drop what depends on it. */
  invalidate(file: string, created: boolean | 'deleted' = false): void {
    this.readings.delete(file);
    if (created === true || created === 'deleted') this.scenarioList = undefined;
  }

  private reading(file: string, stamp: string, text: () => string, keepTree = false): ScenarioDeclarations {
    const cached = this.readings.get(file);
    if (cached?.stamp === stamp) return cached.declarations;
    const source = text();
    if (source.length > MAX_ANALYSED_BYTES) {
      const declarations = tooLarge(file, source.length);
      this.readings.set(file, { stamp, declarations });
      return declarations;
    }
    const tree = keepTree && cached?.tree ? reparseScenarioSource(cached.tree, source) : parseScenarioSource(file, source);
    const declarations = declarationsOf(tree);
    this.readings.set(file, { stamp, declarations, tree: keepTree ? tree : undefined });
    return declarations;
  }
}

/** A reading that says why there is none, rather than a multi-second parse that would freeze every request. */
export function tooLarge(file: string, bytes: number): ScenarioDeclarations {
  return {
    file,
    isScenario: false,
    variables: [],
    reads: [],
    problems: [{
      severity: 'warning',
      code: 'ROOKERY_FILE_TOO_LARGE',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      message: `this file is ${(bytes / 1024 / 1024).toFixed(1)} MB, more than Rookery's editor analysis reads (${MAX_ANALYSED_BYTES / 1024 / 1024} MB): run \`rookery validate\` on it instead`,
    }],
  };
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** Breadth-first, bounded in depth and entries, sorted for stable completion lists. */
function scanScenarios(folders: string[]): string[] {
  const found: string[] = [];
  let budget = MAX_SCANNED_ENTRIES;
  let level = folders.map((f) => ({ dir: f, depth: 0 }));
  while (level.length > 0 && budget > 0) {
    const next: typeof level = [];
    for (const { dir, depth } of level) {
      let names: import('node:fs').Dirent[];
      try {
        names = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of names) {
        if (--budget <= 0) break;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.') && depth < MAX_SCAN_DEPTH) next.push({ dir: path, depth: depth + 1 });
        } else if (entry.isFile() && SCENARIO_FILE.test(entry.name)) {
          found.push(path);
        }
      }
    }
    level = next;
  }
  return found.sort();
}
