// Smoothing of one run's series, applied before runs are aligned onto a shared x array.
// `null` marks a non-finite point (a gap): it stays a gap in the output and does not feed
// the smoother, so a NaN never poisons the curve after it.

export type SmoothingKind = "none" | "ema" | "mean" | "gaussian";

export interface Smoothing {
  kind: SmoothingKind;
  /** ema: weight in [0, 0.999]; mean: window in points; gaussian: sigma in points. */
  param: number;
}

export const DEFAULT_SMOOTHING: Smoothing = { kind: "ema", param: 0.6 };

export const SMOOTHING_LIMITS: Record<Exclude<SmoothingKind, "none">, { min: number; max: number; step: number }> = {
  ema: { min: 0, max: 0.999, step: 0.01 },
  mean: { min: 1, max: 1000, step: 1 },
  gaussian: { min: 0.5, max: 200, step: 0.5 },
};

type Values = readonly (number | null)[];

/** Debiased exponential moving average (as TensorBoard): the first points are not pulled
 * towards zero because the accumulator is divided by 1 - weight^n. */
export function emaSmooth(values: Values, weight: number): (number | null)[] {
  const w = clamp(weight, 0, 0.999);
  const out: (number | null)[] = new Array(values.length);
  let acc = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    acc = acc * w + (1 - w) * v;
    n++;
    const debias = w === 0 ? 1 : 1 - Math.pow(w, n);
    out[i] = acc / debias;
  }
  return out;
}

/** Trailing running average over the last `window` positions (finite values only). */
export function runningMean(values: Values, window: number): (number | null)[] {
  const win = Math.max(1, Math.round(window));
  const out: (number | null)[] = new Array(values.length);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== null && v !== undefined && Number.isFinite(v)) {
      sum += v;
      count++;
    }
    const drop = i - win;
    if (drop >= 0) {
      const d = values[drop];
      if (d !== null && d !== undefined && Number.isFinite(d)) {
        sum -= d;
        count--;
      }
    }
    out[i] = v === null || v === undefined || !Number.isFinite(v) || count === 0 ? null : sum / count;
  }
  return out;
}

/** Gaussian kernel smoothing by index distance, kernel cut at 3 sigma, renormalised over
 * the finite neighbours. */
export function gaussianSmooth(values: Values, sigma: number): (number | null)[] {
  const s = Math.max(0.01, sigma);
  const radius = Math.max(1, Math.ceil(3 * s));
  const kernel: number[] = [];
  for (let k = -radius; k <= radius; k++) kernel.push(Math.exp(-(k * k) / (2 * s * s)));
  const out: (number | null)[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || !Number.isFinite(v)) {
      out[i] = null;
      continue;
    }
    let num = 0;
    let den = 0;
    const lo = Math.max(0, i - radius);
    const hi = Math.min(values.length - 1, i + radius);
    for (let j = lo; j <= hi; j++) {
      const u = values[j];
      if (u === null || u === undefined || !Number.isFinite(u)) continue;
      const w = kernel[j - i + radius] ?? 0;
      num += w * u;
      den += w;
    }
    out[i] = den > 0 ? num / den : v;
  }
  return out;
}

export function smooth(values: Values, smoothing: Smoothing): (number | null)[] {
  switch (smoothing.kind) {
    case "ema":
      return emaSmooth(values, smoothing.param);
    case "mean":
      return runningMean(values, smoothing.param);
    case "gaussian":
      return gaussianSmooth(values, smoothing.param);
    case "none":
      return values.slice();
  }
}

/** True when the smoothed curve would differ from the raw one. */
export function isSmoothing(smoothing: Smoothing): boolean {
  if (smoothing.kind === "none") return false;
  if (smoothing.kind === "ema") return smoothing.param > 0;
  if (smoothing.kind === "mean") return smoothing.param > 1;
  return true;
}

function clamp(v: number, lo: number, hi: number): number {
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : lo;
}
