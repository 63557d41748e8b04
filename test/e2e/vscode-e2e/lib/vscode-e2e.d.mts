/**
 * Types of vscode-e2e.mjs (plain JavaScript, copied from the shared tool), so the TypeScript e2e tests that import it
 * are checked under `strict`.
 */
import type { Browser, Frame, FrameLocator, LaunchOptions, Locator, Page } from 'playwright-core';

export declare const CACHE: string;
export declare const CODE_SERVER_BIN: string;
export declare const VSCE_BIN: string;
export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
export declare const DEFAULT_SETTINGS: Record<string, unknown>;

/** A throwaway code-server profile: config, user data (settings, logs), extensions. */
export interface Profile {
  dir: string;
  config: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  pidFile: string;
}

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  profile: Profile;
  workbenchUrl(folder?: string): string;
  stop(): Promise<void>;
}

export declare function prepareProfile(dir?: string, options?: { settings?: Record<string, unknown> }): Profile;
export declare function installVsix(profile: Profile, vsixPath: string): string;
export declare function packageVsix(extensionDir: string, outFile: string, options?: { dependencies?: boolean }): string;
export declare function freePort(): Promise<number>;
export declare function startCodeServer(options?: {
  profile?: Profile;
  port?: number;
  workspace?: string;
  timeoutMs?: number;
  detach?: boolean;
}): Promise<CodeServer>;
export declare function stopCodeServer(profileDir: string, options?: { keep?: boolean }): Promise<void>;

export declare function loadPlaywright(): typeof import('playwright-core');
export declare function launchBrowser(options?: LaunchOptions): Promise<Browser>;
export declare function openWorkbench(
  browser: Browser,
  server: CodeServer,
  options?: { folder?: string; viewport?: { width: number; height: number }; timeout?: number },
): Promise<Page>;
export declare function waitForWorkbench(page: Page, options?: { timeout?: number }): Promise<void>;
export declare function runCommand(page: Page, title: string, options?: { timeout?: number }): Promise<void>;
export declare function openViewContainer(page: Page, title: string, options?: { timeout?: number }): Promise<void>;
export declare function treeItem(page: Page, label: string): Locator;
export declare function clickTreeItemAction(page: Page, itemLabel: string, actionTitle: string, options?: { timeout?: number }): Promise<void>;
export declare function webviewLocator(page: Page, n?: number): FrameLocator;
export declare function findWebviewFrame(page: Page, selector: string, options?: { timeout?: number }): Promise<Frame>;
export declare function notificationTexts(page: Page): Promise<string[]>;
