/**
 * Dependencies point one way (CONVENTIONS.md): the engine never imports the editor; the language server and the
 * run model never import `vscode` (they run and are tested in plain Node); the dashboard page imports only itself,
 * the shared protocol and chart.js. Read from the sources' import statements, so a violation fails here even where
 * the compiler would let it through.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const ROOT = join(__dirname, '..', '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Every module specifier a file imports (static imports, re-exports, require, dynamic import, import types). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const found: string[] = [];
  const pattern = /(?:^|[^\w$.])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[^\w$.])import\s*['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of text.matchAll(pattern)) found.push(m[1] ?? m[2] ?? m[3]);
  return found;
}

/** `from` resolved to a repository path when relative, else the package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(ROOT, resolve(ROOT, dirname(file), specifier)).split(sep).join('/');
}

function violations(dir: string, allowed: (target: string) => boolean, except: string[] = []): string[] {
  const bad: string[] = [];
  for (const file of sources(dir).filter((f) => !except.includes(f.split(sep).join('/')))) {
    for (const specifier of importsOf(file)) {
      if (!allowed(target(file, specifier))) bad.push(`${file} imports ${specifier}`);
    }
  }
  return bad;
}

test('the engine never imports the editor', () => {
  assert.deepEqual(violations('agent', (t) => t !== 'vscode' && !t.startsWith('extension/') && !t.startsWith('webview/')), []);
});

/** The two adapters that present the run model in VS Code; everything else under extension/runs/ is plain Node. */
const RUN_ADAPTERS = ['extension/runs/run-service.ts', 'extension/runs/run-commands.ts'];

test('the language server and the run model run in plain Node: no vscode', () => {
  const plain = (t: string) => t !== 'vscode' && !t.startsWith('vscode-languageclient') && !t.startsWith('webview/');
  assert.deepEqual(violations('extension/language-server', plain), []);
  assert.deepEqual(violations('extension/runs', plain, RUN_ADAPTERS), []);
  assert.deepEqual(violations('extension/language-server', (t) => !t.startsWith('extension/') || t.startsWith('extension/language-server')), []);
});

test('the dashboard page imports only itself, the shared protocol and chart.js', () => {
  assert.deepEqual(violations('webview', (t) => t.startsWith('webview/') || t.startsWith('agent/protocol/') || t.startsWith('chart.js')), []);
});

test('the import scanner sees every form', () => {
  // A guard for the guard: if the pattern stopped matching, every test above would pass vacuously.
  const seen = importsOf('extension/context.ts');
  assert.ok(seen.includes('vscode') && seen.includes('./ids'), seen.join(', '));
  assert.ok(importsOf('agent/cli/main.ts').some((s) => s.includes('package.json')), 'require() calls are seen');
});
