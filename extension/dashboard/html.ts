/**
 * The dashboard webview's HTML: an empty page that loads one stylesheet and one nonce'd script (the bundled
 * webview/main.ts), under a Content-Security-Policy that allows nothing else — no inline script or style, no
 * remote resource, no connection. Plain strings in, a string out (no vscode import), so it is tested in Node and
 * served as-is to headless Chromium.
 *
 * Chart.js sizes its canvases through `element.style` and width/height attributes: the CSSOM is not an inline
 * style in the CSP sense, so `style-src` needs no 'unsafe-inline' (the browser tests listen for violations).
 */
import { randomBytes } from 'node:crypto';
import { RookeryError } from '../../agent/common/errors';

export interface DashboardHtmlOptions {
  /** The bundled page script (dist/webview/dashboard.js), as a webview URI string. */
  scriptUri: string;
  /** The page stylesheet (dist/webview/dashboard-style.css), as a webview URI string. */
  styleUri: string;
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  cspSource: string;
  /** From makeNonce(), fresh for each page. */
  nonce: string;
  /** The panel's title (a run title: user text, escaped here). */
  title: string;
}

/** 16 random bytes, base64: a CSP nonce no page can guess (never Math.random). */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

// A nonce is a CSP base64-value; `cspSource` is a space-separated list of host/scheme sources, plus `'self'`
// (code-server gives "'self' https://*.vscode-cdn.net"). Anything else could smuggle a directive (`;`), a keyword
// (`'unsafe-inline'`) or a bare `*` into the policy, so it is refused rather than escaped.
const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
const SOURCE = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/)?[^\s;,'"]+$|^[^\s;,'":]+(:\d+)?$/;

function refuse(what: string, value: string): never {
  throw new RookeryError('ROOKERY_INTERNAL', `dashboard page: invalid ${what} ${JSON.stringify(value)}`, {
    hint: 'pass makeNonce() and webview.cspSource unchanged',
  });
}

/** Every directive the page needs, and `default-src 'none'` for the rest (frames, connections, workers...). */
export function dashboardCsp(cspSource: string, nonce: string): string {
  const sources = cspSource.split(' ');
  if (sources.some((source) => source !== "'self'" && (!SOURCE.test(source) || /^\*/.test(source)))) refuse('cspSource', cspSource);
  if (!NONCE.test(nonce)) refuse('nonce', nonce);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function dashboardHtml(options: DashboardHtmlOptions): string {
  const csp = dashboardCsp(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
</head>
<body>
<main id="dashboard" aria-busy="true"><p class="loading">Waiting for the run's data…</p></main>
<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}
