/**
 * What "Rookery: New Scenario" writes: a small working HTTP scenario (two variables, against the demo target), a
 * plan that runs it, and a tsconfig.json that maps `rookery` to a copy of the type declarations shipped with the
 * extension in the workspace (`.rookery/types/rookery.d.ts`), so the scenario type-checks in a new workspace without
 * `npm install`. A copy, not the extension's own file: the extension's folder changes with every update, and a
 * tsconfig pointing into it would break; the copy is refreshed when the extension starts (workspace-types.ts). Plain strings in and out (no vscode), so
 * the tests compile, validate and type-check exactly what the command writes.
 *
 * Without @types/node in the workspace, the tsconfig's `lib` adds DOM for the globals a scenario commonly uses
 * (console, URL, AbortSignal, timers); `skipLibCheck` keeps Node-only names in the shipped declarations (Buffer)
 * from being reported in a file the user did not write.
 */

/** The demo target's address (`rookery target`). */
export const DEMO_TARGET_URL = 'http://127.0.0.1:8080';

/** Names Windows will not create files under, whatever the extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;
const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const MAX_NAME_LENGTH = 64;

/** Why `name` cannot name a scenario (an input box's validation message), or undefined when it can. */
export function scenarioNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Give the scenario a name, e.g. checkout';
  if (name.length > MAX_NAME_LENGTH) return `At most ${MAX_NAME_LENGTH} characters`;
  if (!NAME.test(name)) return 'Start with a letter; then letters, digits, - and _ only (it names the files)';
  if (RESERVED.test(name)) return `"${name}" is a reserved file name on Windows`;
  return undefined;
}

export function scenarioFileName(name: string): string {
  return `${name}.scenario.ts`;
}

export function planFileName(name: string): string {
  return `${name}.plan.yaml`;
}

export const TSCONFIG_FILE_NAME = 'tsconfig.json';
/** Where the workspace's copy of the `rookery` declarations lives, relative to the folder. */
export const WORKSPACE_TYPES_FILE = '.rookery/types/rookery.d.ts';

export function scenarioSource(name: string): string {
  return `/**
 * ${name}: a user of an HTTP API — the demo target's by default (start it with \`rookery target\`, or the local
 * agent's demo). Each round reads the home page and one item, then thinks.
 *
 * Run ${planFileName(name)} from the Rookery sidebar, or \`rookery run ${planFileName(name)}\` in a terminal.
 */
import { scenario, variable } from 'rookery';

export default scenario({
  variables: {
    base_url: variable({
      description: 'Base URL of the HTTP API under test',
      default: '${DEMO_TARGET_URL}',
      verify: (value) => typeof value === 'string' && /^https?:\\/\\/[^/]+/.test(value),
    }),
    think_time_ms: variable({
      description: 'Mean think time between two rounds, in ms (each pause is drawn in ±50% of it)',
      default: 500,
      verify: (value) => typeof value === 'number' && value >= 0,
    }),
  },

  async start(user) {
    const api = user.http(user.vars.base_url);
    while (!user.stopping) {
      const home = await api.get('/');
      user.check('home page is 200', home.status === 200);

      const id = 1 + Math.floor(Math.random() * 100);
      const item = await api.get(\`/items/\${id}\`);
      user.check('item found', item.ok);

      // Read each round: the variable can be updated while the test runs.
      const think = user.vars.think_time_ms;
      await user.think(think * 0.5, think * 1.5);
    }
  },
});
`;
}

export function planSource(name: string): string {
  return `# ${name}: 5 users for 30 s against the demo target (start it with \`rookery target\`).
#   rookery run ${planFileName(name)}
scenario: ./${scenarioFileName(name)}
users: 5
duration: 30s
variables:
  base_url: ${DEMO_TARGET_URL}
  think_time_ms: 500
# Pass/fail criteria: a failed one is marked in the summary and fails the run.
thresholds:
  - error_rate < 5%
  - p99 < 1s
`;
}

/**
 * The tsconfig.json: `rookery` → `typesPath` (the workspace's copy, `./.rookery/types/rookery.d.ts`). Forward
 * slashes, which TypeScript reads on every platform and which need no escaping in JSON.
 */
export function tsconfigSource(typesPath: string): string {
  const config = {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'],
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      isolatedModules: true,
      esModuleInterop: true,
      paths: { rookery: [typesPath.replace(/\\/g, '/')] },
    },
    include: ['**/*.ts'],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export interface TemplateFile {
  /** File name inside the chosen folder. */
  name: string;
  content: string;
}

/**
 * Every file of a new scenario, in writing order; when the folder has no tsconfig (`hasTsconfig`), the tsconfig and
 * the copy of the shipped declarations (`declarations`: the text of the extension's dist/types/api.d.ts) it points
 * at. Throws a RangeError for a name that scenarioNameProblem refuses.
 */
export function scenarioFiles(name: string, declarations: string, hasTsconfig: boolean): TemplateFile[] {
  const problem = scenarioNameProblem(name);
  if (problem !== undefined) throw new RangeError(`invalid scenario name ${JSON.stringify(name)}: ${problem}`);
  const files: TemplateFile[] = [
    { name: scenarioFileName(name), content: scenarioSource(name) },
    { name: planFileName(name), content: planSource(name) },
  ];
  if (!hasTsconfig) {
    files.push({ name: TSCONFIG_FILE_NAME, content: tsconfigSource(`./${WORKSPACE_TYPES_FILE}`) });
    files.push({ name: WORKSPACE_TYPES_FILE, content: declarations });
  }
  return files;
}
