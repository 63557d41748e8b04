/**
 * Finds where in the scenario's own source an error was thrown: the first stack frame (after source mapping) that
 * lies in one of the bundle's source files, as `file:line:col`.
 */

const FRAME = /\(?((?:[A-Za-z]:)?[^\s()]+?):(\d+):(\d+)\)?\s*$/;

export function scenarioFrame(error: unknown, sources: readonly string[]): string | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  const known = new Set(sources);
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line.trim());
    if (!m) continue;
    const file = m[1].startsWith('file://') ? decodeURIComponent(m[1].slice(7)) : m[1];
    if (known.has(file)) return `${file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
