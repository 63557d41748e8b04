/**
 * The language server process (dist/language-server.js): an LSP connection over the transport the client chose
 * (`--stdio`, `--node-ipc` or `--socket=N`, as vscode-languageclient passes them), served by server.ts. Errors that
 * escape a handler are logged, not fatal: one odd document must not take the editor's help away for all others.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (error) => connection.console.error(`rookery: unexpected error: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`rookery: unhandled rejection: ${String(reason)}`));
startServer(connection);
