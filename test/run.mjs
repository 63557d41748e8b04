// Runs every compiled *.test.js under out/test with Node's test runner. Files are listed explicitly:
// Node 20's `node --test <folder>` would also run helpers, and globs only came in Node 21.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir, filter) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path, filter));
    else if (name.endsWith('.test.js') && path.includes(filter)) out.push(path);
  }
  return out.sort();
}

const filter = process.argv[2] ?? '';
const files = find('out/test', filter).filter((f) => !f.includes(`${'bench'}/`));
if (files.length === 0) {
  console.error(`no test files under out/test matching "${filter}"`);
  process.exit(1);
}
const result = spawnSync(process.execPath, ['--enable-source-maps', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
