/**
 * amoc's livebook chat user, in TypeScript, against the demo target's message router (`rookery target`):
 *
 * - connects with its user id and writes to its neighbours (the ids within ±number_of_neighbours);
 * - about every second sends one pending message (16-24 characters) to a random neighbour;
 * - answers every message it receives (the answer joins its pending messages);
 * - stops after 20-30 sends, once nothing has arrived for ~3 s.
 *
 *   rookery target &
 *   rookery run examples/chat.scenario.ts --users 50
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { scenario, variable } from 'rookery';

interface ChatMessage {
  from?: string;
  to: string;
  msg: string;
  msg_id: string;
  resp_to?: string;
  sent_at: number;
}

const between = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));
/** 16 to 24 characters of base64, as the livebook's generate_msg. */
const text = () => randomBytes(between(12, 18)).toString('base64');

export default scenario({
  variables: {
    host: variable({ description: 'host of the messaging server', default: '127.0.0.1' }),
    port: variable({
      description: 'port of the messaging server',
      default: 8080,
      verify: (v) => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65536,
    }),
    number_of_neighbours: variable({
      description: 'number of neighbours a user will write to (ids within ± this number)',
      default: 10,
      verify: (v) => Number.isInteger(v) && (v as number) >= 1,
    }),
    message_interval_ms: variable({
      description: 'mean pause between two sends, ms (each drawn in ±10%)',
      default: 1000,
      verify: (v) => typeof v === 'number' && v >= 1,
    }),
    idle_timeout_ms: variable({
      description: 'a user that has nothing left to send leaves after this long without receiving, ms',
      default: 3000,
      verify: (v) => typeof v === 'number' && v >= 1,
    }),
  },

  init: (ctx) => ({ url: `ws://${ctx.vars.host}:${ctx.vars.port}/ws` }),

  async start(user, { url }) {
    const me = String(user.id);
    const { number_of_neighbours: n, message_interval_ms: interval, idle_timeout_ms: idle } = user.vars;
    const sent = user.metrics.counter('chat.sent');
    const received = user.metrics.counter('chat.received');
    const delivery = user.metrics.histogram('chat.delivery_ms');

    const conn = await user.ws(`${url}/${me}`);
    const message = (to: string, resp_to?: string): ChatMessage => ({ to, msg: text(), msg_id: randomUUID(), resp_to, sent_at: Date.now() });
    const pending: ChatMessage[] = [];
    for (let id = Math.max(1, user.id - n); id <= user.id + n; id++) if (id !== user.id) pending.push(message(String(id)));

    let left = between(20, 30);
    const nextPause = () => between(interval * 0.9, interval * 1.1);
    let nextSendAt = Date.now() + nextPause();

    while (!user.stopping) {
      const canSend = left > 0 && pending.length > 0;
      const wait = canSend ? Math.max(0, nextSendAt - Date.now()) : idle;
      const incoming = await conn.receive({ timeout: wait });
      if (incoming) {
        const payload = incoming.json<ChatMessage>();
        if (payload.to !== me || payload.from === undefined) continue;
        received.add();
        delivery.record(Date.now() - payload.sent_at);
        if (left > 0) {
          if (pending.length === 0) nextSendAt = Date.now() + nextPause();
          pending.push(message(payload.from, payload.msg_id));
        }
        continue;
      }
      if (!canSend) break; // nothing left to send and nothing arrived for `idle` ms
      const [next] = pending.splice(Math.floor(Math.random() * pending.length), 1);
      await conn.send({ ...next, sent_at: Date.now() });
      sent.add();
      left--;
      nextSendAt = Date.now() + nextPause();
    }
    await conn.close();
  },
});
