import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { errors as undiciErrors } from 'undici';
import { classifyError, RequestTimeoutError } from '../../../agent/protocols/error-kind';
import { UserStoppedError } from '../../../agent/common/errors';
import { closedPortTarget } from '../../helpers/targets';

function coded(code: string, message = code, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code }, extra);
}

describe('classifyError', () => {
  const cases: [string, unknown, string][] = [
    ['ECONNREFUSED', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1', { address: '127.0.0.1', port: 1 }), 'refused'],
    ['ETIMEDOUT', coded('ETIMEDOUT'), 'timeout'],
    ['undici connect timeout', new undiciErrors.ConnectTimeoutError(), 'timeout'],
    ['undici headers timeout', new undiciErrors.HeadersTimeoutError(), 'timeout'],
    ['undici body timeout', new undiciErrors.BodyTimeoutError(), 'timeout'],
    ['our timeout', new RequestTimeoutError(200), 'timeout'],
    ['AbortSignal.timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout'],
    ['ws handshake timeout', new Error('Opening handshake has timed out'), 'timeout'],
    ['ECONNRESET', coded('ECONNRESET', 'read ECONNRESET'), 'reset'],
    ['EPIPE', coded('EPIPE', 'write EPIPE'), 'reset'],
    ['undici other side closed', new undiciErrors.SocketError('other side closed'), 'reset'],
    ['socket hang up', new Error('socket hang up'), 'reset'],
    ['cert', coded('CERT_HAS_EXPIRED', 'certificate has expired'), 'tls'],
    ['self signed', coded('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'tls'],
    ['ERR_TLS', coded('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), 'tls'],
    ['ERR_SSL', coded('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), 'tls'],
    ['ENOTFOUND', coded('ENOTFOUND', 'getaddrinfo ENOTFOUND nowhere.invalid', { hostname: 'nowhere.invalid' }), 'dns'],
    ['EAI_AGAIN', coded('EAI_AGAIN'), 'dns'],
    ['HPE parser', Object.assign(new Error('Expected HTTP/'), { code: 'HPE_INVALID_CONSTANT', name: 'HTTPParserError' }), 'protocol'],
    ['length mismatch', new undiciErrors.ResponseContentLengthMismatchError(), 'protocol'],
    ['ws bad frame', coded('WS_ERR_INVALID_OPCODE', 'Invalid WebSocket frame: invalid opcode 5'), 'protocol'],
    ['ws handshake 200', new Error('Unexpected server response: 200'), 'protocol'],
    ['ws handshake 404', new Error('Unexpected server response: 404'), 'http'],
    ['abort', new UserStoppedError(), 'aborted'],
    ['undici abort', new undiciErrors.RequestAbortedError(), 'aborted'],
    ['DOM abort', new DOMException('This operation was aborted', 'AbortError'), 'aborted'],
    ['wrapped in cause', new TypeError('fetch failed', { cause: coded('ECONNREFUSED') }), 'refused'],
    ['aggregate', new AggregateError([coded('ECONNREFUSED', 'x', { address: '::1', port: 9 })], 'all failed'), 'refused'],
    ['plain error', new Error('something odd'), 'other'],
    ['string', 'boom', 'other'],
    ['null', null, 'other'],
  ];
  for (const [label, error, kind] of cases) {
    test(`${label} → ${kind}`, () => {
      const result = classifyError(error);
      assert.equal(result.kind, kind);
      assert.equal(typeof result.message, 'string');
      assert.ok(result.message.length > 0 && result.message.length <= 200, result.message);
    });
  }

  test('messages are short and say what happened', () => {
    assert.equal(classifyError(coded('ECONNREFUSED', 'x', { address: '127.0.0.1', port: 81 })).message,
      'connection refused (127.0.0.1:81)');
    assert.equal(classifyError(new RequestTimeoutError(200)).message, 'request timed out after 200 ms');
    assert.match(classifyError(coded('ENOTFOUND', 'x', { hostname: 'nowhere.invalid' })).message, /nowhere\.invalid/);
    assert.equal(classifyError(new Error('x'.repeat(1000))).message.length, 200);
    assert.equal(classifyError(new Error('line one\n   line two')).message, 'line one line two');
  });

  test('a real refused connection from node:net', async () => {
    const target = await closedPortTarget();
    const port = Number(new URL(target.url).port);
    const error = await new Promise<Error>((resolve) => {
      connect(port, '127.0.0.1').on('error', resolve);
    });
    const result = classifyError(error);
    assert.equal(result.kind, 'refused');
    assert.equal(result.message, `connection refused (127.0.0.1:${port})`);
  });
});
