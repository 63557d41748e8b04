// Every bundle in one script. `node esbuild.mjs` builds the shipped bundles into dist/;
// `--tests` also transpiles agent/, test/ and examples/ file by file into out/ for `node --test`.
import { build } from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

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

await Promise.all([
  // The CLI (and later the agent process). Dependencies stay external: they are installed beside it.
  build({ ...node, bundle: true, packages: 'external', entryPoints: ['agent/cli/main.ts'], outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' } }),
  // A worker thread of an agent: one node running users (agent/cluster/worker-pool.ts starts it).
  build({ ...node, bundle: true, packages: 'external', entryPoints: ['agent/cluster/worker-main.ts'], outfile: 'dist/worker.js' }),
  // The module scenario authors import as `rookery`.
  build({ ...node, bundle: true, packages: 'external', entryPoints: ['agent/api.ts'], outfile: 'dist/api.js' }),
  // The language server process: self-contained (TypeScript's parser and the YAML library included), because the
  // VS Code extension ships it without node_modules.
  build({ ...node, bundle: true, entryPoints: ['extension/language-server/main.ts'], outfile: 'dist/language-server.js' }),
  // The dashboard page, for a webview: one script and one stylesheet, loaded under a strict CSP (no inline code).
  build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true, logLevel: 'warning',
    entryPoints: { dashboard: 'webview/main.ts', 'dashboard-style': 'webview/dashboard.css' }, outdir: 'dist/webview' }),
]);

if (withTests) {
  rmSync('out', { recursive: true, force: true });
  await build({ ...node, bundle: false, outbase: '.', outdir: 'out',
    entryPoints: [...listTs('agent'), ...listTs('extension'), ...listTs('test')] });
}
