import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileKind, folderLabel, isListed, planGroups, problemsText, TOOLTIP_MESSAGES, type FileProblems } from '../../../extension/views/plans-model';

const root = { name: 'examples', path: '/w/examples' };
const none = () => undefined;

describe('plans-model', () => {
  test('file kinds', () => {
    assert.equal(fileKind('/w/a.plan.yaml'), 'plan');
    assert.equal(fileKind('/w/a.plan.yml'), 'plan');
    assert.equal(fileKind('/w/a.scenario.ts'), 'scenario');
    assert.equal(fileKind('/w/a.ts'), undefined);
    assert.equal(fileKind('/w/a.yaml'), undefined);
  });

  test('node_modules, out and dist are not listed (relative to the workspace folder)', () => {
    assert.ok(isListed('/w/examples/a.plan.yaml', [root]));
    assert.ok(!isListed('/w/examples/node_modules/x/a.plan.yaml', [root]));
    assert.ok(!isListed('/w/examples/out/a.scenario.ts', [root]));
    assert.ok(!isListed('/w/examples/pkg/dist/a.scenario.ts', [root]));
    assert.ok(!isListed('/w/examples/readme.md', [root]));
    // A workspace that itself lives under a folder called "out" still lists its files.
    assert.ok(isListed('/out/ws/a.plan.yaml', [{ name: 'ws', path: '/out/ws' }]));
  });

  test('grouped by folder, sorted (numbers naturally), files by name; the root by its name', () => {
    const files = [
      '/w/examples/http-api.scenario.ts',
      '/w/examples/http-api.plan.yaml',
      '/w/examples/load/b10.plan.yaml',
      '/w/examples/load/b9.plan.yaml',
      '/w/examples/chat.scenario.ts',
      '/w/examples/node_modules/p/x.plan.yaml',
      '/w/examples/notes.md',
      '/w/examples/http-api.plan.yaml', // listed twice by two watchers
    ];
    const groups = planGroups(files, [root], none);
    assert.deepEqual(groups.map((g) => [g.label, g.id, g.files.map((f) => f.label)]), [
      ['examples', 'plans:folder:/w/examples', ['chat.scenario.ts', 'http-api.plan.yaml', 'http-api.scenario.ts']],
      ['load', 'plans:folder:/w/examples/load', ['b9.plan.yaml', 'b10.plan.yaml']],
    ]);
    const plan = groups[0].files[1];
    assert.deepEqual(plan, {
      kind: 'plan',
      id: 'plans:file:/w/examples/http-api.plan.yaml',
      file: '/w/examples/http-api.plan.yaml',
      label: 'http-api.plan.yaml',
      tooltip: 'http-api.plan.yaml (plan: runs as written)',
    });
    assert.equal(groups[0].files[0].kind, 'scenario');
    assert.equal(planGroups([], [root], none).length, 0);
  });

  test('several workspace folders: labels say which', () => {
    const roots = [root, { name: 'api', path: '/w/api' }];
    assert.equal(folderLabel('/w/examples', roots), 'examples');
    assert.equal(folderLabel('/w/api/plans', roots), 'api/plans');
    assert.equal(folderLabel('/w/examples/plans', [root]), 'plans');
    assert.equal(folderLabel('/elsewhere', roots), '/elsewhere');
    // The innermost folder wins for nested workspace folders.
    assert.equal(folderLabel('/w/examples/inner/x', [root, { name: 'inner', path: '/w/examples/inner' }]), 'inner/x');
  });

  test('problems: counts in the description, the worst as the icon, the first messages in the tooltip', () => {
    const problems: Record<string, FileProblems> = {
      '/w/examples/bad.plan.yaml': { errors: 7, warnings: 1, messages: Array.from({ length: 8 }, (_, i) => `line ${i + 1}: problem ${i}`) },
      '/w/examples/meh.scenario.ts': { errors: 0, warnings: 1, messages: ['line 3: "x" is declared but never read'] },
    };
    const [group] = planGroups(['/w/examples/bad.plan.yaml', '/w/examples/meh.scenario.ts', '/w/examples/ok.plan.yaml'], [root], (f) => problems[f]);
    const [bad, meh, ok] = group.files;
    assert.equal(bad.description, '7 errors, 1 warning');
    assert.equal(bad.severity, 'error');
    const lines = bad.tooltip.split('\n');
    assert.equal(lines[0], 'bad.plan.yaml (plan: runs as written)');
    assert.equal(lines[2], '7 errors, 1 warning:');
    assert.deepEqual(lines.slice(3, 3 + TOOLTIP_MESSAGES), ['• line 1: problem 0', '• line 2: problem 1', '• line 3: problem 2', '• line 4: problem 3', '• line 5: problem 4']);
    assert.equal(lines.at(-1), '… and 3 more (see the Problems view)');
    assert.equal(meh.description, '1 warning');
    assert.equal(meh.severity, 'warning');
    assert.match(meh.tooltip, /scenario: asks for a user count\)\n\n1 warning:\n• line 3/);
    assert.equal(ok.description, undefined);
    assert.equal(ok.severity, undefined);
  });

  test('problemsText', () => {
    assert.equal(problemsText(undefined), undefined);
    assert.equal(problemsText({ errors: 0, warnings: 0, messages: [] }), undefined);
    assert.equal(problemsText({ errors: 1, warnings: 0, messages: [] }), '1 error');
    assert.equal(problemsText({ errors: 2, warnings: 3, messages: [] }), '2 errors, 3 warnings');
  });
});
