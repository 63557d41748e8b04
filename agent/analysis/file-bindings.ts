/**
 * What a static reader needs to know about the names of one file: which `const` each identifier is bound to, and
 * under which local names `scenario` and `variable` were imported from `rookery`.
 *
 * Trade-off: names are looked up file-wide, without scopes. A `const` at the top level wins over nested ones of
 * the same name; shadowing is not modelled. Scenario files declare their variables at the top level, where this is
 * exact, and it keeps the reader free of a type checker (so it works on files that do not compile).
 */
import ts from 'typescript';

/** The API functions the reader recognises, by their exported name in `rookery`. */
export type ApiFunction = 'scenario' | 'variable';

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `<T>x` and `x!`. */
export function unwrap(expr: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr) || ts.isSatisfiesExpression(expr) ||
      ts.isTypeAssertionExpression(expr) || ts.isNonNullExpression(expr)) {
      expr = expr.expression;
    } else {
      return expr;
    }
  }
}

/** How many `const a = b` hops are followed: enough for real code, and a guard against `const a = b, b = a`. */
const MAX_HOPS = 8;

export class FileBindings {
  readonly sf: ts.SourceFile;
  readonly #declarations = new Map<string, ts.VariableDeclaration>();
  /** Local names of each API function: `variable` itself plus `import { variable as v } from 'rookery'`. */
  readonly #localNames: Record<ApiFunction, Set<string>> = { scenario: new Set(['scenario']), variable: new Set(['variable']) };
  /** `import * as rk from 'rookery'`, so `rk.variable(...)` is recognised. */
  readonly #namespaces = new Set<string>();

  constructor(sf: ts.SourceFile) {
    this.sf = sf;
    for (const statement of sf.statements) {
      if (ts.isVariableStatement(statement)) this.#addDeclarations(statement.declarationList);
      if (ts.isImportDeclaration(statement)) this.#addImport(statement);
    }
    const visit = (node: ts.Node): void => {
      if (ts.isVariableDeclarationList(node)) this.#addDeclarations(node);
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(sf, visit);
  }

  /**
   * Follows identifiers through `const` bindings to the expression they stand for. `unresolved` is the identifier
   * where following stopped (imported, a parameter, a `let`), when it did.
   */
  follow(expr: ts.Expression): { expr: ts.Expression; unresolved?: ts.Identifier; notConst?: boolean } {
    let current = unwrap(expr);
    for (let hop = 0; ts.isIdentifier(current); hop++) {
      const decl = this.#declarations.get(current.text);
      if (hop >= MAX_HOPS || decl === undefined || decl.initializer === undefined) return { expr: current, unresolved: current };
      if (!(decl.parent.flags & ts.NodeFlags.Const)) return { expr: current, unresolved: current, notConst: true };
      current = unwrap(decl.initializer);
    }
    return { expr: current };
  }

  /** Whether `expr` is a call of the API function `fn` (`variable(...)`, `variable<number>(...)`, `rk.variable(...)`). */
  isCallTo(expr: ts.Expression, fn: ApiFunction): expr is ts.CallExpression {
    if (!ts.isCallExpression(expr)) return false;
    const callee = unwrap(expr.expression);
    if (ts.isIdentifier(callee)) return this.#localNames[fn].has(callee.text);
    return ts.isPropertyAccessExpression(callee) && callee.name.text === fn &&
      ts.isIdentifier(callee.expression) && this.#namespaces.has(callee.expression.text);
  }

  #addDeclarations(list: ts.VariableDeclarationList): void {
    for (const decl of list.declarations) {
      if (ts.isIdentifier(decl.name) && !this.#declarations.has(decl.name.text)) this.#declarations.set(decl.name.text, decl);
    }
  }

  #addImport(statement: ts.ImportDeclaration): void {
    const from = statement.moduleSpecifier;
    const bindings = statement.importClause?.namedBindings;
    if (!ts.isStringLiteral(from) || from.text !== 'rookery' || bindings === undefined) return;
    if (ts.isNamespaceImport(bindings)) {
      this.#namespaces.add(bindings.name.text);
      return;
    }
    for (const element of bindings.elements) {
      const imported = (element.propertyName ?? element.name).text;
      if (imported === 'scenario' || imported === 'variable') this.#localNames[imported].add(element.name.text);
    }
  }
}
