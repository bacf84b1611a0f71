// The runs table: color, visibility, name, status, last step, created, tags, group and
// chosen config columns, with a search box and "show only these". Rows are keyed by run id
// and updated in place, so live updates never disturb an open color picker or the scroll.

import type { Run } from "../api/types";
import { icon } from "../charts/icons";
import { formatCreated, formatDateTime, formatStep } from "../lib/format";
import { configFields, configText, filterRuns, sortRuns, type RunSortKey } from "../lib/runfilter";
import { h } from "./dom";

export interface RunsTableProps {
  runs: readonly Run[];
  colors: ReadonlyMap<string, string>;
  hidden: readonly string[];
  columns: readonly string[];
  /** Runs whose color is a user choice (they get a "reset color" button). */
  overridden?: ReadonlySet<string>;
}

export interface RunsTableActions {
  toggleVisible(id: string): void;
  /** Show only these runs. */
  solo(ids: string[]): void;
  showAll(): void;
  /** Live preview while the picker moves; `commit` when it closes. */
  setColor(id: string, color: string, commit: boolean): void;
  /** Back to the palette color. */
  resetColor(id: string): void;
  setColumns(columns: string[]): void;
  /** Search text changed (the workspace may filter panels' runs too). */
  onQuery?(query: string, matching: string[]): void;
}

const FIXED = ["", "Name", "Status", "Last step", "Created", "Tags", "Group"];
const SORT_KEYS: (RunSortKey | null)[] = [null, "name", "status", "last_step", "created_at", null, "group"];

export class RunsTable {
  readonly el: HTMLElement;
  private readonly tbody: HTMLTableSectionElement;
  private readonly thead: HTMLTableSectionElement;
  private readonly search: HTMLInputElement;
  private readonly summary: HTMLElement;
  private readonly columnsBtn: HTMLButtonElement;
  private rows = new Map<string, HTMLTableRowElement>();
  private props: RunsTableProps = { runs: [], colors: new Map(), hidden: [], columns: [] };
  private query = "";
  private headKey = "";
  /** Display order only; colors follow creation order whatever the sort. */
  private sort: { key: RunSortKey; dir: 1 | -1 } | null = null;

  constructor(private readonly actions: RunsTableActions) {
    this.search = h("input", { type: "search", class: "ss-search", placeholder: "Search runs (name, tag:x, status:running, config.lr:0.001)", testid: "runs-search", "aria-label": "Search runs" });
    this.search.addEventListener("input", () => {
      this.query = this.search.value;
      this.refresh();
      actions.onQuery?.(this.query, this.matching().map((r) => r.id));
    });
    this.summary = h("span", { class: "ss-runs-summary", testid: "runs-summary" });
    const soloBtn = h("button", { type: "button", class: "ss-btn", testid: "runs-solo-filtered", title: "Hide every run the search does not match" }, "Show only these");
    soloBtn.addEventListener("click", () => actions.solo(this.matching().map((r) => r.id)));
    const allBtn = h("button", { type: "button", class: "ss-btn", testid: "runs-show-all" }, "Show all");
    allBtn.addEventListener("click", () => actions.showAll());
    this.columnsBtn = h("button", { type: "button", class: "ss-btn", testid: "runs-columns", "aria-haspopup": "menu" }, "Columns");
    this.columnsBtn.addEventListener("click", (e) => {
      e.stopPropagation();
      this.openColumns();
    });
    this.thead = h("thead");
    this.tbody = h("tbody");
    this.el = h(
      "div",
      { class: "ss-runs", testid: "runs-panel" },
      h("div", { class: "ss-runs-toolbar" }, h("span", { class: "ss-search-wrap", html: icon("search", 14) }, this.search), this.summary, soloBtn, allBtn, this.columnsBtn),
      h("div", { class: "ss-runs-scroll" }, h("table", { class: "ss-runs-table", testid: "runs-table" }, this.thead, this.tbody)),
    );
  }

  matching(): Run[] {
    return filterRuns(this.props.runs, this.query);
  }

  update(props: RunsTableProps): void {
    this.props = props;
    this.refresh();
  }

  private refresh(): void {
    const { runs, hidden, columns } = this.props;
    const headKey = columns.join("\u0000");
    const sortKey = this.sort ? `${this.sort.key}:${this.sort.dir}` : "";
    if (headKey + sortKey !== this.headKey || this.thead.childElementCount === 0) {
      this.headKey = headKey + sortKey;
      const keys: (RunSortKey | null)[] = [...SORT_KEYS, ...columns.map((c) => `config.${c}` as RunSortKey)];
      this.thead.replaceChildren(
        h(
          "tr",
          {},
          ...[...FIXED, ...columns].map((c, i) => {
            const key = keys[i] ?? null;
            const on = key !== null && this.sort?.key === key;
            const th = h("th", { class: i === 0 ? "ss-col-ctl" : key ? "ss-sortable" : "", title: c, "data-sort": key ?? undefined, "aria-sort": on ? (this.sort!.dir === 1 ? "ascending" : "descending") : undefined }, c, on ? (this.sort!.dir === 1 ? " ▲" : " ▼") : "");
            if (key) th.addEventListener("click", () => this.toggleSort(key));
            return th;
          }),
        ),
      );
    }
    const visible = this.matching();
    const want = new Set(visible.map((r) => r.id));
    for (const [id, tr] of this.rows) {
      if (!runs.some((r) => r.id === id)) {
        tr.remove();
        this.rows.delete(id);
      }
    }
    const ordered: HTMLTableRowElement[] = [];
    for (const run of this.sort ? sortRuns(runs, this.sort.key, this.sort.dir) : runs) {
      let tr = this.rows.get(run.id);
      if (!tr) {
        tr = this.createRow(run.id);
        this.rows.set(run.id, tr);
      }
      this.fillRow(tr, run);
      tr.hidden = !want.has(run.id);
      ordered.push(tr);
    }
    const current = Array.from(this.tbody.children);
    if (current.length !== ordered.length || current.some((c, i) => c !== ordered[i])) this.tbody.replaceChildren(...ordered);
    const shown = runs.length - hidden.filter((id) => runs.some((r) => r.id === id)).length;
    this.summary.textContent = `${runs.length} run${runs.length === 1 ? "" : "s"} · ${shown} shown${this.query ? ` · ${visible.length} match` : ""}`;
  }

  /** Header click: ascending, then descending, then back to creation order. */
  private toggleSort(key: RunSortKey): void {
    if (this.sort?.key !== key) this.sort = { key, dir: 1 };
    else if (this.sort.dir === 1) this.sort = { key, dir: -1 };
    else this.sort = null;
    this.refresh();
  }

  private createRow(id: string): HTMLTableRowElement {
    const eye = h("button", { type: "button", class: "ss-icon-btn ss-eye", testid: "run-visibility" });
    eye.addEventListener("click", () => this.actions.toggleVisible(id));
    const color = h("input", { type: "color", class: "ss-color", testid: "run-color", title: "Run color", "aria-label": "Run color" });
    color.addEventListener("input", () => this.actions.setColor(id, color.value, false));
    color.addEventListener("change", () => this.actions.setColor(id, color.value, true));
    const reset = h("button", { type: "button", class: "ss-icon-btn ss-color-reset", testid: "run-color-reset", title: "Back to the palette color", html: icon("close", 12) });
    reset.addEventListener("click", () => this.actions.resetColor(id));
    const solo = h("button", { type: "button", class: "ss-icon-btn ss-solo", testid: "run-solo", title: "Show only this run", html: icon("solo", 14) });
    solo.addEventListener("click", () => this.actions.solo([id]));
    const tr = h(
      "tr",
      { testid: "run-row", "data-run-id": id },
      h("td", { class: "ss-col-ctl" }, eye, color, reset),
      h("td", { class: "ss-run-name" }, h("span", { class: "ss-name-text", testid: "run-name" }), solo),
      h("td", { testid: "run-status" }),
      h("td", { class: "num", testid: "run-last-step" }),
      h("td", { testid: "run-created" }),
      h("td", { testid: "run-tags" }),
      h("td", { testid: "run-group" }),
    );
    return tr;
  }

  private fillRow(tr: HTMLTableRowElement, run: Run): void {
    const { colors, hidden, columns } = this.props;
    const cells = tr.children;
    const isHidden = hidden.includes(run.id);
    tr.classList.toggle("ss-hidden-run", isHidden);
    tr.dataset.status = run.status;
    const eye = cells[0]!.querySelector<HTMLButtonElement>("[data-testid=run-visibility]")!;
    const want = isHidden ? "eyeOff" : "eye";
    if (eye.dataset.icon !== want) {
      eye.innerHTML = icon(want);
      eye.dataset.icon = want;
    }
    eye.setAttribute("aria-pressed", String(!isHidden));
    eye.title = isHidden ? "Show run" : "Hide run";
    const color = cells[0]!.querySelector<HTMLInputElement>("input[type=color]")!;
    const c = colors.get(run.id) ?? "#888888";
    if (document.activeElement !== color && color.value !== c) color.value = c;
    color.style.setProperty("--swatch", c);
    const reset = cells[0]!.querySelector<HTMLButtonElement>("[data-testid=run-color-reset]")!;
    reset.hidden = !this.props.overridden?.has(run.id);
    tr.style.setProperty("--run-color", c);
    setText(cells[1]!.querySelector(".ss-name-text")!, run.name || run.id);
    (cells[1] as HTMLElement).title = `${run.name} (${run.id})`;
    const status = cells[2] as HTMLElement;
    if (status.dataset.value !== run.status) {
      status.dataset.value = run.status;
      status.replaceChildren(h("span", { class: `ss-status ss-status-${run.status}` }, run.status));
    }
    setText(cells[3] as HTMLElement, formatStep(run.last_step));
    setText(cells[4] as HTMLElement, formatCreated(run.created_at, Date.now() / 1000));
    (cells[4] as HTMLElement).title = formatDateTime(run.created_at);
    const tags = cells[5] as HTMLElement;
    const tagKey = run.tags.join("\u0000");
    if (tags.dataset.value !== tagKey) {
      tags.dataset.value = tagKey;
      tags.replaceChildren(...run.tags.map((t) => h("span", { class: "ss-tag" }, t)));
    }
    setText(cells[6] as HTMLElement, run.group ?? "");
    // Config columns follow the fixed ones.
    while (tr.children.length > FIXED.length + columns.length) tr.lastElementChild!.remove();
    columns.forEach((col, i) => {
      let td = tr.children[FIXED.length + i] as HTMLElement | undefined;
      if (!td) {
        td = h("td", { class: "ss-config", "data-config": col });
        tr.appendChild(td);
      }
      td.dataset.config = col;
      setText(td, configText(run.config?.[col]));
    });
  }

  private openColumns(): void {
    document.querySelector(".ss-columns-menu")?.remove();
    const fields = configFields(this.props.runs);
    const chosen = new Set(this.props.columns);
    const list = h("div", { class: "ss-menu ss-columns-menu", testid: "runs-columns-menu" });
    if (fields.length === 0) list.appendChild(h("div", { class: "ss-menu-note" }, "No config fields in these runs"));
    for (const f of fields) {
      const cb = h("input", { type: "checkbox", "data-config": f });
      cb.checked = chosen.has(f);
      cb.addEventListener("change", () => {
        if (cb.checked) chosen.add(f);
        else chosen.delete(f);
        this.actions.setColumns(fields.filter((x) => chosen.has(x)));
      });
      list.appendChild(h("label", { class: "ss-menu-row" }, cb, h("span", {}, f)));
    }
    document.body.appendChild(list);
    const r = this.columnsBtn.getBoundingClientRect();
    list.style.left = `${Math.max(8, r.right - list.offsetWidth) + window.scrollX}px`;
    list.style.top = `${r.bottom + 4 + window.scrollY}px`;
    const close = (e: Event): void => {
      if (e instanceof KeyboardEvent && e.key !== "Escape") return;
      if (e.type === "pointerdown" && list.contains(e.target as Node)) return;
      list.remove();
      document.removeEventListener("pointerdown", close, true);
      document.removeEventListener("keydown", close, true);
    };
    document.addEventListener("pointerdown", close, true);
    document.addEventListener("keydown", close, true);
  }
}

function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}
