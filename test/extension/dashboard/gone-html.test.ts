import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { goneHtml } from '../../../extension/dashboard/gone-html';

const CSP_SOURCE = 'https://abc.vscode-cdn.net';

describe('goneHtml', () => {
  test('says which run and why, under a policy that allows the stylesheet and nothing else', () => {
    const html = goneHtml({ styleUri: `${CSP_SOURCE}/dist/webview/dashboard-style.css`, cspSource: CSP_SOURCE, runId: 'run-1', reason: 'it is not in the run history' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1]?.replace(/&#39;/g, "'");
    assert.equal(csp, `default-src 'none'; style-src ${CSP_SOURCE}; base-uri 'none'; form-action 'none'`);
    assert.match(html, /Run run-1 cannot be shown: it is not in the run history\./);
    assert.doesNotMatch(html, /<script/i);
  });

  test('escapes what it is given, and refuses a source that would change the policy', () => {
    const html = goneHtml({ styleUri: 'x.css', cspSource: CSP_SOURCE, runId: '<b>', reason: '"quoted" & <tagged>' });
    assert.match(html, /Run &lt;b&gt; cannot be shown: &quot;quoted&quot; &amp; &lt;tagged&gt;/);
    assert.match(goneHtml({ styleUri: 'x.css', cspSource: CSP_SOURCE, runId: undefined, reason: 'r' }), /This dashboard’s run cannot be shown/);
    for (const bad of ["'unsafe-inline'", `${CSP_SOURCE}; script-src *`, '']) {
      assert.throws(() => goneHtml({ styleUri: 'x.css', cspSource: bad, runId: 'r', reason: 'r' }), { code: 'ROOKERY_INTERNAL' });
    }
  });
});
