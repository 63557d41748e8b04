/**
 * The benchmark's target: the smallest keep-alive HTTP server Node can run, in its own process so that the load
 * generators and the target do not share an event loop. Prints its URL on stdout; exits when stdin closes.
 */
import { createServer } from 'node:http';

const body = Buffer.from('hello world');
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`http://127.0.0.1:${address.port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
