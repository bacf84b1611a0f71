// The panel grid: collapsible sections ("Pinned" first, then one per key prefix), three
// panels a row at desktop width. Panels are built once and moved, never rebuilt, when pins
// or sections change. Only panels near the viewport load and draw (IntersectionObserver);
// everything they ask for in one task goes out as one batch query, and all draws of a
// frame happen in one requestAnimationFrame.

import type { KeysResponse } from "../api/types";
import { icon } from "../charts/icons";
import { groupSections, PINNED_SECTION, type SectionGroup } from "../lib/sections";
import { createCoalescer, type Coalescer } from "../lib/schedule";
import { toggleCollapsed } from "../lib/workspace";
import type { PanelContext } from "./context";
import { h } from "./dom";
import { PanelView } from "./panel";
import { setHook } from "./testhook";

export class PanelGrid {
  readonly el: HTMLElement;
  private panels = new Map<string, PanelView>();
  private keyInfo: KeysResponse = { keys: [], sections: [] };
  private io: IntersectionObserver;
  private ro: ResizeObserver;
  private drawQueue = new Map<PanelView, "draw" | "resize">();
  private frame = 0;
  private query = "";
  private initial: Set<PanelView> | null = null;
  private ready = false;
  private readonly live: Coalescer<string>;
  private lastWidth = 0;
  private keysSet = false;
  private readonly empty: HTMLElement;

  constructor(private readonly ctx: PanelContext) {
    this.empty = h("div", { class: "ss-empty", testid: "panels-empty" });
    this.el = h("div", { class: "ss-sections", testid: "panel-grid" });
    this.io = new IntersectionObserver((entries) => this.onIntersect(entries), { rootMargin: "150px 0px" });
    this.ro = new ResizeObserver(() => {
      const w = this.el.clientWidth;
      if (w === this.lastWidth) return;
      this.lastWidth = w;
      for (const p of this.panels.values()) if (p.drawn) this.queueDraw(p, true);
    });
    this.ro.observe(this.el);
    this.live = createCoalescer<string>((keys) => {
      for (const k of keys) this.panels.get(k)?.markStale();
    }, 250);
  }

  get keys(): string[] {
    return this.keyInfo.keys.map((k) => k.key);
  }

  setKeys(info: KeysResponse): void {
    this.keyInfo = info;
    this.keysSet = true;
    const wanted = new Set(info.keys.map((k) => k.key));
    for (const [key, p] of this.panels) {
      if (!wanted.has(key)) {
        this.io.unobserve(p.el);
        p.destroy();
        this.panels.delete(key);
      }
    }
    this.layout();
  }

  setQuery(q: string): void {
    this.query = q;
    this.layout();
  }

  /** Place panels into sections per the current pins, collapsed sections and search. */
  layout(): void {
    const ws = this.ctx.store.state;
    const groups = groupSections(this.keyInfo.keys, this.keyInfo.sections, ws.pins, this.query);
    const seen = new Set<string>();
    const sections: HTMLElement[] = [];
    for (const g of groups) {
      sections.push(this.renderSection(g, ws.collapsed.includes(g.id), seen));
    }
    for (const [key, p] of this.panels) {
      if (!seen.has(key)) {
        this.io.unobserve(p.el);
        p.el.remove();
        p.inView = false;
      }
    }
    if (groups.length === 0) {
      this.empty.textContent =
        this.keyInfo.keys.length === 0 ? "No metrics logged yet. Panels appear as soon as a run logs its first point." : "No panel matches the search.";
      sections.push(this.empty);
    }
    this.el.replaceChildren(...sections);
    setHook({ panels: this.keyInfo.keys.length });
    if (this.keysSet) this.primeVisible(seen);
    if (this.keysSet && this.initial === null && !this.ready) {
      // Readiness is decided on the first intersection pass; with nothing to show it is now.
      if (seen.size === 0) this.markReady();
    }
  }

  private sectionEls = new Map<string, { root: HTMLElement; grid: HTMLElement; count: HTMLElement; more: HTMLButtonElement }>();
  /** Panels shown per section before "Show more" (transient): bounds the DOM for runs that
   * log thousands of keys. */
  private limits = new Map<string, number>();
  static readonly PAGE = 36;

  /** Panels are built the first time a section shows them. */
  private panelFor(key: string): PanelView {
    let p = this.panels.get(key);
    if (!p) {
      p = new PanelView(key, this.ctx, {
        requestDraw: (panel) => this.queueDraw(panel),
        onDrawn: (panel) => this.onDrawn(panel),
      });
      this.panels.set(key, p);
    }
    return p;
  }

  private renderSection(g: SectionGroup, collapsed: boolean, seen: Set<string>): HTMLElement {
    let s = this.sectionEls.get(g.id);
    if (!s) {
      const grid = h("div", { class: "ss-grid" });
      const count = h("span", { class: "ss-section-count" });
      const toggle = h(
        "button",
        { type: "button", class: "ss-section-head", testid: "section-toggle" },
        h("span", { class: "ss-chevron", html: icon("chevron", 14) }),
        h("span", { class: "ss-section-title" }, g.title),
        count,
      );
      toggle.addEventListener("click", () => this.ctx.store.update((ws) => ({ ...ws, collapsed: toggleCollapsed(ws.collapsed, g.id) })));
      const more = h("button", { type: "button", class: "ss-btn ss-more", testid: "section-more" });
      more.addEventListener("click", () => {
        this.limits.set(g.id, (this.limits.get(g.id) ?? PanelGrid.PAGE) + PanelGrid.PAGE * 4);
        this.layout();
      });
      const root = h("section", { class: "ss-section", testid: "section", "data-section": g.id === PINNED_SECTION ? "Pinned" : g.id }, toggle, grid, more);
      if (g.id === PINNED_SECTION) root.classList.add("ss-pinned");
      s = { root, grid, count, more };
      this.sectionEls.set(g.id, s);
    }
    s.count.textContent = String(g.keys.length);
    s.root.classList.toggle("collapsed", collapsed);
    s.root.setAttribute("aria-expanded", String(!collapsed));
    const children: HTMLElement[] = [];
    const limit = this.limits.get(g.id) ?? PanelGrid.PAGE;
    if (!collapsed) {
      for (const key of g.keys.slice(0, limit)) {
        seen.add(key);
        children.push(this.panelFor(key).el);
      }
    }
    const hiddenCount = collapsed ? 0 : Math.max(0, g.keys.length - limit);
    s.more.hidden = hiddenCount === 0;
    s.more.textContent = `Show ${Math.min(hiddenCount, PanelGrid.PAGE * 4)} more of ${hiddenCount}`;
    // Move only what changed, so existing canvases stay put.
    const current = Array.from(s.grid.children);
    if (current.length !== children.length || current.some((c, i) => c !== children[i])) {
      s.grid.replaceChildren(...children);
    }
    for (const c of children) this.io.observe(c);
    return s.root;
  }

  /** Start loading the panels already in the viewport now, instead of waiting a frame for
   * the IntersectionObserver's first report: the batch query goes out one frame earlier. */
  private primeVisible(placed: Set<string>): void {
    const vh = window.innerHeight || document.documentElement.clientHeight;
    const entering: PanelView[] = [];
    for (const key of placed) {
      const p = this.panels.get(key)!;
      if (p.inView) continue;
      const r = p.el.getBoundingClientRect();
      if (r.bottom >= -150 && r.top <= vh + 150 && r.width > 0) entering.push(p);
    }
    if (this.initial === null && !this.ready && entering.length > 0) this.initial = new Set(entering);
    for (const p of entering) p.setInView(true);
  }

  private onIntersect(entries: IntersectionObserverEntry[]): void {
    const byEl = new Map<Element, PanelView>();
    for (const p of this.panels.values()) byEl.set(p.el, p);
    const entering: PanelView[] = [];
    for (const e of entries) {
      const p = byEl.get(e.target);
      if (!p) continue;
      if (e.isIntersecting && !p.inView) entering.push(p);
      else if (!e.isIntersecting) {
        p.inView = false;
        // Pushed out of the viewport before drawing (a panel above grew): not part of the
        // first screen any more.
        this.initial?.delete(p);
      }
    }
    if (this.initial && this.initial.size === 0 && !this.ready && entering.length === 0) this.markReady();
    if (this.keysSet && this.initial === null && !this.ready) {
      this.initial = new Set(entering);
      if (entering.length === 0) this.markReady();
    }
    // All setInView calls happen in this task, so the loader sends them as one batch.
    for (const p of entering) p.setInView(true);
  }

  private queueDraw(p: PanelView, resizeOnly = false): void {
    // A full draw also resizes, so it wins over a pending resize.
    if (!resizeOnly || !this.drawQueue.has(p)) this.drawQueue.set(p, resizeOnly ? "resize" : "draw");
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const queue = [...this.drawQueue];
      this.drawQueue.clear();
      for (const [panel, what] of queue) {
        try {
          if (what === "resize") panel.resize();
          else panel.draw();
        } catch (e) {
          // One bad panel must not keep the others (or readiness) from drawing.
          console.error(`panel ${panel.key}:`, e);
          panel.failed = true;
          this.onDrawn(panel);
        }
      }
    });
  }

  private onDrawn(p: PanelView): void {
    let drawn = 0;
    for (const panel of this.panels.values()) if (panel.drawn) drawn++;
    setHook({ drawn });
    if (!this.ready && this.initial) {
      this.initial.delete(p);
      if (this.initial.size === 0) this.markReady();
    }
  }

  private markReady(): void {
    if (this.ready) return;
    this.ready = true;
    this.initial = null;
    setHook({ ready: true, renderDoneAt: performance.now() });
    this.onReady?.();
  }

  /** Called once when the panels in the first viewport have drawn. */
  onReady: (() => void) | null = null;

  /** Workspace state changed: re-layout on pins/collapsed, let panels react to the rest. */
  onWorkspaceChange(layoutChanged: boolean): void {
    if (layoutChanged) this.layout();
    for (const p of this.panels.values()) p.onWorkspaceChange();
  }

  onRunsChange(): void {
    for (const p of this.panels.values()) p.onRunsChange();
  }

  /** Live: new points for these keys (coalesced to one refresh per 250 ms). */
  onPoints(keys: readonly string[]): void {
    this.live.add(keys.filter((k) => this.panels.has(k)));
  }

  panel(key: string): PanelView | undefined {
    return this.panels.get(key);
  }

  destroy(): void {
    this.live.dispose();
    this.io.disconnect();
    this.ro.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    for (const p of this.panels.values()) p.destroy();
    this.panels.clear();
  }
}
