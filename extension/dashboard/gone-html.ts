/**
 * The page of a dashboard panel whose run cannot be shown any more (restored after a window reload, but the run
 * was pruned from the history or its file is unreadable): a sentence saying so and what to do, no script at all.
 * Its Content-Security-Policy allows the dashboard's stylesheet and nothing else.
 */
import { RookeryError } from '../../agent/common/errors';
import { escapeHtml } from './html';

export interface GoneHtmlOptions {
  /** The dashboard stylesheet (dist/webview/dashboard-style.css), as a webview URI string. */
  styleUri: string;
  /** `webview.cspSource`. */
  cspSource: string;
  /** The run's id, or undefined when the panel's run is not known at all. */
  runId: string | undefined;
  /** Why it cannot be shown. */
  reason: string;
}

// The same rule as html.ts: a source list entry that could smuggle a directive in is refused, not escaped.
const SOURCE = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/)?[^\s;,'"]+$|^[^\s;,'":]+(:\d+)?$/;

export function goneHtml(options: GoneHtmlOptions): string {
  if (!SOURCE.test(options.cspSource)) {
    throw new RookeryError('ROOKERY_INTERNAL', `dashboard page: invalid cspSource ${JSON.stringify(options.cspSource)}`, { hint: 'pass webview.cspSource unchanged' });
  }
  const csp = `default-src 'none'; style-src ${options.cspSource}; base-uri 'none'; form-action 'none'`;
  const which = options.runId === undefined ? 'This dashboard’s run' : `Run ${options.runId}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<title>Run not available</title>
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
</head>
<body>
<main id="dashboard" class="gone">
<h1>Run not available</h1>
<p>${escapeHtml(which)} cannot be shown: ${escapeHtml(options.reason)}.</p>
<p>Close this tab, and open a past run from the Run view of the Rookery sidebar (or the command “Rookery: Open Dashboard”).</p>
</main>
</body>
</html>
`;
}
