/**
 * Applies LSP text edits to a string as an editor would, for tests of quick fixes and completions: positions
 * are zero-based lines and UTF-16 columns, edits must not overlap, and all are applied against the original text.
 */
import type { Position, TextEdit, WorkspaceEdit } from 'vscode-languageserver';

/** The offset of each line's start (a line ends at `\r\n`, `\n` or `\r`, as LSP counts lines). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\r' && text[i + 1] === '\n') i++;
    if (text[i] === '\n' || text[i] === '\r') starts.push(i + 1);
  }
  return starts;
}

function offsetOf(text: string, starts: number[], p: Position): number {
  if (p.line < 0 || p.line >= starts.length) throw new Error(`edit position line ${p.line} is outside the text (${starts.length} lines)`);
  const lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] : text.length;
  const content = text.slice(starts[p.line], lineEnd).replace(/\r?\n$|\r$/, '');
  if (p.character < 0 || p.character > content.length) {
    throw new Error(`edit position ${p.line}:${p.character} is outside line ${p.line} (${content.length} characters)`);
  }
  return starts[p.line] + p.character;
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = lineStarts(text);
  const spans = edits.map((e) => ({ start: offsetOf(text, starts, e.range.start), end: offsetOf(text, starts, e.range.end), newText: e.newText }));
  for (const s of spans) if (s.end < s.start) throw new Error(`edit range ends before it starts: ${JSON.stringify(s)}`);
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i].start < spans[i - 1].end) throw new Error('overlapping edits');
  }
  let out = text;
  for (const s of [...spans].reverse()) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

/** The edits a WorkspaceEdit makes to the document `uri` (`changes` or `documentChanges`), applied to `text`. */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit | undefined): string {
  if (!edit) throw new Error('the action has no edit');
  const edits: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) edits.push(...(change.edits as TextEdit[]));
  }
  const others = Object.keys(edit.changes ?? {}).filter((u) => u !== uri);
  if (others.length > 0) throw new Error(`the edit also changes ${others.join(', ')}`);
  return applyEdits(text, edits);
}
