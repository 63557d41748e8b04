/**
 * Flags agents whose utilization went above OVERLOAD_THRESHOLD (0.8): once per crossing, so a run reports an agent
 * as overloaded when it becomes so, not every second it stays so, and again only after it went back below.
 */
import { OVERLOAD_THRESHOLD } from '../metrics/summary';
import type { Utilization } from '../protocol/snapshot';

/** The figure compared with the threshold: either one saturating makes the generator the bottleneck. */
export function utilizationOf(u: Utilization): number {
  return Math.max(u.eventLoop, u.cpu);
}

export class OverloadWatch {
  private readonly above = new Set<string>();

  /** Records the agent's latest utilization; `crossed` is true only when it just went above the threshold. */
  update(agentId: string, utilization: Utilization): { overloaded: boolean; crossed: boolean } {
    const overloaded = utilizationOf(utilization) > OVERLOAD_THRESHOLD;
    const was = this.above.has(agentId);
    if (overloaded) this.above.add(agentId);
    else this.above.delete(agentId);
    return { overloaded, crossed: overloaded && !was };
  }

  forget(agentId: string): void {
    this.above.delete(agentId);
  }
}
