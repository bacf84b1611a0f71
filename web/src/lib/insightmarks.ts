// Findings of `GET .../insights?format=json` (docs/insights.md) turned into what a panel
// shows: a short description (1-3 findings' sentences) and marks on the chart (peaks,
// troughs, spikes at their step and value; crossovers as vertical lines). Findings name
// runs by their name, or "name (id)" when visible runs share a name; `runResolver` maps
// either form back to a run id.

export interface Finding {
  type: string;
  metric: string;
  /** Run labels (names), leading/overtaking run first. */
  runs: string[];
  text: string;
  step?: number | null;
  window?: [number, number] | null;
  value?: number | null;
  leader?: string | null;
  direction?: string | null;
  /** co_occurrence: the metrics involved, anomaly metric first. */
  metrics?: string[];
  detail?: Record<string, unknown>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function finiteOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

/** Keep the well-formed findings of a response body (`{"findings": [...]}` or the array). */
export function parseFindings(body: unknown): Finding[] {
  const list = Array.isArray(body) ? body : isRecord(body) && Array.isArray(body.findings) ? body.findings : [];
  const out: Finding[] = [];
  for (const raw of list) {
    if (!isRecord(raw) || typeof raw.type !== "string" || typeof raw.metric !== "string" || typeof raw.text !== "string") continue;
    const f: Finding = {
      type: raw.type,
      metric: raw.metric,
      runs: Array.isArray(raw.runs) ? raw.runs.filter((r): r is string => typeof r === "string") : [],
      text: raw.text,
      step: finiteOrNull(raw.step),
      value: finiteOrNull(raw.value),
    };
    const w = raw.window;
    if (Array.isArray(w) && w.length === 2 && finiteOrNull(w[0]) !== null && finiteOrNull(w[1]) !== null) {
      f.window = [w[0] as number, w[1] as number];
    }
    if (typeof raw.leader === "string") f.leader = raw.leader;
    if (typeof raw.direction === "string") f.direction = raw.direction;
    if (Array.isArray(raw.metrics)) f.metrics = raw.metrics.filter((m): m is string => typeof m === "string");
    if (isRecord(raw.detail)) f.detail = raw.detail;
    out.push(f);
  }
  return out;
}

/** Findings grouped by chart: each under its `metric`; a co-occurrence also under the
 * other metrics it links. */
export function byMetric(findings: readonly Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (k: string, f: Finding): void => {
    const list = out.get(k);
    if (list) {
      if (!list.includes(f)) list.push(f);
    } else out.set(k, [f]);
  };
  for (const f of findings) {
    add(f.metric, f);
    if (f.type === "co_occurrence") for (const m of f.metrics ?? []) add(m, f);
  }
  return out;
}

export interface RunRef {
  id: string;
  name: string;
}

/** Label → run id over the runs an analysis covered. "name (id)" always resolves; a bare
 * name only when no other of these runs has it; an id as the last resort. */
export function runResolver(runs: readonly RunRef[]): (label: string) => string | null {
  const ids = new Set(runs.map((r) => r.id));
  const byName = new Map<string, string | null>();
  for (const r of runs) byName.set(r.name, byName.has(r.name) ? null : r.id);
  return (label) => {
    const m = /^(.*) \(([^()]+)\)$/.exec(label);
    if (m && ids.has(m[2]!)) {
      const run = runs.find((r) => r.id === m[2]);
      if (run && run.name === m[1]) return run.id;
    }
    const named = byName.get(label);
    if (named) return named;
    return ids.has(label) ? label : null;
  };
}

export type MarkKind = "peak" | "trough" | "spike-up" | "spike-down" | "crossover";

export interface InsightMark {
  kind: MarkKind;
  /** The run it belongs to (crossover: the overtaking run), or null when unresolved. */
  run: string | null;
  step: number;
  /** y of the mark; crossovers are drawn as a vertical line and may have none. */
  value: number | null;
  text: string;
}

/** Marks of one chart's findings. Peaks, troughs and spikes need their run to resolve (a
 * mark in the wrong run's color would mislead); crossovers are drawn either way. */
export function panelMarks(findings: readonly Finding[], metric: string, resolve: (label: string) => string | null): InsightMark[] {
  const out: InsightMark[] = [];
  for (const f of findings) {
    if (f.metric !== metric || f.step === null || f.step === undefined) continue;
    const run = f.runs.length > 0 ? resolve(f.runs[0]!) : null;
    let kind: MarkKind | null = null;
    if (f.type === "peak" || f.type === "trough") kind = f.type;
    else if (f.type === "spike") kind = f.direction === "down" ? "spike-down" : "spike-up";
    else if (f.type === "crossover") kind = "crossover";
    if (kind === null) continue;
    if (kind !== "crossover" && (run === null || f.value === null || f.value === undefined)) continue;
    out.push({ kind, run, step: f.step, value: f.value ?? null, text: f.text });
  }
  return out;
}

/** Marks worth drawing for these visible runs (crossovers: when both runs are visible). */
export function visibleMarks(marks: readonly InsightMark[], visible: ReadonlySet<string>): InsightMark[] {
  return marks.filter((m) => m.run === null || visible.has(m.run));
}

// Order of the kinds in a description: who ends better first, then the most prominent
// peak or trough, the latest change of lead, the runs' shapes, spikes, off-scale starts.
const RANK: Record<string, number> = { final_comparison: 0, peak: 1, trough: 1, crossover: 2, trend: 3, spike: 4, off_scale: 5 };

function num(d: Record<string, unknown> | undefined, k: string): number {
  const v = d?.[k];
  return typeof v === "number" && Number.isFinite(v) ? v : 0;
}

export interface Description {
  /** The sentences of the chosen findings, in reading order. */
  summary: string[];
  /** The chart's other findings (co-occurrences included), in the server's order. */
  rest: string[];
}

/** Pick at most `max` findings of `metric` to describe the chart: one of each kind first
 * (in RANK order), then more of the same kinds. With one run the trend leads. */
export function describeFindings(findings: readonly Finding[], metric: string, max = 3): Description {
  const own = findings.filter((f) => f.metric === metric || (f.type === "co_occurrence" && f.metrics?.includes(metric)));
  const candidates = own.filter((f) => f.metric === metric && f.type in RANK);
  const single = !candidates.some((f) => f.type === "final_comparison") && new Set(candidates.filter((f) => f.type === "trend").map((f) => f.runs[0])).size <= 1;
  const rank = (f: Finding): number => (single && f.type === "trend" ? -1 : RANK[f.type]!);
  const within = (a: Finding, b: Finding): number => {
    if (a.type === "crossover" && b.type === "crossover") return (b.step ?? 0) - (a.step ?? 0);
    if ((a.type === "peak" || a.type === "trough") && (b.type === "peak" || b.type === "trough")) {
      return Math.abs(num(b.detail, "prominence")) - Math.abs(num(a.detail, "prominence"));
    }
    if (a.type === "spike" && b.type === "spike") return Math.abs(num(b.detail, "height")) - Math.abs(num(a.detail, "height"));
    return 0;
  };
  const sorted = candidates
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || within(a.f, b.f) || a.i - b.i)
    .map((x) => x.f);
  const chosen = new Set<Finding>();
  const seenRank = new Set<number>();
  for (const f of sorted) {
    if (chosen.size >= max) break;
    if (!seenRank.has(rank(f))) {
      seenRank.add(rank(f));
      chosen.add(f);
    }
  }
  for (const f of sorted) {
    if (chosen.size >= max) break;
    chosen.add(f);
  }
  if (chosen.size === 0 && own.length > 0) chosen.add(own[0]!);
  const summary = sorted.filter((f) => chosen.has(f)).map((f) => f.text);
  if (summary.length === 0 && chosen.size > 0) summary.push(...[...chosen].map((f) => f.text));
  return { summary, rest: own.filter((f) => !chosen.has(f)).map((f) => f.text) };
}

/** A set of runs as a cache key (order does not matter to the analysis). */
export function runSetKey(ids: readonly string[]): string {
  return [...ids].sort().join("\u0000");
}
