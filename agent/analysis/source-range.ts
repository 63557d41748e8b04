/**
 * Source ranges of syntax nodes as `SourceRange`s (zero-based line and character, as TypeScript and LSP count),
 * and comparisons between ranges.
 */
import type ts from 'typescript';
import type { SourceRange } from '../protocol/variables';

/** The range of `node` without its leading trivia (comments, whitespace). */
export function rangeOf(sf: ts.SourceFile, node: ts.Node): SourceRange {
  const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  const end = sf.getLineAndCharacterOfPosition(node.getEnd());
  return { start: { line: start.line, character: start.character }, end: { line: end.line, character: end.character } };
}

/** The empty range at the start of a file, for problems about the file as a whole. */
export const FILE_START: SourceRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

type Position = SourceRange['start'];

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Orders ranges by start, then by end. */
export function compareRanges(a: SourceRange, b: SourceRange): number {
  return comparePositions(a.start, b.start) || comparePositions(a.end, b.end);
}

/** Whether `inner` lies within `outer` (bounds included). */
export function rangeWithin(inner: SourceRange, outer: SourceRange): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}
