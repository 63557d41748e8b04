/**
 * A real LSP client for tests: starts the bundled language server (dist/language-server.js) as a child process on
 * stdio and talks to it with vscode-languageserver-protocol, as VS Code's client does. Keeps the latest diagnostics
 * per document and lets a test wait for ones that satisfy a predicate, with a deadline.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest, CompletionRequest, createProtocolConnection, DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification, DidOpenTextDocumentNotification, ExitNotification,
  HoverRequest, InitializedNotification, InitializeRequest, PublishDiagnosticsNotification, ShutdownRequest,
  StreamMessageReader, StreamMessageWriter, type CodeAction, type CompletionItem, type CompletionList, type Diagnostic,
  type FileChangeType, type Hover, type InitializeResult, type ProtocolConnection, type Range,
} from 'vscode-languageserver-protocol/node';

const SERVER = join(__dirname, '..', '..', '..', 'dist', 'language-server.js');

export interface PublishedDiagnostics {
  /** Counts publishes for this document (1, 2, ...), so a test can wait for one that comes after an event. */
  sequence: number;
  version?: number;
  diagnostics: Diagnostic[];
}

export class LspClient {
  readonly stderr: string[] = [];
  readonly logs: string[] = [];
  private readonly published = new Map<string, PublishedDiagnostics>();
  private readonly waiters = new Set<() => void>();
  private readonly versions = new Map<string, number>();
  private exited = false;

  private constructor(
    readonly process: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
  ) {
    process.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    process.on('exit', () => {
      this.exited = true;
      this.notify();
    });
    connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
      const sequence = (this.published.get(params.uri)?.sequence ?? 0) + 1;
      this.published.set(params.uri, { sequence, version: params.version, diagnostics: params.diagnostics });
      this.notify();
    });
    connection.onNotification('window/logMessage', (params: { message: string }) => {
      this.logs.push(params.message);
    });
    connection.listen();
  }

  /** Starts the server with `folder` as the only workspace folder and completes the initialize handshake. */
  static async start(folder: string): Promise<{ client: LspClient; init: InitializeResult }> {
    const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspClient(child, connection);
    const uri = pathToFileURL(folder).href;
    const init = await client.withDeadline('initialize', connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uri,
      workspaceFolders: [{ uri, name: 'workspace' }],
      capabilities: {
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } },
        },
      },
    }));
    await connection.sendNotification(InitializedNotification.type, {});
    return { client, init };
  }

  get alive(): boolean {
    return !this.exited;
  }

  async open(file: string, text: string, languageId = languageOf(file)): Promise<string> {
    const uri = pathToFileURL(file).href;
    this.versions.set(uri, 1);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  /** Replaces the whole text (a full-document change, which every server must accept). */
  async replace(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  /** An incremental edit, as an editor sends on typing. */
  async edit(uri: string, range: Range, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async fileChanged(file: string, type: FileChangeType): Promise<void> {
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).href, type }] });
  }

  async completion(uri: string, line: number, character: number): Promise<CompletionItem[]> {
    const result = await this.withDeadline('completion', this.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character } }));
    if (result === null) return [];
    return Array.isArray(result) ? result : (result as CompletionList).items;
  }

  async hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.withDeadline('hover', this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } }));
  }

  async codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
    const result = await this.withDeadline('codeAction', this.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri }, range, context: { diagnostics },
    }));
    return (result ?? []).filter((a): a is CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
  }

  async request<R>(method: string, params: unknown): Promise<R> {
    return this.withDeadline(method, this.connection.sendRequest(method, params) as Promise<R>);
  }

  /** How many times diagnostics were published for `uri` so far (pass it as `after` to wait for a newer one). */
  publishCount(uri: string): number {
    return this.published.get(uri)?.sequence ?? 0;
  }

  /**
   * The latest diagnostics published for `uri`, once `accept` holds for them (default: any, for the latest version
   * sent), and, when `after` is given, published later than that publish count.
   */
  async diagnostics(uri: string, accept: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 10_000, after = 0): Promise<Diagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const latest = this.published.get(uri);
      const current = latest && latest.sequence > after && (latest.version === undefined || latest.version === this.versions.get(uri));
      if (latest && current && accept(latest.diagnostics)) return latest.diagnostics;
      if (this.exited) throw new Error(`language server exited while waiting for diagnostics of ${uri}\n${this.stderr.join('')}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; latest: ${JSON.stringify(latest?.diagnostics.map((d) => d.message))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.waiters.add(done);
      });
    }
  }

  /** Polite shutdown (shutdown request, exit notification); the process must exit by itself. */
  async stop(): Promise<number | null> {
    if (this.exited) return this.process.exitCode;
    const exited = new Promise<number | null>((resolve) => this.process.once('exit', (code) => resolve(code)));
    try {
      await this.withDeadline('shutdown', this.connection.sendRequest(ShutdownRequest.type));
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      this.process.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    const code = await exited;
    clearTimeout(timer);
    this.connection.dispose();
    return code;
  }

  private notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  private async withDeadline<T>(what: string, promise: Promise<T>, ms = 10_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer from the language server within ${ms} ms\n${this.stderr.join('')}`)), ms);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function languageOf(file: string): string {
  if (/\.plan\.ya?ml$/.test(file)) return 'rookery-plan';
  if (/\.ts$/.test(file)) return 'typescript';
  if (/\.env/.test(file)) return 'dotenv';
  return 'plaintext';
}
