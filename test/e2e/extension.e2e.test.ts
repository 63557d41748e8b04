/**
 * The VS Code extension end to end, as a user meets it: the packaged .vsix installed into a real VS Code
 * (code-server, driven by Debian's Chromium through playwright-core), a workspace made from examples/, and every
 * step done through the UI — the sidebar's inline actions, input boxes, the dashboard webview's DOM, the plan
 * editor's completion and diagnostics, a remote agent started outside VS Code.
 *
 * Needs test/e2e/vscode-e2e/install.sh (code-server in its cache; .ci/run runs it); without it the suite is skipped,
 * unless ROOKERY_E2E=required. Screenshots of each step go to test-results/e2e/; a failure adds its screenshot and
 * the code-server, extension host and process logs there (the path is printed). E2E_KEEP=1 keeps the profile.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { startProcess, stopAll, waitForOutput, type RookeryProcess } from '../helpers/cluster-processes';
import { Artifacts } from './helpers/artifacts';
import { assertToolsInstalled, loadE2eLib, RESULTS, ROOT, skipReason, VSCE, type E2eLib } from './helpers/e2e-env';
import {
  answerInputBox, clearNotifications, clickPaneAction, clickRowAction, openFile, paneRow, readDashboardStatus, readFigures,
  rowText, suggestions, viewPane, waitFor, waitForNotification,
} from './helpers/workbench';
import { makeWorkspace, PLAN_NAME, type E2eWorkspace } from './helpers/workspace';
import { zipEntries } from './helpers/zip-entries';
import type { CodeServer, Profile } from './vscode-e2e/lib/vscode-e2e.mjs';

const TOKEN = 'e2e-token-4f9c';
const REMOTE_NAME = 'e2e-remote';
const PLAN_ROW = /http-api\.plan/;

describe('the packaged extension in VS Code (code-server)', { skip: skipReason(), timeout: 280_000 }, () => {
  const artifacts = new Artifacts(RESULTS);
  let e2e: E2eLib;
  let vsix: string;
  let workspace: E2eWorkspace;
  let profile: Profile;
  let server: CodeServer;
  let browser: Browser;
  let page: Page;
  let failed = false;

  before(async () => {
    await artifacts.step('setup', async () => {
      assertToolsInstalled();
      e2e = await loadE2eLib();
      if (!existsSync(join(ROOT, 'dist', 'extension.js'))) {
        throw new Error('dist/extension.js is missing: `node esbuild.mjs` did not build the extension (its errors say why)');
      }
      vsix = join(RESULTS, 'rookery.vsix');
      // The bundles are those `npm test` just built (node esbuild.mjs --tests); vsce only zips them.
      packageVsix(vsix);

      const target = startProcess(['target', '--port', '0']);
      artifacts.addOutput('demo-target', target.output);
      workspace = makeWorkspace((await waitForOutput(target, /HTTP API:\s+(http:\/\/127\.0\.0\.1:\d+)/, 15_000))[1]);

      // One worker thread for the local agent: the machine is shared with the browser and code-server.
      profile = e2e.prepareProfile(undefined, {
        settings: { 'rookery.localAgent.workers': 1, 'files.autoSave': 'off', 'workbench.hover.delay': 200 },
      });
      artifacts.profile = profile;
      e2e.installVsix(profile, vsix);
      server = await e2e.startCodeServer({ profile, workspace: workspace.dir });
      browser = await e2e.launchBrowser();
      page = await e2e.openWorkbench(browser, server, { folder: workspace.dir });
      artifacts.watchConsole(page);
    }).catch((error: unknown) => {
      failed = true;
      throw error;
    });
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await stopAll();
    if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
    // A failure's logs are already copied into test-results/e2e/logs; the profile (with the installed extension)
    // is kept only when asked for.
    if (profile && !process.env.E2E_KEEP) rmSync(profile.dir, { recursive: true, force: true });
    else if (profile) console.log(`code-server profile kept: ${profile.dir}`);
    if (failed) console.log(`e2e failure logs: ${join(RESULTS, 'logs')}`);
    console.log(`e2e screenshots: ${RESULTS}`);
  });

  /** `vsce package` into `out`, saying why when it fails (vsce writes its reasons to stderr). */
  function packageVsix(out: string): void {
    const result = spawnSync(VSCE, ['package', '--no-yarn', '--allow-missing-repository', '--skip-license', '--out', out],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0) {
      throw new Error(`vsce package failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}${result.stdout.slice(-2000)}`);
    }
  }

  /** A test whose failure is reported with its artifacts (saved by the artifacts step). */
  const step = (name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      try {
        await artifacts.step(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60), fn);
      } catch (error) {
        failed = true;
        throw error;
      }
    });

  const plansPane = () => viewPane(page, 'Plans & Scenarios');
  const runPane = () => viewPane(page, 'Run');
  const agentsPane = () => viewPane(page, 'Agents');
  /** The Run view's current run, whatever its label says (the first row of the view). */
  const currentRunRow = async (): Promise<Locator> => (await runPane()).getByRole('treeitem').first();

  /** A figure of the Run view's current run ("Users 4" → 4), undefined while not shown. */
  async function runMetric(label: string): Promise<number | undefined> {
    const row = (await runPane()).getByRole('treeitem', { name: new RegExp(`^${label}\\b`) }).first();
    if (!(await row.count())) return undefined;
    const m = /(\d+(?:\.\d+)?)/.exec((await row.innerText()).slice(label.length));
    return m ? Number(m[1]) : undefined;
  }

  /** Idle again: the plan's inline Run (shown only when `rookery.runState` is idle) is offered. */
  async function waitForIdle(what: string): Promise<void> {
    const row = paneRow(await plansPane(), PLAN_ROW);
    await waitFor(`${what}: the run state back to idle (the plan's Run button offered again)`, async () => {
      await row.hover();
      return row.getByRole('button', { name: 'Run Plan', exact: true }).isVisible();
    }, 30_000, 500);
  }

  step('the .vsix holds the bundles, esbuild and no sources, tests or maps', async () => {
    const names = zipEntries(vsix).map((e) => e.name);
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/worker.js',
      'extension/dist/language-server.js', 'extension/dist/webview/dashboard.js', 'extension/dist/webview/dashboard-style.css',
      'extension/dist/types/api.d.ts', 'extension/node_modules/esbuild/lib/main.js', 'extension/media/rookery.svg',
      'extension/syntaxes/rookery-plan.tmLanguage.json']) {
      assert.ok(names.includes(needed), `${needed} is in the .vsix`);
    }
    assert.ok(names.some((n) => /^extension\/node_modules\/@esbuild\/[^/]+\/bin\/esbuild(\.exe)?$/.test(n)), 'esbuild\'s binary is in the .vsix');
    const unwanted = names.filter((n) => /\.map$|(?<!\.d)\.ts$|(^|\/)(test|out|agent|webview\/[^/]+\.ts)\//.test(n));
    assert.deepEqual(unwanted, [], 'no sources, tests or source maps');
  });

  step('Plans & Scenarios lists the plan; its inline Run starts it and the dashboard shows throughput', async () => {
    await e2e.openViewContainer(page, 'Rookery');
    const row = paneRow(await plansPane(), PLAN_ROW);
    await row.waitFor({ timeout: 30_000 }); // the extension activated and found the plan
    const clicked = Date.now();
    await clickRowAction(row, 'Run Plan');
    await waitFor('the Run view to show the run running', async () => /\brunning\b/i.test(await rowText(await currentRunRow())), 20_000);
    // Starting a run opens its dashboard. If it does not, open it from the Run view, so that the failure says which.
    const opened = await waitFor('the dashboard to open', async () => (await readFigures(page)) !== undefined, 15_000).catch(() => false);
    if (!opened) await clickRowAction(await currentRunRow(), 'Open Dashboard');
    const figures = await waitFor('the dashboard to show non-zero req/s', async () => {
      const f = await readFigures(page);
      return f && f.rps > 0 ? f : undefined;
    }, 20_000).catch((error: Error) => {
      throw new Error(`${error.message}\n  dashboard errors: ${artifacts.consoleLines(/rookery|dashboard/i).join('\n  ') || 'none in the console'}`);
    });
    console.log(`dashboard: ${figures.rps} req/s, ${figures.users} users, ${Date.now() - clicked} ms after Run`);
    assert.equal(await readDashboardStatus(page), 'running');
    assert.ok(opened, 'the dashboard opened by itself when the run started (it had to be opened from the Run view)');
  });

  step('Add Users from the Run view raises the user count', async () => {
    const planned = workspace.planUsers;
    await waitFor(`the Run view to show the plan's ${planned} users`, async () => (await runMetric('Users')) === planned, 20_000);
    await clickRowAction(await currentRunRow(), 'Add Users…');
    await answerInputBox(page, '3', /add|users/i);
    await waitFor(`the Run view to show ${planned + 3} users`, async () => ((await runMetric('Users')) ?? 0) >= planned + 3, 20_000);
  });

  step('Stop from the Run view returns the run to idle', async () => {
    await clickRowAction(await currentRunRow(), 'Stop Run');
    await waitForIdle('after Stop');
    await waitFor('the Run view to show the run ended', async () => /\b(stopped|finished|completed)\b/i.test(await rowText(await currentRunRow())), 20_000);
    assert.match(await page.locator('.part.statusbar').innerText(), /Rookery/, 'the status bar still shows the last run');
  });

  let remote: RookeryProcess;
  let remoteUrl: string;

  step('a wrong token for a remote agent gives a clear error and leaves no hung view', async () => {
    remote = startProcess(['agent', '--listen', '127.0.0.1:0', '--token', TOKEN, '--workers', '1', '--name', REMOTE_NAME]);
    artifacts.addOutput('remote-agent', remote.output);
    remoteUrl = (await waitForOutput(remote, /listening on (wss?:\/\/127\.0\.0\.1:\d+)/, 15_000))[1];

    const agents = await agentsPane();
    await clickPaneAction(agents, 'Attach Remote Agent…');
    await answerInputBox(page, remoteUrl, /attach remote agent/i);
    await answerInputBox(page, 'not-the-token', /token for/i);
    const message = await waitForNotification(page, /token|auth/i, 20_000);
    console.log(`wrong token: "${message}"`);
    await waitFor('the Agents view to finish attaching (no progress left running)', async () =>
      !(await agents.locator('.monaco-progress-container.active').isVisible()) && !(await page.locator('.notification-toast .monaco-progress-container.active').isVisible()), 15_000);
    assert.equal(await agents.getByRole('treeitem', { name: new RegExp(REMOTE_NAME) }).count(), 0, 'the refused agent is not listed');
    await clearNotifications(page);
  });

  step('a remote agent attached from the Agents view runs users of the plan', async () => {
    const agents = await agentsPane();
    await clickPaneAction(agents, 'Attach Remote Agent…');
    await answerInputBox(page, remoteUrl, /attach remote agent/i);
    await answerInputBox(page, TOKEN, /token for/i);
    const remoteRow = paneRow(agents, new RegExp(REMOTE_NAME));
    await remoteRow.waitFor({ timeout: 20_000 });

    await clickRowAction(paneRow(await plansPane(), PLAN_ROW), 'Run Plan');
    await waitFor('the Run view to show the run running', async () => /\brunning\b/i.test(await rowText(await currentRunRow())), 20_000);
    // Users added while the run goes are split over both agents (each topping up the one furthest below its share).
    await clickRowAction(await currentRunRow(), 'Add Users…');
    await answerInputBox(page, '4', /add|users/i);
    const users = await waitFor(`the Agents view to show users on ${REMOTE_NAME}`, async () => {
      const m = /(\d+) users?\b/.exec(await rowText(remoteRow));
      return m && Number(m[1]) > 0 ? Number(m[1]) : undefined;
    }, 20_000);
    const rps = await waitFor(`${REMOTE_NAME}'s tooltip to show requests served`, async () => {
      await page.mouse.move(700, 400); // off the row, so the next hover opens a fresh tooltip
      await remoteRow.locator('.label-name').first().hover();
      const tip = page.locator('.monaco-hover, .workbench-hover').filter({ hasText: /Requests\/s:/ }).first();
      await tip.waitFor({ timeout: 5_000 });
      const m = /Requests\/s: (\d+)/.exec(await tip.innerText());
      return m && Number(m[1]) > 0 ? Number(m[1]) : undefined;
    }, 20_000, 500);
    console.log(`remote agent: ${users} users, ${rps} req/s`);
    await clickRowAction(await currentRunRow(), 'Stop Run');
    await waitForIdle('after stopping the remote run');
  });

  step('the plan editor completes a declared variable and flags an unknown one', async () => {
    await openFile(page, PLAN_NAME, 'variables:', workspace.lastVariableLine);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('ite');
    await page.keyboard.press('Control+Space');
    const offered = await suggestions(page);
    assert.ok(offered.includes('iterations'), `the scenario's "iterations" variable is offered (got ${offered.join(', ')})`);
    await page.keyboard.press('Escape');

    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('bogus_var: 1');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 20_000 });
    // Go to Next Problem (F8) shows each problem's message in a widget under its line; the file may have others.
    const seen: string[] = [];
    await waitFor('the unknown variable\'s diagnostic ("declares no variable")', async () => {
      await page.keyboard.press('F8');
      const text = await page.locator('.marker-widget').first().innerText({ timeout: 2_000 });
      seen.push(text.replace(/\s+/g, ' ').trim());
      return /declares no variable "bogus_var"/.test(text);
    }, 15_000, 500).catch((error: Error) => {
      throw new Error(`${error.message}; problems shown: ${[...new Set(seen)].join(' | ')}`);
    });
    for (let i = 0; i < 3; i++) { // the other problems of the file, for the log
      await page.keyboard.press('F8');
      seen.push((await page.locator('.marker-widget').first().innerText({ timeout: 2_000 })).replace(/\s+/g, ' ').trim());
    }
    console.log(`problems in the edited plan: ${[...new Set(seen)].join(' | ')}`);
  });

  step('a dashboard survives a window reload: the restored panel shows its run again, from the saved history', async () => {
    await e2e.runCommand(page, 'File: Revert File'); // the edits above: no "unsaved changes" prompt on reload
    await e2e.openViewContainer(page, 'Rookery');
    await clickRowAction(await currentRunRow(), 'Open Dashboard');
    const before = await waitFor('the last run\'s dashboard', async () => {
      const f = await readFigures(page);
      return f && f.rps > 0 && (await readDashboardStatus(page)) === 'finished' ? f : undefined;
    }, 20_000);
    await page.reload();
    await e2e.waitForWorkbench(page);
    // The extension restarts with the window: the runs are no longer followed, so each panel is revived from the run
    // id its page kept (UI state) and the result saved on disk when the run finished. A restored panel's page loads
    // when its tab is shown: show each dashboard tab and read what it holds.
    const tabs = page.locator('.tabs-container .tab').filter({ hasText: /\(finished\)/ });
    await waitFor('the dashboard tabs restored', async () => (await tabs.count()) > 0, 30_000);
    const restored: Record<string, number>[] = [];
    for (let i = 0; i < (await tabs.count()); i++) {
      await tabs.nth(i).click();
      restored.push(await waitFor(`restored dashboard ${i + 1} to show its run`, async () => {
        const f = await readFigures(page);
        return f && (await readDashboardStatus(page)) === 'finished' ? f : undefined;
      }, 30_000));
    }
    console.log(`dashboard before reload: ${JSON.stringify(before)}; restored: ${JSON.stringify(restored)}`);
    assert.ok(restored.some((f) => f.rps === before.rps), 'the run shown before the reload is shown again, with the same whole-run req/s');
  });

  step('New Scenario writes a scenario, its plan, a tsconfig and the rookery types into the workspace', async () => {
    await page.keyboard.press('F1');
    const widget = page.locator('.quick-input-widget');
    const input = widget.locator('input').first();
    await input.fill('>Rookery: New Scenario');
    await widget.getByRole('option', { name: 'Rookery: New Scenario' }).first().click();
    // The name box comes pre-filled with a free default name: replace it.
    await waitFor('the New Scenario name box', async () =>
      (await widget.isVisible()) && /name for the scenario/i.test(await widget.innerText()) && (await input.inputValue()) !== '', 15_000);
    await input.fill('e2e_new');
    await input.press('Enter');
    const files = ['e2e_new.scenario.ts', 'e2e_new.plan.yaml', 'tsconfig.json', '.rookery/types/rookery.d.ts'];
    await waitFor('the new files on disk', async () => files.every((f) => existsSync(join(workspace.dir, f))), 15_000);
    await page.locator('.tabs-container .tab', { hasText: 'e2e_new.scenario.ts' }).waitFor({ timeout: 15_000 });
    await paneRow(await plansPane(), /e2e_new\.plan\.yaml/).waitFor({ timeout: 20_000 });
    const written = JSON.parse(readFileSync(join(workspace.dir, 'tsconfig.json'), 'utf8'));
    assert.deepEqual(written.compilerOptions.paths, { rookery: ['./.rookery/types/rookery.d.ts'] });
    assert.match(readFileSync(join(workspace.dir, '.rookery/types/rookery.d.ts'), 'utf8'), /export declare function scenario/);
  });
});
