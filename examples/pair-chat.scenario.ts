/**
 * amoc's two helpers together, against the demo target's message router (`rookery target`): users connect, the
 * coordinator introduces them in pairs as they show up (a lone last user is told on the timeout), and the pairs
 * chat through the router — every message, across all users of every agent, under one throttle.
 *
 *   rookery target &
 *   rookery run examples/pair-chat.scenario.ts --users 20
 */
import { coordinator, scenario, send, throttle, variable, type CoordinatedUser, type CoordinationEvent } from 'rookery';

export default scenario({
  variables: {
    host: variable({ description: 'host of the messaging server', default: '127.0.0.1' }),
    port: variable({ description: 'port of the messaging server', default: 8080 }),
    messages_per_minute: variable({
      description: 'chat messages per minute, all users together (the throttle)',
      default: 600,
      verify: (v) => typeof v === 'number' && v > 0,
    }),
    messages_per_user: variable({ description: 'messages each user sends its partner', default: 10 }),
    pairing_timeout_ms: variable({ description: 'how long the last user waits for a partner', default: 3000 }),
  },

  init(ctx) {
    throttle.start('chat', { rate: ctx.vars.messages_per_minute, interval: 60_000 });
    coordinator.start(
      'pairs',
      {
        users: 2,
        action: (_event: CoordinationEvent, a: CoordinatedUser, b: CoordinatedUser | undefined) => {
          send(a.userId, { partner: b?.userId ?? null });
          if (b) send(b.userId, { partner: a.userId });
        },
      },
      { timeout: ctx.vars.pairing_timeout_ms },
    );
  },

  async start(user) {
    const { host, port, messages_per_user: n } = user.vars;
    const conn = await user.ws(`ws://${host}:${port}/ws/${user.id}`);
    coordinator.add('pairs', user);
    const intro = await user.receive<{ partner: number | null }>({ timeout: 30_000 });
    const partner = intro?.data.partner;
    if (partner === null || partner === undefined) {
      // The odd one out: nobody to talk to.
      await conn.close();
      return;
    }
    let sent = 0;
    let received = 0;
    while (received < n) {
      if (sent < n) {
        await throttle.wait('chat', user.signal);
        await conn.send({ to: String(partner), text: `message ${sent} from ${user.id}` });
        sent++;
      }
      const message = await conn.receive({ timeout: sent < n ? 0 : 10_000 });
      if (message) received++;
      else if (sent >= n) break;
    }
    user.check('got every message of its partner', received === n);
    await conn.close();
  },
});
