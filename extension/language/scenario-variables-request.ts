/**
 * The client's side of `rookery/scenarioVariables` (extension/language-server/protocol.ts), without VS Code: waits
 * for the client to be ready and for the answer within one deadline, checks the answer's shape, and turns every
 * failure (not started, crashed, too slow, a malformed answer) into "nothing found" plus a reason for the log, so
 * a picker that asked is never left waiting.
 */
import type { ScenarioVariablesParams, ScenarioVariablesResult } from '../language-server/protocol';

/** How long a caller waits for the server, start-up included. */
export const SCENARIO_VARIABLES_DEADLINE_MS = 5000;

export const NOTHING_FOUND: Readonly<ScenarioVariablesResult> = Object.freeze({ found: false, variables: [] });

export interface VariablesRequestDeps {
  /** Resolves when the client can send requests; rejects when it could not start. */
  ready: () => Promise<void>;
  /** Sends the request; `signal` aborts when the deadline passes (cancel it on the server). */
  send: (params: ScenarioVariablesParams, signal: AbortSignal) => Promise<unknown>;
  /** Told why an answer was replaced by "nothing found". */
  onFailure?: (reason: string) => void;
  deadlineMs?: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The answer if it has the protocol's shape (the fields the extension reads), else why not. */
export function checkScenarioVariablesResult(value: unknown): ScenarioVariablesResult | string {
  if (!isObject(value)) return 'the answer is not an object';
  if (typeof value.found !== 'boolean') return '`found` is not a boolean';
  if (value.scenarioFile !== undefined && typeof value.scenarioFile !== 'string') return '`scenarioFile` is not a string';
  if (!Array.isArray(value.variables)) return '`variables` is not an array';
  for (const [i, v] of value.variables.entries()) {
    if (!isObject(v) || typeof v.name !== 'string' || typeof v.hasDefault !== 'boolean' || typeof v.verify !== 'string' || typeof v.update !== 'string') {
      return `variables[${i}] is not a variable declaration`;
    }
  }
  return value as unknown as ScenarioVariablesResult;
}

export async function requestScenarioVariables(uri: string, deps: VariablesRequestDeps): Promise<ScenarioVariablesResult> {
  const deadlineMs = deps.deadlineMs ?? SCENARIO_VARIABLES_DEADLINE_MS;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new Error(`no answer within ${deadlineMs} ms`));
    }, deadlineMs);
  });
  const fail = (reason: string): ScenarioVariablesResult => {
    deps.onFailure?.(`scenario variables of ${uri}: ${reason}`);
    return { found: false, variables: [] };
  };
  try {
    const answer = await Promise.race([
      (async () => {
        await deps.ready();
        if (controller.signal.aborted) throw new Error('cancelled');
        return deps.send({ uri }, controller.signal);
      })(),
      deadline,
    ]);
    const checked = checkScenarioVariablesResult(answer);
    return typeof checked === 'string' ? fail(`malformed answer: ${checked}`) : checked;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}
