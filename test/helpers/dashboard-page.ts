/**
 * A harness for the dashboard page in headless Chromium: serves dist/webview/* and an HTML page made by
 * dashboardHtml (the real CSP, a fresh nonce per load) on 127.0.0.1, and opens it with VS Code's webview API
 * stubbed — `acquireVsCodeApi` records what the page posts and keeps its state; host messages are delivered as VS
 * Code does, by dispatching a MessageEvent on the window. It also records CSP violations, page errors and every
 * request the page makes, so tests can assert nothing else happened.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { DashboardPoint, DashboardTables, DashboardView, HostMessage, PageMessage } from '../../agent/protocol/dashboard';
import { dashboardHtml, makeNonce } from '../../extension/dashboard/html';
import { ROOT } from './cli';

const DIST = join(ROOT, 'dist', 'webview');
const FILES: Record<string, string> = {
  '/dashboard.js': 'text/javascript',
  '/dashboard.js.map': 'application/json',
  '/dashboard-style.css': 'text/css',
  '/dashboard-style.css.map': 'application/json',
};

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 20_000,
  });
}

export interface DashboardServer {
  readonly origin: string;
  /** Paths requested so far (including ones that 404ed). */
  readonly paths: string[];
  close(): Promise<void>;
}

export async function startDashboardServer(title = 'Rookery dashboard'): Promise<DashboardServer> {
  const paths: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    paths.push(path);
    if (path === '/') {
      const html = dashboardHtml({ scriptUri: `${origin}/dashboard.js`, styleUri: `${origin}/dashboard-style.css`, cspSource: origin, nonce: makeNonce(), title });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      return;
    }
    const type = FILES[path];
    if (!type) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(DIST, path)).then(
      (body) => res.writeHead(200, { 'content-type': type }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One chart dataset as the page's debug hook reports it (webview/charts/line-chart.ts DatasetDebug). */
export interface DatasetDebug {
  key: string;
  label: string;
  color: string;
  hidden: boolean;
  data: { x: number; y: number | null }[];
  drawn: number;
  lastDrawnX: number | null;
}

export interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

export interface DashboardPage {
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** Delivers host messages in order, then waits for the next animation frame (after the page's render). */
  send(...messages: unknown[]): Promise<void>;
  /** What the page has posted to the host so far. */
  posted(): Promise<PageMessage[]>;
  /** Waits until the page has posted `count` messages of `type`. */
  waitForPosted(type: PageMessage['type'], count?: number, timeoutMs?: number): Promise<PageMessage[]>;
  /** The page's saved UI state (vscode.setState). */
  state(): Promise<unknown>;
  violations(): Promise<Violation[]>;
  charts(): Promise<Record<string, DatasetDebug[]>>;
  hook(): Promise<{ lastSeq: number; pointsHeld: number; renderMs: number }>;
  frame(): Promise<void>;
  /** The table `data-table=name` as shown (select its tab first: only the selected tab is rendered). */
  table(name: string): Promise<TableContent>;
  /** Clicks the tab for `tab` and waits a frame. */
  selectTab(tab: string): Promise<void>;
  close(): Promise<void>;
}

/** The slice of an Element the harness reads. */
export interface PageElement {
  textContent: string | null;
  className: string;
  tagName: string;
  hidden: boolean;
  dataset: Record<string, string | undefined>;
  style: Record<string, string>;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
}

/** A table cell as the page shows it: its text, and the exact number behind it (data-value) when numeric. */
export interface Cell {
  text: string;
  value?: number;
  className: string;
}

export interface TableContent {
  head: string[];
  body: Cell[][];
  foot: Cell[][];
  rowClasses: string[];
}

/**
 * The few browser globals the harness touches inside the page. The test project has no DOM types (it runs in
 * Node), so page-side functions reach them through `globalThis` with this shape.
 */
export interface BrowserGlobals {
  document: {
    body: { classList: { add(name: string): void; remove(...names: string[]): void }; dataset: Record<string, string | undefined> } | null;
    documentElement: { style: { setProperty(name: string, value: string): void; removeProperty(name: string): void } };
    visibilityState: string;
    addEventListener(type: string, listener: (event: { violatedDirective: string; blockedURI: string; sample: string }) => void, options?: unknown): void;
    dispatchEvent(event: unknown): boolean;
    querySelector(selector: string): PageElement | null;
    querySelectorAll(selector: string): ArrayLike<PageElement>;
  };
  dispatchEvent(event: unknown): boolean;
  getComputedStyle(element: unknown): { color: string; backgroundColor: string; getPropertyValue(name: string): string };
  MessageEvent: new (type: string, init: { data: unknown }) => unknown;
  Event: new (type: string) => unknown;
  requestAnimationFrame(callback: () => void): number;
}

interface PageGlobals extends BrowserGlobals {
  __posted: PageMessage[];
  __state: unknown;
  __violations: Violation[];
  __rookeryDashboard: { charts(): Record<string, DatasetDebug[]>; lastSeq: number; pointsHeld: number; renderMs: number };
}

/** Opens the dashboard page; `state` is what vscode.getState() returns at load (a restored webview). */
export async function openDashboard(browser: Browser, server: DashboardServer, options: { state?: unknown; bodyClass?: string } = {}): Promise<DashboardPage> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(String(error)));
  await page.addInitScript((init: { state: unknown; bodyClass: string }) => {
    const g = globalThis as unknown as PageGlobals & { __rookeryDashboardDebug: boolean; acquireVsCodeApi: () => unknown };
    const document = g.document;
    g.__rookeryDashboardDebug = true;
    g.__posted = [];
    g.__violations = [];
    g.__state = init.state;
    let acquired = false;
    g.acquireVsCodeApi = () => {
      if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
      acquired = true;
      return Object.freeze({
        postMessage: (message: unknown) => g.__posted.push(structuredClone(message) as PageMessage),
        getState: () => g.__state,
        setState: (state: unknown) => {
          g.__state = structuredClone(state);
          return state;
        },
      });
    };
    document.addEventListener('securitypolicyviolation', (e) => g.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample }));
    // VS Code puts the theme class on <body> before the page's scripts run.
    document.addEventListener('DOMContentLoaded', () => document.body?.classList.add(init.bodyClass), { once: true });
    document.body?.classList.add(init.bodyClass);
  }, { state: options.state, bodyClass: options.bodyClass ?? 'vscode-dark' });
  await page.goto(`${server.origin}/`);

  const dashboard: DashboardPage = {
    page,
    requests,
    errors,
    async send(...messages) {
      // As one JSON string: Playwright's own argument serialization is slow for thousands of points.
      await page.evaluate((json) => {
        const g = globalThis as unknown as BrowserGlobals;
        for (const data of JSON.parse(json) as unknown[]) g.dispatchEvent(new g.MessageEvent('message', { data }));
        return new Promise<void>((resolve) => g.requestAnimationFrame(() => resolve()));
      }, JSON.stringify(messages));
    },
    posted: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__posted),
    async waitForPosted(type, count = 1, timeoutMs = 5000) {
      await page.waitForFunction(
        ([t, n]) => (globalThis as unknown as PageGlobals).__posted.filter((m) => m.type === t).length >= (n as number),
        [type, count] as const,
        { timeout: timeoutMs },
      );
      return dashboard.posted();
    },
    state: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__state),
    violations: () => page.evaluate(() => (globalThis as unknown as PageGlobals).__violations),
    charts: async () => JSON.parse(await page.evaluate(() => JSON.stringify((globalThis as unknown as PageGlobals).__rookeryDashboard.charts()))),
    hook: () =>
      page.evaluate(() => {
        const h = (globalThis as unknown as PageGlobals).__rookeryDashboard;
        return { lastSeq: h.lastSeq, pointsHeld: h.pointsHeld, renderMs: h.renderMs };
      }),
    frame: () => page.evaluate(() => new Promise<void>((resolve) => (globalThis as unknown as BrowserGlobals).requestAnimationFrame(() => resolve()))),
    table: (name) =>
      page.evaluate((tableName) => {
        const g = globalThis as unknown as BrowserGlobals;
        const table = g.document.querySelector(`table[data-table="${tableName}"]`);
        if (!table) throw new Error(`no table ${tableName}`);
        const cellsOf = (row: PageElement): Cell[] =>
          Array.from(row.querySelectorAll('th, td'), (c) => {
            const cell: Cell = { text: c.textContent ?? '', className: c.className };
            if (c.dataset.value !== undefined) cell.value = Number(c.dataset.value);
            return cell;
          });
        return {
          head: Array.from(table.querySelectorAll('thead th'), (th) => th.textContent ?? ''),
          body: Array.from(table.querySelectorAll('tbody tr'), cellsOf),
          foot: Array.from(table.querySelectorAll('tfoot tr'), cellsOf),
          rowClasses: Array.from(table.querySelectorAll('tbody tr'), (tr) => tr.className),
        };
      }, name),
    async selectTab(tab) {
      await page.click(`button[data-tab="${tab}"]`);
      await dashboard.frame();
    },
    close: () => page.close(),
  };
  return dashboard;
}

/** One browser and one page server for a test file, and every page it opened (closed together). */
export class DashboardSession {
  readonly pages: DashboardPage[] = [];

  private constructor(
    readonly server: DashboardServer,
    readonly browser: Browser,
  ) {}

  static async start(): Promise<DashboardSession> {
    const [server, browser] = await Promise.all([startDashboardServer(), launchBrowser()]);
    return new DashboardSession(server, browser);
  }

  /** Opens a page and waits for its first `dashboard/ready`. */
  async open(options: { state?: unknown; bodyClass?: string } = {}): Promise<DashboardPage> {
    const page = await openDashboard(this.browser, this.server, options);
    this.pages.push(page);
    await page.waitForPosted('dashboard/ready');
    return page;
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.server.close();
  }
}

export function snapshotMessage(seq: number, view: DashboardView): HostMessage {
  return { type: 'dashboard/snapshot', seq, protocol: 1, view: structuredClone(view) };
}

export function updateMessage(seq: number, points: DashboardPoint[], tables: DashboardTables): HostMessage {
  return { type: 'dashboard/update', seq, points, tables };
}

/** Waits for the page's "first snapshot drawn" mark. */
export async function waitReady(page: DashboardPage): Promise<void> {
  await page.page.waitForFunction(() => (globalThis as unknown as BrowserGlobals).document.body?.dataset.ready === 'true', undefined, { timeout: 5000 });
}

/** The dataset `key` of `chart`, or an assertion failure listing the keys there are. */
export function findDataset(charts: Record<string, DatasetDebug[]>, chart: string, key: string): DatasetDebug {
  const found = charts[chart]?.find((d) => d.key === key);
  assert.ok(found, `chart ${chart} has no dataset ${key}: ${JSON.stringify(charts[chart]?.map((d) => d.key))}`);
  return found;
}

export function ys(dataset: DatasetDebug): (number | null)[] {
  return dataset.data.map((p) => p.y);
}
