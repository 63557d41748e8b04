import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { collapsePath, defaultRequestName, isIdSegment, wsRequestName } from '../../../agent/protocols/request-name';

describe('defaultRequestName', () => {
  const cases: [string, string, string][] = [
    ['GET', '/', 'GET /'],
    ['GET', '', 'GET /'],
    ['get', '/items', 'GET /items'],
    ['GET', '/items/42', 'GET /items/:id'],
    ['GET', '/items/42?full=1&x=2', 'GET /items/:id'],
    ['GET', '/items/42#reviews', 'GET /items/:id'],
    ['GET', '/items?ids=1,2#x?y', 'GET /items'],
    ['DELETE', '/users/7/orders/1234567', 'DELETE /users/:id/orders/:id'],
    ['GET', '/orders/3f2b1c9e-8a4d-4e6f-9b1a-0c2d3e4f5a6b/lines', 'GET /orders/:id/lines'],
    ['GET', '/orders/3F2B1C9E-8A4D-4E6F-9B1A-0C2D3E4F5A6B', 'GET /orders/:id'],
    ['GET', '/commits/a1b2c3d4', 'GET /commits/:id'],
    ['GET', '/objects/507f1f77bcf86cd799439011', 'GET /objects/:id'],
    ['GET', '/objects/deadbeefcafebabe', 'GET /objects/:id'],
    ['GET', '/s/Ab3dE9fGh1JkLmN0pQ', 'GET /s/:id'],
    ['GET', '/t/eyJhbGciOiJIUzI1NiJ9_x-y', 'GET /t/:id'],
    ['GET', '/t/YWJjZGVmZ2hpamtsbW5vcA1=', 'GET /t/:id'],
    ['POST', 'items/9', 'POST /items/:id'],
    ['GET', 'http://example.com:8080/a/12?q', 'GET /a/:id'],
    ['GET', '/items/42/', 'GET /items/:id/'],
  ];
  for (const [method, path, expected] of cases) {
    test(`${method} ${JSON.stringify(path)} → ${expected}`, () => {
      assert.equal(defaultRequestName(method, path), expected);
    });
  }

  test('keeps words, versions, file names and short mixed tokens', () => {
    for (const path of ['/api/v2/users', '/reports/report.pdf', '/item-42', '/settings/user-preferences-settings',
      '/getUserPreferencesNow', '/cafe', '/deadbeef', '/facade', '/abc123', '/1.5', '/a-b-c-d-e-f-g-h-i-j']) {
      assert.equal(collapsePath(path), path, path);
    }
  });
});

describe('isIdSegment', () => {
  test('ids', () => {
    for (const s of ['0', '123', 'a1b2c3d4', '0123456789abcdef0', 'ABCDEFabcdef0123', 'x9x9x9x9x9x9x9x9x9']) {
      assert.equal(isIdSegment(s), true, s);
    }
  });
  test('not ids', () => {
    for (const s of ['', 'items', 'v1', 'abcdefab', 'abc-123', 'thisIsALongCamelCaseWord', 'a_b_c_d_e_f_g_h_i_j']) {
      assert.equal(isIdSegment(s), false, s);
    }
  });
});

describe('wsRequestName', () => {
  test('path of the URL, ids collapsed, query dropped', () => {
    assert.equal(wsRequestName('ws://127.0.0.1:8080/rooms/42/feed?token=abc'), 'ws connect /rooms/:id/feed');
    assert.equal(wsRequestName('wss://example.com'), 'ws connect /');
    assert.equal(wsRequestName('ws://h/chat'), 'ws connect /chat');
  });
  test('a string that is not a URL is still named, not thrown on', () => {
    assert.equal(wsRequestName('not a url/123'), 'ws connect /not a url/:id');
  });
});
