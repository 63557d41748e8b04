/**
 * Where the worker-thread script is: `worker.js` beside this module in the shipped bundle (esbuild puts
 * agent/cluster/worker-main.ts into dist/worker.js, next to dist/cli.js), else the file-by-file transpiled
 * `worker-main.js` beside this module in out/ (what the tests run).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function workerEntry(): string {
  const bundled = join(__dirname, 'worker.js');
  return existsSync(bundled) ? bundled : join(__dirname, 'worker-main.js');
}
