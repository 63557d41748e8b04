/**
 * Evaluates JSON-compatible literals in source without running anything: strings (and templates without
 * substitutions), numbers (signed), booleans, null, and arrays and objects of those, following `const` names bound
 * to literals in the same file. Anything else is "not a literal", with the node that made it so.
 */
import ts from 'typescript';
import type { LiteralValue } from '../protocol/variables';
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
