// One panel: the frame (title top-left; pin, expand, menu top-right), its chart, an
// optional legend and a height handle. It keeps the un-zoomed data it was given and, when
// zoomed, the full-resolution data of the zoomed range, so a double-click restores the
// overview at once.

import type { SeriesEnvelope } from "../api/types";
import { icon } from "../charts/icons";
import { PanelChart } from "../charts/panelchart";
import { alignPanel } from "../lib/align";
import { downloadName, panelCsv } from "../lib/csv";
import { describeFindings, panelMarks, visibleMarks, type InsightMark } from "../lib/insightmarks";
import { xColumnName } from "../lib/format";
import { togglePin } from "../lib/sections";
import { isSmoothing } from "../lib/smoothing";
import { clampHeight, panelSettings, updatePanel, type PanelSettings } from "../lib/workspace";
import { panelLink } from "../lib/urlstate";
import { clampBuckets } from "../state/series";
import type { PanelContext } from "./context";
import { copyText, download, h, toast } from "./dom";
import { closePanelMenu, openPanelMenu } from "./panelmenu";
import { setHook, setMarkCount } from "./testhook";

interface Loaded {
  x: string;
  runs: Set<string>;
  series: SeriesEnvelope[];
}

export interface PanelViewOptions {
  /** The full-screen overlay version: no pin/expand, always a legend, no sync. */
  expanded?: boolean;
  onClose?: () => void;
  /** Called after each draw (the grid counts first draws for readiness). */
  onDrawn?: (panel: PanelView) => void;
  /** Ask the owner to draw this panel in the next animation frame. */
  requestDraw?: (panel: PanelView) => void;
}

let descSeq = 0;

export class PanelView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly status: HTMLElement;
  private readonly pinBtn: HTMLButtonElement | null;
  private readonly menuBtn: HTMLButtonElement;
  /** Visually hidden: the chart's accessible description. */
  private readonly srDesc: HTMLElement;
  /** The description shown under the chart ("Describe"; always in the overlay). */
  private readonly describeEl: HTMLElement;
  private describing = false;
  private describedAs = "";
  /** All insight marks of this chart for the visible runs (drawn unless turned off). */
  private marks: InsightMark[] = [];
  /** Findings changed while off-screen: redraw the marks when back in view. */
  private marksDirty = false;
  private readonly unsubscribeInsights: () => void;
  private chart: PanelChart | null = null;
  private base: Loaded | null = null;
  private zoom: { range: [number, number]; data: Loaded | null } | null = null;
  private loading: Promise<void> | null = null;
  private stale = false;
  private baseStale = false;
  private settingsJson = "";
  inView = false;
  drawn = false;
  failed = false;

  constructor(
    readonly key: string,
    private readonly ctx: PanelContext,
    private readonly opts: PanelViewOptions = {},
  ) {
    const expanded = !!opts.expanded;
    this.pinBtn = expanded
      ? null
      : h("button", { type: "button", class: "ss-icon-btn", testid: "panel-pin", title: "Pin", "aria-label": "Pin panel" });
    const expandBtn = expanded
      ? h("button", { type: "button", class: "ss-icon-btn", testid: "expanded-close", title: "Close (Esc)", "aria-label": "Close", html: icon("close") })
      : h("button", { type: "button", class: "ss-icon-btn", testid: "panel-expand", title: "Expand", "aria-label": "Expand panel", html: icon("expand") });
    this.menuBtn = h("button", {
      type: "button",
      class: "ss-icon-btn",
      testid: "panel-menu",
      title: "Panel settings",
      "aria-label": "Panel menu",
      "aria-haspopup": "menu",
      html: icon("kebab"),
    });
    const descId = `ss-desc-${++descSeq}`;
    this.body = h("div", { class: "ss-panel-body", testid: "panel-chart", role: "figure", "aria-label": `${key} chart` });
    this.srDesc = h("p", { class: "ss-sr-only", id: descId, testid: "panel-description" });
    this.describeEl = h("div", { class: "ss-describe", testid: "panel-describe", "aria-live": "polite" });
    this.describeEl.hidden = !expanded;
    this.status = h("div", { class: "ss-panel-status", testid: "panel-status" });
    this.legend = h("div", { class: "ss-legend", testid: "panel-legend" });
    const handle = expanded ? null : h("div", { class: "ss-resize", testid: "panel-resize", title: "Drag to resize" });
    this.el = h(
      "div",
      { class: expanded ? "ss-panel ss-panel-expanded" : "ss-panel", testid: expanded ? "expanded-chart" : "panel", "data-key": key },
      h(
        "div",
        { class: "ss-panel-head" },
        h("div", { class: "ss-panel-title", testid: "panel-title", title: key }, key),
        h("div", { class: "ss-panel-actions" }, this.pinBtn, expandBtn, this.menuBtn),
      ),
      this.body,
      this.legend,
      this.describeEl,
      this.srDesc,
      handle,
    );
    this.body.appendChild(this.status);
    this.pinBtn?.addEventListener("click", () => ctx.store.update((ws) => ({ ...ws, pins: togglePin(ws.pins, key) })));
    expandBtn.addEventListener("click", () => (expanded ? opts.onClose?.() : ctx.expand(key)));
    this.menuBtn.addEventListener("click", (e) => {
      e.stopPropagation();
      if (this.menuBtn.getAttribute("aria-expanded") === "true") closePanelMenu();
      else this.openMenu();
    });
    if (handle) this.bindResize(handle);
    this.syncPin();
    this.settingsJson = JSON.stringify(this.settings);
    this.body.style.height = `${this.settings.height}px`;
    this.unsubscribeInsights = ctx.insights.subscribe(() => {
      // Lazy: only panels that have drawn ask for (and show) findings.
      if (this.drawn) this.syncInsights(true);
    });
  }

  get settings(): PanelSettings {
    const s = panelSettings(this.ctx.store.state, this.key);
    if (this.opts.expanded) return { ...s, legend: true };
    return s;
  }

  get zoomed(): boolean {
    return this.zoom !== null;
  }

  /** Width of the plot area: also the bucket count asked of the server. */
  private plotWidth(): number {
    return Math.max(100, this.body.clientWidth || 400);
  }

  private plotHeight(): number {
    if (this.opts.expanded) return Math.max(200, this.body.clientHeight || 400);
    return this.settings.height;
  }

  syncPin(): void {
    if (!this.pinBtn) return;
    const pinned = this.ctx.store.state.pins.includes(this.key);
    this.pinBtn.innerHTML = icon(pinned ? "pinned" : "pin");
    this.pinBtn.classList.toggle("on", pinned);
    this.pinBtn.title = pinned ? "Unpin" : "Pin";
    this.pinBtn.setAttribute("aria-pressed", String(pinned));
  }

  /** React to a workspace change: settings of this panel, hidden runs, colors. */
  onWorkspaceChange(): void {
    this.syncPin();
    const json = JSON.stringify(this.settings);
    if (json === this.settingsJson) return;
    const prevX = this.base?.x;
    this.settingsJson = json;
    if (!this.opts.expanded) this.body.style.height = `${this.settings.height}px`;
    if (prevX !== undefined && prevX !== this.settings.x) {
      // A new x axis: the old zoom range is in other units.
      this.zoom = null;
      this.stale = true;
      void this.ensureData();
    } else {
      this.requestDraw();
    }
  }

  /** Visible runs changed: fetch when a newly shown run has no data here yet. */
  onRunsChange(): void {
    const need = this.ctx.chartRuns().some((r) => this.base !== null && !this.base.runs.has(r.id));
    if (need) {
      this.stale = true;
      if (this.zoom) this.zoom.data = null;
      if (this.inView) void this.ensureData();
    } else {
      this.requestDraw();
    }
  }

  setInView(v: boolean): void {
    this.inView = v;
    if (v) {
      if (!this.base || this.stale || (this.zoom && !this.zoom.data)) void this.ensureData();
      else if (!this.drawn || this.marksDirty) this.requestDraw();
    }
  }

  /** New points arrived for this key. Off-screen panels just remember to refresh. */
  markStale(): void {
    this.stale = true;
    if (this.inView) void this.ensureData();
  }

  hasData(): boolean {
    return this.base !== null;
  }

  /** Load what the panel needs now (base data, zoomed data), then draw. */
  ensureData(): Promise<void> {
    if (this.loading) {
      // One load at a time; a change during it triggers one more afterwards.
      return this.loading.then(() => (this.stale ? this.ensureData() : undefined));
    }
    this.loading = this.doLoad().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  private async doLoad(): Promise<void> {
    const st = this.settings;
    const wasStale = this.stale;
    this.stale = false;
    // New points while zoomed refresh the zoomed range only; the overview is fetched again
    // when the zoom is reset.
    if (wasStale) this.baseStale = true;
    const runs = this.ctx.chartRuns().map((r) => r.id);
    const buckets = clampBuckets(this.plotWidth());
    try {
      const jobs: Promise<void>[] = [];
      if (!this.base || this.base.x !== st.x || (this.baseStale && !this.zoom)) {
        this.baseStale = false;
        if (!this.base) this.setStatus("Loading…");
        jobs.push(
          this.ctx.loader.load({ key: this.key, x: st.x, range: null, buckets }).then((series) => {
            this.base = { x: st.x, runs: new Set(runs), series };
          }),
        );
      }
      const zoom = this.zoom;
      if (zoom && (!zoom.data || wasStale)) {
        // With smoothing on, fetch half a range more on the left (at the same resolution)
        // so the smoothed line enters the zoom warmed up instead of restarting at its edge.
        const warm = isSmoothing(st.smoothing) ? (zoom.range[1] - zoom.range[0]) / 2 : 0;
        const range: [number, number] = [zoom.range[0] - warm, zoom.range[1]];
        const zoomBuckets = clampBuckets(warm > 0 ? buckets * 1.5 : buckets);
        jobs.push(
          this.ctx.loader.load({ key: this.key, x: st.x, range, buckets: zoomBuckets }).then((series) => {
            if (this.zoom === zoom) zoom.data = { x: st.x, runs: new Set(runs), series };
          }),
        );
      }
      await Promise.all(jobs);
      this.failed = false;
      this.setStatus(this.base && this.base.series.length === 0 ? "No data for the visible runs" : "");
    } catch (e) {
      this.failed = true;
      this.setStatus(`Could not load: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.requestDraw();
  }

  private setStatus(text: string): void {
    this.status.textContent = text;
    this.status.hidden = text === "";
  }

  private requestDraw(): void {
    if (this.opts.requestDraw) this.opts.requestDraw(this);
    else requestAnimationFrame(() => this.draw());
  }

  /** Draw now (called by the owner inside one animation frame for many panels). */
  draw(): void {
    if (!this.inView && !this.opts.expanded) return;
    if (!this.base) {
      if (this.failed) this.opts.onDrawn?.(this);
      return;
    }
    const st = this.settings;
    const data = this.zoom?.data ?? this.base;
    const runs = this.ctx.chartRuns();
    if (!this.chart) {
      this.chart = new PanelChart(this.body, {
        sync: !this.opts.expanded,
        onZoom: (range) => this.setZoom(range),
        onMarks: (n) => (this.opts.expanded ? setHook({ expandedMarks: n }) : setMarkCount(this.key, n)),
      });
    }
    this.syncInsights(false);
    this.marksDirty = false;
    // Legend first: in the overlay it takes height from the plot.
    this.renderLegend(st.legend);
    this.chart.update({ runs, series: data.series, settings: st, zoom: this.zoom?.range ?? null }, this.plotWidth(), this.plotHeight());
    this.el.classList.toggle("zoomed", this.zoom !== null);
    this.drawn = true;
    this.opts.onDrawn?.(this);
  }

  /** Width changed (grid resize): resize the canvas without re-querying. */
  resize(): void {
    if (this.chart) this.chart.setSize(this.plotWidth(), this.plotHeight());
  }

  setZoom(range: [number, number] | null): void {
    if (range === null) {
      if (!this.zoom) {
        // Already at the overview: a double-click still re-fits the axes.
        this.requestDraw();
        return;
      }
      this.zoom = null;
      if (this.baseStale) void this.ensureData();
      else this.requestDraw();
      return;
    }
    this.zoom = { range, data: null };
    void this.ensureData();
  }

  private renderLegend(show: boolean): void {
    this.legend.hidden = !show;
    if (!show) return;
    const frag = document.createDocumentFragment();
    const have = new Set((this.zoom?.data ?? this.base)?.series.map((s) => s.run) ?? []);
    for (const r of this.ctx.chartRuns()) {
      if (!have.has(r.id)) continue;
      frag.appendChild(
        h(
          "span",
          { class: "ss-legend-item", "data-run-id": r.id },
          h("span", { class: "ss-swatch", style: `background:${r.color}` }),
          r.name,
        ),
      );
    }
    this.legend.replaceChildren(frag);
  }

  /** Read this chart's findings for the visible runs: the description (accessible, and
   * under the chart when shown) and the marks. */
  private syncInsights(redraw: boolean): void {
    const ins = this.ctx.insights.get(this.key);
    let summary: string[] = [];
    let rest: string[] = [];
    let note = "";
    this.marks = [];
    if (ins.status === "ready") {
      ({ summary, rest } = describeFindings(ins.findings, this.key));
      this.marks = panelMarks(ins.findings, this.key, ins.resolve);
      if (summary.length === 0) note = "Nothing to say about the visible runs yet.";
    } else if (ins.status === "loading") {
      note = "Describing…";
    } else if (ins.status === "error") {
      note = `Could not describe the chart: ${ins.message}`;
    } else {
      note = "No description: the server has no insights endpoint.";
    }
    this.renderDescription(summary, rest, note);
    const live = redraw && (this.inView || !!this.opts.expanded);
    if (redraw && !live) this.marksDirty = true;
    this.chart?.setMarks(this.shownMarks(), live);
  }

  /** Marks are in steps: drawn on step x axes only, for visible runs, unless turned off. */
  private shownMarks(): InsightMark[] {
    const st = this.settings;
    if (!st.marks || st.x !== "step" || this.marks.length === 0) return [];
    return visibleMarks(this.marks, new Set(this.ctx.chartRuns().map((r) => r.id)));
  }

  private renderDescription(summary: string[], rest: string[], note: string): void {
    const expanded = !!this.opts.expanded;
    const json = JSON.stringify([summary, expanded ? rest : 0, note]);
    if (json === this.describedAs) return;
    this.describedAs = json;
    const text = summary.join(" ");
    this.srDesc.textContent = text;
    if (text) this.body.setAttribute("aria-describedby", this.srDesc.id);
    else this.body.removeAttribute("aria-describedby");
    const parts: Node[] = [h("p", { class: summary.length ? "ss-describe-text" : "ss-describe-note" }, text || note)];
    if (expanded && rest.length > 0) {
      parts.push(h("ul", { class: "ss-describe-more", testid: "panel-describe-more" }, ...rest.map((t) => h("li", {}, t))));
    }
    this.describeEl.replaceChildren(...parts);
    // In the overlay the text takes height from the plot.
    if (expanded) requestAnimationFrame(() => this.resize());
  }

  /** The description under the chart (grid panels; the overlay always shows it). */
  toggleDescribe(): void {
    this.describing = !this.describing;
    this.describeEl.hidden = !this.describing && !this.opts.expanded;
    if (this.describing && this.drawn) this.syncInsights(false);
  }

  private openMenu(): void {
    const insightsOn = this.ctx.insights.available !== false;
    openPanelMenu(this.menuBtn, this.settings, this.ctx.keys().filter((k) => k !== this.key).slice(0, 500), {
      insights: insightsOn,
      describe: insightsOn && !this.opts.expanded ? { on: this.describing, toggle: () => this.toggleDescribe() } : null,
      change: (patch) => this.ctx.store.update((ws) => updatePanel(ws, this.key, patch)),
      reset: () =>
        this.ctx.store.update((ws) => {
          const panels = { ...ws.panels };
          delete panels[this.key];
          return { ...ws, panels };
        }),
      resetZoom: this.zoom ? () => this.setZoom(null) : null,
      downloadCsv: () => void this.downloadCsv(),
      downloadPng: () => this.downloadPng(),
      copyLink: () => void this.copyLink(),
    });
  }

  /** CSV of what is shown: x then one column per visible run with the raw values (the
   * zoomed range when zoomed). Built from the data, so it works before a first draw. */
  async csv(): Promise<string> {
    if (!this.base || this.stale) await this.ensureData();
    const st = this.settings;
    const data = this.zoom?.data ?? this.base;
    const visible = this.ctx.chartRuns();
    const order = new Map(visible.map((r, i) => [r.id, i]));
    const series = (data?.series ?? []).filter((s) => order.has(s.run)).sort((a, b) => order.get(a.run)! - order.get(b.run)!);
    const shaped = alignPanel(series, { band: false, smoothing: { kind: "none", param: 0 }, log: false });
    const runs = visible.filter((r) => shaped.raw.has(r.id)).map((r) => ({ id: r.id, name: r.name, values: shaped.raw.get(r.id)! }));
    return panelCsv(xColumnName(st.x), shaped.data[0], runs, this.zoom?.range ?? null);
  }

  private async downloadCsv(): Promise<void> {
    const text = await this.csv();
    download(downloadName(this.ctx.project, this.key, "csv"), new Blob([text], { type: "text/csv" }));
  }

  private downloadPng(): void {
    const url = this.chart?.toPNG();
    if (!url) {
      toast("Nothing drawn yet");
      return;
    }
    download(downloadName(this.ctx.project, this.key, "png"), url);
  }

  private async copyLink(): Promise<void> {
    const link = panelLink(location.origin, this.ctx.project, this.key);
    const ok = await copyText(link);
    this.el.dataset.link = link;
    toast(ok ? "Link copied" : link);
  }

  private bindResize(handle: HTMLElement): void {
    handle.addEventListener("pointerdown", (e) => {
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      const startY = e.clientY;
      const startH = this.settings.height;
      let next = startH;
      const move = (ev: PointerEvent): void => {
        next = clampHeight(startH + ev.clientY - startY);
        this.body.style.height = `${next}px`;
        this.chart?.setSize(this.plotWidth(), next);
      };
      const up = (): void => {
        handle.removeEventListener("pointermove", move);
        handle.removeEventListener("pointerup", up);
        handle.removeEventListener("pointercancel", up);
        if (next !== startH) this.ctx.store.update((ws) => updatePanel(ws, this.key, { height: next }));
      };
      handle.addEventListener("pointermove", move);
      handle.addEventListener("pointerup", up);
      handle.addEventListener("pointercancel", up);
    });
  }

  destroy(): void {
    this.unsubscribeInsights();
    this.chart?.destroy();
    this.chart = null;
    this.el.remove();
  }

  /** The PNG data URL of the chart (tests, downloads). */
  png(): string | null {
    return this.chart?.toPNG() ?? null;
  }
}
