/**
 * The guards for everything that arrives from the network: one parse function per incoming message shape, each
 * returning the message typed or throwing a ProtocolError with a precise reason (`run/add-users.ranges[2].to:
 * expected an integer`). Types are promises; the network is not bound by them.
 *
 * Strict where it matters: unknown `type`s and wrong field types are rejected, numbers must be finite (integers
 * where the protocol counts), strings and lists are bounded, free-form JSON is depth-limited. Unknown extra fields
 * are dropped (a newer peer may add optional ones). The checkers live in validate-{core,snapshot,cluster,control,thresholds}.ts.
 */
import type { AgentMessage, ClusterFrame, CoordinatorMessage } from './cluster';
import type { ControlPush, ControlRequest } from './control';
import {
  checkAgentMessage,
  checkCoordinatorMessage,
  checkFrameFromAgent,
  checkFrameFromCoordinator,
  type FrameFromAgent,
  type FrameFromCoordinator,
} from './validate-cluster';
import { checkControlPush, checkControlRequest, requestIdOf } from './validate-control';
import { ProtocolError } from './validate-core';

export { ProtocolError, requestIdOf };
export type { FrameFromAgent, FrameFromCoordinator };

/** Which peer a cluster frame comes from: it decides which frames and which message bodies are acceptable. */
export type FrameSender = 'agent' | 'coordinator';

/** Parses a text frame as JSON; anything else is a ProtocolError (`frame: not valid JSON`). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError('frame', 'not valid JSON');
  }
}

/** A frame received on the coordinator ↔ agent link, from the given side. */
export function parseClusterFrame(json: unknown, from: 'agent'): FrameFromAgent;
export function parseClusterFrame(json: unknown, from: 'coordinator'): FrameFromCoordinator;
export function parseClusterFrame(json: unknown, from: FrameSender): ClusterFrame;
export function parseClusterFrame(json: unknown, from: FrameSender): ClusterFrame {
  return from === 'agent' ? checkFrameFromAgent(json, '') : checkFrameFromCoordinator(json, '');
}

/** A reliable message body as an agent receives it. */
export function parseCoordinatorMessage(json: unknown): CoordinatorMessage {
  return checkCoordinatorMessage(json, '');
}

/** A reliable message body as the coordinator receives it (including a structural check of the snapshot). */
export function parseAgentMessage(json: unknown): AgentMessage {
  return checkAgentMessage(json, '');
}

/** A request on the coordinator's `/control` socket. */
export function parseControlRequest(json: unknown): ControlRequest {
  return checkControlRequest(json, '');
}

/** A reply or push on a control client's socket. */
export function parseControlPush(json: unknown): ControlPush {
  return checkControlPush(json, '');
}
