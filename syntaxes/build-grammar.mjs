// Writes syntaxes/rookery-plan.tmLanguage.json, the TextMate grammar of Rookery plan files (*.plan.yaml).
// The JSON is generated because a TextMate grammar has no variables or comments: here each regex fragment is
// named once and each choice says why. Edit this file, then run `node syntaxes/build-grammar.mjs`;
// `node syntaxes/build-grammar.mjs --check` exits 1 when the JSON is stale (test/syntaxes runs it).
//
// The grammar is self-contained YAML (no include of source.yaml) plus Rookery's meaning. How it is laid out:
//
//   root ─┬─ a known top-level key at column 0 opens a section that ends at the next column-0 line that is
//         │  neither a comment, a blank nor a `- ` item; each section has its own context:
//         │    scenario → path   users → counts   userRate → rates   duration → durations   agents → URLs
//         │    onAgentLoss → policies   variables → variable entries   stages → stage kinds, fields, units
//         │    thresholds → threshold expressions   maintain → plain YAML
//         └─ anything else is plain YAML (unknown keys are tags, not plan keys)
//
// Performance rules, since a tokenizer searches every pattern from the current position of a line at every step:
//   - every pattern that can scan far is anchored (`^`, `\G`, or a one-character lookbehind such as "after a
//     blank or a flow indicator"), so it cannot start inside another token and be searched again and again;
//   - quantifiers are possessive where the text is unbounded, and no unbounded repetitions overlap;
//   - captures with `patterns` only in rules that match at most once per line (see `duration`);
//   - flow collections nest at most MAX_FLOW_DEPTH deep.
// test/syntaxes/plan-grammar.test.ts tokenizes 100 KB lines of the shapes that broke each rule, under a deadline.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const S = String.raw;
const OUT = join(dirname(fileURLToPath(import.meta.url)), 'rookery-plan.tmLanguage.json');

// ---------------------------------------------------------------------------------------------------------------
// Regex composition: fragments are strings without capturing groups; `cap` adds a numbered group with its scope,
// so capture numbers are computed, never counted by hand.

/** A capturing group; `def` is a scope name or `{ name?, patterns? }` (TextMate's capture shape). */
function cap(def, ...parts) {
  return { cap: typeof def === 'string' ? { name: def } : (def ?? {}), parts };
}
/** A non-capturing group `(?:…)` followed by `suffix` (`?`, `*`…), which may hold captures. */
function group(suffix, ...parts) {
  return { group: suffix, parts };
}
/** `(?:a|b|…)` where each branch is a list of parts. */
function alt(...branches) {
  return { alt: branches };
}

function assertNoCapturingGroup(fragment) {
  let inClass = false;
  for (let i = 0; i < fragment.length; i++) {
    const c = fragment[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(' && fragment[i + 1] !== '?') throw new Error(`fragment has a capturing group: ${fragment}`);
  }
}

/** Compiles parts into `{ source, captures }`; `captures` is in TextMate's shape. */
function compile(...parts) {
  let source = '';
  let count = 0;
  const captures = {};
  const emit = (part) => {
    if (typeof part === 'string') {
      assertNoCapturingGroup(part);
      source += part;
    } else if (part.cap) {
      const index = ++count;
      if (part.cap.name || part.cap.patterns) captures[index] = part.cap;
      source += '(';
      part.parts.forEach(emit);
      source += ')';
    } else if (part.group !== undefined) {
      source += '(?:';
      part.parts.forEach(emit);
      source += `)${part.group}`;
    } else {
      source += '(?:';
      part.alt.forEach((branch, i) => {
        if (i > 0) source += '|';
        branch.forEach(emit);
      });
      source += ')';
    }
  };
  parts.forEach(emit);
  return { source, captures };
}

function match(...parts) {
  const { source, captures } = compile(...parts);
  return Object.keys(captures).length > 0 ? { match: source, captures } : { match: source };
}

const inc = (name) => ({ include: `#${name}` });

// ---------------------------------------------------------------------------------------------------------------
// Scopes. Names are chosen among those common themes colour; the `.rookery-plan` suffix is the language.

const SCOPE = {
  planKey: 'support.type.property-name.plan-key.rookery-plan', // a known top-level key: scenario, users, …
  key: 'entity.name.tag.key.rookery-plan', // any other mapping key (unknown top-level keys included)
  stageKind: 'keyword.control.stage.rookery-plan', // ramp hold seq aseq
  field: 'support.type.property-name.field.rookery-plan', // stage fields and threshold options
  variable: 'variable.other.rookery-plan', // a variable name directly under `variables:`
  colon: 'punctuation.separator.key-value.mapping.rookery-plan',
  dash: 'punctuation.definition.block.sequence.item.rookery-plan',
  explicitKey: 'punctuation.definition.key-value.begin.rookery-plan',
  comma: 'punctuation.separator.comma.rookery-plan',
  mapBegin: 'punctuation.definition.mapping.begin.rookery-plan',
  mapEnd: 'punctuation.definition.mapping.end.rookery-plan',
  seqBegin: 'punctuation.definition.sequence.begin.rookery-plan',
  seqEnd: 'punctuation.definition.sequence.end.rookery-plan',
  comment: 'comment.line.number-sign.rookery-plan',
  commentPunct: 'punctuation.definition.comment.rookery-plan',
  dq: 'string.quoted.double.rookery-plan',
  sq: 'string.quoted.single.rookery-plan',
  stringBegin: 'punctuation.definition.string.begin.rookery-plan',
  stringEnd: 'punctuation.definition.string.end.rookery-plan',
  escape: 'constant.character.escape.rookery-plan',
  badEscape: 'invalid.illegal.escape.rookery-plan',
  plain: 'string.unquoted.plain.rookery-plan',
  path: 'string.unquoted.path.rookery-plan',
  url: 'string.unquoted.url.rookery-plan',
  block: 'string.unquoted.block.rookery-plan',
  blockIndicator: 'keyword.control.flow.block-scalar.rookery-plan',
  blockHeader: 'storage.modifier.block-scalar.rookery-plan',
  nul: 'constant.language.null.rookery-plan',
  bool: 'constant.language.boolean.rookery-plan',
  int: 'constant.numeric.integer.rookery-plan',
  float: 'constant.numeric.float.rookery-plan',
  count: 'constant.numeric.count.rookery-plan',
  duration: 'constant.numeric.duration.rookery-plan',
  durationUnit: 'keyword.other.unit.duration.rookery-plan',
  rate: 'constant.numeric.rate.rookery-plan',
  rateUnit: 'keyword.other.unit.rate.rookery-plan',
  percentage: 'constant.numeric.percentage.rookery-plan',
  percentageUnit: 'keyword.other.unit.percentage.rookery-plan',
  value: 'constant.numeric.value.rookery-plan',
  policy: 'support.constant.agent-loss.rookery-plan',
  threshold: 'meta.threshold.rookery-plan',
  metric: 'support.function.metric.rookery-plan',
  selectorBegin: 'punctuation.section.selector.begin.rookery-plan',
  selectorEnd: 'punctuation.section.selector.end.rookery-plan',
  selector: 'string.unquoted.selector.rookery-plan',
  operator: 'keyword.operator.comparison.rookery-plan',
  anchor: 'entity.name.type.anchor.rookery-plan',
  anchorPunct: 'punctuation.definition.anchor.rookery-plan',
  alias: 'variable.other.alias.rookery-plan',
  aliasPunct: 'punctuation.definition.alias.rookery-plan',
  tag: 'storage.type.tag.rookery-plan',
  docBegin: 'entity.other.document.begin.rookery-plan',
  docEnd: 'entity.other.document.end.rookery-plan',
  directive: 'keyword.other.directive.rookery-plan',
};

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary, mirrored from agent/plan (parse-plan.ts PLAN_KEYS and AGENT_LOSS_POLICIES, parse-stages.ts) and the
// thresholds syntax. The grammar test checks every PLAN_KEYS, STAGE_KINDS and AGENT_LOSS_POLICIES entry is here.

/** Top-level key → the repository context of its section. */
const SECTIONS = {
  scenario: 'section-scenario',
  users: 'section-users',
  userRate: 'section-user-rate',
  duration: 'section-duration',
  maintain: 'block-generic',
  variables: 'section-variables',
  stages: 'section-stages',
  agents: 'section-agents',
  onAgentLoss: 'section-on-agent-loss',
  thresholds: 'section-thresholds',
};
const STAGE_KINDS = ['ramp', 'hold', 'seq', 'aseq'];
const STAGE_FIELDS = ['to', 'over', 'every', 'users', 'add'];
/** Stage keys whose value is a duration, so a bare number there (seconds) is a duration too. */
const STAGE_DURATION_KEYS = ['hold', 'over', 'every'];
const THRESHOLD_OPTIONS = ['threshold', 'abortOnFail', 'delay'];
const AGENT_LOSS_POLICIES = ['continue', 'redistribute', 'abort'];
const words = (list) => `(?:${list.join('|')})`;

// ---------------------------------------------------------------------------------------------------------------
// Fragments.

/** A YAML plain scalar ends (block context) at the end of the line or before ` #`; `,]}` are ordinary there. */
const BLOCK_END = S`(?=[ \t]*+$|[ \t]++#)`;
/** In flow context it also ends before `,`, `]` and `}`. */
const FLOW_END = S`(?=[ \t]*+(?:$|[,\]}])|[ \t]++#)`;
/** A typed scalar starts after a blank or at the line start (block), or after a flow indicator (flow). */
const BLOCK_START = S`(?<![^ \t])`;
const FLOW_START = S`(?<![^ \t\[{,])`;

const NUM = S`(?:\d++(?:\.\d++)?|\.\d++)`;
const SIGNED_NUM = S`[-+]?${NUM}`;
const DQ = S`"(?:[^"\\]++|\\.)*+"`;
const SQ = S`'(?:[^']++|'')*+'`;
/** First character of a plain scalar: not an indicator, or `-?:` followed by a non-blank (`-3`, `:x`). */
const PLAIN_FIRST_BLOCK = S`(?:[^\s\-?:,\[\]{}#&*!|>'"%@${'`'}]|[-?:](?=\S))`;
const PLAIN_FIRST_FLOW = S`(?:[^\s\-?:,\[\]{}#&*!|>'"%@${'`'}]|[-?:](?=[^\s,\[\]{}]))`;
/** A plain key up to the spaces before its `:`; keys holding `:` or `#` are not recognised (rare in plans). */
const PLAIN_KEY_BLOCK = S`${PLAIN_FIRST_BLOCK}(?:[^:#\r\n]*[^\s:#])?`;
const PLAIN_KEY_FLOW = S`${PLAIN_FIRST_FLOW}(?:[^:#,\[\]{}\r\n]*[^\s:#,\[\]{}])?`;
/** A `:` ends a plain key only when followed by a blank (or, in flow, by a flow indicator). */
const COLON_AFTER_BLOCK_KEY = S`(?=[ \t]|$)`;
const COLON_AFTER_FLOW_KEY = S`(?=[ \t]|$|[,\[\]{}])`;
/** Where a flow key can start: right after `{`, `[` or `,`, or at the start of a continuation line. */
const FLOW_KEY_START = S`(?:(?<=[\[{,])|^)[ \t]*+`;

// Captures never carry `patterns` in rules that can match many times on one line: vscode-textmate re-tokenizes
// such a capture on a fresh copy of the line up to it, which is quadratic along a long line. So units and key
// classes are spelled out as capture groups.

/**
 * A duration with units, each unit at most once and largest first (h, m, s, ms), as units.ts parseDuration
 * accepts: 500ms, 30s, 1m30s, 1.5h. The groups are all optional; the lookahead and the caller's end lookahead
 * reject the empty match.
 */
function duration(scope) {
  const component = (unit) => group('?', NUM, cap(SCOPE.durationUnit, unit));
  return cap(scope, S`(?=[.\d])`, component('h'), component(S`m(?!s)`), component('s'), component('ms'));
}
/** A rate: a number, a slash and a time unit as units.ts RATE_UNITS spells it (case-insensitive there too). */
const rate = () =>
  cap(SCOPE.rate, NUM, cap(SCOPE.rateUnit, S`[ \t]*+/[ \t]*+(?i:second|sec|s|minute|min|m|hour|hr|h)`));
const percentage = (scope) => cap(scope, NUM, cap(SCOPE.percentageUnit, '%'));

/** A quoted key, scoped `scope` as a whole with string punctuation inside. */
function quotedKey(scope) {
  return [
    [cap(`${scope} ${SCOPE.dq}`, cap(SCOPE.stringBegin, '"'), S`(?:[^"\\]++|\\.)*+`, cap(SCOPE.stringEnd, '"'))],
    [cap(`${scope} ${SCOPE.sq}`, cap(SCOPE.stringBegin, "'"), S`(?:[^']++|'')*+`, cap(SCOPE.stringEnd, "'"))],
  ];
}
/**
 * A key of a key class: its known words first (each must be the whole key: a longer key backtracks to the
 * plain branch, since a `:` must follow), then quoted and plain keys with the class's default scope.
 */
function key(keyClass, context) {
  const { known, scope } = KEY_CLASSES[keyClass];
  return alt(
    ...known.map(([list, wordScope]) => [cap(wordScope, words(list))]),
    ...quotedKey(scope),
    [cap(scope, context === 'block' ? PLAIN_KEY_BLOCK : PLAIN_KEY_FLOW)],
  );
}

/** Block scalar header: `|` or `>`, then an indentation digit and/or a chomping indicator, in either order. */
function blockScalarHeader() {
  return [
    cap(SCOPE.blockIndicator, '[|>]'),
    cap(SCOPE.blockHeader, S`(?:[1-9][-+]?|[-+][1-9]?)?`),
    // At most once per line, so this capture may be re-tokenized.
    group('?', S`[ \t]++`, cap({ patterns: [inc('comment')] }, '#.*')),
    S`[ \t]*$`,
  ];
}

/** The `- ` indicators before a key; anchored at the line start, so at most once per line. */
const dashes = () => cap({ patterns: [inc('dash')] }, S`(?:-[ \t]+)*`);

/**
 * A threshold expression: stat, optional {selector}, operator, value. `selector` is the pattern of a selector's
 * name for the context, or null where YAML allows no braces (flow plain scalars).
 */
function expression(selector) {
  const parts = [cap(SCOPE.metric, S`[A-Za-z_][A-Za-z0-9_]*+(?:\.[A-Za-z_][A-Za-z0-9_]*+)?`)];
  if (selector) parts.push(group('?', cap(SCOPE.selectorBegin, S`\{`), cap(SCOPE.selector, selector), cap(SCOPE.selectorEnd, S`\}`)));
  parts.push(
    S`[ \t]*+`,
    cap(SCOPE.operator, S`<=|>=|==|!=|<|>`),
    S`[ \t]*+`,
    alt([duration(SCOPE.duration)], [percentage(SCOPE.percentage)], [cap(SCOPE.value, SIGNED_NUM)]),
  );
  return cap(SCOPE.threshold, ...parts);
}
/** In a block plain scalar the selector may hold anything but `}`, except ` #`, which starts a comment. */
const SELECTOR_BLOCK = S`(?:[^}\s#]++|#|[ \t]++(?=[^\s#]))*+`;

// ---------------------------------------------------------------------------------------------------------------
// Rule builders.

/** `key: value` on one line of a block mapping (after optional `- `), for keys whose value type is known. */
function blockKeyValue(keyParts, ...value) {
  return match('^', S`[ \t]*`, dashes(), keyParts, S`[ \t]*`, cap(SCOPE.colon, ':'), S`[ \t]+`, ...value, BLOCK_END);
}
function flowKeyValue(keyParts, ...value) {
  return match(FLOW_KEY_START, keyParts, S`[ \t]*+`, cap(SCOPE.colon, ':'), S`[ \t]++`, ...value, FLOW_END);
}

/** A block mapping key at the start of a line (after its indentation and any `- `). */
function blockKey(keyClass) {
  return match('^', S`[ \t]*`, dashes(), key(keyClass, 'block'), S`[ \t]*`, cap(SCOPE.colon, ':'), COLON_AFTER_BLOCK_KEY);
}
/** A flow mapping key; a quoted one may be followed by `:` directly, JSON style: {"to":10}. */
function flowKey(keyClass) {
  return match(FLOW_KEY_START, key(keyClass, 'flow'), S`[ \t]*+`, cap(SCOPE.colon, ':'), S`(?:(?<=["']:)|${COLON_AFTER_FLOW_KEY})`);
}

/** A begin/end rule whose content is a block scalar. */
function blockScalar(begin, endLookahead) {
  const { source, captures } = compile(...begin);
  return {
    name: 'meta.block-scalar.rookery-plan',
    begin: source,
    beginCaptures: captures,
    // Ends at the first non-blank line that is not more indented than the key (or the `-` of an item).
    end: `^(?![ \\t]*$)(?!${endLookahead})`,
    contentName: SCOPE.block,
  };
}
/**
 * The three places a block scalar starts on a line: `key: |`, `- key: |` and `- |`. Content must be indented
 * more than the key's column; for `- key: |` that column is the dash's plus the dash and its spaces, rebuilt in
 * the end pattern as `\1 \3` (indentation, one space for the dash, the spaces after it).
 */
function blockScalarEntries(keyClass, { indented = false } = {}) {
  const indent = indented ? S`[ \t]+` : S`[ \t]*`;
  const keyed = ['^', cap({}, indent), key(keyClass, 'block'), S`[ \t]*`, cap(SCOPE.colon, ':'), S`[ \t]+`, ...blockScalarHeader()];
  const rules = [blockScalar(keyed, S`\1[ \t]`)];
  if (!indented) {
    const dashKeyed = ['^', cap({}, indent), cap(SCOPE.dash, '-'), cap({}, S`[ \t]+`), key(keyClass, 'block'), S`[ \t]*`, cap(SCOPE.colon, ':'), S`[ \t]+`, ...blockScalarHeader()];
    rules.push(blockScalar(dashKeyed, S`\1 \3[ \t]`));
    rules.push(blockScalar(['^', cap({}, indent), cap(SCOPE.dash, '-'), S`[ \t]+`, ...blockScalarHeader()], S`\1[ \t]`));
  }
  return rules;
}

/** A typed scalar: `value` (a capture) must be the whole scalar. */
function typed(context, value) {
  return context === 'block' ? match(BLOCK_START, value, BLOCK_END) : match(FLOW_START, value, FLOW_END);
}
/**
 * A plain scalar, which only starts where a scalar can (after a blank or a flow indicator): starting inside
 * another token (`a` in `&a`) would make it a long match that loses and is searched again at every step.
 */
function plainScalar(context, scope) {
  if (context === 'block') {
    // Runs to ` #`, `: ` or the end of the line; `:` and `#` inside (`http://h:80`, `a#b`) belong to it.
    return { match: S`${BLOCK_START}${PLAIN_FIRST_BLOCK}(?:[^\s:#]++|:(?=\S)|#|[ \t]++(?=[^\s#:]|:\S))*+`, name: scope };
  }
  return {
    match: S`${FLOW_START}${PLAIN_FIRST_FLOW}(?:[^\s:#,\[\]{}]++|:(?=[^\s,\[\]{}])|#|[ \t]++(?=[^\s#:,\[\]{}]|:[^\s,\[\]{}]))*+`,
    name: scope,
  };
}

/** The generic typed scalars of YAML 1.2's core schema (what the `yaml` package reads by default). */
function coreScalars(context) {
  return [
    typed(context, cap(SCOPE.nul, S`null|Null|NULL|~`)),
    typed(context, cap(SCOPE.bool, S`true|True|TRUE|false|False|FALSE`)),
    typed(context, cap(SCOPE.int, S`[-+]?\d++|0x[0-9a-fA-F]++|0o[0-7]++`)),
    typed(context, cap(SCOPE.float, S`[-+]?(?:\.\d++|\d++(?:\.\d*+)?)(?:[eE][-+]?\d++)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)`)),
  ];
}

/**
 * The patterns of a block context. `keys` names its key class (its rules are the repository's
 * `block-scalars-<keys>` and `block-key-<keys>`); `keyValues` are key-specific rules tried before plain keys;
 * `typed` are its own typed scalars, tried before the core ones; `flows` names its flow mapping and sequence;
 * `strings` its quoted strings; `plain` the scope of its plain scalars.
 */
function blockContext({ keys = 'generic', keyValues = [], typed: own = [], flows = ['flow-mapping', 'flow-sequence'], strings = ['double-quoted', 'single-quoted'], plain = SCOPE.plain }) {
  return [
    inc('comment'),
    inc(`block-scalars-${keys}`),
    ...keyValues,
    inc(`block-key-${keys}`),
    inc('block-sequence'),
    inc('explicit-entry'),
    ...flows.map(inc),
    ...strings.map(inc),
    inc('properties'),
    inc('block-scalar-indicator'),
    ...own,
    inc('core-block'),
    plain === SCOPE.plain ? inc('plain-block') : plainScalar('block', plain),
  ];
}

/** The patterns inside a flow collection; `keys` names its key class (the repository's `flow-key-<keys>`). */
function flowContent({ keys = 'generic', keyValues = [], items = [], typed: own = [], flows, strings = ['double-quoted', 'single-quoted'] }) {
  return [
    inc('comment'),
    ...keyValues,
    inc(`flow-key-${keys}`),
    ...items,
    ...flows.map(inc),
    ...strings.map(inc),
    inc('properties'),
    ...own,
    inc('core-flow'),
    inc('plain-flow'),
    { match: ',', name: SCOPE.comma },
  ];
}

// A flow collection also ends at a column-0 line: its content must be indented inside a plan's top-level
// mapping, so an unclosed `[` or `{` cannot swallow the rest of the file.
function flowMapping(patterns) {
  return {
    name: 'meta.flow-mapping.rookery-plan',
    begin: S`\{`,
    beginCaptures: { 0: { name: SCOPE.mapBegin } },
    end: S`\}|^(?=\S)`,
    endCaptures: { 0: { name: SCOPE.mapEnd } },
    patterns,
  };
}
function flowSequence(patterns) {
  return {
    name: 'meta.flow-sequence.rookery-plan',
    begin: S`\[`,
    beginCaptures: { 0: { name: SCOPE.seqBegin } },
    end: S`\]|^(?=\S)`,
    endCaptures: { 0: { name: SCOPE.seqEnd } },
    patterns,
  };
}

/**
 * Flow collections nest at most MAX_FLOW_DEPTH deep; deeper brackets are punctuation only. Every level pushes a
 * rule, and vscode-textmate's tokenizeLine gives each token its whole scope stack, so `[[[[…` over a long line
 * would cost depth × tokens; plans never nest flows that deep.
 */
const MAX_FLOW_DEPTH = 6;
const flowName = (kind, flavour, depth) => `flow-${kind}${flavour ? `-${flavour}` : ''}${depth > 1 ? `-${depth}` : ''}`;

/** The flow mapping and sequence rules of one flavour at every depth; `options` are per kind, for flowContent. */
function flowFamily(flavour, options) {
  const rules = {};
  for (let depth = 1; depth <= MAX_FLOW_DEPTH; depth++) {
    const deeper = depth < MAX_FLOW_DEPTH;
    const flows = deeper ? [flowName('mapping', flavour, depth + 1), flowName('sequence', flavour, depth + 1)] : ['flow-too-deep'];
    rules[flowName('mapping', flavour, depth)] = flowMapping(flowContent({ ...options.mapping, flows }));
    rules[flowName('sequence', flavour, depth)] = flowSequence(flowContent({ ...options.sequence, flows }));
  }
  return rules;
}

/** Quoted strings; like flows, they end at a column-0 line, so an unclosed quote stays local. */
function quoted(kind, extra = []) {
  const double = kind === 'double';
  return {
    name: double ? SCOPE.dq : SCOPE.sq,
    begin: double ? '"' : "'",
    beginCaptures: { 0: { name: SCOPE.stringBegin } },
    end: double ? S`"|^(?=\S)` : S`'(?!')|^(?=\S)`,
    endCaptures: { 0: { name: SCOPE.stringEnd } },
    patterns: [...extra, inc(double ? 'double-quoted-escape' : 'single-quoted-escape')],
  };
}

/** A top-level section: from a known key at column 0 to the next column-0 line of the mapping. */
function section(name) {
  const kebab = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return {
    name: `meta.section.${kebab}.rookery-plan`,
    begin: S`^(${name})([ \t]*)(:)(?=[ \t]|$)`,
    beginCaptures: { 1: { name: SCOPE.planKey }, 3: { name: SCOPE.colon } },
    // The next column-0 line that is not a comment, a blank or a `- ` item (a sequence may sit at the key's column).
    end: S`^(?=[^\s#])(?!-(?:[ \t]|$))`,
    patterns: [inc(SECTIONS[name])],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Rookery's contexts.

/** Key classes: known words with their scope, and the scope of any other key. */
const KEY_CLASSES = {
  generic: { known: [], scope: SCOPE.key },
  root: { known: [[Object.keys(SECTIONS), SCOPE.planKey]], scope: SCOPE.key },
  stages: { known: [[STAGE_KINDS, SCOPE.stageKind], [STAGE_FIELDS, SCOPE.field]], scope: SCOPE.key },
  // `hold: 10`, `over: 30`: the stage keys whose bare number is seconds, so a duration.
  stageDurations: { known: [[['hold'], SCOPE.stageKind], [['over', 'every'], SCOPE.field]], scope: null },
  thresholds: { known: [[THRESHOLD_OPTIONS, SCOPE.field]], scope: SCOPE.key },
  variable: { known: [], scope: SCOPE.variable },
};
/** Only the known words of a class, as a capture (for key-value rules). */
const knownKey = (keyClass) => alt(...KEY_CLASSES[keyClass].known.map(([list, scope]) => [cap(scope, words(list))]));
const field = (name) => cap(SCOPE.field, name);

const thresholdStrings = ['threshold-double-quoted', 'threshold-single-quoted'];

const stageBlock = {
  keys: 'stages',
  keyValues: [blockKeyValue(knownKey('stageDurations'), cap(SCOPE.duration, NUM))],
  // Elsewhere in stages a number is a user count (`to`, `add`, `users: [10, 20]`).
  typed: [typed('block', duration(SCOPE.duration)), typed('block', cap(SCOPE.count, SIGNED_NUM))],
  flows: ['flow-mapping-stages', 'flow-sequence-stages'],
};
const stageFlow = { keys: 'stages', keyValues: [inc('stage-key-values-flow')], typed: [inc('stage-typed-flow')] };

const thresholdBlock = {
  keys: 'thresholds',
  keyValues: [
    // `- p99 < 500ms`: a list item that is a whole expression.
    match('^', S`[ \t]*`, cap(SCOPE.dash, '-'), S`[ \t]+`, expression(SELECTOR_BLOCK), BLOCK_END),
    blockKeyValue(field('threshold'), expression(SELECTOR_BLOCK)),
    blockKeyValue(field('delay'), cap(SCOPE.duration, NUM)),
  ],
  typed: [typed('block', duration(SCOPE.duration))],
  flows: ['flow-mapping-thresholds', 'flow-sequence-thresholds'],
  strings: thresholdStrings,
};
const thresholdFlow = {
  keys: 'thresholds',
  keyValues: [inc('threshold-key-values-flow')],
  typed: [inc('threshold-typed-flow')],
  strings: thresholdStrings,
};

function thresholdQuoted(kind) {
  const quote = kind === 'double' ? '"' : "'";
  return quoted(kind, [match(S`\G[ \t]*+`, expression(`[^}${quote}]*+`), S`[ \t]*+(?=${quote})`)]);
}

/**
 * Key rules, each once in the repository. Root keys only need the block-scalar form (the sections take the
 * others); variables have their own entry rule for the block form (see `variable-entry`).
 */
function keyRules() {
  const rules = { 'block-scalars-root': { patterns: blockScalarEntries('root') }, 'flow-key-variable': flowKey('variable') };
  for (const keyClass of ['generic', 'stages', 'thresholds']) {
    rules[`block-scalars-${keyClass}`] = { patterns: blockScalarEntries(keyClass) };
    rules[`block-key-${keyClass}`] = blockKey(keyClass);
    rules[`flow-key-${keyClass}`] = flowKey(keyClass);
  }
  return rules;
}

const repository = {
  // --- YAML building blocks ---
  comment: { match: S`(?<![^ \t])(#).*$`, name: SCOPE.comment, captures: { 1: { name: SCOPE.commentPunct } } },
  'document-marker': {
    patterns: [
      { match: S`^---(?=[ \t]|$)`, name: SCOPE.docBegin },
      { match: S`^\.\.\.(?=[ \t]|$)`, name: SCOPE.docEnd },
    ],
  },
  directive: {
    match: S`^(%)([A-Za-z]++)[^#\n]*+`,
    name: 'meta.directive.rookery-plan',
    captures: { 1: { name: 'punctuation.definition.directive.rookery-plan' }, 2: { name: SCOPE.directive } },
  },
  dash: { match: '-', name: SCOPE.dash },
  'block-sequence': match('^', S`[ \t]*+`, cap({ patterns: [inc('dash')] }, S`(?:-[ \t]+)*-`), S`(?=[ \t]|$)`),
  'explicit-entry': match('^', S`[ \t]*+`, alt([cap(SCOPE.explicitKey, S`\?`)], [cap(SCOPE.colon, ':')]), S`(?=[ \t]|$)`),
  'block-scalar-indicator': match(BLOCK_START, ...blockScalarHeader()),
  properties: {
    patterns: [
      match(FLOW_START, cap(SCOPE.tag, S`!<[^>\s]*+>|![^\s,\[\]{}]*+`)),
      match(FLOW_START, cap(SCOPE.anchorPunct, '&'), cap(SCOPE.anchor, S`[^\s,\[\]{}]++`)),
      match(FLOW_START, cap(SCOPE.aliasPunct, S`\*`), cap(SCOPE.alias, S`[^\s,\[\]{}]++`)),
    ],
  },
  'double-quoted': quoted('double'),
  'single-quoted': quoted('single'),
  'double-quoted-escape': {
    patterns: [
      { match: S`\\(?:[0abtnvfre "/\\N_LP\t]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|$)`, name: SCOPE.escape },
      { match: S`\\.`, name: SCOPE.badEscape },
    ],
  },
  'single-quoted-escape': { match: "''", name: SCOPE.escape },
  'core-block': { patterns: coreScalars('block') },
  'core-flow': { patterns: coreScalars('flow') },
  'plain-block': plainScalar('block', SCOPE.plain),
  'plain-flow': plainScalar('flow', SCOPE.plain),
  ...keyRules(),

  // --- generic YAML ---
  'block-generic': { patterns: blockContext({}) },
  ...flowFamily('', { mapping: {}, sequence: {} }),
  'flow-too-deep': {
    patterns: [
      { match: S`\{`, name: SCOPE.mapBegin },
      { match: S`\[`, name: SCOPE.seqBegin },
    ],
  },

  // --- sections ---
  'section-scenario': { patterns: blockContext({ plain: SCOPE.path }) },
  'section-users': { patterns: blockContext({ typed: [typed('block', cap(SCOPE.count, SIGNED_NUM))] }) },
  'section-user-rate': { patterns: blockContext({ typed: [typed('block', rate()), typed('block', cap(SCOPE.rate, NUM))] }) },
  'section-duration': { patterns: blockContext({ typed: [typed('block', duration(SCOPE.duration)), typed('block', cap(SCOPE.duration, NUM))] }) },
  'section-agents': { patterns: blockContext({ plain: SCOPE.url }) },
  'section-on-agent-loss': { patterns: blockContext({ typed: [typed('block', cap(SCOPE.policy, words(AGENT_LOSS_POLICIES)))] }) },
  'section-variables': {
    patterns: [
      inc('comment'),
      ...blockScalarEntries('variable', { indented: true }),
      inc('variable-entry'),
      inc('flow-mapping-variables'),
      inc('block-generic'),
    ],
  },
  // One variable and its value: from its key to the next line not more indented (blanks, comments and `- `
  // items at the key's column belong to it), so keys of a nested mapping are plain keys, not variables.
  'variable-entry': (() => {
    const { source, captures } = compile('^', cap({}, S`[ \t]+`), key('variable', 'block'), S`[ \t]*`, cap(SCOPE.colon, ':'), COLON_AFTER_BLOCK_KEY);
    return {
      name: 'meta.variable-entry.rookery-plan',
      begin: source,
      beginCaptures: captures,
      end: S`^(?![ \t]*+(?:#|$))(?!\1[ \t])(?!\1-(?:[ \t]|$))`,
      patterns: [inc('block-generic')],
    };
  })(),
  // `variables: { host: …, port: … }`: the flow form; only its own keys are variables.
  'flow-mapping-variables': flowMapping(flowContent({ keys: 'variable', flows: [flowName('mapping', '', 2), flowName('sequence', '', 2)] })),

  'section-stages': { patterns: blockContext(stageBlock) },
  ...flowFamily('stages', { mapping: stageFlow, sequence: stageFlow }),
  'stage-key-values-flow': flowKeyValue(knownKey('stageDurations'), cap(SCOPE.duration, NUM)),
  'stage-typed-flow': { patterns: [typed('flow', duration(SCOPE.duration)), typed('flow', cap(SCOPE.count, SIGNED_NUM))] },

  'section-thresholds': { patterns: blockContext(thresholdBlock) },
  // `[p99 < 500ms, error_rate < 1%]`: sequence items that are whole expressions (no selector: YAML forbids
  // braces in flow plain scalars; quote those).
  ...flowFamily('thresholds', { mapping: thresholdFlow, sequence: { ...thresholdFlow, items: [inc('threshold-flow-item')] } }),
  'threshold-flow-item': match(FLOW_START, expression(null), FLOW_END),
  'threshold-typed-flow': typed('flow', duration(SCOPE.duration)),
  'threshold-key-values-flow': {
    patterns: [flowKeyValue(field('threshold'), expression(null)), flowKeyValue(field('delay'), cap(SCOPE.duration, NUM))],
  },
  'threshold-double-quoted': thresholdQuoted('double'),
  'threshold-single-quoted': thresholdQuoted('single'),
};

const grammar = {
  information_for_contributors: [
    'Generated by syntaxes/build-grammar.mjs: edit that file, then run `node syntaxes/build-grammar.mjs`.',
  ],
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'Rookery Plan',
  scopeName: 'source.rookery-plan',
  fileTypes: ['plan.yaml', 'plan.yml'],
  patterns: [
    inc('comment'),
    inc('document-marker'),
    inc('directive'),
    // `scenario: |` and other keys with a block scalar, before sections (a section would not see the `|` start).
    inc('block-scalars-root'),
    ...Object.keys(SECTIONS).map(section),
    inc('block-generic'),
  ],
  repository,
};

const text = `${JSON.stringify(grammar, null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (current !== text) {
    console.error(`${OUT} is out of date: run node syntaxes/build-grammar.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUT, text);
}
