/**
 * The Rookery language server: wires the features (pure functions of a document and the WorkspaceIndex) to an LSP
 * connection. It owns the documents, when diagnostics are recomputed (a change to a scenario re-validates the open
 * plans and .env files that may use it), and failure containment: a feature that throws is logged and answers
 * nothing, and the server never exits because of one document.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind, FileChangeType, TextDocumentSyncKind, TextDocuments, type CodeAction, type CompletionItem, type Connection,
  type Diagnostic, type Hover, type InitializeResult, type Position, type Range,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentView, PlanContext, ScenarioContext } from './feature-context';
import { envCompletion, envDiagnostics, envHover, type DeclaredVariable } from './env-completion';
import { planCodeActions } from './plan-code-actions';
import { planCompletion } from './plan-completion';
import { planDiagnostics } from './plan-diagnostics';
import { planHover } from './plan-hover';
import { ENV_FILE, PLAN_FILE, SCENARIO_VARIABLES_REQUEST, type ScenarioVariablesParams, type ScenarioVariablesResult } from './protocol';
import { scenarioCompletion } from './scenario-completion';
import { scenarioDiagnostics } from './scenario-diagnostics';
import { scenarioHover } from './scenario-hover';
import { parsePlan } from '../../agent/plan/parse-plan';
import { toDiagnostic } from './to-diagnostic';
import { MAX_ANALYSED_BYTES, SCENARIO_FILE, tooLarge, WorkspaceIndex } from './workspace-index';

type DocumentKind = 'plan' | 'scenario' | 'env' | 'other';

/** Completion trigger characters: after `key: `, path separators, string quotes, `[`, list dashes, flow braces. */
const TRIGGERS = [':', ' ', '/', '.', '"', "'", '[', '-', '{', ',', '_'];

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const openText = (file: string) => {
    const doc = documents.get(pathToFileURL(file).href);
    return doc ? { version: doc.version, text: doc.getText() } : undefined;
  };
  let folders: string[] = [];
  const index = new WorkspaceIndex(openText, folders);
  const pending = new Set<string>();
  let flushScheduled = false;

  const log = (what: string, error: unknown) =>
    connection.console.error(`rookery: ${what} failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);

  /** Runs a feature; a throw becomes a log line and an empty answer, never a dead server or a hung request. */
  function guarded<T>(what: string, fallback: T, work: () => T): T {
    try {
      return work();
    } catch (error) {
      log(what, error);
      return fallback;
    }
  }

  function view(doc: TextDocument): DocumentView | undefined {
    const file = filePath(doc.uri);
    return file === undefined ? undefined : { uri: doc.uri, file, text: doc.getText() };
  }

  function kindOf(uri: string, languageId?: string): DocumentKind {
    if (languageId === 'rookery-plan' || PLAN_FILE.test(uri)) return 'plan';
    if (ENV_FILE.test(uri)) return 'env';
    if (/\.[cm]?tsx?$/i.test(uri)) return 'scenario';
    return 'other';
  }

  function scenarioContext(doc: TextDocument): ScenarioContext | undefined {
    const base = view(doc);
    if (!base) return undefined;
    const declarations = index.scenario(base.file);
    return declarations && { ...base, declarations, tree: index.tree(base.file) };
  }

  function planContext(doc: TextDocument): PlanContext | undefined {
    const base = view(doc);
    return base && { ...base, workspace: index };
  }

  /** Every declared variable of the workspace's scenarios, for `.env` files. */
  function workspaceVariables(): DeclaredVariable[] {
    const out: DeclaredVariable[] = [];
    for (const file of index.scenarioFiles()) {
      for (const variable of index.scenario(file)?.variables ?? []) out.push({ scenarioFile: file, variable });
    }
    return out;
  }

  function diagnose(doc: TextDocument): Diagnostic[] {
    if (doc.getText().length > MAX_ANALYSED_BYTES) return [tooLargeDiagnostic(doc.uri, doc.getText().length)];
    switch (kindOf(doc.uri, doc.languageId)) {
      case 'plan': {
        const ctx = planContext(doc);
        return ctx ? planDiagnostics(ctx) : [];
      }
      case 'scenario': {
        const ctx = scenarioContext(doc);
        if (!ctx) return [];
        // Any TypeScript file may be opened; only files that are scenarios, or named as one, get our diagnostics.
        if (!ctx.declarations.isScenario && !SCENARIO_FILE.test(ctx.file)) return [];
        return scenarioDiagnostics(ctx);
      }
      case 'env':
        return envDiagnostics(doc.getText(), workspaceVariables());
      default:
        return [];
    }
  }

  function schedule(uri: string): void {
    pending.add(uri);
    if (flushScheduled) return;
    flushScheduled = true;
    // Coalesces a burst of changes (typing, a save of many files) into one pass per document.
    setImmediate(flush);
  }

  function flush(): void {
    flushScheduled = false;
    const uris = [...pending];
    pending.clear();
    // Scenarios first: plans read them (through the index's cache) in the same pass.
    uris.sort((a, b) => Number(kindOf(a) !== 'scenario') - Number(kindOf(b) !== 'scenario'));
    for (const uri of uris) {
      const doc = documents.get(uri);
      if (!doc) continue;
      const diagnostics = guarded(`diagnostics of ${uri}`, [] as Diagnostic[], () => diagnose(doc));
      void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
    }
  }

  /** A scenario changed (typed, saved, created, deleted): the open plans and .env files may read it. */
  function revalidateDependents(): void {
    for (const doc of documents.all()) {
      const kind = kindOf(doc.uri, doc.languageId);
      if (kind === 'plan' || kind === 'env') schedule(doc.uri);
    }
  }

  connection.onInitialize((params): InitializeResult => {
    folders = (params.workspaceFolders ?? []).map((f) => filePath(f.uri)).filter((f): f is string => f !== undefined);
    if (folders.length === 0 && params.rootUri) {
      const root = filePath(params.rootUri);
      if (root) folders.push(root);
    }
    index.setFolders(folders);
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: TRIGGERS, resolveProvider: false },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Source] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'rookery-language-server', version: require('../../package.json').version },
    };
  });

  connection.onInitialized(() => {
    connection.workspace.onDidChangeWorkspaceFolders((event) => guarded('workspace folders', undefined, () => {
      const removed = new Set(event.removed.map((f) => filePath(f.uri)));
      folders = folders.filter((f) => !removed.has(f));
      for (const added of event.added) {
        const path = filePath(added.uri);
        if (path) folders.push(path);
      }
      index.setFolders(folders);
      revalidateDependents();
    }));
  });

  documents.onDidOpen((e) => {
    const file = filePath(e.document.uri);
    if (file) index.invalidate(file);
  });
  documents.onDidChangeContent((e) => {
    schedule(e.document.uri);
    if (kindOf(e.document.uri, e.document.languageId) === 'scenario') revalidateDependents();
  });
  documents.onDidClose((e) => {
    const file = filePath(e.document.uri);
    if (file) index.invalidate(file);
    // Closed documents show no problems (as TypeScript does); the file on disk becomes the truth for dependents.
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    if (kindOf(e.document.uri, e.document.languageId) === 'scenario') revalidateDependents();
  });

  connection.onDidChangeWatchedFiles((params) => guarded('watched files', undefined, () => {
    let scenarioTouched = false;
    for (const change of params.changes) {
      const file = filePath(change.uri);
      if (!file) continue;
      const kind = change.type === FileChangeType.Deleted ? 'deleted' : change.type === FileChangeType.Created;
      index.invalidate(file, kind);
      if (/\.[cm]?ts$/.test(file)) scenarioTouched = true;
    }
    if (scenarioTouched) revalidateDependents();
  }));

  connection.onCompletion((params): CompletionItem[] => guarded('completion', [], () => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || doc.getText().length > MAX_ANALYSED_BYTES) return [];
    switch (kindOf(doc.uri, doc.languageId)) {
      case 'plan': {
        const ctx = planContext(doc);
        return ctx ? planCompletion(ctx, params.position) : [];
      }
      case 'scenario': {
        const ctx = scenarioContext(doc);
        return ctx ? scenarioCompletion(ctx, params.position) : [];
      }
      case 'env':
        return envCompletion(doc.getText(), params.position, workspaceVariables());
      default:
        return [];
    }
  }));

  connection.onHover((params): Hover | null => guarded('hover', null, () => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || doc.getText().length > MAX_ANALYSED_BYTES) return null;
    return hoverOf(doc, params.position);
  }));

  function hoverOf(doc: TextDocument, position: Position): Hover | null {
    switch (kindOf(doc.uri, doc.languageId)) {
      case 'plan': {
        const ctx = planContext(doc);
        return ctx ? planHover(ctx, position) : null;
      }
      case 'scenario': {
        const ctx = scenarioContext(doc);
        return ctx ? scenarioHover(ctx, position) : null;
      }
      case 'env':
        return envHover(doc.getText(), position, workspaceVariables());
      default:
        return null;
    }
  }

  connection.onCodeAction((params): CodeAction[] => guarded('code actions', [], () => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || kindOf(doc.uri, doc.languageId) !== 'plan') return [];
    const ctx = planContext(doc);
    return ctx ? planCodeActions(ctx, params.range as Range, params.context.diagnostics) : [];
  }));

  connection.onRequest(SCENARIO_VARIABLES_REQUEST, (params: ScenarioVariablesParams): ScenarioVariablesResult =>
    guarded('scenario variables', { found: false, variables: [] }, () => scenarioVariables(params.uri)));

  function scenarioVariables(uri: string): ScenarioVariablesResult {
    const none: ScenarioVariablesResult = { found: false, variables: [] };
    const file = typeof uri === 'string' ? filePath(uri) : undefined;
    if (!file) return none;
    let scenarioFile = file;
    if (PLAN_FILE.test(file)) {
      const text = openText(file)?.text ?? readIfSmall(file);
      const path = text === undefined ? undefined : parsePlan(file, text, { checkScenarioExists: false }).scenarioPath;
      if (!path) return none;
      scenarioFile = path;
    }
    const declarations = index.scenario(scenarioFile);
    if (!declarations?.isScenario) return { ...none, scenarioFile };
    return { found: true, scenarioFile, variables: declarations.variables };
  }

  documents.listen(connection);
  connection.listen();
}

function readIfSmall(file: string): string | undefined {
  try {
    return statSync(file).size > MAX_ANALYSED_BYTES ? undefined : readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The same warning a too-large scenario reading carries (workspace-index's tooLarge), for any document kind. */
function tooLargeDiagnostic(file: string, length: number): Diagnostic {
  return toDiagnostic(tooLarge(file, length).problems[0]);
}

/** The file-system path of a `file:` URI; other schemes (untitled, git) are not on disk and get no cross-file help. */
export function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
