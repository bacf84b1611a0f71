// The workspace document persisted through `GET/PUT .../workspace`. The server keeps it
// opaque, so everything read back is normalised defensively: an older or hand-edited
// document never breaks the dashboard, unknown fields are dropped.

import { DEFAULT_SMOOTHING, SMOOTHING_LIMITS, type Smoothing, type SmoothingKind } from "./smoothing";
import { isHexColor } from "./palette";

export interface PanelSettings {
  /** `step`, `wall`, `relative` or `metric:<key>`. */
  x: string;
  log: boolean;
  yMin: number | null;
  yMax: number | null;
  ignoreOutliers: boolean;
  smoothing: Smoothing;
  /** Min/max envelope band behind each line. */
  band: boolean;
  legend: boolean;
  /** Insight marks (peaks, spikes, crossovers) drawn on the chart. */
  marks: boolean;
  /** Plot height in CSS pixels. */
  height: number;
}

export interface WorkspaceState {
  pins: string[];
  hidden: string[];
  collapsed: string[];
  columns: string[];
  colors: Record<string, string>;
  defaults: Partial<PanelSettings>;
  panels: Record<string, Partial<PanelSettings>>;
}

export const PANEL_HEIGHTS = { min: 120, max: 900, default: 220 } as const;

export const DEFAULT_PANEL: PanelSettings = {
  x: "step",
  log: false,
  yMin: null,
  yMax: null,
  ignoreOutliers: true,
  smoothing: DEFAULT_SMOOTHING,
  band: true,
  legend: false,
  marks: true,
  height: PANEL_HEIGHTS.default,
};

export function emptyWorkspace(): WorkspaceState {
  return { pins: [], hidden: [], collapsed: [], columns: [], colors: {}, defaults: {}, panels: {} };
}

function strings(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const s of v) if (typeof s === "string" && !out.includes(s)) out.push(s);
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const X_RE = /^(step|wall|relative|metric:.+)$/;
const KINDS: SmoothingKind[] = ["none", "ema", "mean", "gaussian"];

/** Keep only the well-formed fields of a partial panel settings object. */
export function normalizePanel(raw: unknown): Partial<PanelSettings> {
  if (!isRecord(raw)) return {};
  const out: Partial<PanelSettings> = {};
  if (typeof raw.x === "string" && X_RE.test(raw.x)) out.x = raw.x;
  if (typeof raw.log === "boolean") out.log = raw.log;
  for (const k of ["yMin", "yMax"] as const) {
    const v = raw[k];
    if (v === null || (typeof v === "number" && Number.isFinite(v))) out[k] = v;
  }
  if (typeof raw.ignoreOutliers === "boolean") out.ignoreOutliers = raw.ignoreOutliers;
  if (typeof raw.band === "boolean") out.band = raw.band;
  if (typeof raw.legend === "boolean") out.legend = raw.legend;
  if (typeof raw.marks === "boolean") out.marks = raw.marks;
  if (typeof raw.height === "number" && Number.isFinite(raw.height)) out.height = clampHeight(raw.height);
  if (isRecord(raw.smoothing)) {
    const kind = raw.smoothing.kind;
    const param = raw.smoothing.param;
    if (typeof kind === "string" && (KINDS as string[]).includes(kind) && typeof param === "number" && Number.isFinite(param)) {
      out.smoothing = clampSmoothing({ kind: kind as SmoothingKind, param });
    }
  }
  return out;
}

export function clampHeight(h: number): number {
  return Math.round(Math.min(PANEL_HEIGHTS.max, Math.max(PANEL_HEIGHTS.min, h)));
}

export function clampSmoothing(s: Smoothing): Smoothing {
  if (s.kind === "none") return { kind: "none", param: 0 };
  const lim = SMOOTHING_LIMITS[s.kind];
  return { kind: s.kind, param: Math.min(lim.max, Math.max(lim.min, s.param)) };
}

export function normalizeWorkspace(raw: unknown): WorkspaceState {
  const ws = emptyWorkspace();
  if (!isRecord(raw)) return ws;
  ws.pins = strings(raw.pins);
  ws.hidden = strings(raw.hidden);
  ws.collapsed = strings(raw.collapsed);
  ws.columns = strings(raw.columns);
  if (isRecord(raw.colors)) {
    for (const [id, c] of Object.entries(raw.colors)) if (isHexColor(c)) ws.colors[id] = c.toLowerCase();
  }
  ws.defaults = normalizePanel(raw.defaults);
  if (isRecord(raw.panels)) {
    for (const [key, p] of Object.entries(raw.panels)) {
      const n = normalizePanel(p);
      if (Object.keys(n).length > 0) ws.panels[key] = n;
    }
  }
  return ws;
}

/** Effective settings of a panel: built-in defaults ⊕ workspace defaults ⊕ the panel's own. */
export function panelSettings(ws: WorkspaceState, key: string): PanelSettings {
  return { ...DEFAULT_PANEL, ...ws.defaults, ...(ws.panels[key] ?? {}) };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Apply a change to one panel, storing only what differs from the defaults. */
export function updatePanel(ws: WorkspaceState, key: string, patch: Partial<PanelSettings>): WorkspaceState {
  const base = { ...DEFAULT_PANEL, ...ws.defaults };
  const merged = { ...(ws.panels[key] ?? {}), ...normalizePanel(patch) };
  const own: Partial<PanelSettings> = {};
  for (const [k, v] of Object.entries(merged) as [keyof PanelSettings, unknown][]) {
    if (!sameValue(v, base[k])) (own as Record<string, unknown>)[k] = v;
  }
  const panels = { ...ws.panels };
  if (Object.keys(own).length > 0) panels[key] = own;
  else delete panels[key];
  return { ...ws, panels };
}

/** Runs shown in panels: all but the hidden ones, in the given order. */
export function visibleRunIds(runIds: readonly string[], hidden: readonly string[]): string[] {
  const h = new Set(hidden);
  return runIds.filter((id) => !h.has(id));
}

export function toggleHidden(hidden: readonly string[], id: string): string[] {
  return hidden.includes(id) ? hidden.filter((h) => h !== id) : [...hidden, id];
}

/** "Show only these": hide every run not in `keep`. */
export function soloHidden(allIds: readonly string[], keep: readonly string[]): string[] {
  const k = new Set(keep);
  return allIds.filter((id) => !k.has(id));
}

export function toggleCollapsed(collapsed: readonly string[], section: string): string[] {
  return collapsed.includes(section) ? collapsed.filter((s) => s !== section) : [...collapsed, section];
}
