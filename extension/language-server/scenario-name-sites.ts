/**
 * Where, at a cursor in a scenario's text, a variable's name is being written as a string — the places TypeScript's
 * types do not complete: a key of the vars object (`vars['ho|']`, `vars["|"]`, `` vars[`|`] ``, `vars[|]`), the
 * left side of `'|' in vars`, and the name a runtime update hook compares its first parameter with
 * (`update: (name) => { if (name === '|') ... }`, `case '|':`). The rest of `agent/api.ts` takes no variable name
 * as a string: coordination and throttle names, check names and metric names are other namespaces.
 *
 * The file is parsed with TypeScript's error-tolerant parser, so a half-typed line (`vars['ho` with no closing quote,
 * `vars[` with nothing after it) is still recognised; comments and unrelated strings never are.
 */
import ts from 'typescript';
import { isVarsObject, varsObjectNames } from '../../agent/analysis/find-reads';
import { rangeOf } from '../../agent/analysis/source-range';
import type { SourceRange, VariableDeclarationInfo } from '../../agent/protocol/variables';

export interface NameSite {
  /** The text to replace (a string's content, or a bare key between brackets), as offsets into the text. */
  replaceStart: number;
  replaceEnd: number;
  /** The quote to write around the name (`undefined`: inside a string already, write the bare name). */
  wrap: "'" | undefined;
  /** The string's own quote, for escaping the name inside it. */
  quote: "'" | '"' | '`' | undefined;
  /** Only these names fit here (an update hook's own variables); `undefined`: every declared name. */
  names?: string[];
}

/** The offset of an LSP position, or `undefined` when the position is outside the text. */
export function offsetAt(sf: ts.SourceFile, position: { line: number; character: number }): number | undefined {
  const starts = sf.getLineStarts();
  if (position.line < 0 || position.line >= starts.length || position.character < 0) return undefined;
  const lineEnd = position.line + 1 < starts.length ? starts[position.line + 1] : sf.text.length;
  const offset = starts[position.line] + position.character;
  return offset <= lineEnd ? offset : undefined;
}

/** The innermost nodes around `offset`, outermost first (trivia excluded: a comment is inside no token). */
function ancestorsAt(sf: ts.SourceFile, offset: number): ts.Node[] {
  const chain: ts.Node[] = [sf];
  for (let node: ts.Node = sf; ;) {
    let inner: ts.Node | undefined;
    ts.forEachChild(node, (child) => {
      if (inner === undefined && child.getStart(sf) <= offset && offset <= child.end) inner = child;
    });
    if (inner === undefined) return chain;
    chain.push(inner);
    node = inner;
  }
}

function isStringToken(node: ts.Node): node is ts.StringLiteral | ts.NoSubstitutionTemplateLiteral {
  return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node);
}

export function findNameSite(sf: ts.SourceFile, offset: number, variables: VariableDeclarationInfo[]): NameSite | undefined {
  const chain = ancestorsAt(sf, offset);
  const innermost = chain[chain.length - 1];
  if (isStringToken(innermost)) return stringSite(sf, innermost, offset, variables);
  // `vars[|]`, `vars[ho|]`, or `vars[|` at the end of a line (the parser then takes the next line as the key).
  for (let i = chain.length - 1; i >= 0; i--) {
    const node = chain[i];
    if (!ts.isElementAccessExpression(node)) continue;
    if (!isVarsObject(node.expression, varsObjectNames(sf))) return undefined;
    const key = node.argumentExpression;
    const open = sf.text.indexOf('[', node.expression.end);
    if (open < 0 || offset <= open) return undefined;
    const keyStart = key.getStart(sf);
    if (ts.isIdentifier(key) && key.text !== '' && keyStart <= offset && offset <= key.end) {
      return { replaceStart: keyStart, replaceEnd: key.end, wrap: "'", quote: undefined };
    }
    const typedNothing = sf.text.slice(open + 1, offset).trim() === '';
    if (typedNothing && ((ts.isIdentifier(key) && key.text === '') || keyStart >= offset)) return { replaceStart: offset, replaceEnd: offset, wrap: "'", quote: undefined };
    return undefined;
  }
  return undefined;
}

function stringSite(sf: ts.SourceFile, literal: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral, offset: number, variables: VariableDeclarationInfo[]): NameSite | undefined {
  const start = literal.getStart(sf);
  const quote = sf.text[start] as NameSite['quote'];
  // An unterminated literal runs to the end of the line (a template, to the end of the file): edit one line only.
  const lineEnd = sf.getLineEndOfPosition(offset);
  const end = literal.isUnterminated ? Math.min(literal.end, lineEnd) : literal.end - 1;
  if (offset <= start || offset > end) return undefined;
  const site: NameSite = { replaceStart: start + 1, replaceEnd: end, wrap: undefined, quote };
  const parent = literal.parent;
  if (ts.isElementAccessExpression(parent) && parent.argumentExpression === literal) {
    return isVarsObject(parent.expression, varsObjectNames(sf)) ? site : undefined;
  }
  if (ts.isBinaryExpression(parent) && parent.left === literal && parent.operatorToken.kind === ts.SyntaxKind.InKeyword) {
    return isVarsObject(parent.right, varsObjectNames(sf)) ? site : undefined;
  }
  let compared: ts.Expression | undefined;
  if (ts.isBinaryExpression(parent) && isEquality(parent.operatorToken.kind)) compared = parent.left === literal ? parent.right : parent.left;
  if (ts.isCaseClause(parent) && parent.expression === literal) compared = parent.parent.parent.expression;
  if (compared === undefined) return undefined;
  const names = hookVariables(sf, compared, variables);
  return names === undefined ? undefined : { ...site, names };
}

function isEquality(kind: ts.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.EqualsEqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsToken || kind === ts.SyntaxKind.ExclamationEqualsToken;
}

type FunctionNode = ts.ArrowFunction | ts.FunctionExpression | ts.FunctionDeclaration | ts.MethodDeclaration;

/**
 * When `expr` is the first parameter (the variable's name) of a function used as some variables' `update` hook,
 * those variables' names; else `undefined`. A hook written inline serves one variable; a named one (`const
 * onUpdate = (name, ...) => ...` with `update: onUpdate`) serves every variable naming it.
 */
function hookVariables(sf: ts.SourceFile, expr: ts.Expression, variables: VariableDeclarationInfo[]): string[] | undefined {
  if (!ts.isIdentifier(expr)) return undefined;
  let fn: ts.Node | undefined = expr.parent;
  while (fn !== undefined && !isFunction(fn)) fn = fn.parent;
  // The identifier must be this function's first parameter, not a local that happens to share its name.
  for (; fn !== undefined; fn = nextFunction(fn)) {
    const first = (fn as FunctionNode).parameters[0];
    if (first !== undefined && ts.isIdentifier(first.name) && first.name.text === expr.text) break;
  }
  if (fn === undefined) return undefined;
  const hook = fn as FunctionNode;
  const own = rangeOf(sf, hook);
  const hookName = nameOf(hook);
  const users = variables.filter((v) => v.update === 'function' && v.updateRange !== undefined &&
    (sameRange(v.updateRange, own) || (hookName !== undefined && textOf(sf, v.updateRange) === hookName)));
  return users.length === 0 ? undefined : [...new Set(users.map((v) => v.name))];
}

function isFunction(node: ts.Node): node is FunctionNode {
  return ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node);
}

function nextFunction(node: ts.Node): ts.Node | undefined {
  let up = node.parent;
  while (up !== undefined && !isFunction(up)) up = up.parent;
  return up;
}

/** `const onUpdate = (...) => ...` / `function onUpdate(...)`: the name an `update:` option refers to it by. */
function nameOf(fn: FunctionNode): string | undefined {
  if (ts.isFunctionDeclaration(fn)) return fn.name?.text;
  let up: ts.Node = fn.parent;
  while (ts.isParenthesizedExpression(up) || ts.isAsExpression(up) || ts.isSatisfiesExpression(up)) up = up.parent;
  return ts.isVariableDeclaration(up) && ts.isIdentifier(up.name) ? up.name.text : undefined;
}

function sameRange(a: SourceRange, b: SourceRange): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function textOf(sf: ts.SourceFile, range: SourceRange): string | undefined {
  const start = offsetAt(sf, range.start);
  const end = offsetAt(sf, range.end);
  return start === undefined || end === undefined ? undefined : sf.text.slice(start, end);
}
