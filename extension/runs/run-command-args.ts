/**
 * The run commands' arguments and pickers, without VS Code: which file a command was invoked on (a tree item, a
 * Uri, an editor), the user-count and removal-mode choices, and the parsing and checking of what the user types
 * (counts, rates like `600/min`, variable values read as the engine reads environment values and checked against
 * the variable's allowlist) — so an input box rejects a bad value before anything is sent.
 */
import { UnitError, parseRate } from '../../agent/plan/units';
import type { RunInfo } from '../../agent/protocol/control';
import type { LiteralValue, VariableDeclarationInfo } from '../../agent/protocol/variables';
import { parseLooseValue } from '../../agent/variables/env-name';
import { jsonEqual, renderValue } from '../../agent/variables/json-value';
import { PLAN_FILE } from '../language-server/protocol';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

export const SCENARIO_FILE = /\.scenario\.[cm]?[jt]s$/i;

export function isPlanPath(path: string): boolean {
  return PLAN_FILE.test(path);
}

export function isScenarioPath(path: string): boolean {
  return SCENARIO_FILE.test(path);
}

/**
 * The file path a command was invoked on: a Uri (editor title, explorer), a tree item of the Plans view (its
 * `file`), or a path; the first of a multi-selection. undefined when there is none (the palette).
 */
export function targetPathOf(arg: unknown): string | undefined {
  if (Array.isArray(arg)) return arg.length > 0 ? targetPathOf(arg[0]) : undefined;
  if (typeof arg === 'string') return arg === '' ? undefined : arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const value = arg as { scheme?: unknown; fsPath?: unknown; file?: unknown; resourceUri?: unknown };
  if (typeof value.scheme === 'string' && typeof value.fsPath === 'string') return value.fsPath;
  if (typeof value.file === 'string') return value.file;
  if (value.resourceUri !== undefined) return targetPathOf(value.resourceUri);
  return undefined;
}

export const USER_COUNT_CHOICES = [1, 10, 50, 100, 500, 1000] as const;
export const OTHER_COUNT_LABEL = 'Other…';

export interface CountItem {
  label: string;
  /** undefined for "Other…" (ask for a number). */
  count?: number;
}

export function userCountItems(): CountItem[] {
  return [...USER_COUNT_CHOICES.map((count) => ({ label: usersLabel(count), count })), { label: OTHER_COUNT_LABEL }];
}

function usersLabel(count: number): string {
  return `${count} ${count === 1 ? 'user' : 'users'}`;
}

/** A whole number of users above 0, as typed in an input box. */
export function parseCount(text: string): Parsed<number> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'Enter a number of users, like 10' };
  if (!/^\+?\d+$/.test(trimmed)) return { ok: false, message: `"${trimmed}" is not a whole number of users` };
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) return { ok: false, message: `${trimmed} is too large` };
  if (value < 1) return { ok: false, message: 'Enter at least 1 user' };
  return { ok: true, value };
}

export interface RemoveModeItem {
  label: string;
  detail: string;
  force: boolean;
}

export function removeModeItems(count: number): RemoveModeItem[] {
  const users = usersLabel(count);
  return [
    { label: 'Graceful', detail: `Ask ${users} to stop: each gets its grace period to finish what it is doing`, force: false },
    { label: 'Forced', detail: `Abort ${users} at once (their requests in flight are cancelled)`, force: true },
  ];
}

/** A user rate as typed (`600/min`, `10/s`, `3600/h`, a bare number per minute) → users per minute. */
export function parseRateInput(text: string): Parsed<number> {
  try {
    return { ok: true, value: parseRate(text) };
  } catch (error) {
    if (error instanceof UnitError) return { ok: false, message: capitalize(error.message) };
    throw error;
  }
}

export interface VariableItem {
  /** The variable's name. */
  label: string;
  /** Its current value and where it came from, and `read-only` for those that cannot change during a run. */
  description: string;
  detail?: string;
  readOnly: boolean;
  /** Present when the run reports a value. */
  value?: unknown;
  declaration?: VariableDeclarationInfo;
}

/**
 * The variables the Update Variable picker lists: the scenario's declarations (as the editor reads them) with the
 * run's current values and sources; values of undeclared variables the run reports are listed too (the editor's
 * reading may be missing or stale). Updatable ones first, read-only ones after, each group by name.
 */
export function variableItems(declarations: readonly VariableDeclarationInfo[], current: RunInfo['variables'] | undefined): VariableItem[] {
  const items: VariableItem[] = [];
  const values = current?.values ?? {};
  const sources = current?.sources ?? {};
  const names = new Set<string>();
  for (const declaration of declarations) {
    if (names.has(declaration.name)) continue;
    names.add(declaration.name);
    items.push(itemOf(declaration.name, declaration, values, sources));
  }
  for (const name of Object.keys(values)) if (!names.has(name)) items.push(itemOf(name, undefined, values, sources));
  return items.sort((a, b) => Number(a.readOnly) - Number(b.readOnly) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
}

function itemOf(name: string, declaration: VariableDeclarationInfo | undefined, values: Record<string, unknown>, sources: Record<string, string>): VariableItem {
  const readOnly = declaration?.update === 'read_only';
  const has = Object.prototype.hasOwnProperty.call(values, name);
  const shown = has ? `${renderValue(values[name])}${sources[name] ? ` (${sources[name]})` : ''}` : 'no value';
  const item: VariableItem = { label: name, description: readOnly ? `read-only · ${shown}` : shown, readOnly };
  if (declaration?.description) item.detail = declaration.description;
  if (has) item.value = values[name];
  if (declaration) item.declaration = declaration;
  return item;
}

/** Why a read-only variable cannot be picked. */
export function readOnlyMessage(name: string): string {
  return `"${name}" is read-only: it keeps its value for the whole run (update: 'read_only', the default). Set it in the plan's variables: before the next run, or declare it with update: 'none' to allow changes.`;
}

/** The input box's starting text: the current value as JSON (a string quoted), empty when there is none. */
export function valueText(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/**
 * A value as typed, read as the engine reads an environment value (JSON when it parses, else the text itself),
 * then checked against the declaration's allowlist when it has one (the coordinator checks everything else).
 */
export function parseVariableInput(text: string, declaration?: Pick<VariableDeclarationInfo, 'verify' | 'allowlist'>): Parsed<unknown> {
  if (text.trim() === '') return { ok: false, message: 'Enter a value: JSON (42, true, "text", [1, 2]) or plain text for a string' };
  const value = parseLooseValue(text);
  if (declaration?.verify === 'allowlist' && declaration.allowlist !== undefined) {
    const allowed: readonly LiteralValue[] = declaration.allowlist;
    if (!allowed.some((candidate) => jsonEqual(candidate, value))) {
      return { ok: false, message: `${renderValue(value)} is not one of the allowed values: ${allowed.map((v) => renderValue(v)).join(', ')}` };
    }
  }
  return { ok: true, value };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
