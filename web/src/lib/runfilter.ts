// The runs table's search box and config columns. A query is whitespace-separated terms
// that must all match: `field:value` looks at one field (name, id, tag, group, status, or a
// config field as `config.lr:1e-6`), a bare word at name, id, group, tags and status.

export interface FilterableRun {
  id: string;
  name: string;
  group: string | null;
  tags: string[];
  status: string;
  config: Record<string, unknown>;
}

export function configText(v: unknown): string {
  if (v === undefined) return "";
  if (v === null) return "null";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}

function termMatches(run: FilterableRun, term: string): boolean {
  const t = term.toLowerCase();
  const colon = t.indexOf(":");
  if (colon > 0) {
    const field = t.slice(0, colon);
    const value = t.slice(colon + 1);
    const has = (s: string | null | undefined): boolean => (s ?? "").toLowerCase().includes(value);
    if (field === "name") return has(run.name);
    if (field === "id") return has(run.id);
    if (field === "tag") return run.tags.some((g) => has(g));
    if (field === "group") return has(run.group);
    if (field === "status") return has(run.status);
    if (field.startsWith("config.")) {
      const name = term.slice("config.".length, colon);
      const cv = run.config[name];
      const num = Number(value);
      if (typeof cv === "number" && value.trim() !== "" && Number.isFinite(num)) return cv === num;
      return has(configText(cv));
    }
  }
  const hay = [run.name, run.id, run.group ?? "", run.status, ...run.tags].join("\u0000").toLowerCase();
  return hay.includes(t);
}

export function filterRuns<T extends FilterableRun>(runs: readonly T[], query: string): T[] {
  const terms = query.trim().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return runs.slice();
  return runs.filter((r) => terms.every((t) => termMatches(r, t)));
}

/** Top-level config fields over all runs, most common first, then by name. */
export function configFields(runs: readonly FilterableRun[]): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.config ?? {})) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
}

export type RunSortKey = "name" | "status" | "last_step" | "created_at" | "group" | `config.${string}`;

export interface SortableRun extends FilterableRun {
  created_at: number;
  last_step: number | null;
}

function sortValue(run: SortableRun, key: RunSortKey): string | number | null {
  switch (key) {
    case "name":
      return run.name.toLowerCase();
    case "status":
      return run.status;
    case "last_step":
      return run.last_step;
    case "created_at":
      return run.created_at;
    case "group":
      return run.group;
    default: {
      const v = run.config[key.slice("config.".length)];
      return typeof v === "number" ? v : v === undefined || v === null ? null : configText(v).toLowerCase();
    }
  }
}

/** Sort for the runs table (stable; missing values last in either direction; ties by
 * creation order). Colors do not depend on this order. */
export function sortRuns<T extends SortableRun>(runs: readonly T[], key: RunSortKey, dir: 1 | -1): T[] {
  return runs
    .map((r, i) => ({ r, i, v: sortValue(r, key) }))
    .sort((a, b) => {
      if (a.v === null && b.v === null) return a.i - b.i;
      if (a.v === null) return 1;
      if (b.v === null) return -1;
      if (typeof a.v === "number" && typeof b.v === "number") return (a.v - b.v) * dir || a.i - b.i;
      const sa = String(a.v);
      const sb = String(b.v);
      return (sa < sb ? -1 : sa > sb ? 1 : 0) * dir || a.i - b.i;
    })
    .map((x) => x.r);
}
