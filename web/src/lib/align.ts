// Shape a panel's per-run envelopes into uPlot's columnar data: one ascending x array and
// one column per drawn series. Runs rarely share bucket x's, so x is the union of all
// runs' x's; where a run has no point at an x its cell is `undefined` (uPlot treats that
// as an alignment artifact and draws through it), while a non-finite point stays `null`
// (a real gap: `spanGaps: false`).

import { smooth, isSmoothing, type Smoothing } from "./smoothing";

export type Cell = number | null | undefined;
export type Column = Cell[];

export interface RunSeries {
  run: string;
  x: readonly number[];
  last: readonly (number | null)[];
  min?: readonly (number | null)[];
  max?: readonly (number | null)[];
  /** Per bucket, how many of its points were NaN or ±inf. */
  nonfinite?: readonly number[];
}

export type SeriesRole = "min" | "max" | "raw" | "main";

export interface SeriesSlot {
  run: string;
  role: SeriesRole;
}

export interface LayoutOptions {
  band: boolean;
  smoothing: Smoothing;
}

/** Draw order, bottom to top: envelope bands, faint raw lines (only when smoothing), then the
 * main lines (smoothed, or raw when smoothing is off). Index i here is uPlot series i + 1. */
export function panelLayout(runs: readonly string[], opts: LayoutOptions): SeriesSlot[] {
  const slots: SeriesSlot[] = [];
  if (opts.band) {
    for (const run of runs) {
      slots.push({ run, role: "min" });
      slots.push({ run, role: "max" });
    }
  }
  if (isSmoothing(opts.smoothing)) for (const run of runs) slots.push({ run, role: "raw" });
  for (const run of runs) slots.push({ run, role: "main" });
  return slots;
}

/** Pairs of uPlot series indices [max, min] for `bands`. */
export function bandPairs(slots: readonly SeriesSlot[]): [number, number][] {
  const pairs: [number, number][] = [];
  const minIdx = new Map<string, number>();
  slots.forEach((s, i) => {
    if (s.role === "min") minIdx.set(s.run, i + 1);
  });
  slots.forEach((s, i) => {
    const lo = minIdx.get(s.run);
    if (s.role === "max" && lo !== undefined) pairs.push([i + 1, lo]);
  });
  return pairs;
}

/** Sort one run's points by x (a metric used as x need not grow) and keep the last point of
 * each repeated x. Returns index order; identity when already strictly ascending. */
export function ascendingOrder(x: readonly number[]): number[] {
  const idx = x.map((_, i) => i);
  let ascending = true;
  for (let i = 1; i < x.length; i++) {
    if (!(x[i]! > x[i - 1]!)) {
      ascending = false;
      break;
    }
  }
  if (ascending) return idx;
  const finite = idx.filter((i) => Number.isFinite(x[i]!));
  finite.sort((a, b) => x[a]! - x[b]! || a - b);
  const out: number[] = [];
  for (const i of finite) {
    if (out.length > 0 && x[out[out.length - 1]!] === x[i]) out[out.length - 1] = i;
    else out.push(i);
  }
  return out;
}

/** Sorted union of the runs' x values. */
export function unionX(xs: readonly (readonly number[])[]): number[] {
  if (xs.length === 1) return xs[0]!.slice();
  const first = xs[0];
  if (first && xs.every((x) => x.length === first.length && x.every((v, i) => v === first[i]))) return first.slice();
  const all: number[] = [];
  for (const x of xs) for (const v of x) all.push(v);
  all.sort((a, b) => a - b);
  const out: number[] = [];
  for (const v of all) if (out.length === 0 || out[out.length - 1] !== v) out.push(v);
  return out;
}

/** Spread `values` (at ascending `x`) onto `grid` (ascending, a superset of x). */
export function spread(grid: readonly number[], x: readonly number[], values: readonly (number | null)[]): Column {
  const out: Column = new Array(grid.length).fill(undefined);
  let j = 0;
  for (let i = 0; i < x.length; i++) {
    const xv = x[i]!;
    while (j < grid.length && grid[j]! < xv) j++;
    if (j < grid.length && grid[j] === xv) out[j] = values[i] ?? null;
  }
  return out;
}

export interface AlignOptions extends LayoutOptions {
  log: boolean;
}

export interface AlignedPanel {
  slots: SeriesSlot[];
  /** [x, ...one column per slot], ready for uPlot.setData. */
  data: [number[], ...Column[]];
  /** Raw (displayed, unsmoothed) column per run, for tooltips and CSV. */
  raw: Map<string, Column>;
  /** Main (drawn strong) column per run. */
  main: Map<string, Column>;
  /** Per run, the x of every bucket that holds a non-finite point (drawn as markers: a
   * NaN inside a downsampled bucket is not a gap in the line, yet must be seen). */
  nonfiniteX: Map<string, number[]>;
}

function logSafe(values: readonly (number | null)[], log: boolean): (number | null)[] {
  if (!log) return values.slice();
  return values.map((v) => (v !== null && v > 0 ? v : null));
}

/** Align the runs (in the given order; runs without data are skipped) into a panel. */
export function alignPanel(series: readonly RunSeries[], opts: AlignOptions): AlignedPanel {
  const sorted = series.map((s) => {
    const order = ascendingOrder(s.x);
    const pick = <T>(arr: readonly T[] | undefined): T[] | undefined => (arr ? order.map((i) => arr[i]!) : undefined);
    return {
      run: s.run,
      x: order.map((i) => s.x[i]!),
      last: pick(s.last) ?? [],
      min: pick(s.min),
      max: pick(s.max),
      nonfinite: pick(s.nonfinite),
    };
  });
  const runs = sorted.map((s) => s.run);
  const slots = panelLayout(runs, opts);
  const grid = unionX(sorted.map((s) => s.x));
  const raw = new Map<string, Column>();
  const main = new Map<string, Column>();
  const lo = new Map<string, Column>();
  const hi = new Map<string, Column>();
  const smoothing = isSmoothing(opts.smoothing);
  const nonfiniteX = new Map<string, number[]>();
  for (const s of sorted) {
    const nf = s.nonfinite;
    if (nf) {
      const xs = s.x.filter((_, i) => (nf[i] ?? 0) > 0);
      if (xs.length > 0) nonfiniteX.set(s.run, xs);
    }
    const last = logSafe(s.last, opts.log);
    const rawCol = spread(grid, s.x, last);
    raw.set(s.run, rawCol);
    main.set(s.run, smoothing ? spread(grid, s.x, smooth(last, opts.smoothing)) : rawCol);
    if (opts.band) {
      lo.set(s.run, spread(grid, s.x, logSafe(s.min ?? s.last, opts.log)));
      hi.set(s.run, spread(grid, s.x, logSafe(s.max ?? s.last, opts.log)));
    }
  }
  const columns = slots.map((slot) => {
    const src = slot.role === "min" ? lo : slot.role === "max" ? hi : slot.role === "raw" ? raw : main;
    return src.get(slot.run) ?? [];
  });
  return { slots, data: [grid, ...columns], raw, main, nonfiniteX };
}

/** Indices of finite points with no finite neighbour (alignment gaps skipped): the
 * points a line cannot show, so the chart draws them as dots. */
export function isolatedPoints(col: readonly Cell[]): number[] {
  const out: number[] = [];
  let prev: Cell = null;
  for (let i = 0; i < col.length; i++) {
    const v = col[i];
    if (v === undefined) continue;
    if (typeof v === "number") {
      let next: Cell = null;
      for (let j = i + 1; j < col.length; j++) {
        if (col[j] !== undefined) {
          next = col[j];
          break;
        }
      }
      if (typeof prev !== "number" && typeof next !== "number") out.push(i);
    }
    prev = v;
  }
  return out;
}
