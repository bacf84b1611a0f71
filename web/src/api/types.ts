// Wire shapes of docs/http-api.md. Only types here: the calls live in client.ts.

export type RunStatus = "running" | "finished" | "failed" | "crashed";

export interface MetricInfo {
  goal?: "minimize" | "maximize" | null;
  summary?: string | null;
  step_metric?: string | null;
}

export interface Run {
  id: string;
  project: string;
  name: string;
  group: string | null;
  tags: string[];
  notes: string | null;
  config: Record<string, unknown>;
  summary: Record<string, unknown>;
  status: RunStatus;
  created_at: number;
  updated_at: number;
  heartbeat_at?: number | null;
  last_step: number | null;
  color: string | null;
  metadata?: Record<string, unknown>;
  metrics?: Record<string, MetricInfo>;
}

export interface ProjectInfo {
  name: string;
  run_count: number;
  updated_at: number | null;
}

export interface KeyInfo {
  key: string;
  section: string;
  runs: number;
  last_step: number | null;
}

export interface KeysResponse {
  keys: KeyInfo[];
  sections: string[];
}

/** `step`, `wall`, `relative` or `metric:<key>`. */
export type XAxis = string;

export interface SeriesQuery {
  runs: string[];
  keys: string[];
  x?: XAxis;
  x_range?: [number, number] | null;
  buckets?: number;
}

/** One (run, key) envelope: per bucket, x of its last point and last/mean/min/max of its values. */
export interface SeriesEnvelope {
  run: string;
  key: string;
  raw: boolean;
  x: number[];
  last: (number | null)[];
  mean: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
  count: number[];
  nonfinite: number[];
}

export interface SeriesResponse {
  x: XAxis;
  buckets: number;
  series: SeriesEnvelope[];
}

export interface WorkspaceDoc {
  state: Record<string, unknown>;
  version: number;
}

export interface PointsEvent {
  run: string;
  keys: string[];
  last_step: number | null;
}

export interface ApiErrorBody {
  error: { status: number; code: string; message: string; field?: string };
}
