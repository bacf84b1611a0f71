// The expanded panel: a full-screen overlay with one panel, a legend, its own zoom and a
// higher-resolution query (buckets = the overlay's width). Esc or the close button closes.

import type { PanelContext } from "./context";
import { h } from "./dom";
import { PanelView } from "./panel";

export class ExpandedPanel {
  private overlay: HTMLElement | null = null;
  private panel: PanelView | null = null;
  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape" && !document.querySelector(".ss-menu")) this.close();
  };
  private readonly onResize = (): void => this.panel?.resize();

  constructor(
    private readonly ctx: PanelContext,
    private readonly onClosed: () => void,
  ) {}

  get key(): string | null {
    return this.panel?.key ?? null;
  }

  open(key: string): void {
    if (this.panel?.key === key) return;
    this.teardown();
    const panel = new PanelView(key, this.ctx, { expanded: true, onClose: () => this.close() });
    const overlay = h(
      "div",
      { class: "ss-overlay", testid: "expanded-panel", "data-key": key, role: "dialog", "aria-modal": "true", "aria-label": key },
      panel.el,
    );
    overlay.addEventListener("pointerdown", (e) => {
      if (e.target === overlay) this.close();
    });
    document.body.appendChild(overlay);
    document.body.classList.add("ss-noscroll");
    this.overlay = overlay;
    this.panel = panel;
    document.addEventListener("keydown", this.onKey);
    window.addEventListener("resize", this.onResize);
    panel.inView = true;
    void panel.ensureData();
  }

  close(): void {
    if (!this.panel) return;
    this.teardown();
    this.onClosed();
  }

  /** Workspace or runs changed while open. */
  onWorkspaceChange(): void {
    this.panel?.onWorkspaceChange();
  }

  onRunsChange(): void {
    this.panel?.onRunsChange();
  }

  onPoints(keys: readonly string[]): void {
    if (this.panel && keys.includes(this.panel.key)) this.panel.markStale();
  }

  private teardown(): void {
    document.removeEventListener("keydown", this.onKey);
    window.removeEventListener("resize", this.onResize);
    this.panel?.destroy();
    this.overlay?.remove();
    document.body.classList.remove("ss-noscroll");
    this.panel = null;
    this.overlay = null;
  }
}
