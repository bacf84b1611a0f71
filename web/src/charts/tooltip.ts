// The hover tooltip of a panel: every visible run's value at the hovered x, sorted by value
// (lib/tooltip), each row in the run's color. Plain DOM, reused between moves.

import type uPlot from "uplot";
import type { Column } from "../lib/align";
import { formatValue, formatX } from "../lib/format";
import { tooltipRows } from "../lib/tooltip";

export interface TooltipRunInfo {
  id: string;
  name: string;
  color: string;
  main: Column;
  raw: Column;
}

const MAX_ROWS = 30;

export class Tooltip {
  private readonly el: HTMLDivElement;

  constructor(host: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "ss-tooltip";
    this.el.dataset.testid = "panel-tooltip";
    this.el.hidden = true;
    host.appendChild(this.el);
  }

  show(
    u: uPlot,
    runs: readonly TooltipRunInfo[],
    idx: number,
    xs: readonly number[],
    maxXDistance: number,
    xAxis: string,
    smoothed: boolean,
  ): void {
    const rows = tooltipRows(runs, idx, xs, maxXDistance);
    if (rows.length === 0) {
      this.hide();
      return;
    }
    const frag = document.createDocumentFragment();
    const head = document.createElement("div");
    head.className = "ss-tooltip-x";
    head.textContent = `${xAxis === "step" ? "Step " : ""}${formatX(xAxis, xs[idx])}`;
    frag.appendChild(head);
    for (const row of rows.slice(0, MAX_ROWS)) {
      const line = document.createElement("div");
      line.className = "ss-tooltip-row";
      line.dataset.runId = row.id;
      const sw = document.createElement("span");
      sw.className = "ss-swatch";
      sw.style.background = row.color;
      const name = document.createElement("span");
      name.className = "ss-tooltip-name";
      name.textContent = row.name;
      name.style.color = row.color;
      const val = document.createElement("span");
      val.className = "ss-tooltip-val";
      val.textContent = formatValue(row.value);
      line.append(sw, name, val);
      if (smoothed && row.raw !== row.value) {
        const raw = document.createElement("span");
        raw.className = "ss-tooltip-raw";
        raw.textContent = formatValue(row.raw);
        line.appendChild(raw);
      }
      frag.appendChild(line);
    }
    if (rows.length > MAX_ROWS) {
      const more = document.createElement("div");
      more.className = "ss-tooltip-more";
      more.textContent = `+${rows.length - MAX_ROWS} more`;
      frag.appendChild(more);
    }
    this.el.replaceChildren(frag);
    this.el.hidden = false;
    // Place beside the cursor, flipping to the left near the right edge.
    const left = (u.cursor.left ?? 0) + u.over.offsetLeft;
    const top = (u.cursor.top ?? 0) + u.over.offsetTop;
    const hostW = (this.el.parentElement?.clientWidth ?? 0) || u.width;
    const w = this.el.offsetWidth;
    const x = left + 14 + w > hostW ? Math.max(0, left - 14 - w) : left + 14;
    const y = Math.max(0, Math.min(top - 10, u.height - this.el.offsetHeight));
    this.el.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
  }

  hide(): void {
    this.el.hidden = true;
  }

  destroy(): void {
    this.el.remove();
  }
}
