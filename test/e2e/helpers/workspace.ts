/**
 * The workspace the end-to-end tests open: examples/http-api.plan.yaml and its scenario, copied into a temporary
 * folder with the plan's base_url pointed at the demo target the test started, and its stages replaced by a short
 * ramp and a long hold (the test stops the run itself; the hold only has to outlast the clicks). The stages end with
 * a ramp down: a trailing `hold` ends the run when the last ramp does (LoadShape stops at the timeline's last point).
 */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './e2e-env';

export const PLAN_NAME = 'http-api.plan.yaml';
const SCENARIO_NAME = 'http-api.scenario.ts';

export interface E2eWorkspace {
  dir: string;
  planFile: string;
  /** The users the plan holds at. */
  planUsers: number;
  /** 1-based line of the last entry under `variables:` (the editor test types a new entry after it). */
  lastVariableLine: number;
}

export function makeWorkspace(targetUrl: string, planUsers = 4): E2eWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'rookery-e2e-ws-'));
  const example = readFileSync(join(ROOT, 'examples', PLAN_NAME), 'utf8');
  if (!/^ {2}base_url: .*$/m.test(example) || !/^stages:\n(?: {2}- .*\n)+/m.test(example)) {
    throw new Error(`examples/${PLAN_NAME} no longer has the base_url variable and stages list this test rewrites`);
  }
  const plan = example
    .replace(/^ {2}base_url: .*$/m, `  base_url: ${targetUrl}`)
    .replace(/^stages:\n(?: {2}- .*\n)+/m, `stages:\n  - ramp: { to: ${planUsers}, over: 1s }\n  - hold: 3m\n  - ramp: { to: 0, over: 1s }\n`);
  const planFile = join(dir, PLAN_NAME);
  writeFileSync(planFile, plan);
  copyFileSync(join(ROOT, 'examples', SCENARIO_NAME), join(dir, SCENARIO_NAME));

  const lines = plan.split('\n');
  const start = lines.findIndex((l) => l === 'variables:');
  let last = start;
  while (last + 1 < lines.length && /^ {2}\S/.test(lines[last + 1])) last++;
  if (start < 0 || last === start) throw new Error(`the plan has no entries under variables:\n${plan}`);
  return { dir, planFile, planUsers, lastVariableLine: last + 1 };
}
