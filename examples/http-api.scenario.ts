/**
 * A user of a small JSON API (the demo target's, by default): reads the home page, looks at random items, creates
 * one, thinks, and starts over until the run stops it or it has done `iterations` rounds.
 *
 *   rookery target &                       # the demo target on 127.0.0.1:8080
 *   rookery run examples/http-api.plan.yaml
 */
import { scenario, variable } from 'rookery';

export default scenario({
  variables: {
    base_url: variable({
      description: 'Base URL of the HTTP API under test',
      default: 'http://127.0.0.1:8080',
      verify: (value) => typeof value === 'string' && /^https?:\/\/[^/]+/.test(value),
    }),
    think_time_ms: variable({
      description: 'Mean think time between two rounds, in ms (each pause is drawn in ±50% of it)',
      default: 500,
      verify: (value) => typeof value === 'number' && value >= 0,
      update: 'none',
    }),
    iterations: variable({
      description: 'Rounds per user before it finishes; 0 = until the run stops it',
      default: 0,
      verify: (value) => Number.isInteger(value) && (value as number) >= 0,
    }),
  },

  async start(user) {
    const api = user.http(user.vars.base_url);
    const { iterations } = user.vars;
    for (let round = 0; !user.stopping && (iterations === 0 || round < iterations); round++) {
      const home = await api.get('/');
      user.check('home page is 200', home.status === 200);

      const id = 1 + Math.floor(Math.random() * 1000);
      const item = await api.get(`/items/${id}`);
      user.check('item has the id asked for', item.ok && item.json<{ id: number }>().id === id);

      const created = await api.post('/items', { json: { name: `made by user ${user.id}`, round } });
      user.check('item created', created.status === 201);

      const think = user.vars.think_time_ms; // read each round: it may be updated while the test runs
      await user.think(think * 0.5, think * 1.5);
    }
  },
});
