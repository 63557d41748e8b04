/**
 * The live values of a run's variables on one node: what users read as `vars`, and runtime updates under each
 * variable's policy (amoc's `update`: `read_only`, `none` or a hook).
 *
 * An update is all-or-nothing up to the point of applying: every name is checked (declared, updatable, verified)
 * before any value changes, so a batch with one bad value changes nothing. Hooks run after the values are applied
 * and cannot undo them: a hook that throws is reported as an `update_failed` problem while the new value stays —
 * the same as amoc, where the update function is an action taken on a change, not a veto (`verify` is the veto).
 */
import type { UpdatePolicy } from '../api';
import { RookeryError } from '../common/errors';
import { suggestionSuffix } from '../common/did-you-mean';
import type { ValueSource, VariableProblem } from '../protocol/variables';
import { frozenCopy, renderValue } from './json-value';
import type { VariableDeclarations } from './resolve';
import { verifyValue } from './verify';

/** One applied change, as change listeners receive it. */
export interface VariableChange {
  name: string;
  value: unknown;
  previous: unknown;
}

/** Called synchronously once per applied update (before hooks run), e.g. to propagate it to other nodes. */
export type ChangeListener = (changes: VariableChange[]) => void;

export interface UpdateResult {
  /** Names whose new value was applied (empty when anything was rejected). */
  applied: string[];
  /** Why the update was rejected, or which hooks or listeners failed after it was applied. */
  problems: VariableProblem[];
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : renderValue(error);
}

/** Why `policy` forbids runtime updates, or undefined when it allows them. */
function updateRejection(name: string, policy: unknown): string | undefined {
  if (policy === 'none' || typeof policy === 'function') return undefined;
  if (policy === undefined || policy === 'read_only') {
    return `variable ${name} is read_only; declare update: 'none' or a function to allow runtime updates`;
  }
  return `variable ${name} has an invalid update policy ${renderValue(policy)}, treated as read_only; declare update: 'read_only', 'none' or a function`;
}

export class VariableStore {
  readonly #declarations: VariableDeclarations;
  readonly #values = new Map<string, unknown>();
  readonly #sources = new Map<string, ValueSource>();
  readonly #listeners = new Set<ChangeListener>();
  readonly #view: Record<string, unknown>;

  /**
   * `values` must hold a value for every declared variable and nothing else (`resolveVariables(...).values`);
   * `sources` says where each came from (missing entries count as `default`).
   */
  constructor(declarations: VariableDeclarations, values: Record<string, unknown>, sources: Record<string, ValueSource> = {}) {
    this.#declarations = declarations;
    for (const name of Object.keys(declarations)) {
      if (!Object.prototype.hasOwnProperty.call(values, name)) {
        throw new RookeryError('ROOKERY_INTERNAL', `variable store: no resolved value for declared variable "${name}"`);
      }
      this.#values.set(name, frozenCopy(values[name]));
      this.#sources.set(name, sources[name] ?? 'default');
    }
    for (const name of Object.keys(values)) {
      if (!this.#values.has(name)) throw new RookeryError('ROOKERY_INTERNAL', `variable store: "${name}" is not declared`);
    }
    this.#view = this.#makeView();
  }

  /** The current value of `name`; undefined for a name that is not declared. */
  get(name: string): unknown {
    return this.#values.get(name);
  }

  /** A snapshot of every current value. */
  values(): Record<string, unknown> {
    return Object.fromEntries(this.#values);
  }

  /** Where each current value came from (`update` once changed at runtime). */
  sources(): Record<string, ValueSource> {
    return Object.fromEntries(this.#sources);
  }

  /**
   * The object scenarios get as `vars`: always the current values (a getter per variable, so runtime updates are
   * seen at once), an undeclared key reads as undefined, and assigning a variable throws a TypeError naming it —
   * in sloppy code too, where a plain read-only property would ignore the write silently.
   */
  view(): Record<string, unknown> {
    return this.#view;
  }

  /** Registers a listener for applied updates; returns the function that removes it. */
  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /**
   * Validates every change (declared, updatable, verified), then applies all of them, tells change listeners, and
   * runs the function hooks one after another with `(name, newValue, oldValue)`. Every hook runs even if an earlier
   * one throws. Values a verify function normalises are stored normalised.
   */
  async update(changes: Record<string, unknown>): Promise<UpdateResult> {
    const problems: VariableProblem[] = [];
    const accepted: [string, unknown][] = [];
    const declared = Object.keys(this.#declarations);
    for (const [name, value] of Object.entries(changes)) {
      const decl = Object.prototype.hasOwnProperty.call(this.#declarations, name) ? this.#declarations[name] : undefined;
      if (decl === undefined) {
        problems.push({ variable: name, kind: 'unknown', source: 'update', value, reason: `unknown variable "${name}"${suggestionSuffix(name, declared)}` });
        continue;
      }
      const rejection = updateRejection(name, decl.update);
      if (rejection !== undefined) {
        problems.push({ variable: name, kind: 'read_only', source: 'update', value, reason: rejection });
        continue;
      }
      const check = verifyValue(name, decl, value);
      if (check.ok) accepted.push([name, check.value]);
      else problems.push({ variable: name, kind: 'invalid', source: 'update', value, reason: check.reason });
    }
    if (problems.length > 0 || accepted.length === 0) return { applied: [], problems };

    const applied: VariableChange[] = accepted.map(([name, value]) => {
      const previous = this.#values.get(name);
      const stored = frozenCopy(value);
      this.#values.set(name, stored);
      this.#sources.set(name, 'update');
      return { name, value: stored, previous };
    });

    for (const listener of [...this.#listeners]) {
      try {
        listener(applied.map((c) => ({ ...c })));
      } catch (error) {
        for (const c of applied) {
          problems.push({ variable: c.name, kind: 'update_failed', source: 'update', value: c.value, reason: `applied, but a change listener failed: ${errorText(error)}` });
        }
      }
    }

    for (const c of applied) {
      const hook = this.#declarations[c.name].update as UpdatePolicy<unknown>;
      if (typeof hook !== 'function') continue;
      try {
        await hook(c.name, c.value, c.previous);
      } catch (error) {
        problems.push({ variable: c.name, kind: 'update_failed', source: 'update', value: c.value, reason: `applied, but its update hook threw: ${errorText(error)}` });
      }
    }
    return { applied: applied.map((c) => c.name), problems };
  }

  #makeView(): Record<string, unknown> {
    const view = Object.create(null) as Record<string, unknown>;
    for (const name of this.#values.keys()) {
      Object.defineProperty(view, name, {
        enumerable: true,
        get: () => this.#values.get(name),
        set: () => {
          throw new TypeError(`vars.${name} is read-only: variables change only through a runtime update of "${name}"`);
        },
      });
    }
    // console.log(vars) shows values rather than a row of [Getter/Setter].
    Object.defineProperty(view, Symbol.for('nodejs.util.inspect.custom'), { value: () => this.values() });
    return Object.freeze(view);
  }
}
