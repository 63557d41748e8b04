/**
 * The benchmark's scenario: a closed loop with no think time, each user on its own keep-alive connection, as
 * autocannon's connections are — every request still fully measured (latency, ttfb, status, bytes).
 */
import { scenario, variable } from 'rookery';

export default scenario({
  variables: {
    url: variable({ description: 'the target', default: 'http://127.0.0.1:8080' }),
  },
  async start(user) {
    const api = user.http(user.vars.url);
    while (!user.stopping) await api.get('/');
  },
});
