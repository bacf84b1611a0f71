// Rows of the hover tooltip: every visible run's value at the hovered x, sorted by value
// (highest first), each in the run's color.

import type { Column } from "./align";

export interface TooltipRun {
  id: string;
  name: string;
  color: string;
  main: Column;
  raw: Column;
}

export interface TooltipRow {
  id: string;
  name: string;
  color: string;
  /** Value drawn strong (smoothed when smoothing is on); null = non-finite point. */
  value: number | null;
  /** The raw value at that point. */
  raw: number | null;
  /** x of the point the row reads (it may differ slightly from the hovered x). */
  index: number;
}

/** Nearest index to `idx` whose cell is defined (a point of this run, finite or not),
 * looking at most `maxDist` cells away; null when none. */
export function nearestDefined(col: Column, idx: number, maxDist = Infinity): number | null {
  if (idx < 0 || idx >= col.length) return null;
  if (col[idx] !== undefined) return idx;
  for (let d = 1; d <= maxDist; d++) {
    const lo = idx - d;
    const hi = idx + d;
    if (lo < 0 && hi >= col.length) break;
    if (lo >= 0 && col[lo] !== undefined) return lo;
    if (hi < col.length && col[hi] !== undefined) return hi;
  }
  return null;
}

export function tooltipRows(
  runs: readonly TooltipRun[],
  idx: number,
  xs: readonly number[],
  maxXDistance = Infinity,
): TooltipRow[] {
  const rows: TooltipRow[] = [];
  const x0 = xs[idx];
  for (const r of runs) {
    const j = nearestDefined(r.main, idx);
    if (j === null) continue;
    if (x0 !== undefined && Math.abs((xs[j] ?? x0) - x0) > maxXDistance) continue;
    const v = r.main[j];
    const raw = r.raw[j];
    rows.push({
      id: r.id,
      name: r.name,
      color: r.color,
      value: v === undefined ? null : v,
      raw: raw === undefined ? null : raw,
      index: j,
    });
  }
  rows.sort((a, b) => {
    if (a.value === null && b.value === null) return a.name.localeCompare(b.name);
    if (a.value === null) return 1;
    if (b.value === null) return -1;
    return b.value - a.value || a.name.localeCompare(b.name);
  });
  return rows;
}
