/**
 * Maps every control request onto the coordinator's methods and wraps the outcome in one `control/reply`:
 * `ok: true` with the result, or `ok: false` with a ControlError. Requests come from the network, so a request
 * of an unknown type or with malformed fields gets an error reply, never an exception.
 */
import { RookeryError } from '../common/errors';
import type { ControlPush, ControlRequest } from '../protocol/control';
import { toControlError } from './control-errors';
import type { Coordinator } from './coordinator';

export type AttachAgent = (url: string, options: { token?: string }) => Promise<string>;

export async function dispatchControl(coordinator: Coordinator, request: ControlRequest, attachAgent?: AttachAgent): Promise<ControlPush> {
  const id = typeof (request as { id?: unknown })?.id === 'number' ? request.id : -1;
  try {
    return { type: 'control/reply', id, ok: true, result: await answer(coordinator, request, attachAgent) };
  } catch (error) {
    return { type: 'control/reply', id, ok: false, error: toControlError(error) };
  }
}

async function answer(coordinator: Coordinator, request: ControlRequest, attachAgent: AttachAgent | undefined): Promise<unknown> {
  if (typeof request !== 'object' || request === null) throw new RookeryError('ROOKERY_USAGE', 'a control request must be an object');
  switch (request.type) {
    case 'control/start-run':
      return coordinator.startRun(request.run);
    case 'control/stop': {
      const run = coordinator.status().run;
      // Stopping takes up to the grace period: the reply says it began; `run/finished` carries the result.
      void coordinator.stop(request.force === true).catch(() => undefined);
      return { runId: run?.runId };
    }
    case 'control/add-users':
      return { assignments: coordinator.addUsers(request.count, request.agents) };
    case 'control/remove-users':
      return { removals: coordinator.removeUsers(request.count, request.force === true) };
    case 'control/update-variables':
      return { applied: await coordinator.updateVariables(request.changes) };
    case 'control/set-rate':
      return { shares: coordinator.setRate(request.userRate) };
    case 'control/status':
    case 'control/subscribe':
      // Subscribing itself is the connection's business (Coordinator.subscribe); the reply carries the status.
      return coordinator.status();
    case 'control/attach-agent': {
      if (typeof request.url !== 'string' || request.url === '') throw new RookeryError('ROOKERY_USAGE', 'attach-agent needs the agent\'s url', { where: 'url' });
      if (!attachAgent) throw new RookeryError('ROOKERY_USAGE', 'this coordinator cannot dial agents', { where: request.url, hint: 'let the agent join instead: rookery agent --join <coordinator url>' });
      const agentId = await attachAgent(request.url, request.token === undefined ? {} : { token: request.token });
      return coordinator.findAgent(agentId).info();
    }
    case 'control/detach-agent':
      return { agentId: coordinator.detachAgent(request.agent) };
    default:
      throw new RookeryError('ROOKERY_USAGE', `unknown control request type ${JSON.stringify((request as { type?: unknown }).type)}`);
  }
}
