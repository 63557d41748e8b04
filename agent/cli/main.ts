/**
 * The `rookery` command: dispatches to a subcommand and turns every RookeryError into one clear message and exit
 * code 2 (bad input: nothing was started). Exit 0: the command did its job; 1: an unexpected failure; 3: `run`
 * ran the test but a threshold failed (the summary's ✗ lines say which).
 */
import { RookeryError } from '../common/errors';
import { runCommand } from './run-command';
import { validateCommand } from './validate-command';
import { targetCommand } from './target-command';
import { demoCommand } from './demo-command';
import { agentCommand } from './agent-command';
import { coordinatorCommand } from './coordinator-command';
import { statusCommand } from './status-command';

const USAGE = `rookery — load testing with TypeScript scenarios

usage:
  rookery run <scenario.ts | plan.yaml> [--users N] [--rate N/min] [--duration 30s]
              [--var name=value]... [--threshold "p99<500ms"]... [--maintain] [--out result.json]
              [--quiet] [--workers N]
              [--agents ws://a:7400,ws://b:7400 | --coordinator ws://host:7400] [--token T]
  rookery agent (--listen host:port | --join ws://host:port) [--token T] [--workers N]
  rookery coordinator --listen host:port [--token T] [--local-agent [--workers N]] [--ready-json] [--exit-with-stdin]
  rookery status --coordinator ws://host:port [--token T] [--json]
  rookery validate <scenario.ts | plan.yaml>...
  rookery target [--host 127.0.0.1] [--port 8080] [--latency 20 | 10-50] [--error-rate 0.01]
  rookery demo [--users 20] [--duration 10s] [--out result.json]
  rookery help | --version

run        runs a load test from a scenario or a plan file, with a live progress line and a summary
agent      runs users for a coordinator, in worker threads (one per core)
coordinator  a standalone coordinator that agents join and clients attach to
status     the state of a coordinator's agents and run
validate   checks scenarios and plans without running them (file:line:col messages, exit 2 on errors)
target     starts the built-in demo target: an HTTP API and a WebSocket message router
demo       starts the demo target and runs examples/http-api.plan.yaml against it

exit codes: 0 done; 1 unexpected failure; 2 bad input (nothing started); 3 the run finished but a threshold
failed (thresholds come from the plan's \`thresholds:\` and --threshold, like "p99<500ms" or "error_rate<1%")
`;

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runCommand,
  validate: validateCommand,
  target: targetCommand,
  demo: demoCommand,
  agent: agentCommand,
  coordinator: coordinatorCommand,
  status: statusCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === 'version') {
    process.stdout.write(`${require('../../package.json').version}\n`);
    return 0;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    process.stderr.write(`rookery: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await handler(rest);
  } catch (error) {
    if (error instanceof RookeryError) {
      process.stderr.write(`rookery ${command}: ${error.format()}\n`);
      return 2;
    }
    process.stderr.write(`rookery ${command}: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
