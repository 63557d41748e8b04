import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { dashboardCsp, dashboardHtml, escapeHtml, makeNonce } from '../../extension/dashboard/html';

// extension/dashboard/html.ts: the page's HTML and its Content-Security-Policy. (The browser tests in
// dashboard.test.ts load this HTML in Chromium and check that nothing violates the policy.)

const options = {
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/dashboard.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/dashboard-style.css',
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'q2mTB8mIeEwFX0Sy2h1P8w==',
  title: 'Rookery: checkout run',
};

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page declares its CSP');
  return match[1].replace(/&#39;/g, "'");
}

describe('dashboardHtml', () => {
  test('a strict policy: nothing but the nonce\'d script and the extension\'s own resources', () => {
    const csp = cspOf(dashboardHtml(options));
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-q2mTB8mIeEwFX0Sy2h1P8w=='; style-src https://*.vscode-cdn.net; " +
        "img-src https://*.vscode-cdn.net data:; font-src https://*.vscode-cdn.net; base-uri 'none'; form-action 'none'",
    );
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*;|https?:\/\/[^*]/);
  });

  test('one script, with the nonce and a src; one stylesheet; no inline code or style; no remote resource', () => {
    const html = dashboardHtml(options);
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.deepEqual(scripts, [`<script nonce="${options.nonce}" src="${options.scriptUri}">`]);
    assert.match(html, /<script[^>]*><\/script>/, 'the script tag has no inline body');
    assert.deepEqual(html.match(/<link[^>]*>/g), [`<link rel="stylesheet" href="${options.styleUri}">`]);
    assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=|javascript:/i);
    const urls = html.match(/(?:src|href)="([^"]*)"/g) ?? [];
    assert.deepEqual(urls, [`href="${options.styleUri}"`, `src="${options.scriptUri}"`]);
  });

  test('the title is escaped (a run title is user text)', () => {
    const html = dashboardHtml({ ...options, title: '</title><script>alert(1)</script> & "more"' });
    assert.match(html, /<title>&lt;\/title&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;more&quot;<\/title>/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
  });

  test('URIs are escaped in their attributes', () => {
    const html = dashboardHtml({ ...options, scriptUri: 'https://x/a.js?"><img src=x>' });
    assert.match(html, /src="https:\/\/x\/a\.js\?&quot;&gt;&lt;img src=x&gt;"/);
    assert.doesNotMatch(html, /<img/);
  });

  test('a nonce or a source that could change the policy is refused', () => {
    for (const nonce of ['', 'short', "abc' 'unsafe-inline", 'aaaaaaaaaaaaaaaaaaaaaa; script-src *', 'aaaaaaaaaaaaaaaa aaaa']) {
      assert.throws(() => dashboardHtml({ ...options, nonce }), (e: Error & { code?: string }) => e.code === 'ROOKERY_INTERNAL' && /invalid nonce/.test(e.message), nonce);
    }
    for (const cspSource of ['', "'unsafe-inline'", 'https://a.example; script-src *', 'https://a.example *', '*', 'x,y', "'self' 'unsafe-eval'", 'a  b']) {
      assert.throws(() => dashboardCsp(cspSource, options.nonce), /invalid cspSource/, cspSource);
    }
    assert.doesNotThrow(() => dashboardCsp('vscode-webview://abc123', options.nonce));
    assert.doesNotThrow(() => dashboardCsp('http://127.0.0.1:4567', options.nonce));
    // What code-server 4.100 gives as webview.cspSource.
    assert.match(dashboardCsp("'self' https://*.vscode-cdn.net", options.nonce), /style-src 'self' https:\/\/\*\.vscode-cdn\.net;/);
  });
});

describe('makeNonce', () => {
  test('16 random bytes in base64, different every time, accepted by the policy', () => {
    const nonces = new Set(Array.from({ length: 200 }, () => makeNonce()));
    assert.equal(nonces.size, 200);
    for (const nonce of nonces) {
      assert.match(nonce, /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(Buffer.from(nonce, 'base64').length, 16);
      assert.doesNotThrow(() => dashboardCsp('https://*.vscode-cdn.net', nonce));
    }
  });
});

describe('escapeHtml', () => {
  test('escapes the five characters that matter in text and quoted attributes', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    assert.equal(escapeHtml('plain text'), 'plain text');
  });
});
