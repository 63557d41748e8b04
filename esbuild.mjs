// Every bundle in one script. `node esbuild.mjs` builds the shipped bundles into dist/ (what the npm package and the
// VS Code extension's .vsix hold); `--tests` also transpiles agent/, extension/ and test/ file by file into out/ for
// `node --test`.
//
// The .vsix has no node_modules but esbuild's (see .vscodeignore), so every bundle the extension runs is
// self-contained except for esbuild itself: its JavaScript API finds its native binary by a path relative to its own
// package and refuses to be bundled, so it stays external and is shipped as a package with its platform binary.
import { build } from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const withTests = process.argv.includes('--tests');

/** Shared settings: Node 20, CommonJS (VS Code extensions and Module._compile both want it). */
const node = { platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };

function listTs(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name === 'node_modules' || name === 'fixtures') continue;
      out.push(...listTs(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      out.push(path);
    }
  }
  return out;
}

/**
 * dist/types/api.d.ts: the declarations of the `rookery` module (agent/api.ts imports nothing, so it is one file).
 * The extension ships it; "Rookery: New Scenario" points a new workspace's tsconfig at it, so scenarios type-check
 * without `npm install`. Declaration emit only, without a type check (`tsc` checks the sources).
 */
function emitApiDeclarations() {
  const program = ts.createProgram(['agent/api.ts'], {
    declaration: true, emitDeclarationOnly: true, noCheck: true, skipLibCheck: true, strict: true,
    rootDir: 'agent', outDir: 'dist/types', target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler, types: ['node'],
  });
  const result = program.emit();
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (result.emitSkipped || errors.length > 0) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => process.cwd(), getNewLine: () => '\n' };
    throw new Error(`dist/types/api.d.ts not emitted:\n${ts.formatDiagnostics(errors, host)}`);
  }
}

/**
 * The extension host bundle. Built on its own, after the rest: while the extension's modules are being written, a
 * failure here must not stop the CLI, the language server and the test transpile that everyone else needs. A failed
 * build removes the old bundle, so a stale one is never packaged by `npm run package` or the e2e test. Without
 * --tests (`npm run build`, `npm run package`) the failure is fatal.
 */
async function buildExtension() {
  try {
    await build({ ...node, bundle: true, external: ['vscode', 'esbuild'], entryPoints: ['extension/main.ts'],
      outfile: 'dist/extension.js' });
  } catch {
    rmSync('dist/extension.js', { force: true });
    rmSync('dist/extension.js.map', { force: true });
    if (!withTests) {
      console.error('dist/extension.js NOT BUILT (errors above)');
      process.exit(1);
    }
    // `npm test` still fails on it: the type check reports the same errors, and the e2e test needs the bundle.
    console.error('dist/extension.js NOT BUILT (errors above); the other bundles and out/ are built');
  }
}

await Promise.all([
  // The CLI and the agent/coordinator processes (the extension's local agent runs this file too).
  build({ ...node, bundle: true, external: ['esbuild'], entryPoints: ['agent/cli/main.ts'], outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' } }),
  // A worker thread of an agent: one node running users (agent/cluster/worker-pool.ts starts it from beside cli.js).
  build({ ...node, bundle: true, external: ['esbuild'], entryPoints: ['agent/cluster/worker-main.ts'], outfile: 'dist/worker.js' }),
  // The module scenario authors import as `rookery` from the npm package (beside its installed dependencies).
  build({ ...node, bundle: true, packages: 'external', entryPoints: ['agent/api.ts'], outfile: 'dist/api.js' }),
  // The language server process: self-contained (TypeScript's parser and the YAML library included).
  build({ ...node, bundle: true, entryPoints: ['extension/language-server/main.ts'], outfile: 'dist/language-server.js' }),
  // The dashboard page, for a webview: one script and one stylesheet, loaded under a strict CSP (no inline code).
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true, logLevel: 'warning',
    entryPoints: { dashboard: 'webview/main.ts', 'dashboard-style': 'webview/dashboard.css' }, outdir: 'dist/webview' }),
]);
emitApiDeclarations();

if (withTests) {
  rmSync('out', { recursive: true, force: true });
  await build({ ...node, bundle: false, outbase: '.', outdir: 'out',
    entryPoints: [...listTs('agent'), ...listTs('extension'), ...listTs('test')] });
}
await buildExtension();
