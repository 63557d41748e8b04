/**
 * How busy this load generator is: event-loop and CPU utilization since the previous sample, each in [0, 1].
 *
 * A generator near saturation delays its own timers and responses, so latencies grow because of the generator,
 * not the target; the summary warns about it. Event-loop utilization is per thread (the thread that samples);
 * `process.cpuUsage()` covers the whole process, so a process running N user threads should give `cores: N`
 * (or the cores it may use), and a single-threaded node keeps the default of 1.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import type { Utilization } from '../protocol/snapshot';

export interface UtilizationSamplerOptions {
  /** Cores the process's CPU time is divided by; default 1. */
  cores?: number;
}

function clamp01(value: number): number {
  // NaN (no elapsed time at all) reads as idle.
  return value > 0 ? (value < 1 ? value : 1) : 0;
}

export class UtilizationSampler {
  private readonly cores: number;
  private lastLoop: EventLoopUtilization;
  private lastCpu: NodeJS.CpuUsage;
  private lastWall: number;

  constructor(options: UtilizationSamplerOptions = {}) {
    const cores = options.cores ?? 1;
    if (!(Number.isFinite(cores) && cores > 0)) throw new RangeError(`cores must be a number > 0, got ${cores}`);
    this.cores = cores;
    this.lastLoop = performance.eventLoopUtilization();
    this.lastCpu = process.cpuUsage();
    this.lastWall = performance.now();
  }

  /** Utilization since the previous sample (or since construction). */
  sample(): Utilization {
    const loop = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    const wall = performance.now();
    const eventLoop = performance.eventLoopUtilization(loop, this.lastLoop).utilization;
    const cpuMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const wallMicros = (wall - this.lastWall) * 1000;
    this.lastLoop = loop;
    this.lastCpu = cpu;
    this.lastWall = wall;
    return {
      eventLoop: clamp01(eventLoop),
      cpu: wallMicros > 0 ? clamp01(cpuMicros / wallMicros / this.cores) : 0,
    };
  }
}
