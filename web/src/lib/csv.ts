// "Download CSV" of a panel: the x column then one column per visible run with the
// displayed raw values. A missing point is an empty cell; a non-finite one is "NaN".

import type { Column } from "./align";

export function csvEscape(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Column headers for runs: the run name, or "name (id)" when names collide. */
export function runHeaders(runs: readonly { id: string; name: string }[]): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) counts.set(r.name, (counts.get(r.name) ?? 0) + 1);
  return runs.map((r) => ((counts.get(r.name) ?? 0) > 1 || r.name === "" ? `${r.name || "run"} (${r.id})` : r.name));
}

function cell(v: number | null | undefined): string {
  if (v === undefined) return "";
  if (v === null || !Number.isFinite(v)) return "NaN";
  return String(v);
}

export function panelCsv(
  xName: string,
  xs: readonly number[],
  runs: readonly { id: string; name: string; values: Column }[],
  /** Only rows with x in this (inclusive) range: what a zoomed panel shows. */
  range: readonly [number, number] | null = null,
): string {
  const lines: string[] = [[xName, ...runHeaders(runs)].map(csvEscape).join(",")];
  for (let i = 0; i < xs.length; i++) {
    if (range && (xs[i]! < range[0] || xs[i]! > range[1])) continue;
    const row = [cell(xs[i])];
    let any = false;
    for (const r of runs) {
      const v = r.values[i];
      if (v !== undefined) any = true;
      row.push(cell(v));
    }
    if (any) lines.push(row.join(","));
  }
  return lines.join("\n") + "\n";
}

/** A file name for a panel download: the key with unsafe characters replaced. */
export function downloadName(project: string, key: string, ext: string): string {
  const safe = `${project}-${key}`.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^_+|_+$/g, "");
  return `${safe || "panel"}.${ext}`;
}
