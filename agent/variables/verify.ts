/**
 * Verification of one value against one declaration (amoc's `verification`): none, an allowlist, or a function
 * that may also normalise the value. Applied to every value a variable gets: defaults, environment, plan, `--var`
 * and runtime updates alike.
 */
import type { VariableOptions } from '../api';
import { jsonEqual, renderValue } from './json-value';

export type VerifyOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Checks `value` for the variable `name`; on success `value` is the one to use (a verify function may normalise
 * it). Never throws: a verify function that throws, returns a Promise or returns something that is not a
 * `VerifyResult` becomes a rejection naming what went wrong, because a bad value must be reported with every other
 * problem, not crash the run before anything is listed. Reasons do not repeat the value: problems carry it beside.
 */
export function verifyValue(name: string, decl: Pick<VariableOptions<unknown>, 'verify'>, value: unknown): VerifyOutcome {
  if (value === undefined) return { ok: false, reason: 'the value is undefined' };
  const verify: unknown = decl.verify;
  if (verify === undefined) return { ok: true, value };
  if (Array.isArray(verify)) return checkAllowlist(verify, value);
  if (typeof verify === 'function') return callVerifier(name, verify as (v: unknown) => unknown, value);
  return { ok: false, reason: `"${name}" has an invalid verify (${renderValue(verify)}): use an array of allowed values or a function` };
}

function checkAllowlist(allowed: readonly unknown[], value: unknown): VerifyOutcome {
  if (allowed.some((candidate) => jsonEqual(candidate, value))) return { ok: true, value };
  if (allowed.length === 0) return { ok: false, reason: 'the allowlist is empty, so no value can pass' };
  return { ok: false, reason: `not one of the allowed values: ${allowed.map(renderValue).join(', ')}` };
}

function callVerifier(name: string, verify: (v: unknown) => unknown, value: unknown): VerifyOutcome {
  let result: unknown;
  try {
    result = verify(value);
  } catch (error) {
    return { ok: false, reason: `the verify function of "${name}" threw: ${error instanceof Error ? error.message : renderValue(error)}` };
  }
  return readVerifyResult(name, result, value);
}

/**
 * What a verify function's `result` for `value` means: `true` passes, `{ ok: true, value }` passes with that value,
 * anything else fails. Also the static analysis' reading of a result it computed without running the scenario.
 */
export function readVerifyResult(name: string, result: unknown, value: unknown): VerifyOutcome {
  if (result === true) return { ok: true, value };
  if (result === false) return { ok: false, reason: `rejected by the verify function of "${name}"` };
  if (typeof result === 'object' && result !== null) {
    if (typeof (result as PromiseLike<unknown>).then === 'function') {
      // Swallow its eventual rejection: we already report the misuse and must not leave an unhandled rejection.
      Promise.resolve(result).catch(() => undefined);
      return { ok: false, reason: `the verify function of "${name}" returned a Promise; verification must be synchronous` };
    }
    const r = result as { ok?: unknown; value?: unknown; reason?: unknown };
    if (r.ok === true && 'value' in r && r.value !== undefined) return { ok: true, value: r.value };
    if (r.ok === true) return { ok: false, reason: `the verify function of "${name}" returned { ok: true } without a value` };
    if (r.ok === false) {
      if (typeof r.reason === 'string' && r.reason !== '') return { ok: false, reason: r.reason };
      return { ok: false, reason: `rejected by the verify function of "${name}"` };
    }
  }
  return {
    ok: false,
    reason: `the verify function of "${name}" returned ${renderValue(result)}; expected a boolean, { ok: true, value } or { ok: false, reason }`,
  };
}
