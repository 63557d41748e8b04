/**
 * Static evaluation without running anything. `evaluateLiteral`: JSON-compatible literals (strings and templates
 * without substitutions, signed numbers, booleans, null, and arrays and objects of those), following `const` names
 * bound to literals in the same file; anything else is "not a literal", with the node that made it so.
 * `verifyVerdict`: what a verify function returns for a literal default, for the few shapes verify functions are
 * written in (`typeof`, comparisons, `/re/.test(...)`, `&&`, `||`, `!`), and "cannot tell" for anything else.
 */
import ts from 'typescript';
import type { LiteralValue } from '../protocol/variables';
import { readVerifyResult } from '../variables/verify';
import { FileBindings, unwrap } from './file-bindings';

export type LiteralResult = { ok: true; value: LiteralValue } | { ok: false; node: ts.Node };

/** The text of a property name when it is statically known: `a`, `'a'`, `1`, `['a']`. */
export function staticPropertyName(name: ts.PropertyName, bindings: FileBindings): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) {
    return name.text;
  }
  if (ts.isComputedPropertyName(name)) {
    const key = evaluateLiteral(name.expression, bindings);
    if (key.ok && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  }
  return undefined;
}

export function evaluateLiteral(expr: ts.Expression, bindings: FileBindings): LiteralResult {
  const followed = bindings.follow(expr);
  if (followed.unresolved) return { ok: false, node: followed.unresolved };
  const node = followed.expr;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { ok: true, value: node.text };
  if (ts.isNumericLiteral(node)) return { ok: true, value: Number(node.text) };
  if (node.kind === ts.SyntaxKind.TrueKeyword) return { ok: true, value: true };
  if (node.kind === ts.SyntaxKind.FalseKeyword) return { ok: true, value: false };
  if (node.kind === ts.SyntaxKind.NullKeyword) return { ok: true, value: null };
  if (ts.isPrefixUnaryExpression(node) && (node.operator === ts.SyntaxKind.MinusToken || node.operator === ts.SyntaxKind.PlusToken)) {
    const operand = evaluateLiteral(node.operand, bindings);
    if (!operand.ok) return operand;
    if (typeof operand.value !== 'number') return { ok: false, node };
    return { ok: true, value: node.operator === ts.SyntaxKind.MinusToken ? -operand.value : operand.value };
  }
  if (ts.isArrayLiteralExpression(node)) return evaluateArray(node, bindings);
  if (ts.isObjectLiteralExpression(node)) return evaluateObject(node, bindings);
  return { ok: false, node };
}

function evaluateArray(node: ts.ArrayLiteralExpression, bindings: FileBindings): LiteralResult {
  const values: LiteralValue[] = [];
  for (const element of node.elements) {
    // Holes (`[1, , 2]`) and spreads have no literal reading.
    if (ts.isOmittedExpression(element) || ts.isSpreadElement(element)) return { ok: false, node: element };
    const item = evaluateLiteral(element, bindings);
    if (!item.ok) return item;
    values.push(item.value);
  }
  return { ok: true, value: values };
}

function evaluateObject(node: ts.ObjectLiteralExpression, bindings: FileBindings): LiteralResult {
  const value: { [key: string]: LiteralValue } = {};
  for (const property of node.properties) {
    let key: string | undefined;
    let initializer: ts.Expression;
    if (ts.isPropertyAssignment(property)) {
      key = staticPropertyName(property.name, bindings);
      initializer = property.initializer;
    } else if (ts.isShorthandPropertyAssignment(property)) {
      key = property.name.text;
      initializer = property.name;
    } else {
      return { ok: false, node: property };
    }
    if (key === undefined) return { ok: false, node: property.name };
    const item = evaluateLiteral(unwrap(initializer), bindings);
    if (!item.ok) return item;
    Object.defineProperty(value, key, { value: item.value, enumerable: true, writable: true, configurable: true });
  }
  return { ok: true, value };
}

// ---------------------------------------------------------------------------------------------------------------
// Verify functions

/** What a verify function certainly does with a value, or `undefined` when that cannot be known without running it. */
export type VerifyVerdict = { passes: boolean; returned: unknown } | undefined;

/** Nothing known about a sub-expression: the whole verdict becomes "cannot tell" unless short-circuiting saves it. */
const UNKNOWN: unique symbol = Symbol('unknown');
type Evaluated = unknown;

/** Deeper expressions are not evaluated: no real verify function needs it, and it bounds the recursion. */
const MAX_DEPTH = 64;
/** Regular expressions are run on defaults up to this length only. */
const MAX_TESTED_LENGTH = 256;
/**
 * A repeated group (`(a+)+`, `(a|aa)*`, `(x){2,}`) is where a backtracking engine can take exponential time; such
 * patterns are not run at all, since this code runs on every keystroke in the editor. Trade-off: a verify written
 * with one gets no static verdict (the run still checks it), in exchange for an analysis that cannot hang.
 */
const REPEATED_GROUP = /\)[*+{]/;

/**
 * Evaluates the verify function `fn` (arrow, function expression or method) for `value` as the engine's
 * verifyValue would judge its result: `true` passes, `false` and any non-object other than `true` fail, an object
 * fails when its `ok` is false. Only a body that is one expression (or one `return`) over the first parameter is
 * evaluated, with exact JavaScript semantics for what it supports, so a verdict is never a guess.
 */
export function verifyVerdict(fn: ts.Expression | ts.MethodDeclaration, value: LiteralValue, bindings: FileBindings): VerifyVerdict {
  const target = ts.isMethodDeclaration(fn) ? fn : bindings.follow(fn).expr;
  if (!ts.isArrowFunction(target) && !ts.isFunctionExpression(target) && !ts.isMethodDeclaration(target)) return undefined;
  if (target.asteriskToken || target.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return undefined;
  const param = target.parameters[0];
  if (param === undefined || !ts.isIdentifier(param.name) || param.dotDotDotToken) return undefined;
  const body = returnedExpression(target.body);
  if (body === undefined) return undefined;
  const result = evaluateExpression(body, { param: param.name.text, value, bindings }, 0);
  if (result === UNKNOWN) return undefined;
  if (result instanceof ResultShape) return result.ok === true ? undefined : { passes: false, returned: { ok: result.ok } };
  return { passes: judge(result, value), returned: result };
}

/** The engine's own reading of a verify function's result, for results known exactly. */
function judge(result: unknown, value: LiteralValue): boolean {
  return readVerifyResult('', result, value).ok;
}

/** An object literal written in the function (`{ ok: false, reason }`), of which only `ok` was evaluated. */
class ResultShape {
  constructor(readonly ok: unknown) {}
}

function returnedExpression(body: ts.ConciseBody | undefined): ts.Expression | undefined {
  if (body === undefined) return undefined;
  if (!ts.isBlock(body)) return body;
  if (body.statements.length !== 1) return undefined;
  const only = body.statements[0];
  return ts.isReturnStatement(only) && only.expression !== undefined ? only.expression : undefined;
}

interface Scope {
  param: string;
  value: LiteralValue;
  bindings: FileBindings;
}

/** A global of the language (`String`, `Number`...) only when the file does not declare that name itself. */
function isGlobal(node: ts.Expression, name: string, scope: Scope): boolean {
  if (!ts.isIdentifier(node) || node.text !== name || name === scope.param) return false;
  const followed = scope.bindings.follow(node);
  return followed.unresolved === node && !followed.notConst;
}

function evaluateExpression(expr: ts.Expression, scope: Scope, depth: number): Evaluated {
  if (depth > MAX_DEPTH) return UNKNOWN;
  const e = unwrap(expr);
  const next = (x: ts.Expression): Evaluated => evaluateExpression(x, scope, depth + 1);
  if (ts.isIdentifier(e)) {
    if (e.text === scope.param) return scope.value;
    if (isGlobal(e, 'undefined', scope)) return undefined;
    // A const of the file (`const PATTERN = /.../`, `const MAX = 10`): only literals, which cannot mention the
    // parameter, so following it out of the function's scope is safe.
    const followed = scope.bindings.follow(e).expr;
    if (ts.isRegularExpressionLiteral(followed)) return regExpOf(followed.text);
    const literal = evaluateLiteral(e, scope.bindings);
    return literal.ok ? literal.value : UNKNOWN;
  }
  if (ts.isRegularExpressionLiteral(e)) return regExpOf(e.text);
  if (ts.isTypeOfExpression(e)) {
    const operand = next(e.expression);
    return operand === UNKNOWN ? UNKNOWN : typeof operand;
  }
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const operand = next(e.operand);
    return operand === UNKNOWN ? UNKNOWN : !operand;
  }
  if (ts.isBinaryExpression(e)) return evaluateBinary(e, next);
  if (ts.isConditionalExpression(e)) {
    const condition = next(e.condition);
    return condition === UNKNOWN ? UNKNOWN : next(condition ? e.whenTrue : e.whenFalse);
  }
  if (ts.isPropertyAccessExpression(e) && e.name.text === 'length') {
    const object = next(e.expression);
    return typeof object === 'string' || Array.isArray(object) ? object.length : UNKNOWN;
  }
  if (ts.isCallExpression(e)) return evaluateCall(e, scope, next);
  if (ts.isObjectLiteralExpression(e)) return evaluateResultObject(e, next);
  // Literals last: a literal cannot mention the parameter, so it is evaluated as any other literal.
  const literal = evaluateLiteral(e, scope.bindings);
  return literal.ok ? literal.value : UNKNOWN;
}

function regExpOf(text: string): Evaluated {
  const slash = text.lastIndexOf('/');
  if (REPEATED_GROUP.test(text.slice(1, slash))) return UNKNOWN;
  try {
    return new RegExp(text.slice(1, slash), text.slice(slash + 1));
  } catch {
    return UNKNOWN;
  }
}

function evaluateBinary(e: ts.BinaryExpression, next: (x: ts.Expression) => Evaluated): Evaluated {
  const op = e.operatorToken.kind;
  const left = next(e.left);
  // Short-circuits as JavaScript does, so `typeof v === 'string' && /re/.test(v)` is decided by its left side.
  if (op === ts.SyntaxKind.AmpersandAmpersandToken) return left === UNKNOWN ? UNKNOWN : left ? next(e.right) : left;
  if (op === ts.SyntaxKind.BarBarToken) return left === UNKNOWN ? UNKNOWN : left ? left : next(e.right);
  const right = next(e.right);
  if (left === UNKNOWN || right === UNKNOWN) return UNKNOWN;
  // Relational operators on JSON values call no user code: the engine would compute exactly this.
  const l = left as number;
  const r = right as number;
  switch (op) {
    case ts.SyntaxKind.EqualsEqualsEqualsToken: return left === right;
    case ts.SyntaxKind.ExclamationEqualsEqualsToken: return left !== right;
    case ts.SyntaxKind.EqualsEqualsToken: return left == right;
    case ts.SyntaxKind.ExclamationEqualsToken: return left != right;
    case ts.SyntaxKind.LessThanToken: return l < r;
    case ts.SyntaxKind.LessThanEqualsToken: return l <= r;
    case ts.SyntaxKind.GreaterThanToken: return l > r;
    case ts.SyntaxKind.GreaterThanEqualsToken: return l >= r;
    default: return UNKNOWN;
  }
}

/** `String(v)`, `Number(v)`, `Boolean(v)`, `Number.isInteger(v)`...; `/re/.test(v)`; `[...].includes(v)`; string tests. */
function evaluateCall(e: ts.CallExpression, scope: Scope, next: (x: ts.Expression) => Evaluated): Evaluated {
  if (e.arguments.length !== 1 || e.questionDotToken) return UNKNOWN;
  const callee = unwrap(e.expression);
  const arg = next(e.arguments[0]);
  if (arg === UNKNOWN) return UNKNOWN;
  if (isGlobal(callee, 'String', scope)) return String(arg);
  if (isGlobal(callee, 'Number', scope)) return Number(arg);
  if (isGlobal(callee, 'Boolean', scope)) return Boolean(arg);
  if (!ts.isPropertyAccessExpression(callee)) return UNKNOWN;
  const method = callee.name.text;
  const owner = unwrap(callee.expression);
  if (isGlobal(owner, 'Number', scope)) {
    if (method === 'isInteger') return Number.isInteger(arg);
    if (method === 'isFinite') return Number.isFinite(arg);
    if (method === 'isNaN') return Number.isNaN(arg);
    return UNKNOWN;
  }
  if (isGlobal(owner, 'Array', scope)) return method === 'isArray' ? Array.isArray(arg) : UNKNOWN;
  const object = next(owner);
  if (object instanceof RegExp && method === 'test') {
    const text = String(arg);
    return text.length <= MAX_TESTED_LENGTH ? object.test(text) : UNKNOWN;
  }
  if (Array.isArray(object) && method === 'includes') return object.includes(arg as LiteralValue);
  if (typeof object === 'string' && typeof arg === 'string') {
    if (method === 'includes') return object.includes(arg);
    if (method === 'startsWith') return object.startsWith(arg);
    if (method === 'endsWith') return object.endsWith(arg);
  }
  return UNKNOWN;
}

/** `{ ok: false, reason }` / `{ ok: true, value }`: only `ok` decides the verdict, so only it is evaluated. */
function evaluateResultObject(e: ts.ObjectLiteralExpression, next: (x: ts.Expression) => Evaluated): Evaluated {
  // The last `ok` wins, and a spread may bring its own: then nothing is known.
  let ok: ts.Expression | undefined;
  for (const property of e.properties) {
    if (ts.isSpreadAssignment(property)) return UNKNOWN;
    if (property.name !== undefined && !ts.isIdentifier(property.name) && !ts.isStringLiteral(property.name)) return UNKNOWN;
    if (property.name?.text !== 'ok') continue;
    if (!ts.isPropertyAssignment(property)) return UNKNOWN;
    ok = property.initializer;
  }
  if (ok === undefined) return UNKNOWN;
  const value = next(ok);
  return value === UNKNOWN ? UNKNOWN : new ResultShape(value);
}
