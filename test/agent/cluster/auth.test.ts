import { test, describe, mock } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RookeryError } from '../../../agent/common/errors';
import {
  assertListenAllowed,
  authorizationHeaders,
  bearerToken,
  generateToken,
  isAuthorized,
  isLoopbackHost,
  tokensEqual,
} from '../../../agent/cluster/auth';

function request(authorization?: string): IncomingMessage {
  return { headers: authorization === undefined ? {} : { authorization } } as IncomingMessage;
}

describe('tokensEqual', () => {
  test('equal tokens match, anything else does not (including other lengths and prefixes)', () => {
    assert.equal(tokensEqual('s3cret', 's3cret'), true);
    assert.equal(tokensEqual('s3cret', 's3creT'), false);
    assert.equal(tokensEqual('s3cret', 's3cre'), false);
    assert.equal(tokensEqual('s3cret', 's3cret '), false);
    assert.equal(tokensEqual('', 'x'), false);
    assert.equal(tokensEqual('ünïcödé', 'ünïcödé'), true);
  });

  test('compares in constant time: timingSafeEqual over equal-length digests', () => {
    const spy = mock.method(crypto, 'timingSafeEqual');
    try {
      tokensEqual('short', 'a much longer token than the other one');
      assert.equal(spy.mock.callCount(), 1);
      const [a, b] = spy.mock.calls[0].arguments as unknown as [Buffer, Buffer];
      assert.equal(a.length, 32);
      assert.equal(b.length, 32);
    } finally {
      spy.mock.restore();
    }
  });
});

describe('isLoopbackHost', () => {
  for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'app.localhost']) {
    test(`${host} is loopback`, () => assert.equal(isLoopbackHost(host), true));
  }
  for (const host of ['0.0.0.0', '::', '', '10.0.0.1', '192.168.1.1', '128.0.0.1', 'example.com', 'localhost.example.com', '::2', '127.0.0.1.nip.io']) {
    test(`${JSON.stringify(host)} is not`, () => assert.equal(isLoopbackHost(host), false));
  }
});

describe('assertListenAllowed', () => {
  test('loopback without a token is allowed', () => {
    assert.doesNotThrow(() => assertListenAllowed('127.0.0.1', undefined));
    assert.doesNotThrow(() => assertListenAllowed('::1', ''));
  });
  test('any address with a token is allowed', () => {
    assert.doesNotThrow(() => assertListenAllowed('0.0.0.0', 't0ken'));
  });
  for (const host of ['0.0.0.0', '::', '10.1.2.3']) {
    test(`${host} without a token is refused with a usage error and a hint`, () => {
      assert.throws(
        () => assertListenAllowed(host, undefined),
        (error: unknown) => {
          assert.ok(error instanceof RookeryError);
          assert.equal(error.code, 'ROOKERY_USAGE');
          assert.match(error.message, /without a token/);
          assert.match(error.message, /arbitrary code/);
          assert.equal(error.where, '--listen');
          assert.match(error.hint ?? '', /--token/);
          return true;
        },
      );
    });
  }
});

describe('bearer tokens', () => {
  test('reads Authorization: Bearer, case-insensitively, trimmed', () => {
    assert.equal(bearerToken(request('Bearer abc')), 'abc');
    assert.equal(bearerToken(request('bearer   abc  ')), 'abc');
    assert.equal(bearerToken(request('Basic abc')), undefined);
    assert.equal(bearerToken(request('Bearer')), undefined);
    assert.equal(bearerToken(request('Bearer a b')), undefined);
    assert.equal(bearerToken(request()), undefined);
  });
  test('isAuthorized: no token configured lets anyone in; otherwise the right one only', () => {
    assert.equal(isAuthorized(request(), undefined), true);
    assert.equal(isAuthorized(request('Bearer x'), 'x'), true);
    assert.equal(isAuthorized(request('Bearer y'), 'x'), false);
    assert.equal(isAuthorized(request(), 'x'), false);
  });
  test('authorizationHeaders round-trips through bearerToken', () => {
    assert.equal(bearerToken(request(authorizationHeaders('t-1').authorization)), 't-1');
    assert.deepEqual(authorizationHeaders(undefined), {});
  });
});

test('generateToken: 32 random bytes, base64url', () => {
  const a = generateToken();
  const b = generateToken();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(a, 'base64url').length, 32);
  assert.notEqual(a, b);
});
