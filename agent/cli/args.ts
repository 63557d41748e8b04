/**
 * Command-line parsing shared by the subcommands: Node's own parseArgs, with every problem turned into a
 * RookeryError that names the option and what to write instead.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { RookeryError } from '../common/errors';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<T extends Options>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    throw new RookeryError('ROOKERY_USAGE', (error as Error).message, { hint: usage });
  }
}

/** Runs a unit parser on an option's value, naming the option in the error. */
export function option<T>(name: string, value: string | undefined, parser: (value: string) => T): T | undefined {
  if (value === undefined) return undefined;
  try {
    return parser(value);
  } catch (error) {
    throw new RookeryError('ROOKERY_USAGE', (error as Error).message, { where: `--${name}` });
  }
}

/** `--var name=value` pairs; values parsed as JSON when they are JSON, else kept as strings. */
export function parseVarFlags(pairs: string[] | undefined, parseValue: (text: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: { where: string; message: string }[] = [];
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      problems.push({ where: `--var ${pair}`, message: 'expected name=value' });
      continue;
    }
    out[pair.slice(0, eq).trim()] = parseValue(pair.slice(eq + 1));
  }
  if (problems.length > 0) throw new RookeryError('ROOKERY_USAGE', 'invalid --var', { problems });
  return out;
}

export function parseNonNegativeInt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw new Error(`invalid number "${text}": give a whole number >= 0`);
  return n;
}

/** `--workers N`: worker threads, at least one. */
export function parseWorkerCount(text: string): number {
  const n = parseNonNegativeInt(text);
  if (n < 1) throw new Error('--workers must be at least 1');
  return n;
}
