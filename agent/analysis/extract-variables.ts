/**
 * The static reading of a scenario file's required variables, without running or even type-checking it (as amoc's
 * tools read `-required_variable` attributes from a module that does not compile): find the default-exported
 * `scenario({...})`, its `variables`, each `variable({...})` in it, and the `vars` reads of the file.
 *
 * Recognised shapes (identifiers are followed through `const`s of the same file):
 *
 *   export default scenario({ variables: { a: variable({...}), b, ...} })      inline, shorthand `b`
 *   const variables = { a: variable<number>({...}) };  scenario({ variables })  a bound object
 *   const s = scenario({...});  export default s                                a bound scenario
 */
import ts from 'typescript';
import type { ScenarioDeclarations, StaticProblem, VariableDeclarationInfo } from '../protocol/variables';
import { FileBindings } from './file-bindings';
import { findReads } from './find-reads';
import { staticPropertyName } from './literal-value';
import { VAR_NOT_A_SCENARIO, VAR_NOT_STATIC } from './problem-codes';
import { VariableOptionsReader } from './read-variable-options';
import { parseScenarioSource } from './scenario-source';
import { rangeOf } from './source-range';

/**
 * Reads `text` (the content of `fileName`). Never throws on any input: the parser recovers from syntax errors and
 * imports are never resolved, so a half-typed file in an editor still yields what can be read.
 */
export function extractDeclarations(fileName: string, text: string): ScenarioDeclarations {
  return declarationsOf(parseScenarioSource(fileName, text));
}

/** The same reading from an already parsed file (the language server re-parses edits incrementally). */
export function declarationsOf(sf: ts.SourceFile): ScenarioDeclarations {
  const fileName = sf.fileName;
  const bindings = new FileBindings(sf);
  const problems: StaticProblem[] = [];
  const result: ScenarioDeclarations = { file: fileName, isScenario: false, variables: [], problems, reads: findReads(sf) };
  const problem = (severity: StaticProblem['severity'], code: string, node: ts.Node, message: string): void => {
    problems.push({ severity, code, message, range: rangeOf(sf, node) });
  };

  const exported = defaultExport(sf);
  if (exported === undefined) return result;
  const call = bindings.follow(exported).expr;
  if (!bindings.isCallTo(call, 'scenario')) {
    problem('error', VAR_NOT_A_SCENARIO, exported,
      `no \`export default scenario({...})\` found: the default export \`${clip(exported.getText(sf))}\` is not a scenario({...}) call this file shows`);
    return result;
  }
  result.isScenario = true;

  const argument = call.arguments[0];
  const definition = argument === undefined ? undefined : bindings.follow(argument).expr;
  if (definition === undefined || !ts.isObjectLiteralExpression(definition)) {
    problem('warning', VAR_NOT_STATIC, argument ?? call,
      'the argument of scenario() is not an object literal, so its variables cannot be read without running it; write scenario({ variables: {...}, start() {...} })');
    return result;
  }

  const variablesNode = findVariablesProperty(definition, bindings, problem);
  if (variablesNode === undefined) return result;
  const variablesObject = bindings.follow(variablesNode).expr;
  if (!ts.isObjectLiteralExpression(variablesObject)) {
    problem('warning', VAR_NOT_STATIC, variablesNode,
      `\`variables\` (\`${clip(variablesNode.getText(sf))}\`) is not an object literal (or a const of this file bound to one), so the variables cannot be read without running the scenario; write variables: { name: variable({...}) }`);
    return result;
  }

  const reader = new VariableOptionsReader(bindings, problems);
  for (const property of variablesObject.properties) {
    const info = readVariableProperty(property, bindings, reader, problem);
    if (info) result.variables.push(info);
  }
  return result;
}

type Report = (severity: StaticProblem['severity'], code: string, node: ts.Node, message: string) => void;

function clip(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

/** The default-exported expression: `export default x`, or `export { x as default }`. */
function defaultExport(sf: ts.SourceFile): ts.Expression | undefined {
  for (const statement of sf.statements) {
    if (ts.isExportAssignment(statement) && !statement.isExportEquals) return statement.expression;
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier === undefined && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const specifier of statement.exportClause.elements) {
        if (specifier.name.text === 'default' && ts.isIdentifier(specifier.propertyName ?? specifier.name)) {
          return (specifier.propertyName ?? specifier.name) as ts.Identifier;
        }
      }
    }
  }
  return undefined;
}

/**
 * The expression given as `variables`. A spread after it (or with none) may replace it with something unreadable,
 * so such spreads are reported; spreads before an explicit `variables` cannot change it and are fine.
 */
function findVariablesProperty(definition: ts.ObjectLiteralExpression, bindings: FileBindings, problem: Report): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  let spreadsAfter: ts.SpreadAssignment[] = [];
  for (const property of definition.properties) {
    if (ts.isSpreadAssignment(property)) {
      spreadsAfter.push(property);
      continue;
    }
    const key = property.name === undefined ? undefined : staticPropertyName(property.name, bindings);
    if (key !== 'variables') continue;
    spreadsAfter = [];
    if (ts.isPropertyAssignment(property)) found = property.initializer;
    else if (ts.isShorthandPropertyAssignment(property)) found = property.name;
    else {
      problem('warning', VAR_NOT_STATIC, property, '`variables` must be a property with an object literal, not a method or accessor');
      found = undefined;
    }
  }
  for (const spread of spreadsAfter) {
    problem('warning', VAR_NOT_STATIC, spread,
      `\`${clip(spread.getText(bindings.sf))}\` may set \`variables\`, which cannot be read without running the scenario; write variables: {...} in scenario({...}) itself, after any spread`);
  }
  return spreadsAfter.length > 0 ? undefined : found;
}

function readVariableProperty(
  property: ts.ObjectLiteralElementLike,
  bindings: FileBindings,
  reader: VariableOptionsReader,
  problem: Report,
): VariableDeclarationInfo | undefined {
  const sf = bindings.sf;
  if (ts.isSpreadAssignment(property)) {
    problem('warning', VAR_NOT_STATIC, property,
      `\`${clip(property.getText(sf))}\` hides which variables exist; list each one as name: variable({...}) so tools can read it`);
    return undefined;
  }
  if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) {
    problem('warning', VAR_NOT_STATIC, property, 'a method or accessor cannot declare a variable; write name: variable({...})');
    return undefined;
  }
  const name = staticPropertyName(property.name, bindings);
  if (name === undefined) {
    problem('warning', VAR_NOT_STATIC, property.name,
      `the computed key ${property.name.getText(sf)} cannot be read without running the scenario; write the variable's name literally`);
    return undefined;
  }
  const value = ts.isPropertyAssignment(property) ? property.initializer : property.name;
  const call = bindings.follow(value).expr;
  if (!bindings.isCallTo(call, 'variable')) {
    problem('warning', VAR_NOT_STATIC, value,
      `"${name}" is not a variable({...}) call (or a const of this file bound to one), so it cannot be read without running the scenario; write ${name}: variable({ description: '...' })`);
    return undefined;
  }
  return reader.read(name, rangeOf(sf, property.name), call);
}
