// One panel's uPlot instance. Data shaping happens in lib/align (pure, tested); this
// module turns the shaped data into uPlot options, keeps one instance per panel for as
// long as the series layout is unchanged (later updates are `setData`, no rebuild, no
// flicker), and reports zooms so the owner can re-query the server at full resolution.

import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { alignPanel, bandPairs, isolatedPoints, type AlignedPanel, type Cell, type RunSeries } from "../lib/align";
import type { InsightMark } from "../lib/insightmarks";
import { durationIncrs, formatTicks, formatX, integerIncrs, xKind } from "../lib/format";
import { withAlpha } from "../lib/palette";
import { isSmoothing } from "../lib/smoothing";
import type { PanelSettings } from "../lib/workspace";
import { computeYRange, type Column } from "../lib/yrange";
import { syncOptions } from "./sync";
import { Tooltip, type TooltipRunInfo } from "./tooltip";

export interface ChartRun {
  id: string;
  name: string;
  color: string;
}

export interface ChartInput {
  /** Visible runs in display order. */
  runs: readonly ChartRun[];
  /** Envelopes of (some of) those runs. */
  series: readonly RunSeries[];
  settings: PanelSettings;
  /** The zoomed x range, or null for all data. */
  zoom: [number, number] | null;
}

export interface PanelChartOptions {
  /** Join the crosshair sync group of panels sharing this x axis kind. */
  sync: boolean;
  onZoom: (range: [number, number] | null) => void;
  /** Called after each draw with the number of insight marks drawn. */
  onMarks?: (count: number) => void;
}

const GRID = "#ececec";
const AXIS_TEXT = "#6b6f76";
const FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const CROSSOVER_LINE = "rgba(82, 86, 94, 0.5)";
const NEUTRAL = "#6b6f76";

function lowerBound(xs: ArrayLike<number>, v: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class PanelChart {
  private u: uPlot | null = null;
  private signature = "";
  private input: ChartInput | null = null;
  private shaped: AlignedPanel | null = null;
  private width = 400;
  private height = 220;
  private readonly tooltip: Tooltip;
  private marks: readonly InsightMark[] = [];

  constructor(
    private readonly host: HTMLElement,
    private readonly opts: PanelChartOptions,
  ) {
    this.tooltip = new Tooltip(host);
  }

  get aligned(): AlignedPanel | null {
    return this.shaped;
  }

  get plot(): uPlot | null {
    return this.u;
  }

  /** Draw new data or settings. Rebuilds uPlot only when the series layout changed. */
  update(input: ChartInput, width: number, height: number): void {
    const order = new Map(input.runs.map((r, i) => [r.id, i]));
    const series = input.series.filter((s) => order.has(s.run)).sort((a, b) => order.get(a.run)! - order.get(b.run)!);
    const st = input.settings;
    const shaped = alignPanel(series, { band: st.band, smoothing: st.smoothing, log: st.log });
    this.input = input;
    this.shaped = shaped;
    const colors = new Map(input.runs.map((r) => [r.id, r.color]));
    const signature = JSON.stringify([
      shaped.slots.map((s) => `${s.run}:${s.role}:${colors.get(s.run)}`),
      xKind(st.x),
      st.log,
    ]);
    const data = shaped.data as uPlot.AlignedData;
    if (!this.u || signature !== this.signature) {
      this.build(data, colors, width, height);
      this.signature = signature;
      if (input.zoom) this.u!.setScale("x", { min: input.zoom[0], max: input.zoom[1] });
      return;
    }
    const u = this.u;
    if (Math.round(width) !== this.width || Math.round(height) !== this.height) this.setSize(width, height);
    u.batch(() => {
      u.setData(data, input.zoom === null);
      if (input.zoom) u.setScale("x", { min: input.zoom[0], max: input.zoom[1] });
    });
  }

  /** Insight marks to draw (already filtered to what should show); redraws without
   * touching the data when asked. */
  setMarks(marks: readonly InsightMark[], redraw: boolean): void {
    const prev = this.marks;
    const same =
      marks.length === prev.length &&
      marks.every((m, i) => m.kind === prev[i]!.kind && m.run === prev[i]!.run && m.step === prev[i]!.step && m.value === prev[i]!.value);
    this.marks = marks;
    if (redraw && !same && this.u) this.u.redraw(false, false);
  }

  setSize(width: number, height: number): void {
    this.width = Math.max(50, Math.round(width));
    this.height = Math.max(60, Math.round(height));
    this.u?.setSize({ width: this.width, height: this.height });
  }

  /** The canvas as a PNG data URL, on a white background. */
  toPNG(): string | null {
    const canvas = this.u?.ctx.canvas;
    if (!canvas) return null;
    const out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    const ctx = out.getContext("2d");
    if (!ctx) return canvas.toDataURL("image/png");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }

  destroy(): void {
    this.u?.destroy();
    this.u = null;
    this.tooltip.destroy();
  }

  private build(data: uPlot.AlignedData, colors: Map<string, string>, width: number, height: number): void {
    this.u?.destroy();
    this.width = Math.max(50, Math.round(width));
    this.height = Math.max(60, Math.round(height));
    const input = this.input!;
    const shaped = this.shaped!;
    const st = input.settings;
    const kind = xKind(st.x);
    const smoothing = isSmoothing(st.smoothing);
    const mainIdx = new Set<number>();
    const slotColor: string[] = [""];
    const series: uPlot.Series[] = [{}];
    shaped.slots.forEach((slot, i) => {
      const color = colors.get(slot.run) ?? "#888888";
      slotColor.push(color);
      const base: uPlot.Series = { scale: "y", spanGaps: false, label: slot.run };
      if (slot.role === "main") {
        mainIdx.add(i + 1);
        series.push({
          ...base,
          stroke: color,
          width: 1.5,
          // Lines only; a point with no finite neighbour would be invisible, so it is a dot.
          points: { show: true, size: 5, fill: color, filter: (u, si) => isolatedPoints(u.data[si] as Cell[]) },
        });
      } else if (slot.role === "raw") {
        series.push({ ...base, stroke: withAlpha(color, 0.28), width: 1, points: { show: false } });
      } else {
        series.push({ ...base, stroke: "transparent", width: 0, points: { show: false } });
      }
    });
    const bands: uPlot.Band[] = st.band
      ? bandPairs(shaped.slots).map(([hi, lo]) => ({
          series: [hi, lo] as [number, number],
          fill: withAlpha(colors.get(shaped.slots[hi - 1]!.run) ?? "#888888", smoothing ? 0.1 : 0.14),
        }))
      : [];

    const xAxis: uPlot.Axis = {
      stroke: AXIS_TEXT,
      font: FONT,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: GRID, width: 1, size: 4 },
      size: kind === "wall" ? 42 : 28,
      gap: 3,
      space: kind === "wall" ? 90 : 50,
    };
    if (kind === "step") {
      xAxis.incrs = integerIncrs();
      xAxis.values = (_u, splits, _ax, _space, incr) => formatTicks(splits, incr);
    } else if (kind === "relative") {
      xAxis.incrs = durationIncrs();
      xAxis.values = (_u, splits) => splits.map((v) => (v === null ? "" : formatX("relative", v)));
    } else if (kind === "metric") {
      xAxis.values = (_u, splits, _ax, _space, incr) => formatTicks(splits, incr);
    }
    const yAxis: uPlot.Axis = {
      stroke: AXIS_TEXT,
      space: 40,
      font: FONT,
      grid: { stroke: GRID, width: 1 },
      ticks: { stroke: GRID, width: 1, size: 4 },
      gap: 4,
      size: (u, values) => {
        if (!values || values.length === 0) return 36;
        u.ctx.font = FONT;
        const w = Math.max(...values.map((v) => u.ctx.measureText(v).width)) / (devicePixelRatio || 1);
        return Math.ceil(w) + 14;
      },
      values: (_u, splits, _ax, _space, incr) =>
        st.log ? splits.map((v) => (v === null || !Number.isFinite(v) ? "" : formatTicks([v], v)[0]!)) : formatTicks(splits, incr),
    };

    const opts: uPlot.Options = {
      width: this.width,
      height: this.height,
      pxAlign: 0,
      legend: { show: false },
      padding: [8, 10, 0, 0],
      scales: {
        x: {
          time: kind === "wall",
          range: (_u, min, max) => {
            if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
            return min === max ? [min - 1, max + 1] : [min, max];
          },
        },
        y: {
          distr: st.log ? 3 : 1,
          range: (u, min, max) => this.yRange(u, min, max),
        },
      },
      axes: [xAxis, yAxis],
      series,
      bands,
      cursor: {
        y: false,
        drag: { x: true, y: false, setScale: true, dist: 5 },
        points: {
          show: (_u, si) => {
            if (!mainIdx.has(si)) return undefined as unknown as HTMLElement;
            const el = document.createElement("div");
            el.className = "ss-cursor-pt";
            return el;
          },
          size: 8,
          width: 2,
          fill: "#ffffff",
          stroke: (_u, si) => slotColor[si] ?? "#888888",
        },
        sync: this.opts.sync ? syncOptions(kind) : { key: `ss-none-${Math.random()}` },
        bind: {
          dblclick: () => () => {
            this.opts.onZoom(null);
            return null;
          },
        },
      },
      hooks: {
        setSelect: [
          (u) => {
            const { left, width: w } = u.select;
            if (w <= 0) return;
            const a = u.posToVal(left, "x");
            const b = u.posToVal(left + w, "x");
            if (Number.isFinite(a) && Number.isFinite(b) && b > a) {
              const range: [number, number] = [a, b];
              queueMicrotask(() => this.opts.onZoom(range));
            }
          },
        ],
        setCursor: [(u) => this.showTooltip(u)],
        draw: [
          (u) => {
            this.drawNonFinite(u, colors);
            this.drawMarks(u, colors);
          },
        ],
      },
    };
    this.u = new uPlot(opts, data, this.host);
    this.u.over.addEventListener("mouseleave", () => this.tooltip.hide());
  }

  /** Small ticks along the bottom of the plot where a run has NaN/±inf points. */
  private drawNonFinite(u: uPlot, colors: Map<string, string>): void {
    const shaped = this.shaped;
    if (!shaped || shaped.nonfiniteX.size === 0) return;
    const ctx = u.ctx;
    const pr = devicePixelRatio || 1;
    const { left, top, width, height } = u.bbox;
    const size = 4 * pr;
    ctx.save();
    for (const [run, xs] of shaped.nonfiniteX) {
      ctx.fillStyle = colors.get(run) ?? "#888888";
      ctx.beginPath();
      for (const x of xs) {
        const px = u.valToPos(x, "x", true);
        if (px < left || px > left + width) continue;
        const y = top + height;
        ctx.moveTo(px, y - size);
        ctx.lineTo(px - size * 0.8, y);
        ctx.lineTo(px + size * 0.8, y);
        ctx.closePath();
      }
      ctx.fill();
    }
    ctx.restore();
  }

  /** Insight marks: a ring at a peak or trough, a triangle at a spike (pointing its way),
   * both in the run's color and pinned to the plot's edge when off the y range; a dashed
   * vertical line with a small "×" at a crossover. */
  private drawMarks(u: uPlot, colors: Map<string, string>): void {
    let drawn = 0;
    if (this.marks.length > 0) {
      const ctx = u.ctx;
      const pr = devicePixelRatio || 1;
      const { left, top, width, height } = u.bbox;
      const r = 3.5 * pr;
      ctx.save();
      ctx.lineJoin = "round";
      for (const m of this.marks) {
        const px = u.valToPos(m.step, "x", true);
        if (!Number.isFinite(px) || px < left - 1 || px > left + width + 1) continue;
        const color = (m.run !== null && colors.get(m.run)) || NEUTRAL;
        if (m.kind === "crossover") {
          ctx.strokeStyle = CROSSOVER_LINE;
          ctx.lineWidth = pr;
          ctx.setLineDash([3 * pr, 3 * pr]);
          ctx.beginPath();
          ctx.moveTo(px, top);
          ctx.lineTo(px, top + height);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.font = `600 ${11 * pr}px system-ui, sans-serif`;
          ctx.textAlign = "center";
          ctx.textBaseline = "alphabetic";
          ctx.lineWidth = 3 * pr;
          ctx.strokeStyle = "#ffffff";
          ctx.strokeText("×", px, top + 9 * pr);
          ctx.fillStyle = color;
          ctx.fillText("×", px, top + 9 * pr);
          drawn++;
          continue;
        }
        if (m.value === null) continue;
        let py = u.valToPos(m.value, "y", true);
        if (Number.isNaN(py)) continue;
        py = Math.min(top + height - r, Math.max(top + r, py));
        ctx.beginPath();
        if (m.kind === "peak" || m.kind === "trough") {
          ctx.arc(px, py, r, 0, 2 * Math.PI);
          ctx.fillStyle = "#ffffff";
          ctx.fill();
          ctx.lineWidth = 1.6 * pr;
          ctx.strokeStyle = color;
          ctx.stroke();
        } else {
          const d = m.kind === "spike-down" ? 1 : -1;
          const s = r * 1.25;
          ctx.moveTo(px, py + d * s);
          ctx.lineTo(px - s, py - d * s * 0.8);
          ctx.lineTo(px + s, py - d * s * 0.8);
          ctx.closePath();
          ctx.lineWidth = 1.2 * pr;
          ctx.strokeStyle = "#ffffff";
          ctx.stroke();
          ctx.fillStyle = color;
          ctx.fill();
        }
        drawn++;
      }
      ctx.restore();
    }
    this.opts.onMarks?.(drawn);
  }

  private yRange(u: uPlot, dataMin: number | null, dataMax: number | null): uPlot.Range.MinMax {
    const st = this.input?.settings;
    const shaped = this.shaped;
    if (!st || !shaped) return [dataMin ?? 0, dataMax ?? 1];
    const xs = u.data[0];
    const sx = u.scales.x;
    let i0 = 0;
    let i1 = xs.length;
    if (sx && sx.min !== undefined && sx.max !== undefined && sx.min !== null && sx.max !== null) {
      i0 = lowerBound(xs, sx.min);
      i1 = lowerBound(xs, sx.max + Number.EPSILON * Math.abs(sx.max)) + 1;
    }
    // Raw values decide the range (smoothed lines stay inside them); the envelope too,
    // unless outliers are ignored.
    const cols: Column[] = [];
    const take = (col: Column): void => {
      cols.push(i0 === 0 && i1 >= col.length ? col : col.slice(i0, i1));
    };
    for (const col of shaped.raw.values()) take(col);
    if (!st.ignoreOutliers) {
      shaped.slots.forEach((slot, i) => {
        if (slot.role === "min" || slot.role === "max") take(shaped.data[i + 1] as Column);
      });
    }
    const r = computeYRange(cols, { ignoreOutliers: st.ignoreOutliers, log: st.log, min: st.yMin, max: st.yMax });
    if (!r) return st.log ? [1, 10] : [0, 1];
    return r;
  }

  private showTooltip(u: uPlot): void {
    const idx = u.cursor.idx;
    const input = this.input;
    const shaped = this.shaped;
    // Only the panel under the mouse shows values; synced panels show the crosshair only.
    if (idx === null || idx === undefined || !input || !shaped || !u.cursor.event) {
      this.tooltip.hide();
      return;
    }
    const runs: TooltipRunInfo[] = [];
    for (const r of input.runs) {
      const main = shaped.main.get(r.id);
      const raw = shaped.raw.get(r.id);
      if (main && raw) runs.push({ id: r.id, name: r.name, color: r.color, main, raw });
    }
    const xs = u.data[0] as number[];
    const pxSpan = Math.abs(u.posToVal(24, "x") - u.posToVal(0, "x"));
    this.tooltip.show(u, runs, idx, xs, pxSpan, input.settings.x, isSmoothing(input.settings.smoothing));
  }
}
