/**
 * The Plans & Scenarios view as data, without VS Code: the workspace's plan and scenario files grouped by folder
 * (relative to their workspace folder; the root of one shows the folder's name), sorted, each with its label, the
 * count of the language server's problems as its description, and a tooltip listing the first of them. Ids are
 * stable (from paths), so the tree keeps its expansion and the end-to-end tests find items by label.
 */
import { basename, dirname, relative, sep } from 'node:path';

export type PlanFileKind = 'plan' | 'scenario';

export interface WorkspaceRoot {
  name: string;
  /** Absolute path. */
  path: string;
}

/** The editor's problems of one file (errors and warnings; information and hints are not counted). */
export interface FileProblems {
  errors: number;
  warnings: number;
  /** The first few messages, most severe first, as `line N: message`. */
  messages: string[];
}

export interface PlanFileNode {
  kind: PlanFileKind;
  id: string;
  /** Absolute path. */
  file: string;
  label: string;
  description?: string;
  tooltip: string;
  /** The icon to show: the worst problem, or none. */
  severity?: 'error' | 'warning';
}

export interface PlanGroupNode {
  kind: 'group';
  id: string;
  /** Absolute path of the folder. */
  folder: string;
  label: string;
  files: PlanFileNode[];
}

/** The files the view lists (and the Run commands offer); dependencies and build output are not the user's. */
export const PLAN_GLOB = '**/*.plan.{yaml,yml}';
export const SCENARIO_GLOB = '**/*.scenario.ts';
export const EXCLUDE_GLOB = '**/{node_modules,out,dist}/**';

/** How many messages a tooltip lists. */
export const TOOLTIP_MESSAGES = 5;

const PLAN = /\.plan\.ya?ml$/i;
const SCENARIO = /\.scenario\.ts$/i;
/** Folders whose files are never the user's plans: dependencies and build output. */
const EXCLUDED = /(^|[\\/])(node_modules|out|dist)([\\/]|$)/;

export function fileKind(path: string): PlanFileKind | undefined {
  if (PLAN.test(path)) return 'plan';
  if (SCENARIO.test(path)) return 'scenario';
  return undefined;
}

/** Whether the view lists the file: a plan or a scenario outside node_modules, out and dist (relative to its root). */
export function isListed(path: string, roots: readonly WorkspaceRoot[]): boolean {
  if (fileKind(path) === undefined) return false;
  const root = rootOf(path, roots);
  return !EXCLUDED.test(root ? relative(root.path, path) : path);
}

/** "2 errors, 1 warning"; undefined when clean. */
export function problemsText(problems: FileProblems | undefined): string | undefined {
  if (!problems) return undefined;
  const parts: string[] = [];
  if (problems.errors > 0) parts.push(`${problems.errors} ${problems.errors === 1 ? 'error' : 'errors'}`);
  if (problems.warnings > 0) parts.push(`${problems.warnings} ${problems.warnings === 1 ? 'warning' : 'warnings'}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** The groups of the view: one per folder holding listed files, sorted by label; files by name within. */
export function planGroups(files: readonly string[], roots: readonly WorkspaceRoot[], problemsOf: (file: string) => FileProblems | undefined): PlanGroupNode[] {
  const groups = new Map<string, PlanGroupNode>();
  for (const file of new Set(files)) {
    const kind = fileKind(file);
    if (kind === undefined || !isListed(file, roots)) continue;
    const folder = dirname(file);
    let group = groups.get(folder);
    if (!group) {
      group = { kind: 'group', id: `plans:folder:${folder}`, folder, label: folderLabel(folder, roots), files: [] };
      groups.set(folder, group);
    }
    group.files.push(fileNode(file, kind, roots, problemsOf(file)));
  }
  const sorted = [...groups.values()].sort((a, b) => compare(a.label, b.label));
  for (const group of sorted) group.files.sort((a, b) => compare(a.label, b.label));
  return sorted;
}

function fileNode(file: string, kind: PlanFileKind, roots: readonly WorkspaceRoot[], problems: FileProblems | undefined): PlanFileNode {
  const node: PlanFileNode = { kind, id: `plans:file:${file}`, file, label: basename(file), tooltip: tooltipOf(file, kind, roots, problems) };
  const description = problemsText(problems);
  if (description !== undefined) node.description = description;
  if (problems && problems.errors > 0) node.severity = 'error';
  else if (problems && problems.warnings > 0) node.severity = 'warning';
  return node;
}

function tooltipOf(file: string, kind: PlanFileKind, roots: readonly WorkspaceRoot[], problems: FileProblems | undefined): string {
  const lines = [`${displayPath(file, roots)} (${kind === 'plan' ? 'plan: runs as written' : 'scenario: asks for a user count'})`];
  const summary = problemsText(problems);
  if (summary && problems) {
    lines.push('', summary + ':');
    for (const message of problems.messages.slice(0, TOOLTIP_MESSAGES)) lines.push(`• ${message}`);
    const more = problems.errors + problems.warnings - Math.min(problems.messages.length, TOOLTIP_MESSAGES);
    if (more > 0) lines.push(`… and ${more} more (see the Problems view)`);
  }
  return lines.join('\n');
}

/** The folder relative to its workspace folder; the root itself by its name (prefixed with it with several roots). */
export function folderLabel(folder: string, roots: readonly WorkspaceRoot[]): string {
  const root = rootOf(folder, roots);
  if (!root) return folder;
  const rel = relative(root.path, folder).split(sep).join('/');
  if (rel === '') return root.name;
  return roots.length > 1 ? `${root.name}/${rel}` : rel;
}

function displayPath(file: string, roots: readonly WorkspaceRoot[]): string {
  const root = rootOf(file, roots);
  if (!root) return file;
  const rel = relative(root.path, file).split(sep).join('/');
  return roots.length > 1 ? `${root.name}/${rel}` : rel;
}

/** The innermost workspace folder holding `path`. */
function rootOf(path: string, roots: readonly WorkspaceRoot[]): WorkspaceRoot | undefined {
  let best: WorkspaceRoot | undefined;
  for (const root of roots) {
    const rel = relative(root.path, path);
    const inside = rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[A-Za-z]:/.test(rel));
    if (inside && (!best || root.path.length > best.path.length)) best = root;
  }
  return best;
}

function compare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);
}
