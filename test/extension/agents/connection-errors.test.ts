/**
 * Failures explained in the editor's terms: real dial failures (nothing listening, a server that never answers the
 * handshake, a wrong token) and the shapes relayed by a coordinator, each with the URL and the buttons that lead on.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { connectControl } from '../../../agent/cluster/control-client';
import { RookeryError } from '../../../agent/common/errors';
import { ACTION_LABELS, classifyFailure, explainFailure, markReported, wasReported } from '../../../extension/agents/connection-errors';

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('connection errors', () => {
  test('nothing listening: connection refused, with what to start there', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.close();
    await once(server, 'close');
    const error = await failureOf(connectControl(url, { connectTimeoutMs: 2000 }));
    const explained = explainFailure(error, 'remote-agent', url);
    assert.equal(explained.kind, 'refused');
    assert.match(explained.message, new RegExp(`Nothing is listening at ${url}.*rookery agent --listen`));
    assert.deepEqual(explained.actions, ['retry', 'showOutput']);
  });

  test('a server that never answers the handshake: timed out', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await failureOf(connectControl(url, { connectTimeoutMs: 200 }));
      const explained = explainFailure(error, 'remote-coordinator', url);
      assert.equal(explained.kind, 'timeout', error.message);
      assert.match(explained.message, /No answer from .* \(timed out\)\. Check the host and port/);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  test('HTTP 401: the token is wrong', async () => {
    const server = createHttpServer((_req, res) => { res.statusCode = 401; res.end(); });
    server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const error = await failureOf(connectControl(url, { token: 'x', connectTimeoutMs: 2000 }));
      const explained = explainFailure(error, 'remote-coordinator', url);
      assert.equal(explained.kind, 'auth');
      assert.match(explained.message, /The coordinator at .* refused the token\. Check that it is the token the coordinator was started with/);
    } finally {
      server.close();
    }
  });

  test('relayed and local shapes', () => {
    const relayed = (message: string) => new RookeryError('ROOKERY_CONNECT', message, { where: 'ws://h:1' });
    assert.equal(classifyFailure(relayed('agent at ws://h:1: busy: attached to another coordinator (HTTP 409)')), 'busy');
    assert.equal(classifyFailure(relayed('agent at ws://h:1: host not found')), 'not-found');
    assert.equal(classifyFailure(relayed('agent at ws://h:1: TLS: self signed certificate')), 'tls');
    assert.equal(classifyFailure(relayed('the connection to the coordinator at ws://h:1 closed before it answered control/status (1006)')), 'closed');
    assert.equal(classifyFailure(new Error('something odd')), 'other');
    const lost = explainFailure(relayed('connection to the coordinator at ws://h:1 is closed (1006)'), 'remote-coordinator', 'ws://h:1');
    assert.deepEqual(lost.actions, ['reconnect', 'useLocalCoordinator', 'showOutput']);
    const other = explainFailure(new RookeryError('ROOKERY_STATE', 'agent box takes part in run r1', { hint: 'stop the run first' }), 'remote-agent', 'ws://h:1');
    assert.equal(other.message, 'ws://h:1: agent box takes part in run r1 (stop the run first)');
  });

  test('the local agent: a bad Node leads to the settings, anything else to a restart', () => {
    const runtime = explainFailure(new RookeryError('ROOKERY_USAGE', 'cannot start the local agent with /x/node: no such file', { where: '/x/node' }), 'local-agent', 'the local agent');
    assert.equal(runtime.kind, 'runtime');
    assert.deepEqual(runtime.actions, ['openSettings', 'showAgentOutput']);
    assert.match(runtime.message, /rookery\.nodePath/);
    const setting = explainFailure(new RookeryError('ROOKERY_USAGE', 'the rookery.nodePath setting "/x" cannot be used: no such file', { where: 'rookery.nodePath' }), 'local-agent', 'x');
    assert.equal(setting.kind, 'runtime');
    const notRunning = explainFailure(new RookeryError('ROOKERY_CONNECT', 'the local agent is not running'), 'local-agent', 'x');
    assert.deepEqual(notRunning.actions, ['startLocalAgent', 'openSettings']);
    const crashed = explainFailure(new RookeryError('ROOKERY_INTERNAL', 'the local agent did not report ready within 20 s', { hint: 'see the output' }), 'local-agent', 'x');
    assert.deepEqual(crashed.actions, ['restartLocalAgent', 'showAgentOutput']);
    assert.match(crashed.message, /did not report ready within 20 s \(see the output\)/);
    for (const a of [...runtime.actions, ...notRunning.actions, ...crashed.actions]) assert.ok(ACTION_LABELS[a]);
  });

  test('an error shown once is marked so', () => {
    const error = new Error('x');
    assert.equal(wasReported(error), false);
    assert.equal(markReported(error), error);
    assert.equal(wasReported(error), true);
    assert.equal(wasReported('a string'), false);
  });
});
