// The written analysis below the charts (and on /p/<project>/insights), from
// `GET .../insights?format=markdown`. Hidden entirely when the server has no such endpoint.

import { getInsightsMarkdown } from "../api/client";
import { renderMarkdown } from "../lib/markdown";
import { h } from "./dom";

export class InsightsView {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private loading = false;

  constructor(private readonly project: string) {
    const refresh = h("button", { type: "button", class: "ss-btn", testid: "insights-refresh" }, "Refresh");
    refresh.addEventListener("click", () => void this.load());
    this.body = h("div", { class: "ss-insights-body", testid: "insights-body" }, "Loading…");
    this.el = h(
      "section",
      { class: "ss-insights", testid: "insights" },
      h("div", { class: "ss-insights-head" }, h("h2", {}, "Insights"), refresh),
      this.body,
    );
    this.el.hidden = true;
  }

  async load(): Promise<void> {
    if (this.loading) return;
    this.loading = true;
    try {
      const md = await getInsightsMarkdown(this.project);
      if (md === null) {
        this.el.hidden = true;
        return;
      }
      this.el.hidden = false;
      this.body.innerHTML = renderMarkdown(md);
    } catch (e) {
      this.el.hidden = false;
      this.body.textContent = `Could not load insights: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this.loading = false;
    }
  }
}
