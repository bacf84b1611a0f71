// The y range of a panel. Auto by default; "ignore outliers" clips the range to Tukey's
// far-out fences (Q1 - 3·IQR, Q3 + 3·IQR) of the raw values. On the reference picture's
// data this gives what the picture shows: the entropy curves start off-chart above a
// 0–0.2 axis, the accuracy axis starts near 0.25 while a run starts at 0.22, and the KL
// hump (many points, not an outlier) stays fully in view. Plain 1st–99th percentiles do
// not work here: with 30 points per run the 99th percentile is the spike itself.

export interface YRangeOptions {
  ignoreOutliers: boolean;
  log: boolean;
  /** Manual bounds; null = automatic on that side. */
  min: number | null;
  max: number | null;
}

export type Column = readonly (number | null | undefined)[];

const FENCE_K = 3;
const PAD = 0.05;

/** Linear-interpolated quantile of an ascending array (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Finite values of the columns (positive only when `positive`), ascending. */
export function collectFinite(columns: readonly Column[], positive = false): number[] {
  const out: number[] = [];
  for (const col of columns) {
    for (const v of col) {
      if (typeof v === "number" && Number.isFinite(v) && (!positive || v > 0)) out.push(v);
    }
  }
  out.sort((a, b) => a - b);
  return out;
}

/** [lo, hi] of the bulk of the data: the extent clipped to the far-out fences. A flat bulk
 * (IQR 0) falls back to the 1st–99th percentiles. */
export function robustExtent(sorted: readonly number[]): [number, number] | null {
  if (sorted.length === 0) return null;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  if (sorted.length < 5) return [min, max];
  const q1 = quantile(sorted, 0.25);
  const q3 = quantile(sorted, 0.75);
  const iqr = q3 - q1;
  if (iqr <= 0) return [quantile(sorted, 0.01), quantile(sorted, 0.99)];
  return [Math.max(min, q1 - FENCE_K * iqr), Math.min(max, q3 + FENCE_K * iqr)];
}

/** Round a positive value down (dir -1) or up (dir 1) to 1, 2 or 5 × 10^k, so a log axis
 * starts and ends on a readable tick. */
export function niceLog(v: number, dir: -1 | 1): number {
  const k = Math.floor(Math.log10(v));
  const base = Math.pow(10, k);
  const steps = dir < 0 ? [5, 2, 1] : [1, 2, 5, 10];
  for (const m of steps) {
    const c = m * base;
    if (dir < 0 ? c <= v * (1 + 1e-12) : c >= v * (1 - 1e-12)) return Number(c.toPrecision(12));
  }
  return dir < 0 ? base : 10 * base;
}

/** Pad [lo, hi] by 5 % on each side (multiplicatively on a log scale); widen a zero span. */
export function padRange(lo: number, hi: number, log: boolean): [number, number] {
  if (log) {
    if (lo <= 0 || hi <= 0) return [lo, hi];
    if (lo === hi) return [niceLog(lo / 2, -1), niceLog(hi * 2, 1)];
    const f = Math.pow(hi / lo, PAD);
    return [niceLog(lo / f, -1), niceLog(hi * f, 1)];
  }
  if (lo === hi) {
    const d = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return [lo - d, hi + d];
  }
  const pad = (hi - lo) * PAD;
  let a = lo - pad;
  const b = hi + pad;
  // Do not dip below zero just for padding when the data are all non-negative.
  if (lo >= 0 && a < 0) a = 0;
  return [a, b];
}

/** The y range to draw, or null when there is nothing finite to show (and no manual
 * bounds). Manual bounds win on their side. */
export function computeYRange(columns: readonly Column[], opts: YRangeOptions): [number, number] | null {
  const sorted = collectFinite(columns, opts.log);
  let auto: [number, number] | null = null;
  if (sorted.length > 0) {
    const ext: [number, number] | null = opts.ignoreOutliers ? robustExtent(sorted) : [sorted[0]!, sorted[sorted.length - 1]!];
    if (ext) auto = padRange(ext[0], ext[1], opts.log);
  }
  const manualMin = opts.min !== null && Number.isFinite(opts.min) && (!opts.log || opts.min > 0) ? opts.min : null;
  const manualMax = opts.max !== null && Number.isFinite(opts.max) && (!opts.log || opts.max > 0) ? opts.max : null;
  if (!auto && manualMin === null && manualMax === null) return null;
  let lo = manualMin ?? auto?.[0] ?? (manualMax !== null ? manualMax - 1 : 0);
  let hi = manualMax ?? auto?.[1] ?? lo + 1;
  if (hi <= lo) {
    // Contradictory manual bound against the data: keep the manual one, open the other.
    if (manualMin !== null && manualMax === null) hi = opts.log ? lo * 10 : lo + Math.max(1, Math.abs(lo));
    else if (manualMax !== null && manualMin === null) lo = opts.log ? hi / 10 : hi - Math.max(1, Math.abs(hi));
    else [lo, hi] = [Math.min(lo, hi), Math.max(lo, hi) + (lo === hi ? 1 : 0)];
  }
  return [lo, hi];
}
