import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DashboardView } from '../../agent/protocol/dashboard';
import { DashboardSession, findDataset, snapshotMessage, waitReady, type BrowserGlobals } from '../helpers/dashboard-page';
import { SyntheticHost } from '../helpers/dashboard-synthetic';

// The dashboard page's safety and looks in headless Chromium: untrusted names stay text, the CSP holds and nothing
// leaves 127.0.0.1, the `(other)` warning shows, and the three kinds of theme give readable colours.

let session: DashboardSession;
let view: DashboardView;

before(async () => {
  session = await DashboardSession.start();
  const host = new SyntheticHost({ seed: 11 });
  for (let i = 0; i < 20; i++) host.tick();
  view = { ...host.view(), runs: [{ runId: host.runId, title: 'synthetic run', startedAt: 0, status: 'running' }] };
});

after(async () => {
  await session?.close();
});

describe('dashboard page safety and themes (headless Chromium)', () => {
  test('names folded into (other): the row comes last and a warning says what to do', async () => {
    const page = await session.open();
    const tables = structuredClone(view.tables);
    const other = { ...tables.total, name: '(other)', count: 7 };
    tables.requests = [other, ...tables.requests];
    tables.otherNames = 37;
    tables.nameCap = 100;
    await page.send(snapshotMessage(1, { ...view, tables }));
    const requests = await page.table('requests');
    assert.equal(requests.body.at(-1)?.[0].text, '(other)');
    assert.equal(requests.rowClasses.at(-1), 'other');
    const warning = (await page.page.locator('ul.warnings li').allTextContents())[0];
    assert.match(warning, /^37 request names folded into \(other\): the run made more than 100 distinct names\. Name requests with \{ name \}/);
    assert.equal(await page.page.locator('ul.warnings').isVisible(), true);
  });

  test('untrusted names render as text: no markup, no request, no script', async () => {
    const page = await session.open();
    const evil = '<img src=x onerror="globalThis.__pwned=1">';
    const tables = structuredClone(view.tables);
    tables.requests = tables.requests.map((r, i) => (i === 0 ? { ...r, name: evil } : r));
    tables.errors = [{ kind: 'http', count: 1, lastMessage: `<script>globalThis.__pwned=2</script>${evil}`, lastName: evil }];
    tables.checks = [{ name: evil, pass: 1, fail: 0 }];
    tables.counters = [{ name: evil, value: 1, rate: 1 }];
    tables.warnings = [evil];
    tables.agents = [{ agentId: 'a1', name: evil, state: 'running', users: 1, rps: 1, utilization: 0.95 }];
    const points = view.points.map((p) => ({ ...p, agents: [{ agentId: 'a1', name: evil, utilization: 0.5, rps: 1, users: 1 }] }));
    await page.send(snapshotMessage(1, { ...view, title: evil, points, tables, runs: [...view.runs, { runId: 'r2', title: evil, startedAt: 0, status: 'error' }] }));
    assert.equal((await page.table('requests')).body[0][0].text, evil);
    assert.equal(await page.page.locator('h1.title').textContent(), evil);
    assert.equal(await page.page.locator('ul.warnings li').first().textContent(), evil);
    await page.selectTab('errors');
    assert.deepEqual((await page.table('errors')).body[0].map((c) => c.text), ['http', '1', `<script>globalThis.__pwned=2</script>${evil}`, evil]);
    await page.selectTab('agents');
    const agents = await page.table('agents');
    assert.equal(agents.body[0][0].text, evil);
    assert.ok(agents.body[0][4].className.includes('over'), 'utilization above 0.8 is highlighted');
    assert.equal(agents.rowClasses[0], 'overloaded');
    assert.equal(findDataset(await page.charts(), 'utilization', 'utilization:a1').label, evil);
    assert.equal(await page.page.locator('img, script:not([src])').count(), 0, 'no element was made from a name');
    assert.equal(await page.page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
    assert.ok(!session.server.paths.includes('/x'), 'the <img> was never requested');
  });

  test('follows the theme: light, dark and high contrast give different, readable colours', async () => {
    const themes = {
      'vscode-light': { bg: '#ffffff', fg: '#3b3b3b', red: '#e51400', blue: '#1a85ff', green: '#388a34', orange: '#c55d00', purple: '#652d90', yellow: '#9a6e00' },
      'vscode-dark': { bg: '#1f1f1f', fg: '#cccccc', red: '#f14c4c', blue: '#3794ff', green: '#89d185', orange: '#d18616', purple: '#b180d7', yellow: '#cca700' },
      'vscode-high-contrast': { bg: '#000000', fg: '#ffffff', red: '#ff6b6b', blue: '#75beff', green: '#3fd13f', orange: '#ffa500', purple: '#c586c0', yellow: '#ffd700' },
    };
    const page = await session.open({ bodyClass: 'vscode-light' });
    await page.send(snapshotMessage(1, view));
    const seen: Record<string, string[]> = {};
    for (const [cls, t] of Object.entries(themes)) {
      // As VS Code does: the body's class, then the variables on <html>.
      await page.page.evaluate(
        ({ cls, t }) => {
          const g = globalThis as unknown as BrowserGlobals;
          g.document.body!.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
          g.document.body!.classList.add(cls);
          const style = g.document.documentElement.style;
          style.setProperty('--vscode-editor-background', t.bg);
          style.setProperty('--vscode-editor-foreground', t.fg);
          for (const c of ['red', 'blue', 'green', 'orange', 'purple', 'yellow'] as const) style.setProperty(`--vscode-charts-${c}`, t[c]);
        },
        { cls, t },
      );
      await page.frame();
      await page.frame();
      const charts = await page.charts();
      const colors = ['throughput:ok', 'throughput:failed', 'latency:p50', 'latency:p99'].map((key) => findDataset(charts, key.split(':')[0], key).color);
      assert.deepEqual(colors, [t.green, t.red, t.blue, t.orange], `${cls}: charts re-coloured from the theme`);
      const text = await page.page.evaluate(() => {
        const g = globalThis as unknown as BrowserGlobals;
        const style = g.getComputedStyle(g.document.querySelector('body'));
        const th = g.getComputedStyle(g.document.querySelector('table[data-table] tbody th'));
        return { fg: style.color, bg: style.backgroundColor, cell: th.color };
      });
      assert.ok(contrast(text.fg, text.bg) >= 4.5, `${cls}: body text contrast ${contrast(text.fg, text.bg).toFixed(2)}`);
      assert.ok(contrast(text.cell, text.bg) >= 4.5, `${cls}: table text contrast`);
      for (const c of colors) assert.ok(contrast(c, t.bg) >= 3, `${cls}: line ${c} on ${t.bg}: ${contrast(c, t.bg).toFixed(2)}`);
      seen[cls] = [...colors, text.fg, text.bg];
    }
    const distinct = new Set(Object.values(seen).map((c) => c.join()));
    assert.equal(distinct.size, 3, 'three themes, three palettes');

    // A variable the theme does not define falls back to VS Code's default for the theme kind.
    await page.page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.documentElement.style.removeProperty('--vscode-charts-green'));
    await page.frame();
    await page.frame();
    assert.equal(findDataset(await page.charts(), 'throughput', 'throughput:ok').color, '#89d185');
  });

  test('the page keeps to its CSP and never leaves 127.0.0.1', async () => {
    const page = await session.open();
    const host = new SyntheticHost({ seed: 6 });
    for (let i = 0; i < 30; i++) host.tick();
    await page.send(host.snapshot(), host.tick(), host.tick());
    await waitReady(page);
    // Chart.js sizes canvases through the CSSOM, which the policy allows.
    const canvasStyle = await page.page.evaluate(() => (globalThis as unknown as BrowserGlobals).document.querySelector('canvas')?.style.height);
    assert.match(canvasStyle ?? '', /px$/);
    for (const p of session.pages) assert.deepEqual(await p.violations(), [], 'no violation on any page of this file');
    assert.ok(page.requests.length >= 3);
    for (const url of session.pages.flatMap((p) => p.requests)) assert.ok(url.startsWith(`${session.server.origin}/`), url);
    // The browser's own favicon probe is not the page's doing (a VS Code webview makes none).
    const paths = new Set(session.server.paths.filter((p) => p !== '/favicon.ico'));
    assert.deepEqual([...paths].sort(), ['/', '/dashboard-style.css', '/dashboard.js']);

    // The listener does see violations: an inline style attribute is refused.
    await page.page.evaluate(() => (globalThis as unknown as { document: { body: { setAttribute(n: string, v: string): void } } }).document.body.setAttribute('style', 'color: red'));
    await page.page.waitForFunction(() => (globalThis as unknown as { __violations: unknown[] }).__violations.length > 0, undefined, { timeout: 5000 });
    assert.equal((await page.violations())[0].directive, 'style-src-attr');
    for (const p of session.pages) assert.deepEqual(p.errors, [], 'no page error anywhere');
  });
});

/** WCAG contrast ratio of two CSS colours (#rrggbb or rgb()/rgba()). */
function contrast(a: string, b: string): number {
  const rgb = (c: string): number[] => {
    const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
    if (hex) return hex.slice(1).map((h) => parseInt(h, 16));
    const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(c);
    if (!m) throw new Error(`not a colour: ${c}`);
    return m.slice(1, 4).map(Number);
  };
  const luminance = (c: string) => {
    const [r, g, bl] = rgb(c).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}
