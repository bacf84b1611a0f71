// The workspace of a project: runs table on top, panel grid below, insights under the
// charts, an expanded overlay for `?panel=<key>`. It wires the workspace store, the series
// loader and the live event stream to the presentational parts.

import { ApiError, getKeys, listRuns, patchRun } from "../api/client";
import { subscribeEvents } from "../api/events";
import type { KeysResponse, Run } from "../api/types";
import type { ChartRun } from "../charts/panelchart";
import { assignColors, byCreation } from "../lib/palette";
import { debounce } from "../lib/schedule";
import { formatRoute } from "../lib/urlstate";
import { soloHidden, toggleHidden, visibleRunIds, type WorkspaceState } from "../lib/workspace";
import { InsightsStore } from "../state/insights";
import { SeriesLoader } from "../state/series";
import { WorkspaceStore, type SaveStatus } from "../state/workspace";
import type { PanelContext } from "./context";
import { h, toast } from "./dom";
import { ExpandedPanel } from "./expanded";
import { InsightsView } from "./insights";
import { PanelGrid } from "./panelgrid";
import { RunsTable } from "./runstable";
import { setHook } from "./testhook";

export interface WorkspaceHandle {
  /** The URL changed within this project (panel opened/closed). */
  setPanel(key: string | null): void;
  dispose(): void;
}

const SAVE_TEXT: Record<SaveStatus, string> = {
  saved: "Saved",
  pending: "Unsaved changes",
  saving: "Saving…",
  error: "Could not save the workspace",
  offline: "Workspace not saved (server has no workspace endpoint)",
};

export function renderWorkspace(
  root: HTMLElement,
  project: string,
  initialPanel: string | null,
  navigate: (path: string, replace?: boolean) => void,
): WorkspaceHandle {
  let runs: Run[] = [];
  let keyInfo: KeysResponse = { keys: [], sections: [] };
  let colors = new Map<string, string>();
  const previewColors = new Map<string, string>();
  let chartRuns: ChartRun[] = [];
  let disposed = false;

  const store = new WorkspaceStore(project);
  const loader = new SeriesLoader(project, () => chartRuns.map((r) => r.id));
  loader.onQuery = (s) => setHook({ queries: s.queries, lastQueryMs: s.lastQueryMs });
  // Findings name runs as stored (names may be empty or shared: the resolver handles it).
  const insightsStore = new InsightsStore(project, {
    runs: () => {
      const names = new Map(runs.map((r) => [r.id, r.name]));
      return chartRuns.map((r) => ({ id: r.id, name: names.get(r.id) ?? r.name }));
    },
    keyCount: () => keyInfo.keys.length,
  });
  insightsStore.onRequest = (n) => setHook({ insightQueries: n });

  const ctx: PanelContext = {
    project,
    store,
    loader,
    insights: insightsStore,
    chartRuns: () => chartRuns,
    runs: () => runs,
    keys: () => keyInfo.keys.map((k) => k.key),
    expand: (key) => navigate(formatRoute({ view: "workspace", project, panel: key })),
  };

  // --- layout -------------------------------------------------------------------------
  const saveState = h("span", { class: "ss-save", testid: "save-status" });
  const liveDot = h("span", { class: "ss-live", testid: "live-status", title: "Live updates" });
  const panelSearch = h("input", { type: "search", class: "ss-search", placeholder: "Search panels (substring or /regex/)", testid: "panel-search", "aria-label": "Search panels" });
  const projectLink = h("a", { class: "ss-brand", href: "/", testid: "home-link" }, "stepscope");
  projectLink.addEventListener("click", (e) => {
    if (e.metaKey || e.ctrlKey || e.button !== 0) return;
    e.preventDefault();
    navigate("/");
  });
  const status = h("div", { class: "ss-banner", testid: "workspace-status" });
  status.hidden = true;

  const table = new RunsTable({
    toggleVisible: (id) => store.update((ws) => ({ ...ws, hidden: toggleHidden(ws.hidden, id) })),
    solo: (ids) => store.update((ws) => ({ ...ws, hidden: soloHidden(runs.map((r) => r.id), ids) })),
    showAll: () => store.update((ws) => ({ ...ws, hidden: [] })),
    setColor: (id, color, commit) => void setColor(id, color, commit),
    resetColor: (id) => void resetColor(id),
    setColumns: (columns) => store.update((ws) => ({ ...ws, columns })),
  });
  const grid = new PanelGrid(ctx);
  const insights = new InsightsView(project);
  const expanded = new ExpandedPanel(ctx, () => navigate(formatRoute({ view: "workspace", project, panel: null })));

  panelSearch.addEventListener("input", () => grid.setQuery(panelSearch.value));
  // The written analysis is below the charts: fetch it once they are drawn.
  grid.onReady = () => void insights.load();

  root.replaceChildren(
    h(
      "header",
      { class: "ss-top" },
      projectLink,
      h("span", { class: "ss-crumb" }, "/"),
      h("span", { class: "ss-project-title", testid: "project-name" }, project),
      h("span", { class: "ss-top-spacer" }),
      panelSearch,
      liveDot,
      saveState,
    ),
    h("main", { class: "ss-workspace", testid: "workspace" }, status, table.el, grid.el, insights.el),
  );

  // --- derived state ------------------------------------------------------------------
  function recomputeRuns(): void {
    runs.sort(byCreation);
    const ws = store.state;
    colors = assignColors(runs, ws.colors);
    for (const [id, c] of previewColors) colors.set(id, c);
    const visible = new Set(visibleRunIds(runs.map((r) => r.id), ws.hidden));
    chartRuns = runs.filter((r) => visible.has(r.id)).map((r) => ({ id: r.id, name: r.name || r.id, color: colors.get(r.id)! }));
    table.update({ runs, colors, hidden: ws.hidden, columns: ws.columns, overridden: overriddenRuns() });
  }

  function overriddenRuns(): Set<string> {
    const ws = store.state;
    return new Set(runs.filter((r) => r.color || ws.colors[r.id] || previewColors.has(r.id)).map((r) => r.id));
  }

  async function resetColor(id: string): Promise<void> {
    previewColors.delete(id);
    if (store.state.colors[id]) {
      store.update((ws) => {
        const colors = { ...ws.colors };
        delete colors[id];
        return { ...ws, colors };
      });
    }
    const run = runs.find((r) => r.id === id);
    if (!run?.color) return;
    try {
      upsertRun(await patchRun(project, id, { color: null }));
    } catch (e) {
      toast(`Could not reset the color: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async function setColor(id: string, color: string, commit: boolean): Promise<void> {
    previewColors.set(id, color.toLowerCase());
    recomputeRuns();
    grid.onRunsChange();
    expanded.onRunsChange();
    if (!commit) return;
    try {
      const updated = await patchRun(project, id, { color: color.toLowerCase() });
      upsertRun(updated);
      previewColors.delete(id);
    } catch (e) {
      // No PATCH (or refused): keep the choice in the workspace instead.
      previewColors.delete(id);
      store.update((ws) => ({ ...ws, colors: { ...ws.colors, [id]: color.toLowerCase() } }));
      if (!(e instanceof ApiError && (e.status === 404 || e.status === 405))) toast("Color saved in the workspace only");
    }
  }

  function upsertRun(run: Run): void {
    const i = runs.findIndex((r) => r.id === run.id);
    const before = i >= 0 ? runs[i] : undefined;
    if (i >= 0) runs[i] = { ...runs[i]!, ...run };
    else runs.push(run);
    recomputeRuns();
    if (before && before.name !== run.name) insightsStore.invalidate();
    if (!before || before.color !== run.color || before.name !== run.name) {
      grid.onRunsChange();
      expanded.onRunsChange();
    }
  }

  // --- workspace changes --------------------------------------------------------------
  store.onStatus((s) => {
    saveState.textContent = SAVE_TEXT[s];
    saveState.dataset.state = s;
  });
  store.subscribe((next: WorkspaceState, prev: WorkspaceState) => {
    const layout = next.pins !== prev.pins || next.collapsed !== prev.collapsed;
    const runsChanged = next.hidden !== prev.hidden || next.colors !== prev.colors;
    if (runsChanged || next.columns !== prev.columns) recomputeRuns();
    if (runsChanged) {
      grid.onRunsChange();
      expanded.onRunsChange();
    }
    grid.onWorkspaceChange(layout);
    expanded.onWorkspaceChange();
  });
  const onHide = (): void => store.flush();
  window.addEventListener("pagehide", onHide);
  const onVisibility = (): void => {
    if (document.visibilityState === "hidden") store.flush();
  };
  document.addEventListener("visibilitychange", onVisibility);

  // --- live ---------------------------------------------------------------------------
  const refetchKeys = debounce(() => {
    void getKeys(project).then((k) => {
      if (disposed) return;
      keyInfo = k;
      grid.setKeys(k);
    });
  }, 500);
  const refetchRuns = debounce(() => {
    void listRuns(project).then((r) => {
      if (disposed) return;
      for (const run of r) upsertRun(run);
    });
  }, 500);
  const unsubscribe = subscribeEvents(project, {
    run: (run) => upsertRun(run),
    points: (ev) => {
      const run = runs.find((r) => r.id === ev.run);
      if (!run) {
        refetchRuns();
      } else if (ev.last_step !== null && ev.last_step !== undefined && ev.last_step !== run.last_step) {
        run.last_step = Math.max(run.last_step ?? ev.last_step, ev.last_step);
        table.update({ runs, colors, hidden: store.state.hidden, columns: store.state.columns, overridden: overriddenRuns() });
      }
      const known = new Set(keyInfo.keys.map((k) => k.key));
      if (ev.keys.some((k) => !known.has(k))) refetchKeys();
      if (store.state.hidden.includes(ev.run)) return;
      grid.onPoints(ev.keys);
      expanded.onPoints(ev.keys);
      insightsStore.onPoints();
    },
    alert: (alert) => {
      const a = (alert ?? {}) as Record<string, unknown>;
      const text = [a.title, a.text ?? a.message].filter((t) => typeof t === "string" && t).join(": ");
      if (text) toast(`Alert · ${text}`);
    },
    status: (open) => {
      liveDot.classList.toggle("on", open);
      liveDot.title = open ? "Live: connected" : "Live: reconnecting…";
    },
  });

  // --- load ---------------------------------------------------------------------------
  void (async () => {
    try {
      const [r, k] = await Promise.all([listRuns(project), getKeys(project), store.load()]);
      if (disposed) return;
      runs = r;
      keyInfo = k;
      recomputeRuns();
      grid.setKeys(k);
      if (initialPanel) expanded.open(initialPanel);
    } catch (e) {
      if (disposed) return;
      status.hidden = false;
      status.classList.add("ss-error");
      table.el.hidden = true;
      saveState.hidden = true;
      status.textContent =
        e instanceof ApiError && e.status === 404 ? `Project "${project}" not found.` : `Could not load the project: ${e instanceof Error ? e.message : String(e)}`;
      setHook({ ready: true, renderDoneAt: performance.now() });
    }
  })();

  return {
    setPanel(key) {
      if (key) {
        if (runs.length || keyInfo.keys.length) expanded.open(key);
        else initialPanel = key;
      } else {
        expanded.close();
      }
    },
    dispose() {
      disposed = true;
      unsubscribe();
      refetchKeys.cancel();
      refetchRuns.cancel();
      window.removeEventListener("pagehide", onHide);
      document.removeEventListener("visibilitychange", onVisibility);
      store.dispose();
      insightsStore.dispose();
      grid.destroy();
      expanded.close();
    },
  };
}
