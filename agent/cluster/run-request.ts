/**
 * Checks a RunRequest as a coordinator receives it (from a client, over the network): every field that is wrong
 * is reported at once, each problem naming its field, before anything is loaded or sent to an agent.
 */
import { RookeryError, type Problem } from '../common/errors';
import { AGENT_LOSS_POLICIES, type AgentLossPolicy } from '../protocol/cluster';
import type { RunRequest } from '../protocol/control';


function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isWhole(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Throws a RookeryError (ROOKERY_USAGE) listing every problem of the request. */
export function checkRunRequest(request: RunRequest): void {
  const problems: Problem[] = [];
  const r = request as unknown as Record<string, unknown>;
  if (!isRecord(r)) throw new RookeryError('ROOKERY_USAGE', 'the run request is not an object');
  const scenario = r.scenario;
  if (!isRecord(scenario) || typeof scenario.file !== 'string' || scenario.file === '' || typeof scenario.code !== 'string' || !Array.isArray(scenario.sources)) {
    problems.push({ where: 'scenario', message: 'must be a compiled scenario bundle { file, code, sources }' });
  }
  if (!isWhole(r.users)) problems.push({ where: 'users', message: `must be a whole number >= 0 (got ${String(r.users)})` });
  if (typeof r.userRate !== 'number' || !Number.isFinite(r.userRate) || r.userRate <= 0) {
    problems.push({ where: 'userRate', message: `must be users per minute > 0 (got ${String(r.userRate)})` });
  }
  if (r.durationMs !== undefined && !isWhole(r.durationMs)) problems.push({ where: 'durationMs', message: `must be whole milliseconds >= 0 (got ${String(r.durationMs)})` });
  if (typeof r.maintain !== 'boolean') problems.push({ where: 'maintain', message: 'must be true or false' });
  if (!Array.isArray(r.stages)) problems.push({ where: 'stages', message: 'must be a list of stages (empty for none)' });
  for (const field of ['planVariables', 'cliVariables'] as const) {
    if (!isRecord(r[field])) problems.push({ where: field, message: 'must be an object of name: value' });
  }
  if (!isRecord(r.envVariables) || Object.values(r.envVariables).some((v) => typeof v !== 'string')) {
    problems.push({ where: 'envVariables', message: 'must be an object of ROOKERY_<NAME>: string' });
  }
  if (!AGENT_LOSS_POLICIES.includes(r.onAgentLoss as AgentLossPolicy)) {
    problems.push({ where: 'onAgentLoss', message: `must be one of ${AGENT_LOSS_POLICIES.join(', ')} (got ${String(r.onAgentLoss)})` });
  }
  if (r.gracePeriodMs !== undefined && !isWhole(r.gracePeriodMs)) problems.push({ where: 'gracePeriodMs', message: `must be whole milliseconds >= 0 (got ${String(r.gracePeriodMs)})` });
  if (r.agents !== undefined && (!Array.isArray(r.agents) || r.agents.some((a) => typeof a !== 'string' || a === ''))) {
    problems.push({ where: 'agents', message: 'must be a list of agent ids or names' });
  }
  if (problems.length > 0) {
    throw new RookeryError('ROOKERY_USAGE', `invalid run request: ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { problems });
  }
}
