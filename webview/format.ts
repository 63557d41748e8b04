/**
 * How the dashboard writes numbers and times: one place, so the header, the tables, the tooltips and the axis
 * labels agree. Fixed `en-US` grouping (not the machine's locale) keeps figures comparable between screenshots.
 */

const GROUPED = [0, 1, 2].map((digits) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

function fixed(value: number, digits: 0 | 1 | 2): string {
  return GROUPED[digits].format(value);
}

/** Seconds as m:ss under an hour, h:mm:ss from an hour: axis ticks, elapsed time. */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600);
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatCount(value: number): string {
  return fixed(Math.round(value), 0);
}

/** Three significant digits or so: 0.42, 4.21, 42.1, 421, 4,210. */
export function formatAmount(value: number): string {
  const size = Math.abs(value);
  return fixed(value, size >= 100 || Number.isInteger(value) ? 0 : size >= 10 ? 1 : 2);
}

export function formatRate(perSecond: number): string {
  return `${formatAmount(perSecond)}/s`;
}

export function formatMs(ms: number): string {
  return `${formatAmount(ms)} ms`;
}

/** A percentage given in 0..100. Small non-zero shares stay visible rather than rounding to 0. */
export function formatPercent(percent: number): string {
  if (percent === 0) return '0%';
  if (percent > 0 && percent < 0.01) return '<0.01%';
  return `${fixed(percent, percent >= 10 ? 1 : 2)}%`;
}

/** A utilization in 0..1 as a whole percentage. */
export function formatUtilization(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

/** A date (ms since epoch) as `2024-05-01 14:03`, in the viewer's time zone. */
export function formatDate(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}
