// `window.__stepscope`: a tiny read-only hook for browser tests and benchmarks.
//   ready        true once every panel in the viewport at first load has drawn
//   panels       number of panels in the workspace
//   drawn        panels drawn so far
//   queries      series queries sent
//   lastQueryMs  duration of the last series query (request + parse)
//   renderDoneAt performance.now() when `ready` became true
//   view         current view name
//   marks        {panel key: insight marks drawn on its chart at the last draw} (grid panels)
//   expandedMarks insight marks drawn in the expanded overlay's chart
//   insightQueries insights (findings) requests sent

export interface TestHookState {
  ready: boolean;
  panels: number;
  drawn: number;
  queries: number;
  lastQueryMs: number;
  renderDoneAt: number;
  view: string;
  marks: Readonly<Record<string, number>>;
  expandedMarks: number;
  insightQueries: number;
}

const state: TestHookState = {
  ready: false,
  panels: 0,
  drawn: 0,
  queries: 0,
  lastQueryMs: 0,
  renderDoneAt: 0,
  view: "",
  marks: {},
  expandedMarks: 0,
  insightQueries: 0,
};

const hook = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(
      (Object.keys(state) as (keyof TestHookState)[]).map((k) => [k, { get: () => state[k], enumerable: true }]),
    ),
  ),
) as Readonly<TestHookState>;

export function installTestHook(): void {
  Object.defineProperty(window, "__stepscope", { value: hook, configurable: true });
}

export function setHook(patch: Partial<TestHookState>): void {
  Object.assign(state, patch);
}

export function resetHook(view: string): void {
  Object.assign(state, { ready: false, panels: 0, drawn: 0, renderDoneAt: 0, view, marks: {}, expandedMarks: 0, insightQueries: 0 });
}

/** Record how many insight marks a grid panel drew (a new object: readers keep snapshots). */
export function setMarkCount(key: string, count: number): void {
  if (state.marks[key] === count) return;
  state.marks = Object.freeze({ ...state.marks, [key]: count });
}
