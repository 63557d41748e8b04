/**
 * The x axis of every chart: seconds since the run started, labelled m:ss (h:mm:ss past an hour). Chart.js would
 * pick decimal steps (0:50, 1:40); these steps land on whole clock values instead.
 */
import { formatClock } from '../format';

/** Candidate tick steps, in seconds. */
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

/** Tick values covering [min, max] with at most `maxTicks` ticks, on the smallest clock-friendly step. */
export function clockTicks(min: number, max: number, maxTicks: number): number[] {
  if (!(Number.isFinite(min) && Number.isFinite(max)) || max <= min || maxTicks < 2) return [];
  const span = max - min;
  const step = STEPS.find((s) => span / s <= maxTicks - 1) ?? Math.ceil(span / (maxTicks - 1) / 86400) * 86400;
  const ticks: number[] = [];
  for (let value = Math.ceil(min / step) * step; value <= max; value += step) ticks.push(value);
  return ticks;
}

export function clockLabel(value: number | string): string {
  return formatClock(Number(value));
}
