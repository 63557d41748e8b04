/**
 * Finds where a scenario file reads its variables: `user.vars.host`, `ctx.vars['host']`, `vars.host` and
 * destructuring (`const { host } = user.vars`, `start({ vars: { host } })`), plus reads whose name is unknown
 * (`vars[key]`, or the whole object handed on: `helper(user.vars)`, `{ ...vars }`) so that "never read" is not
 * claimed when it cannot be known.
 *
 * Heuristic by name, not by type: `<anything>.vars` is the variables object, and so is an identifier named `vars`
 * or bound to one (`({ vars }) =>`, `const v = user.vars`). That is what scenarios look like, and it keeps this
 * working on files that do not type-check.
 */
import ts from 'typescript';
import type { ScenarioDeclarations } from '../protocol/variables';
import { rangeOf } from './source-range';

type Read = ScenarioDeclarations['reads'][number];

const VARS = 'vars';

function keyText(name: ts.PropertyName | ts.BindingName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && (ts.isStringLiteral(name.expression) || ts.isNoSubstitutionTemplateLiteral(name.expression))) {
    return name.expression.text;
  }
  return null;
}

function stripParens(expr: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr) || ts.isAsExpression(expr)) expr = expr.expression;
  return expr;
}

/**
 * Identifiers bound to the variables object: destructured as `vars` (`({ vars }) =>`, `const { vars: v } = user`),
 * parameters named `vars`, and aliases (`const v = user.vars`). A bare `vars` that is none of these (say a local
 * `const vars = {...}` of variable declarations) is still read through (`vars.host`) but never counted as handed on.
 */
function collectBoundNames(sf: ts.SourceFile): Set<string> {
  const bound = new Set<string>();
  const aliases: ts.VariableDeclaration[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBindingElement(node) && ts.isIdentifier(node.name) && keyText(node.propertyName ?? node.name) === VARS) bound.add(node.name.text);
    if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === VARS) bound.add(VARS);
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) aliases.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // `const v = user.vars; const w = v;`: repeat until no new alias appears.
  for (let grew = true; grew; ) {
    grew = false;
    for (const decl of aliases) {
      const name = (decl.name as ts.Identifier).text;
      if (!bound.has(name) && isVarsObject(decl.initializer!, bound)) {
        bound.add(name);
        grew = true;
      }
    }
  }
  return bound;
}

/**
 * The names under which this file holds the variables object: `vars` itself plus every binding of it (see
 * `collectBoundNames`). With `isVarsObject`, what the language server uses to spot `vars[...]` at the cursor.
 */
export function varsObjectNames(sf: ts.SourceFile): Set<string> {
  return new Set([VARS, ...collectBoundNames(sf)]);
}

/** Whether `expr` is the variables object: `<anything>.vars`, or one of `names` (from `varsObjectNames`). */
export function isVarsObject(expr: ts.Expression, names: Set<string>): boolean {
  const e = stripParens(expr);
  if (ts.isPropertyAccessExpression(e)) return e.name.text === VARS;
  return ts.isIdentifier(e) && names.has(e.text);
}

/** Whether the vars object at `node` is handed on whole (so any variable may be read through it). */
function escapes(node: ts.Expression): boolean {
  let child: ts.Node = node;
  let parent = node.parent;
  while (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent)) {
    child = parent;
    parent = parent.parent;
  }
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) return parent.arguments?.some((a) => a === child) ?? false;
  if (ts.isPropertyAssignment(parent)) return parent.initializer === child;
  if (ts.isBinaryExpression(parent)) {
    return parent.right === child && (parent.operatorToken.kind === ts.SyntaxKind.EqualsToken || parent.operatorToken.kind === ts.SyntaxKind.InKeyword);
  }
  if (ts.isArrowFunction(parent)) return parent.body === child;
  if (ts.isForInStatement(parent) || ts.isForOfStatement(parent)) return parent.expression === child;
  return ts.isSpreadElement(parent) || ts.isSpreadAssignment(parent) || ts.isShorthandPropertyAssignment(parent) ||
    ts.isReturnStatement(parent) || ts.isArrayLiteralExpression(parent) || ts.isTemplateSpan(parent);
}

/** A key the parser made up (`vars[` with nothing after it) or a string whose closing quote is not typed yet. */
function isIncomplete(node: ts.Node): boolean {
  if (ts.isIdentifier(node)) return node.text === '';
  return (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && node.isUnterminated === true;
}

export function findReads(sf: ts.SourceFile): Read[] {
  const bound = collectBoundNames(sf);
  const names = new Set([VARS, ...bound]);
  const reads: Read[] = [];
  const add = (name: string | null, node: ts.Node): void => {
    // A half-typed `vars.` or `vars['ho` is a syntax error TypeScript reports already; it names nothing yet, and
    // calling it undeclared (or dynamic) while the author is still typing would be noise.
    if (name === '' || isIncomplete(node)) return;
    reads.push({ name, range: rangeOf(sf, node) });
  };
  const fromPattern = (pattern: ts.ObjectBindingPattern): void => {
    for (const element of pattern.elements) {
      if (element.dotDotDotToken) add(null, element);
      else add(keyText(element.propertyName ?? element.name), element.propertyName ?? element.name);
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && isVarsObject(node.expression, names)) {
      add(node.name.text, node.name);
    } else if (ts.isElementAccessExpression(node) && isVarsObject(node.expression, names)) {
      const arg = stripParens(node.argumentExpression);
      const literal = ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg) || ts.isNumericLiteral(arg);
      add(literal ? arg.text : null, arg);
    } else if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && isVarsObject(node.initializer, names)) {
      fromPattern(node.name);
    } else if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.name) && keyText(node.propertyName ?? node.name) === VARS) {
      fromPattern(node.name);
    } else if ((ts.isIdentifier(node) && bound.has(node.text)) || (ts.isPropertyAccessExpression(node) && node.name.text === VARS)) {
      // Identifiers in declaration positions never match: `escapes` only accepts positions that hand a value on.
      if (escapes(node as ts.Expression)) add(null, node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return reads;
}
