/**
 * Tokenizes text with the plan grammar (syntaxes/rookery-plan.tmLanguage.json) as VS Code does: vscode-textmate
 * with the Oniguruma WASM build. Tests then assert scopes by text: `scopesAt(line, '500ms')`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { OnigScanner, OnigString, loadWASM } from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type StateStack } from 'vscode-textmate';

export const ROOT = join(__dirname, '..', '..', '..');
export const GRAMMAR_PATH = join(ROOT, 'syntaxes', 'rookery-plan.tmLanguage.json');
export const PLAN_SCOPE = 'source.rookery-plan';

/** One token: its text, where it starts in the line, and its scopes from the root outwards in. */
export interface Token {
  text: string;
  start: number;
  scopes: string[];
}

/** One line of a document: its text and its tokens, which cover it exactly. */
export interface TokenLine {
  text: string;
  tokens: Token[];
}

let grammar: Promise<IGrammar> | undefined;

/** The plan grammar, loaded once per process (the WASM can only be loaded once). */
export function loadPlanGrammar(): Promise<IGrammar> {
  grammar ??= (async () => {
    const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    await loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns: string[]) => new OnigScanner(patterns),
        createOnigString: (text: string) => new OnigString(text),
      }),
      // Only our grammar: a plan grammar that included another (source.yaml) would fail to load here.
      loadGrammar: async (scopeName: string) =>
        scopeName === PLAN_SCOPE ? parseRawGrammar(readFileSync(GRAMMAR_PATH, 'utf8'), GRAMMAR_PATH) : null,
    });
    const loaded = await registry.loadGrammar(PLAN_SCOPE);
    if (!loaded) throw new Error(`grammar ${PLAN_SCOPE} did not load from ${GRAMMAR_PATH}`);
    return loaded;
  })();
  return grammar;
}

/**
 * Tokenizes a document line by line, carrying the state across lines. Throws when a line stops early (over
 * `timeLimitMs`) or when vscode-textmate reports a grammar loop (it logs those with console.error and moves on,
 * which a test would otherwise miss).
 */
export async function tokenize(text: string, timeLimitMs = 0): Promise<TokenLine[]> {
  const planGrammar = await loadPlanGrammar();
  const lines: TokenLine[] = [];
  let state: StateStack = INITIAL;
  const logged: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void logged.push(args.map(String).join(' '));
  try {
    for (const line of text.split(/\r?\n/)) {
      const result = planGrammar.tokenizeLine(line, state, timeLimitMs);
      if (result.stoppedEarly) throw new Error(`tokenizing stopped early (over ${timeLimitMs} ms) on line ${lines.length + 1}`);
      if (logged.length > 0) throw new Error(`vscode-textmate reported on line ${lines.length + 1}: ${logged.join('; ')}`);
      const tokens = result.tokens.map((token) => {
        // The last token may end one past the line: vscode-textmate tokenizes the line with a "\n" appended.
        const end = Math.min(token.endIndex, line.length);
        return { text: line.slice(token.startIndex, end), start: token.startIndex, scopes: token.scopes };
      });
      lines.push({ text: line, tokens });
      state = result.ruleStack;
    }
  } finally {
    console.error = original;
  }
  return lines;
}

/** What a tokenization in a worker reports back: line count and whether every line was covered exactly. */
export interface WorkerTokenization {
  lines: number;
  covered: boolean;
}

/**
 * Tokenizes in a worker thread and fails when it takes longer than `deadlineMs`. A catastrophic regex blocks
 * inside WASM, where no timer can interrupt it; terminating the worker can.
 */
export function tokenizeWithDeadline(text: string, deadlineMs: number): Promise<WorkerTokenization> {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { tokenize } = require(workerData.helper);
    tokenize(workerData.text).then(
      (lines) => {
        const covered = lines.every((line) => line.tokens.map((t) => t.text).join('') === line.text
          && line.tokens.every((t, i, all) => i === 0 ? t.start === 0 : t.start === all[i - 1].start + all[i - 1].text.length));
        parentPort.postMessage({ lines: lines.length, covered });
      },
      (error) => parentPort.postMessage({ error: String(error && error.stack || error) }),
    );`;
  // A memory cap too: a grammar that pushed a scope per bracket would otherwise exhaust the machine, not fail.
  const worker = new Worker(source, { eval: true, workerData: { helper: __filename, text }, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  return new Promise<WorkerTokenization>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`tokenizing ${text.length} characters took over ${deadlineMs} ms`));
      void worker.terminate();
    }, deadlineMs);
    worker.once('message', (message: WorkerTokenization & { error?: string }) => {
      clearTimeout(timer);
      void worker.terminate();
      if (message.error) reject(new Error(message.error));
      else resolve({ lines: message.lines, covered: message.covered });
    });
    worker.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/**
 * The scopes shared by every token overlapping the `occurrence`-th (0-based) appearance of `text` in the line:
 * `scopesAt(line, '500ms')` holds the duration scope though `500` and `ms` are two tokens. Throws when the text
 * is not in the line, so a typo in a test fails loudly instead of asserting on nothing.
 */
export function scopesAt(line: TokenLine, text: string, occurrence = 0): string[] {
  return scopesOfRange(line, nthIndex(line, text, occurrence), text.length);
}

/** The scopes shared by every token overlapping `length` characters from `index`. */
export function scopesOfRange(line: TokenLine, index: number, length: number): string[] {
  const [first, ...rest] = tokensOver(line, index, length);
  return first.scopes.filter((scope) => rest.every((t) => t.scopes.includes(scope)));
}

/** Every scope of any token overlapping the `occurrence`-th appearance of `text`: "is X anywhere in there". */
export function scopesWithin(line: TokenLine, text: string, occurrence = 0): string[] {
  const tokens = tokensOver(line, nthIndex(line, text, occurrence), text.length);
  return [...new Set(tokens.flatMap((t) => t.scopes))];
}

function tokensOver(line: TokenLine, index: number, length: number): Token[] {
  const end = index + Math.max(length, 1);
  const covering = line.tokens.filter((t) => t.start < end && t.start + t.text.length > index);
  if (covering.length === 0) throw new Error(`no token covers column ${index} in line: ${line.text}`);
  return covering;
}

function nthIndex(line: TokenLine, text: string, occurrence: number): number {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = line.text.indexOf(text, index + 1);
    if (index < 0) throw new Error(`"${text}" (occurrence ${occurrence}) is not in line: ${line.text}`);
  }
  return index;
}

/** The one token whose text is exactly `text` (its `occurrence`-th), or an error naming the line's tokens. */
export function tokenOf(line: TokenLine, text: string, occurrence = 0): Token {
  const found = line.tokens.filter((t) => t.text === text)[occurrence];
  if (!found) {
    throw new Error(`no token "${text}" (occurrence ${occurrence}) in line: ${line.text}\n  tokens: ${line.tokens.map((t) => JSON.stringify(t.text)).join(' ')}`);
  }
  return found;
}

/** A readable dump of a line's tokens (for assertion messages). */
export function describeLine(line: TokenLine): string {
  return line.tokens.map((t) => `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n');
}
