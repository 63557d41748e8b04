/**
 * The throttle benchmark's scenario: users do empty actions as fast as they can, through a throttle set to
 * Infinity (`mode: infinity`) or with no throttle at all (`mode: none`), counting them.
 */
import { scenario, throttle, variable } from 'rookery';

export default scenario({
  variables: {
    mode: variable({ description: 'infinity or none', default: 'infinity', verify: ['infinity', 'none'] }),
  },
  init(ctx) {
    if (ctx.vars.mode === 'infinity') throttle.start('bench', { rate: Infinity });
  },
  async start(user) {
    const actions = user.metrics.counter('actions');
    const throttled = user.vars.mode === 'infinity';
    while (!user.stopping) {
      // A batch of actions, then a turn of the event loop (as any I/O would give): a loop of promises alone
      // would never let the worker's timers and messages run.
      for (let i = 0; i < 100; i++) {
        if (throttled) await throttle.wait('bench');
        else await Promise.resolve();
      }
      actions.add(100);
      await new Promise((resolve) => setImmediate(resolve));
    }
  },
});
