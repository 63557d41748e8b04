/**
 * One dashboard webview panel showing one run: its HTML (strict CSP, fresh nonce), the page's messages routed
 * through panel-router.ts one at a time, the run's messages posted as they come, and the title following the run's
 * status. A thin adapter: what to answer is decided by the router, which runs without VS Code.
 *
 * Posting to a hidden webview loses the message (retainContextWhenHidden is off: a hidden page is unloaded); the
 * page notices the gap or reloads, and asks for a snapshot, so nothing here tracks visibility.
 */
import * as vscode from 'vscode';
import type { HostMessage } from '../../agent/protocol/dashboard';
import { goneHtml } from './gone-html';
import { dashboardHtml, makeNonce } from './html';
import type { PanelRegistry } from './panel-registry';
import { panelTitle, routePageMessage, statusOfMessage, type RouterDeps, type RunSource } from './panel-router';
import { StaticRun } from './static-run';

/** What a panel needs from the service that owns it. */
export interface PanelHost {
  readonly extensionUri: vscode.Uri;
  readonly output: vscode.LogOutputChannel;
  readonly registry: PanelRegistry;
  readonly routerDeps: RouterDeps;
  /** The source to answer a snapshot request from: the same, or the history's when the live run was let go. */
  refreshSource(current: RunSource): Promise<RunSource>;
  /** The panel was closed (by the user, or with the service). */
  closed(panel: DashboardPanel): void;
}

/** Where the page's script and stylesheet live; the only folder the webview may load from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extensionUri)] };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class DashboardPanel implements vscode.Disposable {
  private source: RunSource;
  private stopMessages: () => void;
  private readonly registryKey: number;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Page messages are handled one after the other, so a snapshot never overtakes what an earlier request sent. */
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;
  private panelGone = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    source: RunSource,
    private readonly host: PanelHost,
  ) {
    this.source = source;
    const webview = panel.webview;
    webview.options = webviewOptions(host.extensionUri);
    this.stopMessages = this.follow(source);
    panel.title = panelTitle(source.title, statusOfMessage(source.snapshot()));
    this.registryKey = host.registry.add({ runId: source.runId, title: panel.title });
    webview.html = dashboardHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(host.extensionUri), 'dashboard.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(host.extensionUri), 'dashboard-style.css')).toString(),
      cspSource: webview.cspSource,
      nonce: makeNonce(),
      title: source.title,
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        this.queue = this.queue.then(() => this.receive(raw));
      }),
      panel.onDidDispose(() => {
        this.panelGone = true;
        this.dispose();
      }),
    );
  }

  get runId(): string {
    return this.source.runId;
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopMessages();
    if (this.source instanceof StaticRun) this.source.dispose();
    for (const s of this.subscriptions.splice(0)) s.dispose();
    this.host.registry.remove(this.registryKey);
    this.host.closed(this);
    if (!this.panelGone) this.panel.dispose();
  }

  private follow(source: RunSource): () => void {
    return source.onMessage((message) => this.post(message));
  }

  private post(message: HostMessage): void {
    if (this.disposed) return;
    const status = statusOfMessage(message);
    if (status !== undefined) {
      const title = panelTitle(this.source.title, status);
      if (this.panel.title !== title) {
        this.panel.title = title;
        this.host.registry.retitle(this.registryKey, title);
      }
    }
    this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.host.output.warn(`dashboard ${this.runId}: post failed: ${describe(error)}`));
  }

  private async receive(raw: unknown): Promise<void> {
    if (this.disposed) return;
    try {
      const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
      if (type === 'dashboard/ready' || type === 'dashboard/resync') await this.refresh();
      const result = await routePageMessage(raw, this.source, this.host.routerDeps);
      if (this.disposed) return;
      switch (result.kind) {
        case 'post':
          this.post(result.message);
          break;
        case 'invalid':
          this.host.output.warn(`dashboard ${this.runId}: ignored a message from the page: ${result.reason}`);
          break;
        case 'failed':
          this.host.output.warn(`dashboard ${this.runId}: ${result.reason}`);
          void vscode.window.showWarningMessage(`Rookery: ${result.reason}`, 'Show Output').then((choice) => {
            if (choice === 'Show Output') this.host.output.show(true);
          });
          break;
        case 'done':
          break;
      }
    } catch (error) {
      this.host.output.error(`dashboard ${this.runId}: ${describe(error)}`);
    }
  }

  /** Switches to another source of the same run when the service has a better one (the live run was let go). */
  private async refresh(): Promise<void> {
    const next = await this.host.refreshSource(this.source);
    if (next === this.source || this.disposed) return;
    this.stopMessages();
    if (this.source instanceof StaticRun) this.source.dispose();
    this.source = next;
    this.stopMessages = this.follow(next);
  }
}

/** Shows the "run not available" page in a restored panel that has no run to show; closing it disposes it. */
export function showGone(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, runId: string | undefined, reason: string): vscode.Disposable {
  panel.webview.options = { enableScripts: false, localResourceRoots: [webviewRoot(extensionUri)] };
  panel.webview.html = goneHtml({
    styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(webviewRoot(extensionUri), 'dashboard-style.css')).toString(),
    cspSource: panel.webview.cspSource,
    runId,
    reason,
  });
  return panel;
}
