/**
 * Playwright steps on the VS Code workbench that the vscode-e2e library does not have: views (panes) of a view
 * container by title, their rows and inline/title actions, input boxes, notifications, the editor's suggest and
 * problem widgets, and reading the dashboard webview's DOM. Every wait has a deadline and says what it waited for.
 */
import type { Frame, Locator, Page } from 'playwright-core';

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs` saying `what`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error; // a frame navigating, a row re-rendered: try again until the deadline
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A view of the side bar by its title ("Plans & Scenarios"), expanded. */
export async function viewPane(page: Page, title: string, timeoutMs = 20_000): Promise<Locator> {
  const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') }) });
  await pane.first().waitFor({ timeout: timeoutMs });
  const header = pane.first().locator('.pane-header');
  if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
  return pane.first();
}

/** A row of a view's tree whose accessible name (label and description) matches. */
export function paneRow(pane: Locator, name: RegExp | string): Locator {
  return pane.getByRole('treeitem', { name }).first();
}

/** The text a row shows: its label and description (and, for tests, anything else the row renders). */
export async function rowText(row: Locator): Promise<string> {
  return ((await row.getAttribute('aria-label')) ?? '') + ' ' + (await row.innerText());
}

/** Hovers a row and clicks one of its inline actions by title ("Run Plan", "Add Users…"). */
export async function clickRowAction(row: Locator, title: string, timeoutMs = 15_000): Promise<void> {
  await row.waitFor({ timeout: timeoutMs });
  await row.hover();
  await row.getByRole('button', { name: title, exact: true }).click({ timeout: timeoutMs });
}

/** Clicks one of a view's title-bar actions ("Attach Remote Agent…"); they show while the pane is hovered. */
export async function clickPaneAction(pane: Locator, title: string, timeoutMs = 15_000): Promise<void> {
  const header = pane.locator('.pane-header');
  await header.hover();
  await header.getByRole('button', { name: title, exact: true }).click({ timeout: timeoutMs });
}

/**
 * Answers the input box on screen: waits for one whose prompt (title, message, placeholder) matches `prompt` and
 * whose field is empty (a new box, not the previous one closing), types `text`, presses Enter, and waits until the
 * box accepted it. A validation message that keeps the box open fails the wait and is quoted.
 */
export async function answerInputBox(page: Page, text: string, prompt: RegExp, timeoutMs = 15_000): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  const input = widget.locator('input.input, .quick-input-box input').first();
  const promptOf = async () =>
    [await widget.locator('.quick-input-title').innerText().catch(() => ''),
      await widget.locator('.quick-input-message').innerText().catch(() => ''),
      (await input.getAttribute('placeholder')) ?? '',
      (await input.getAttribute('aria-label')) ?? ''].join(' ');
  await waitFor(`an input box asking for ${prompt}`, async () =>
    (await widget.isVisible()) && (await input.inputValue()) === '' && prompt.test(await promptOf()), timeoutMs);
  await input.fill(text);
  await input.press('Enter');
  await waitFor(`the input box (${prompt}) to accept "${text}"`, async () => {
    if (!(await widget.isVisible())) return true;
    if ((await input.inputValue()) !== text) return true; // the next box replaced it
    const message = await widget.locator('.quick-input-message').innerText().catch(() => '');
    if (/error|invalid|use |enter /i.test(message)) throw new Error(`the input box refused "${text}": ${message}`);
    return false;
  }, timeoutMs);
}

/** Texts of the notifications on screen (toasts and, when open, the notification center). */
export async function notifications(page: Page): Promise<string[]> {
  return page.locator('.notification-list-item-message').allInnerTexts();
}

/** Waits for a notification matching `pattern` and returns its text. */
export async function waitForNotification(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return waitFor(`a notification matching ${pattern}`, async () => (await notifications(page)).find((t) => pattern.test(t)), timeoutMs);
}

/** Closes every notification toast (so later waits see only new ones). */
export async function clearNotifications(page: Page): Promise<void> {
  for (const close of await page.locator('.notifications-toasts .codicon-notifications-clear, .notifications-toasts .clear-notification-action').all()) {
    await close.click({ timeout: 2_000 }).catch(() => undefined);
  }
}

/**
 * Evaluates `expression` (JavaScript, run in the page) in the dashboard webview's document (the inner frame of the
 * webview that holds the dashboard page), or returns undefined while there is none. A string, because these tests
 * are type-checked without the DOM library.
 */
export async function readDashboard<T>(page: Page, expression: string): Promise<T | undefined> {
  for (const frame of dashboardFrames(page)) {
    try {
      if (await frame.locator('.figure[data-figure]').count()) return (await frame.evaluate(expression)) as T;
    } catch {
      // navigating or detached: the next poll finds the new frame
    }
  }
  return undefined;
}

function dashboardFrames(page: Page): Frame[] {
  return page.frames().filter((f) => f.parentFrame()?.url().includes('/webview/browser/pre/index.html'));
}

/** The numbers of the dashboard's header (`data-value` of each figure): users, rps, p99, errors, elapsed. */
export function readFigures(page: Page): Promise<Record<string, number> | undefined> {
  return readDashboard(page, `Object.fromEntries([...document.querySelectorAll('.figure[data-figure]')]
    .filter((f) => f.querySelector('dd')?.dataset.value !== undefined)
    .map((f) => [f.dataset.figure, Number(f.querySelector('dd').dataset.value)]))`);
}

/** The dashboard's status line ("running", "finished"...). */
export function readDashboardStatus(page: Page): Promise<string | undefined> {
  return readDashboard(page, `document.querySelector('.heading .status')?.dataset.status ?? ''`);
}

/** Opens a workspace file with Quick Open, waits for its editor to show `shows` (some text of it), optionally goes to a line. */
export async function openFile(page: Page, name: string, shows: string, line?: number): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  // Keys typed while a webview has the focus stay in its frame: give the focus back to the workbench first (the
  // title bar's empty middle does nothing when clicked).
  await page.locator('.part.titlebar').click({ position: { x: 200, y: 10 } });
  await page.keyboard.press('Control+P');
  const input = widget.locator('input').first();
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  // Not an editor titled after the file (a dashboard "http-api.plan.yaml (running)" is listed among recent editors).
  await widget.getByRole('option', { name: new RegExp(`^${escapeRegExp(name)}(?!\\s*\\()`) }).first().click({ timeout: 15_000 });
  // The active editor shows the file's text (a dashboard tab titled after the plan must not pass for it).
  await page.locator('.editor-group-container.active .monaco-editor .view-lines').filter({ hasText: shows }).first().waitFor({ timeout: 15_000 });
  if (line !== undefined) {
    await page.keyboard.press('Control+P');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}`);
    await input.press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  }
}

/** The labels offered by the editor's suggest widget, once it shows. */
export async function suggestions(page: Page, timeoutMs = 15_000): Promise<string[]> {
  const widget = page.locator('.editor-widget.suggest-widget');
  return waitFor('the suggest widget', async () => {
    if (!(await widget.isVisible())) return undefined;
    const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
    return labels.length > 0 && !labels.some((l) => /loading/i.test(l)) ? labels : undefined;
  }, timeoutMs);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
