/**
 * Drives one run on a coordinator through the control protocol — the same way whether the coordinator is in this
 * process (`rookery run`) or remote (`rookery run --coordinator`): subscribe, start, show progress from the merged
 * per-second points, forward Ctrl-C as stop (twice: force), and resolve with the run's result.
 */
import { RookeryError } from '../common/errors';
import type { ControlClient } from '../cluster/control-client';
import type { RunRequest, RunResultData, ControlPush } from '../protocol/control';
import { ProgressReporter } from './progress';

export async function driveRun(client: ControlClient, request: RunRequest, options: { quiet: boolean }): Promise<RunResultData> {
  const progress = new ProgressReporter(process.stderr, { quiet: options.quiet });
  let runId: string | undefined;
  let startedAt = Date.now();
  // Results by run id: a subscriber may see a run end before it learns the id of the run it started.
  const results = new Map<string, RunResultData>();
  let onResult = (): void => undefined;
  const onPush = (push: ControlPush) => {
    if (push.type === 'run/finished') {
      results.set(push.result.runId, push.result);
      onResult();
    } else if (push.type === 'run/point' && push.point.runId === runId) {
      progress.point(push.point, Date.now() - startedAt);
    } else if (push.type === 'run/event' && push.runId === runId) {
      progress.event(push.event);
    }
  };
  const finished = new Promise<RunResultData>((resolve) => {
    onResult = () => {
      const result = runId === undefined ? undefined : results.get(runId);
      if (result) resolve(result);
    };
  });
  client.on('push', onPush);
  let rejectClosed: (e: Error) => void = () => undefined;
  const closed = new Promise<never>((_, reject) => (rejectClosed = reject));
  closed.catch(() => undefined); // only awaited once the run started; a close before that surfaces as a request error
  const onClose = () =>
    rejectClosed(new RookeryError('ROOKERY_CONNECT', 'the coordinator connection closed during the run', {
      hint: 'the coordinator stopped or the network failed; its agents stop their users after their orphan grace period',
    }));
  client.on('close', onClose);

  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    progress.note(interrupts === 1 ? 'stopping: users get their grace period to finish (Ctrl-C again to force)' : 'forcing stop');
    void client.request({ type: 'control/stop', force: interrupts > 1 }).catch((e) => progress.note(`stop failed: ${(e as Error).message}`));
  };
  try {
    await client.request({ type: 'control/subscribe' });
    startedAt = Date.now();
    const started = (await client.request({ type: 'control/start-run', run: request })) as { runId: string };
    runId = started.runId;
    onResult();
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    return await Promise.race([finished, closed]);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    client.off('push', onPush);
    client.off('close', onClose);
    progress.done();
  }
}
