/**
 * Language server latency: the time from an edit (didChange) to the diagnostics it causes (publishDiagnostics),
 * measured through the real server process and protocol, for a 2,000-line scenario and a 500-line plan that uses
 * it. Three cases: an edit of the scenario (its own diagnostics), an edit of the plan, and an edit of the scenario
 * until the plan's re-validated diagnostics arrive (the cross-file path). The target is under 100 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LspClient } from '../helpers/lsp-client';

const ROUNDS = Number(process.env.BENCH_LSP_ROUNDS ?? 40);
const VARIABLES = 150;

export interface LatencyFigures {
  case: string;
  lines: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** A scenario of `lines` lines: VARIABLES declared variables and code that reads them, like a large real one. */
export function largeScenario(lines: number): string {
  const out = [`import { scenario, variable } from 'rookery';`, '', 'export default scenario({', '  variables: {'];
  for (let i = 0; i < VARIABLES; i++) {
    out.push(`    var${i}: variable({ description: 'Setting number ${i} of the API under test', default: ${i}, verify: [${i}, ${i + 1}, ${i + 2}] }),`);
  }
  out.push('  },', '  async start(user) {', '    const { vars } = user;', "    const api = user.http('http://127.0.0.1:8080');");
  let i = 0;
  while (out.length < lines - 3) {
    out.push(`    await api.get('/items/' + String(vars.var${i % VARIABLES}), { name: 'item ${i}' });`);
    i++;
  }
  out.push('  },', '});', '');
  return out.join('\n');
}

/** A plan of `lines` lines: every variable set, then stages and thresholds filling the rest. */
export function largePlan(lines: number): string {
  const out = ['scenario: ./large.scenario.ts', 'users: 10', 'userRate: 600/min', 'duration: 10m', 'variables:'];
  for (let i = 0; i < VARIABLES; i++) out.push(`  # setting ${i}`, `  var${i}: ${i + 1}`);
  out.push('stages:');
  let n = 0;
  while (out.length < lines - 1) {
    out.push(n % 2 === 0 ? `  - ramp: { to: ${10 + (n % 50)}, over: 30s }` : '  - hold: 1m');
    n++;
  }
  out.push('onAgentLoss: continue', '');
  return out.join('\n');
}

function stats(label: string, lines: number, samples: number[]): LatencyFigures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { case: label, lines, medianMs: at(0.5), p95Ms: at(0.95), maxMs: sorted[sorted.length - 1] };
}

export async function measureLanguageServer(): Promise<LatencyFigures[]> {
  const dir = mkdtempSync(join(tmpdir(), 'rookery-bench-lsp-'));
  const scenarioText = largeScenario(2000);
  const planText = largePlan(500);
  const scenarioFile = join(dir, 'large.scenario.ts');
  const planFile = join(dir, 'large.plan.yaml');
  writeFileSync(scenarioFile, scenarioText);
  writeFileSync(planFile, planText);
  const { client } = await LspClient.start(dir);
  try {
    const scenarioUri = await client.open(scenarioFile, scenarioText);
    const planUri = await client.open(planFile, planText);
    await client.diagnostics(scenarioUri);
    await client.diagnostics(planUri);
    const scenarioLine = scenarioText.split('\n').length - 5;
    const planLine = 6;
    const scenario: number[] = [];
    const plan: number[] = [];
    const crossFile: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate between inserting and removing a character, so every edit really changes the text.
      const insert = round % 2 === 0;
      const edit = (line: number) => (insert
        ? { range: { start: { line, character: 4 }, end: { line, character: 4 } }, text: ' ' }
        : { range: { start: { line, character: 4 }, end: { line, character: 5 } }, text: '' });

      const planPublishes = client.publishCount(planUri);
      let t = performance.now();
      await client.edit(scenarioUri, edit(scenarioLine).range, edit(scenarioLine).text);
      await client.diagnostics(scenarioUri);
      scenario.push(performance.now() - t);
      // The same edit re-validated the plan; wait for it too (the cross-file figure), measured from the edit.
      await client.diagnostics(planUri, undefined, 10_000, planPublishes);
      crossFile.push(performance.now() - t);

      t = performance.now();
      await client.edit(planUri, edit(planLine).range, insert ? '1' : '');
      await client.diagnostics(planUri);
      plan.push(performance.now() - t);
    }
    return [
      stats('scenario edit → scenario diagnostics', 2000, scenario),
      stats('plan edit → plan diagnostics', 500, plan),
      stats('scenario edit → plan diagnostics (cross-file)', 500, crossFile),
    ];
  } finally {
    await client.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  measureLanguageServer().then((figures) => {
    for (const f of figures) console.log(`${f.case} (${f.lines} lines): median ${f.medianMs.toFixed(1)} ms, p95 ${f.p95Ms.toFixed(1)} ms, max ${f.maxMs.toFixed(1)} ms`);
  }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
