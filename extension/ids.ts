/**
 * Every id the extension shares with its manifest (package.json `contributes`): commands, views, context keys,
 * settings, the webview type, secret keys. One place, so a rename cannot leave the manifest and the code apart.
 */

export const COMMANDS = {
  runPlan: 'rookery.runPlan',
  runScenario: 'rookery.runScenario',
  stopRun: 'rookery.stopRun',
  forceStopRun: 'rookery.forceStopRun',
  addUsers: 'rookery.addUsers',
  removeUsers: 'rookery.removeUsers',
  updateVariable: 'rookery.updateVariable',
  changeUserRate: 'rookery.changeUserRate',
  startLocalAgent: 'rookery.startLocalAgent',
  restartLocalAgent: 'rookery.restartLocalAgent',
  stopLocalAgent: 'rookery.stopLocalAgent',
  attachAgent: 'rookery.attachAgent',
  detachAgent: 'rookery.detachAgent',
  connectCoordinator: 'rookery.connectCoordinator',
  useLocalCoordinator: 'rookery.useLocalCoordinator',
  openDashboard: 'rookery.openDashboard',
  openPastRun: 'rookery.openPastRun',
  refreshPlans: 'rookery.refreshPlans',
  newScenario: 'rookery.newScenario',
  showOutput: 'rookery.showOutput',
} as const;

export const VIEWS = {
  container: 'rookery',
  plans: 'rookery.plans',
  agents: 'rookery.agents',
  run: 'rookery.run',
} as const;

/** Context keys (`when` clauses in the manifest). */
export const CONTEXT = {
  /** 'idle' | 'starting' | 'running' | 'stopping': which run buttons apply. */
  runState: 'rookery.runState',
  /** 'stopped' | 'starting' | 'ready' | 'crashed': the local agent's lifecycle. */
  localAgentState: 'rookery.localAgentState',
  /** true when the extension drives a remote coordinator rather than its local one. */
  remoteCoordinator: 'rookery.remoteCoordinator',
} as const;

/** Tree items' `contextValue`s, matched by `view/item/context` menus. */
export const ITEMS = {
  plan: 'rookery.plan',
  scenario: 'rookery.scenario',
  localAgent: 'rookery.localAgent',
  localAgentCrashed: 'rookery.localAgent.crashed',
  remoteAgent: 'rookery.remoteAgent',
  coordinator: 'rookery.coordinator',
  currentRun: 'rookery.currentRun',
  pastRun: 'rookery.pastRun',
} as const;

export const SETTINGS = {
  section: 'rookery',
  nodePath: 'nodePath',
  localAgentWorkers: 'localAgent.workers',
  autoStartLocalAgent: 'localAgent.autoStart',
  nameCap: 'dashboard.nameCap',
  keepRuns: 'history.keepRuns',
} as const;

export const DASHBOARD_VIEW_TYPE = 'rookery.dashboard';
export const OUTPUT_CHANNEL = 'Rookery';
export const AGENT_OUTPUT_CHANNEL = 'Rookery Local Agent';
/** SecretStorage key of a remote agent's or coordinator's token: by URL. */
export const tokenSecretKey = (url: string): string => `rookery.token:${url}`;
