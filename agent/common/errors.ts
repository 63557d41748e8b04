/**
 * Rookery's own errors: a stable `ROOKERY_*` code, what went wrong, where (file:line:col, an option, a URL) and
 * what to do about it. Bad user input is collected into one `RookeryError` with every problem listed, so a user
 * fixes everything in one go; failures of the target are data (metrics), never these.
 */

export type ErrorCode =
  | 'ROOKERY_USAGE' // bad command line
  | 'ROOKERY_SCENARIO_COMPILE' // the scenario does not compile
  | 'ROOKERY_SCENARIO_LOAD' // it compiled but loading it threw, or it exports no scenario
  | 'ROOKERY_SCENARIO_INIT' // init threw
  | 'ROOKERY_VARIABLES' // one or more variables are missing or invalid
  | 'ROOKERY_PLAN' // the plan file is invalid
  | 'ROOKERY_STATE' // a controller command that does not apply in the current status
  | 'ROOKERY_UPDATE' // a runtime variable update was rejected
  | 'ROOKERY_CONNECT' // an agent or coordinator could not be reached, refused us, or went away
  | 'ROOKERY_PROTOCOL' // a peer sent something the protocol does not allow
  | 'ROOKERY_INTERNAL';

/** One problem with a position, for lists of problems. */
export interface Problem {
  message: string;
  /** `file:line:col` (1-based), or an option name like `--users`. */
  where?: string;
}

export class RookeryError extends Error {
  readonly code: ErrorCode;
  readonly where?: string;
  readonly hint?: string;
  readonly problems: Problem[];

  constructor(code: ErrorCode, message: string, options: { where?: string; hint?: string; problems?: Problem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RookeryError';
    this.code = code;
    this.where = options.where;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
  }

  /** Renders the error for a terminal: the message, each problem on its own line, then the hint. */
  format(): string {
    const lines = [`${this.where ? `${this.where}: ` : ''}${this.message}`];
    for (const p of this.problems) lines.push(`  ${p.where ? `${p.where}: ` : ''}${p.message}`);
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join('\n');
  }
}

/** Thrown (and recognised) when a user is stopped or removed: ends the user without counting it as failed. */
export class UserStoppedError extends Error {
  constructor(message = 'user stopped') {
    super(message);
    this.name = 'AbortError';
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: string }).code === 'ABORT_ERR');
}

/** `file:line:col`, 1-based, from a zero-based position. */
export function formatWhere(file: string, line0: number, character0: number): string {
  return `${file}:${line0 + 1}:${character0 + 1}`;
}
