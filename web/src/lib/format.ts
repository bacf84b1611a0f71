// Number, time and x-axis formatting shared by axes, tooltips, the runs table and CSV.

/** Compact value text: up to 4 significant digits, exponent for very large/small. */
export function formatValue(v: number | null | undefined): string {
  if (v === undefined) return "";
  if (v === null) return "NaN";
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(3).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(4)));
}

export function formatStep(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  return Number.isInteger(v) ? String(v) : formatValue(v);
}

/** 0 s → "0s", 75 → "1m 15s", 3725 → "1h 2m", 90000 → "1d 1h". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "";
  const sign = seconds < 0 ? "-" : "";
  let s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(3))}s`;
  s = Math.round(s);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${sign}${d}d${h ? ` ${h}h` : ""}`;
  if (h > 0) return `${sign}${h}h${m ? ` ${m}m` : ""}`;
  return `${sign}${m}m${sec ? ` ${sec}s` : ""}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, "0");
}

/** Local "YYYY-MM-DD HH:MM:SS" of epoch seconds. */
export function formatDateTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return "";
  const d = new Date(epochSeconds * 1000);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** "3m ago" style age of an epoch time relative to `now` (epoch seconds). */
export function formatAge(epochSeconds: number | null | undefined, now: number): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return "";
  const dt = Math.max(0, now - epochSeconds);
  if (dt < 45) return "just now";
  const text = formatDuration(dt).split(" ")[0];
  return `${text} ago`;
}

export type XKind = "step" | "wall" | "relative" | "metric";

export function xKind(x: string): XKind {
  if (x === "wall" || x === "relative" || x === "step") return x;
  return x.startsWith("metric:") ? "metric" : "step";
}

/** Human label of an x axis choice. */
export function xLabel(x: string): string {
  switch (xKind(x)) {
    case "step":
      return "Step";
    case "wall":
      return "Wall time";
    case "relative":
      return "Relative time";
    case "metric":
      return x.slice("metric:".length);
  }
}

/** Column name of the x axis in exports. */
export function xColumnName(x: string): string {
  switch (xKind(x)) {
    case "step":
      return "step";
    case "wall":
      return "wall_time";
    case "relative":
      return "relative_time";
    case "metric":
      return x.slice("metric:".length);
  }
}

export function formatX(x: string, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  switch (xKind(x)) {
    case "step":
      return formatStep(v);
    case "wall":
      return formatDateTime(v);
    case "relative":
      return formatDuration(v);
    case "metric":
      return formatValue(v);
  }
}

const SI: [number, string][] = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
];

/** Axis tick labels: as many decimals as the tick spacing needs, trailing zeros trimmed
 * ("0, 0.05, 0.1"); k/M/G suffixes from 10,000 up; exponents for tiny spacings. */
export function formatTicks(splits: readonly (number | null)[], incr: number): string[] {
  // uPlot hands null for splits it filtered out (crowded log decades): no label there.
  if (splits.some((v) => v === null || !Number.isFinite(v))) {
    const finite = splits.filter((v): v is number => v !== null && Number.isFinite(v));
    const labels = formatTicks(finite, incr);
    let j = 0;
    return splits.map((v) => (v !== null && Number.isFinite(v) ? labels[j++]! : ""));
  }
  const values = splits as readonly number[];
  const maxAbs = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  if (maxAbs >= 1e4) {
    const [div, suffix] = SI.find(([d]) => maxAbs >= d) ?? [1, ""];
    const dec = Math.min(6, decimalsOf(incr / div));
    return values.map((v) => (v === 0 ? "0" : `${trim((v / div).toFixed(dec))}${suffix}`));
  }
  if (incr > 0 && incr < 1e-4) return values.map((v) => (v === 0 ? "0" : v.toExponential(Math.max(0, Math.min(4, Math.ceil(Math.log10(Math.abs(v) / incr) - 1e-9)))).replace(/\.?0+e/, "e")));
  const dec = incr > 0 ? decimalsOf(incr) : 2;
  return values.map((v) => trim(v.toFixed(dec)));
}

/** Decimals needed to write an increment exactly (0.025 → 3, 5 → 0). */
function decimalsOf(incr: number): number {
  const text = String(Number(incr.toPrecision(12)));
  const e = /e-(\d+)$/.exec(text);
  if (e) return Math.min(12, Number(e[1]));
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : Math.min(12, text.length - dot - 1);
}

function trim(s: string): string {
  if (!s.includes(".")) return s === "-0" ? "0" : s;
  const t = s.replace(/\.?0+$/, "");
  return t === "-0" ? "0" : t;
}

/** Tick increments for integer axes (steps): 1, 2, 5, 10, 20, 25, 50, ... */
export function integerIncrs(): number[] {
  const out: number[] = [];
  for (let mag = 1; mag <= 1e15; mag *= 10) out.push(mag, 2 * mag, 2.5 * mag, 5 * mag);
  return out.filter((v) => Number.isInteger(v));
}

/** Tick increments for durations in seconds. */
export function durationIncrs(): number[] {
  const s = [1, 2, 5, 10, 15, 30];
  const m = [1, 2, 5, 10, 15, 30].map((v) => v * 60);
  const h = [1, 2, 3, 6, 12].map((v) => v * 3600);
  const d = [1, 2, 7, 14, 30, 60, 90, 180, 365].map((v) => v * 86400);
  return [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, ...s, ...m, ...h, ...d];
}

/** Runs table "Created": an age for the last week, the date before that. */
export function formatCreated(epochSeconds: number | null | undefined, now: number): string {
  if (epochSeconds === null || epochSeconds === undefined || !Number.isFinite(epochSeconds)) return "";
  if (now - epochSeconds < 7 * 86400) return formatAge(epochSeconds, now);
  return formatDateTime(epochSeconds).slice(0, 10);
}
