/**
 * `rookery validate <files>`: the static checks, without running anything. Scenarios: compilation (esbuild) and
 * the variable declarations. Plans: the plan itself, then its scenario, then the plan's variables against the
 * scenario's declarations. Prints `file:line:col: severity: message` lines; exit 2 when any error was found.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkPlanVariables } from '../analysis/check-plan';
import { checkPlanScenario } from '../analysis/check-plan-scenario';
import { checkScenarioDeclarations, formatProblem } from '../analysis/check-scenario';
import { extractDeclarations } from '../analysis/extract-variables';
import { RookeryError } from '../common/errors';
import { findEntry, formatPlanProblem, parsePlan } from '../plan/parse-plan';
import type { ScenarioDeclarations } from '../protocol/variables';
import { compileScenario } from '../scenario/compile';
import { parse } from './args';
import { isPlanFile } from './run-config';

const USAGE = 'rookery validate <scenario.ts | plan.yaml>...';

interface Report {
  lines: string[];
  errors: number;
}

export async function validateCommand(args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, USAGE);
  if (positionals.length === 0) throw new RookeryError('ROOKERY_USAGE', 'give at least one scenario or plan file', { hint: USAGE });
  let errors = 0;
  for (const file of positionals.map((f) => resolve(f))) {
    const report = isPlanFile(file) ? await validatePlan(file) : await validateScenario(file);
    errors += report.errors;
    for (const line of report.lines) process.stdout.write(`${line}\n`);
    if (report.errors === 0) process.stdout.write(`${file}: ok${report.lines.length > 0 ? ' (warnings above)' : ''}\n`);
  }
  return errors > 0 ? 2 : 0;
}

async function readText(file: string, report: Report): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    report.lines.push(`${file}: error: cannot read: ${(error as Error).message}`);
    report.errors++;
    return undefined;
  }
}

async function validateScenario(file: string): Promise<Report & { decls?: ScenarioDeclarations }> {
  const report: Report = { lines: [], errors: 0 };
  const text = await readText(file, report);
  if (text === undefined) return report;
  const decls = extractDeclarations(file, text);
  for (const p of checkScenarioDeclarations(decls)) {
    if (p.severity === 'hint' || p.severity === 'info') continue;
    report.lines.push(formatProblem(file, p));
    if (p.severity === 'error') report.errors++;
  }
  try {
    await compileScenario(file);
  } catch (error) {
    if (!(error instanceof RookeryError)) throw error;
    report.lines.push(`${error.where ?? file}: error: ${error.message}`);
    for (const p of error.problems) report.lines.push(`${p.where ?? file}: error: ${p.message}`);
    report.errors += 1 + error.problems.length;
  }
  return { ...report, decls };
}

async function validatePlan(file: string): Promise<Report> {
  const report: Report = { lines: [], errors: 0 };
  const text = await readText(file, report);
  if (text === undefined) return report;
  const parsed = parsePlan(file, text);
  for (const p of parsed.problems) {
    report.lines.push(formatPlanProblem(file, p));
    if (p.severity === 'error') report.errors++;
  }
  if (!parsed.plan) return report;
  const scenario = await validateScenario(parsed.plan.scenario);
  report.lines.push(...scenario.lines);
  report.errors += scenario.errors;
  const scenarioValue = findEntry(parsed.ranges.keys, 'scenario')?.value;
  // "Not a scenario" also on the plan's own `scenario:` line, where the editor shows it.
  const notScenario = scenario.decls && scenarioValue && checkPlanScenario({
    given: parsed.plan.scenario, range: scenarioValue, path: parsed.plan.scenario, exists: true, decls: scenario.decls,
  });
  if (notScenario) {
    report.lines.push(formatProblem(file, notScenario));
    if (notScenario.severity === 'error') report.errors++;
  } else if (scenario.decls) {
    for (const p of checkPlanVariables(parsed, parsed.plan.variables, scenario.decls, process.env)) {
      report.lines.push(formatPlanProblem(file, { ...p, code: 'ROOKERY_PLAN_VALUE' }));
      report.errors++;
    }
  }
  return report;
}
