/**
 * What an end-to-end run leaves in test-results/e2e/: a screenshot after each step, and on a failure a screenshot
 * of that moment plus every log that explains it (code-server's, the extension host's and each output channel's,
 * the workbench console, the processes the test started), with their paths printed.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { Profile } from '../vscode-e2e/lib/vscode-e2e.mjs';

export class Artifacts {
  private shots = 0;
  private readonly console: string[] = [];
  private readonly outputs = new Map<string, () => string>();
  page: Page | undefined;
  profile: Profile | undefined;

  constructor(readonly dir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  /** Keeps the workbench's console errors and warnings (an exception in a webview or the workbench shows here). */
  watchConsole(page: Page): void {
    this.page = page;
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') this.console.push(`[${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => this.console.push(`[pageerror] ${e.message}`));
  }

  /** The console lines kept so far that match `pattern`. */
  consoleLines(pattern: RegExp): string[] {
    return this.console.filter((line) => pattern.test(line));
  }

  /** A process whose output goes with the logs of a failure. */
  addOutput(name: string, output: () => string): void {
    this.outputs.set(name, output);
  }

  async screenshot(name: string): Promise<string | undefined> {
    if (!this.page || this.page.isClosed()) return undefined;
    const file = join(this.dir, `${String(++this.shots).padStart(2, '0')}-${name}.png`);
    try {
      await this.page.screenshot({ path: file, timeout: 10_000 });
      return file;
    } catch {
      return undefined; // the failure being reported matters more than a missing picture
    }
  }

  /** Runs one step of a test; a failure leaves a screenshot and the logs, and says where they are. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      await this.screenshot(name);
      return result;
    } catch (error) {
      const shot = await this.screenshot(`FAILED-${name}`);
      const logs = this.saveLogs();
      const where = [shot && `screenshot: ${shot}`, `logs: ${logs}`, ...this.logGuide(logs)].filter(Boolean).join('\n  ');
      console.error(`\ne2e step "${name}" failed; artifacts:\n  ${where}\n`);
      throw error;
    }
  }

  /** Copies code-server's and the extension host's logs, and writes the rest; returns the folder. */
  saveLogs(): string {
    const logs = join(this.dir, 'logs');
    mkdirSync(logs, { recursive: true });
    if (this.profile) {
      if (existsSync(this.profile.logFile)) cpSync(this.profile.logFile, join(logs, 'code-server.log'));
      const vscodeLogs = join(this.profile.userDataDir, 'logs');
      if (existsSync(vscodeLogs)) cpSync(vscodeLogs, join(logs, 'vscode'), { recursive: true });
    }
    writeFileSync(join(logs, 'workbench-console.log'), this.console.join('\n') + '\n');
    for (const [name, output] of this.outputs) writeFileSync(join(logs, `${name}.log`), output());
    return logs;
  }

  /** Which of the copied files to read first: the extension host's log and Rookery's output channels. */
  private logGuide(logs: string): string[] {
    const found: string[] = [];
    const walk = (dir: string, depth: number): void => {
      if (depth > 4 || !existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path, depth + 1);
        else if (entry.name === 'remoteexthost.log' || /rookery/i.test(path.slice(logs.length))) found.push(path);
      }
    };
    walk(join(logs, 'vscode'), 0);
    return found.map((f) => `extension host: ${f}`);
  }
}
