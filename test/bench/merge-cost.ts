/**
 * Coordinator merge cost: 100 simulated agents × 20 request names, one snapshot each per second, through the
 * coordinator's real path (JSON text → parse → schema validation → exact merge by second → the merged point,
 * histograms re-encoded). Reports the CPU share of one core that this takes per second of run.
 */
import { MetricsRecorder } from '../../agent/metrics/recorder';
import { SeriesMerger } from '../../agent/cluster/series';
import { parseClusterFrame } from '../../agent/protocol/validate';
import type { AgentSnapshot, LinkData } from '../../agent/protocol/cluster';

const AGENTS = 100;
const NAMES = 20;
const SECONDS = 10;

/** One agent's snapshot of one second, as the frame text it sends. */
function agentFrame(agent: number, second: number, seq: number, requests: number): string {
  const recorder = new MetricsRecorder({ source: `agent-${agent}` });
  let x = agent * 7919 + second * 104729;
  for (let n = 0; n < NAMES; n++) {
    for (let i = 0; i < requests; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      const latencyUs = 500 + (x % 50_000);
      recorder.recordRequest(`GET /api/resource-${n}/:id`, { latencyUs, status: 200, bytesIn: 512, bytesOut: 64, ttfbUs: latencyUs - 100 });
    }
  }
  const snapshot = recorder.takeSnapshot(second * 1000, second * 1000 + 1000, { eventLoop: 0.5, cpu: 0.5 });
  const body: AgentSnapshot = { type: 'run/snapshot', runId: 'bench', second, snapshot: { ...snapshot, seq }, workers: [] };
  const frame: LinkData<AgentSnapshot> = { type: 'link/data', seq: seq + 1, body };
  return JSON.stringify(frame);
}

/** `requests`: per name per agent per second (250 = 5,000 req/s per agent, 500,000 req/s over the 100 agents). */
export function measureMergeCost(requests: number): { agents: number; names: number; requestsPerAgent: number; seconds: number; cpuMsPerSecond: number; cpuShare: number; frameBytes: number } {
  // The frames are made first: producing them is the agents' work, not the coordinator's.
  const frames: string[][] = [];
  for (let s = 0; s < SECONDS; s++) frames.push(Array.from({ length: AGENTS }, (_, a) => agentFrame(a, 1_000_000 + s, s, requests)));
  const merger = new SeriesMerger({ runId: 'bench', now: () => 0 });
  for (let a = 0; a < AGENTS; a++) merger.expect(`agent-${a}`, `agent-${a}`);
  let points = 0;
  merger.on('point', () => points++);
  const start = process.cpuUsage();
  for (let s = 0; s < SECONDS; s++) {
    for (let a = 0; a < AGENTS; a++) {
      const frame = parseClusterFrame(JSON.parse(frames[s][a]), 'agent');
      if (frame.type === 'link/data' && frame.body.type === 'run/snapshot') merger.add(`agent-${a}`, frame.body);
    }
  }
  const used = process.cpuUsage(start);
  merger.close();
  if (points !== SECONDS) throw new Error(`expected ${SECONDS} merged points, got ${points}`);
  const cpuMsPerSecond = (used.user + used.system) / 1000 / SECONDS;
  return { agents: AGENTS, names: NAMES, requestsPerAgent: requests * NAMES, seconds: SECONDS, cpuMsPerSecond, cpuShare: cpuMsPerSecond / 1000, frameBytes: frames[0][0].length };
}

if (require.main === module) {
  for (const requests of [50, 250]) {
    const r = measureMergeCost(requests);
    console.log(`merge: ${r.agents} agents × ${r.names} names at ${r.requestsPerAgent} req/s each: ${r.cpuMsPerSecond.toFixed(1)} ms CPU per second = ${(r.cpuShare * 100).toFixed(2)}% of one core (frame ${r.frameBytes} bytes)`);
  }
}
