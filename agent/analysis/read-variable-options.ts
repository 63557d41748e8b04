/**
 * Reads one `variable({...})` call into a `VariableDeclarationInfo`: its description, default, verify and update,
 * as far as they are literals, with a problem for each part that is not readable or not valid — including a
 * literal default that its verify function certainly rejects, when that function is simple enough to evaluate.
 */
import ts from 'typescript';
import { didYouMean } from '../common/did-you-mean';
import { renderValue } from '../variables/json-value';
import type { LiteralValue, SourceRange, StaticProblem, VariableDeclarationInfo } from '../protocol/variables';
import { FileBindings, unwrap } from './file-bindings';
import { evaluateLiteral, staticPropertyName, verifyVerdict } from './literal-value';
import { VAR_DEFAULT_NOT_ALLOWED, VAR_INVALID_UPDATE, VAR_INVALID_VERIFY, VAR_NOT_LITERAL, VAR_OPTIONS_NOT_STATIC } from './problem-codes';
import { rangeOf } from './source-range';

type Option = 'description' | 'default' | 'verify' | 'update';
const OPTIONS: readonly string[] = ['description', 'default', 'verify', 'update'];
const UPDATE_POLICIES = ['read_only', 'none'];

function clipText(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 40 ? `${line.slice(0, 37)}...` : line;
}

/** `undefined` written out counts as leaving the option away, as it does at runtime. */
function isUndefinedKeyword(expr: ts.Expression, bindings: FileBindings): boolean {
  const followed = bindings.follow(expr);
  return ts.isIdentifier(followed.expr) && followed.expr.text === 'undefined' && followed.unresolved !== undefined && !followed.notConst;
}

export class VariableOptionsReader {
  readonly #bindings: FileBindings;
  readonly #problems: StaticProblem[];
  /** The verify function of the variable being read (set by `#readVerify`), for checking the default against it. */
  #verifyFunction: ts.Expression | ts.MethodDeclaration | undefined;

  constructor(bindings: FileBindings, problems: StaticProblem[]) {
    this.#bindings = bindings;
    this.#problems = problems;
  }

  read(name: string, nameRange: SourceRange, call: ts.CallExpression): VariableDeclarationInfo {
    this.#verifyFunction = undefined;
    const info: VariableDeclarationInfo = { name, nameRange, range: this.#range(call), hasDefault: false, verify: 'none', update: 'read_only' };
    const argument = call.arguments[0];
    const options = argument === undefined ? undefined : this.#bindings.follow(argument).expr;
    if (options === undefined || !ts.isObjectLiteralExpression(options)) {
      this.#problem('warning', VAR_OPTIONS_NOT_STATIC, argument ?? call,
        `the options of variable "${name}" are not an object literal, so they cannot be read without running the scenario; write variable({ description: '...', ... }) here`);
      return info;
    }
    for (const property of options.properties) {
      if (ts.isSpreadAssignment(property)) {
        this.#problem('warning', VAR_OPTIONS_NOT_STATIC, property,
          `a spread in the options of variable "${name}" cannot be read without running the scenario; write description, default, verify and update directly`);
        continue;
      }
      const key = property.name === undefined ? undefined : staticPropertyName(property.name, this.#bindings);
      if (key === undefined || !OPTIONS.includes(key)) continue;
      if (ts.isMethodDeclaration(property)) {
        if (key === 'verify') [info.verify, info.verifyRange, this.#verifyFunction] = ['function', this.#range(property), property];
        if (key === 'update') [info.update, info.updateRange] = ['function', this.#range(property)];
        continue;
      }
      const value = ts.isPropertyAssignment(property) ? property.initializer : ts.isShorthandPropertyAssignment(property) ? property.name : undefined;
      if (value === undefined || isUndefinedKeyword(value, this.#bindings)) continue;
      this.#readOption(info, key as Option, value);
    }
    this.#checkDefaultAgainstVerify(info);
    return info;
  }

  /**
   * The engine verifies a declared default before every run, even when another value overrides it, so a default
   * its own verify function rejects fails every run. Said only when the verdict is certain (`verifyVerdict`).
   */
  #checkDefaultAgainstVerify(info: VariableDeclarationInfo): void {
    const fn = this.#verifyFunction;
    if (fn === undefined || info.verify !== 'function' || info.default === undefined || info.defaultRange === undefined) return;
    const verdict = verifyVerdict(fn, info.default, this.#bindings);
    if (verdict === undefined || verdict.passes) return;
    const returned = typeof verdict.returned === 'boolean' ? 'false' : `${renderValue(verdict.returned)}, not true or { ok: true, value }`;
    this.#problems.push({ severity: 'error', code: VAR_DEFAULT_NOT_ALLOWED, range: info.defaultRange,
      message: `the default ${renderValue(info.default)} of "${info.name}" fails its own verify function (it returns ${returned} for it), so every run would stop before starting: fix the default or the check` });
  }

  #readOption(info: VariableDeclarationInfo, key: Option, value: ts.Expression): void {
    const range = this.#range(value);
    switch (key) {
      case 'description': {
        info.descriptionRange = range;
        const literal = evaluateLiteral(value, this.#bindings);
        if (literal.ok && typeof literal.value === 'string') info.description = literal.value;
        else this.#problem('warning', VAR_NOT_LITERAL, value, `the description of "${info.name}" must be a string literal to be readable without running the scenario`);
        return;
      }
      case 'default': {
        info.hasDefault = true;
        info.defaultRange = range;
        info.defaultText = unwrap(value).getText(this.#bindings.sf);
        const literal = evaluateLiteral(value, this.#bindings);
        if (literal.ok) info.default = literal.value;
        else this.#problem('info', VAR_NOT_LITERAL, value, `the default of "${info.name}" is not a literal: tools show its source text but cannot check it`);
        return;
      }
      case 'verify':
        info.verifyRange = range;
        this.#readVerify(info, value);
        return;
      case 'update':
        info.updateRange = range;
        this.#readUpdate(info, value);
        return;
    }
  }

  #readVerify(info: VariableDeclarationInfo, value: ts.Expression): void {
    const target = this.#bindings.follow(value).expr;
    if (ts.isArrayLiteralExpression(target)) {
      info.verify = 'allowlist';
      const allowlist: LiteralValue[] = [];
      for (const element of target.elements) {
        const literal = ts.isSpreadElement(element) || ts.isOmittedExpression(element) ? undefined : evaluateLiteral(element, this.#bindings);
        if (literal?.ok) {
          allowlist.push(literal.value);
          continue;
        }
        // Point at the entry in the list, not at wherever a const it names leads.
        this.#problem('info', VAR_NOT_LITERAL, element,
          `the allowed value ${clipText(element.getText(this.#bindings.sf))} of "${info.name}" is not a literal, so the allowlist cannot be checked without running the scenario`);
        return;
      }
      info.allowlist = allowlist;
      return;
    }
    if (ts.isRegularExpressionLiteral(target) || (ts.isNewExpression(target) && ts.isIdentifier(target.expression) && target.expression.text === 'RegExp')) {
      this.#problem('error', VAR_INVALID_VERIFY, value,
        `verify of "${info.name}" is a regular expression, which verify does not take: write verify: (value) => ${ts.isRegularExpressionLiteral(target) ? target.text : '/.../'}.test(String(value))`);
      return;
    }
    if (this.#isPlainLiteral(target) || ts.isObjectLiteralExpression(target) || ts.isTemplateExpression(target)) {
      this.#problem('error', VAR_INVALID_VERIFY, value,
        `verify of "${info.name}" must be an array of allowed values or a function, not ${clipText(value.getText(this.#bindings.sf))}`);
      return;
    }
    // Functions, and anything computed (a call, an import): treated as a function, which is what the type allows.
    info.verify = 'function';
    this.#verifyFunction = target;
  }

  #readUpdate(info: VariableDeclarationInfo, value: ts.Expression): void {
    const target = this.#bindings.follow(value).expr;
    if (!this.#isPlainLiteral(target) && !ts.isArrayLiteralExpression(target) && !ts.isObjectLiteralExpression(target) && !ts.isTemplateExpression(target)) {
      info.update = 'function';
      return;
    }
    const literal = evaluateLiteral(target, this.#bindings);
    if (literal.ok && typeof literal.value === 'string' && UPDATE_POLICIES.includes(literal.value)) {
      info.update = literal.value as 'read_only' | 'none';
      return;
    }
    info.updateText = unwrap(value).getText(this.#bindings.sf);
    const typo = literal.ok && typeof literal.value === 'string' ? didYouMean(literal.value, UPDATE_POLICIES) : undefined;
    this.#problem('error', VAR_INVALID_UPDATE, value,
      `invalid update policy ${info.updateText} for "${info.name}"${typo ? ` (did you mean '${typo}'?)` : ''}: use 'read_only', 'none' or a function; treated as 'read_only'`);
  }

  #isPlainLiteral(node: ts.Expression): boolean {
    return ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node) ||
      ts.isPrefixUnaryExpression(node) || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword ||
      node.kind === ts.SyntaxKind.NullKeyword;
  }

  #range(node: ts.Node): SourceRange {
    return rangeOf(this.#bindings.sf, node);
  }

  #problem(severity: StaticProblem['severity'], code: string, node: ts.Node, message: string): void {
    this.#problems.push({ severity, code, message, range: this.#range(node) });
  }
}
