/**
 * The first frame on a fresh connection (hello on the coordinator side, welcome on the agent side): read once,
 * validated, within a deadline. Handled synchronously in ws's message event, so that the link attached by the
 * handler receives the very next frame — ws may emit several frames in one tick, and a promise would lose them.
 */
import type { RawData, WebSocket } from 'ws';
import { parseClusterFrame, parseJsonText, type FrameFromAgent, type FrameFromCoordinator } from '../protocol/validate';
import { CLOSE_POLICY, closeSocket, rawText } from './link-socket';

export interface FirstFrameOptions {
  timeoutMs: number;
  /** What the connection is, for log lines. */
  label: string;
  log: (line: string) => void;
}

export function onFirstFrame(socket: WebSocket, from: 'agent', options: FirstFrameOptions, handle: (frame: FrameFromAgent) => void): void;
export function onFirstFrame(socket: WebSocket, from: 'coordinator', options: FirstFrameOptions, handle: (frame: FrameFromCoordinator) => void): void;
export function onFirstFrame(
  socket: WebSocket,
  from: 'agent' | 'coordinator',
  options: FirstFrameOptions,
  handle: ((frame: FrameFromAgent) => void) | ((frame: FrameFromCoordinator) => void),
): void {
  const refuse = (reason: string) => {
    options.log(`${options.label}: closing connection (${CLOSE_POLICY}): ${reason}`);
    closeSocket(socket, CLOSE_POLICY, reason);
  };
  const done = () => {
    clearTimeout(timer);
    socket.off('message', onMessage);
    socket.off('close', onClose);
    socket.off('error', onError);
  };
  // ws reports frames it refuses itself (too big: 1009, invalid UTF-8: 1007) as errors, then closes.
  const onError = (error: Error) => options.log(`${options.label}: closing connection: ${error.message}`);
  const onMessage = (data: RawData, isBinary: boolean) => {
    done();
    if (isBinary) return refuse('binary frames are not part of the protocol');
    let frame;
    try {
      frame = parseClusterFrame(parseJsonText(rawText(data)), from);
    } catch (error) {
      return refuse(error instanceof Error ? error.message : String(error));
    }
    (handle as (frame: unknown) => void)(frame);
  };
  const onClose = () => done();
  const timer = setTimeout(() => {
    done();
    refuse(`no ${from === 'agent' ? 'agent/hello' : 'coordinator/welcome'} within ${options.timeoutMs} ms`);
  }, options.timeoutMs);
  socket.on('message', onMessage);
  socket.on('close', onClose);
  socket.on('error', onError);
}
