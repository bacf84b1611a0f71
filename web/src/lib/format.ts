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
