/** The dashboard page's entry point (bundled to dist/webview/dashboard.js): starts the app in #dashboard. */
import { startDashboard } from './app';

const root = document.getElementById('dashboard');
if (root) startDashboard(root);
