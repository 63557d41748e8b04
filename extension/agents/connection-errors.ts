/**
 * Failures of the local agent, a remote agent or a remote coordinator, told in the editor's terms: what went wrong
 * at which URL, what to check, and which buttons lead on (Restart Local Agent, Open Settings, Show Output...).
 * No vscode import: the adapter maps the action ids to buttons.
 *
 * The dial errors come from agent/cluster/transport-dial.ts (worded for a terminal: "pass --token"), either directly
 * (this process dialled) or relayed by a coordinator as a ControlError (it dialled a remote agent); both are
 * recognised by their cause's errno code when there is one, else by their words.
 */
import { RookeryError } from '../../agent/common/errors';

export type FailureKind = 'auth' | 'refused' | 'timeout' | 'not-found' | 'tls' | 'busy' | 'closed' | 'runtime' | 'not-running' | 'other';

/** Ways forward the adapter turns into buttons. */
export type AgentAction =
  | 'retry'
  | 'reconnect'
  | 'startLocalAgent'
  | 'restartLocalAgent'
  | 'useLocalCoordinator'
  | 'openSettings'
  | 'showAgentOutput'
  | 'showOutput';

/** Whose connection failed: what the message calls it and which ways forward apply. */
export type FailureRole = 'local-agent' | 'remote-agent' | 'remote-coordinator';

export interface ExplainedFailure {
  kind: FailureKind;
  message: string;
  actions: AgentAction[];
}

export function classifyFailure(error: unknown): FailureKind {
  const err = error as { code?: string; message?: string; cause?: { code?: string; message?: string }; where?: string } | undefined;
  const code = err?.cause?.code ?? '';
  const text = `${err?.message ?? String(error)} ${err?.cause?.message ?? ''}`;
  if (err?.code === 'ROOKERY_USAGE' && /nodePath|start the local agent/.test(`${text} ${err.where ?? ''}`)) return 'runtime';
  if (/local agent is not running/.test(text)) return 'not-running';
  if (/wrong or missing token|server response: 401|HTTP 401/i.test(text)) return 'auth';
  if (code === 'ECONNREFUSED' || /connection refused|ECONNREFUSED/.test(text)) return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /host not found|ENOTFOUND|EAI_AGAIN/.test(text)) return 'not-found';
  if (code === 'ETIMEDOUT' || /timed out|did not answer|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH/i.test(text)) return 'timeout';
  if (/busy|HTTP 409/.test(text)) return 'busy';
  if (/TLS|certificate|wrong version number|ws:\/\/ versus wss:\/\//i.test(text)) return 'tls';
  if (/closed before it answered|is closed|closed the connection|connection reset/i.test(text)) return 'closed';
  return 'other';
}

/** A message naming the URL and what to check, and the buttons that lead on. */
export function explainFailure(error: unknown, role: FailureRole, url: string): ExplainedFailure {
  const kind = classifyFailure(error);
  const detail = error instanceof Error ? error.message : String(error);
  const hint = error instanceof RookeryError && error.hint ? ` (${error.hint})` : '';
  if (role === 'local-agent') return explainLocal(kind, detail, hint);

  const what = role === 'remote-agent' ? 'The agent' : 'The coordinator';
  const start = role === 'remote-agent' ? '`rookery agent --listen host:port --token …`' : '`rookery coordinator --listen host:port --token …`';
  const tokenOrigin = role === 'remote-agent' ? 'the agent' : 'the coordinator';
  const retry: AgentAction[] = ['retry', 'showOutput'];
  switch (kind) {
    case 'auth':
      return { kind, message: `${what} at ${url} refused the token. Check that it is the token ${tokenOrigin} was started with (--token or ROOKERY_TOKEN), then try again.`, actions: retry };
    case 'refused':
      return { kind, message: `Nothing is listening at ${url} (connection refused). Check the host and port, and that ${start} is running there.`, actions: retry };
    case 'timeout':
      return { kind, message: `No answer from ${url} (timed out). Check the host and port, and that no firewall blocks the port.`, actions: retry };
    case 'not-found':
      return { kind, message: `The host of ${url} was not found. Check the URL.`, actions: retry };
    case 'tls':
      return { kind, message: `${url}: the secure connection failed (${detail}). Check ws:// versus wss://, and that the certificate is trusted.`, actions: retry };
    case 'busy':
      return { kind, message: `${what} at ${url} is attached to another coordinator. Detach it there first, or start another agent.`, actions: retry };
    case 'closed':
      return { kind, message: `The connection to ${url} was lost (${detail}).`, actions: role === 'remote-coordinator' ? ['reconnect', 'useLocalCoordinator', 'showOutput'] : retry };
    default:
      return { kind, message: `${url}: ${detail}${hint}`, actions: retry };
  }
}

function explainLocal(kind: FailureKind, detail: string, hint: string): ExplainedFailure {
  if (kind === 'not-running') {
    return { kind, message: 'The local agent is not running. Start it, or turn on the rookery.localAgent.autoStart setting to start it at the first run.', actions: ['startLocalAgent', 'openSettings'] };
  }
  if (kind === 'runtime') {
    return { kind, message: `The local agent could not start: ${detail}. Set rookery.nodePath to Node.js 20.18 or newer, or clear it to use the node on PATH.`, actions: ['openSettings', 'showAgentOutput'] };
  }
  return { kind, message: `The local agent failed: ${detail}${hint}`, actions: ['restartLocalAgent', 'showAgentOutput'] };
}

/** Button text of each action. */
export const ACTION_LABELS: Record<AgentAction, string> = {
  retry: 'Try Again',
  reconnect: 'Reconnect',
  startLocalAgent: 'Start Local Agent',
  restartLocalAgent: 'Restart Local Agent',
  useLocalCoordinator: 'Use Local Agent',
  openSettings: 'Open Settings',
  showAgentOutput: 'Show Output',
  showOutput: 'Show Output',
};

const REPORTED = Symbol.for('rookery.reportedToUser');

/** Marks an error whose message the user has already been shown, so a caller up the chain shows no second one. */
export function markReported<E>(error: E): E {
  if (typeof error === 'object' && error !== null) (error as Record<symbol, unknown>)[REPORTED] = true;
  return error;
}

export function wasReported(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[REPORTED] === true;
}
