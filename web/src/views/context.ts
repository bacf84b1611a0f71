// What a panel needs from the workspace around it. Keeping it an interface lets the grid
// and the expanded overlay share the panel code.

import type { Run } from "../api/types";
import type { ChartRun } from "../charts/panelchart";
import type { InsightsStore } from "../state/insights";
import type { SeriesLoader } from "../state/series";
import type { WorkspaceStore } from "../state/workspace";

export interface PanelContext {
  project: string;
  store: WorkspaceStore;
  loader: SeriesLoader;
  /** Findings of the insights endpoint for the visible runs (describe text, chart marks). */
  insights: InsightsStore;
  /** Visible runs, in creation order, with their colors. */
  chartRuns(): ChartRun[];
  runs(): Run[];
  /** All metric keys (for "x axis: another metric"). */
  keys(): string[];
  expand(key: string): void;
}
