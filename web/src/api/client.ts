// Typed client of docs/http-api.md. The only module (with events.ts) that talks to the
// network: views and state call these functions and never fetch on their own.

import type {
  ApiErrorBody, KeysResponse, ProjectInfo, Run, SeriesQuery, SeriesResponse, WorkspaceDoc,
} from "./types";

export const API_BASE = "/api/v1";

/** An error answer of the API (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const TOKEN_KEY = "stepscope.token";

/** The API key of a server started with --auth: kept for the browser session
 * (sessionStorage), or on this computer (localStorage) when the user asked for that. */
export function getToken(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(TOKEN_KEY) || globalThis.localStorage?.getItem(TOKEN_KEY) || null;
  } catch {
    return null;
  }
}

export function saveToken(token: string, remember: boolean): void {
  clearToken();
  try {
    (remember ? globalThis.localStorage : globalThis.sessionStorage)?.setItem(TOKEN_KEY, token);
  } catch {
    /* storage disabled: the key lasts until the page is left */
  }
}

export function clearToken(): void {
  try {
    globalThis.sessionStorage?.removeItem(TOKEN_KEY);
    globalThis.localStorage?.removeItem(TOKEN_KEY);
  } catch {
    /* nothing stored */
  }
}

let unauthorized: ((hadKey: boolean) => void) | null = null;

/** Called when the API answers 401 (no key, or a refused one): the app asks for a key. */
export function onUnauthorized(handler: (hadKey: boolean) => void): void {
  unauthorized = handler;
}

function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function projectPath(project: string): string {
  return `${API_BASE}/projects/${encodeURIComponent(project)}`;
}

async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json", ...authHeaders() };
  const init: RequestInit = { method, headers };
  if (signal) init.signal = signal;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError(0, "network", `Cannot reach the stepscope server (${String(e)})`);
  }
  if (!res.ok) {
    if (res.status === 401) unauthorized?.(getToken() !== null);
    let parsed: unknown = undefined;
    try {
      parsed = await res.json();
    } catch {
      /* not JSON: keep the status text */
    }
    const err = (parsed as ApiErrorBody | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? "http_error", err?.message ?? `${res.status} ${res.statusText}`, parsed);
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export async function listProjects(): Promise<ProjectInfo[]> {
  const r = await request<{ projects: ProjectInfo[] }>("GET", `${API_BASE}/projects`);
  return r.projects;
}

/** Every run of a project, oldest first (pages of 1000). */
export async function listRuns(project: string): Promise<Run[]> {
  const out: Run[] = [];
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const q = new URLSearchParams({ sort: "created_at", limit: String(limit), offset: String(offset) });
    const r = await request<{ runs: Run[]; total: number }>("GET", `${projectPath(project)}/runs?${q}`);
    out.push(...r.runs);
    if (r.runs.length < limit || out.length >= r.total) break;
  }
  return out;
}

export function getRun(project: string, id: string): Promise<Run> {
  return request<Run>("GET", `${projectPath(project)}/runs/${encodeURIComponent(id)}`);
}

export function patchRun(project: string, id: string, patch: Partial<Pick<Run, "name" | "tags" | "notes" | "group" | "color">>): Promise<Run> {
  return request<Run>("PATCH", `${projectPath(project)}/runs/${encodeURIComponent(id)}`, patch);
}

export function getKeys(project: string): Promise<KeysResponse> {
  return request<KeysResponse>("GET", `${projectPath(project)}/keys`);
}

export interface TimedSeries {
  response: SeriesResponse;
  /** Wall-clock milliseconds of the request, parse included. */
  ms: number;
}

/** The batch series query. */
export async function querySeries(project: string, query: SeriesQuery, signal?: AbortSignal): Promise<TimedSeries> {
  const t0 = performance.now();
  const response = await request<SeriesResponse>("POST", `${projectPath(project)}/series/query`, query, signal);
  return { response, ms: performance.now() - t0 };
}

export function getWorkspace(project: string): Promise<WorkspaceDoc> {
  return request<WorkspaceDoc>("GET", `${projectPath(project)}/workspace`);
}

/** Save with optimistic concurrency: resolves to the new version, throws ApiError 409 when
 * someone else saved first. */
export async function putWorkspace(project: string, doc: WorkspaceDoc): Promise<number> {
  const r = await request<Partial<WorkspaceDoc> | undefined>("PUT", `${projectPath(project)}/workspace`, doc);
  return typeof r?.version === "number" ? r.version : doc.version + 1;
}

let spec: Promise<{ paths?: Record<string, unknown> } | null> | null = null;

/** Whether the server's OpenAPI spec lists a path ending with `suffix`; null when the
 * spec itself cannot be read. Asking the spec first keeps optional endpoints from
 * leaving 404s in the browser console. */
export async function hasEndpoint(suffix: string): Promise<boolean | null> {
  spec ??= fetch(`${API_BASE}/openapi.json`, { headers: { Accept: "application/json", ...authHeaders() } })
    .then((r) => (r.ok ? (r.json() as Promise<{ paths?: Record<string, unknown> }>) : null))
    .catch(() => null);
  const doc = await spec;
  if (!doc || typeof doc.paths !== "object" || doc.paths === null) return null;
  return Object.keys(doc.paths).some((p) => p.endsWith(suffix));
}

/** The written analysis as markdown, or null when the server has no insights endpoint. */
export async function getInsightsMarkdown(project: string): Promise<string | null> {
  if ((await hasEndpoint("/insights")) === false) return null;
  const path = `${projectPath(project)}/insights?format=markdown`;
  let res: Response;
  try {
    res = await fetch(path, { headers: { Accept: "text/markdown, application/json", ...authHeaders() } });
  } catch {
    return null;
  }
  if (res.status === 404 || res.status === 405 || res.status === 501) return null;
  if (!res.ok) throw new ApiError(res.status, "http_error", `${res.status} ${res.statusText}`);
  const type = res.headers.get("content-type") ?? "";
  if (type.includes("json")) {
    const body = (await res.json()) as Record<string, unknown>;
    const text = body.markdown ?? body.text ?? body.content;
    return typeof text === "string" ? text : JSON.stringify(body, null, 2);
  }
  return await res.text();
}

/** Findings, or "missing" when the server has no insights endpoint. */
export type InsightsAnswer = { findings: unknown[] } | "missing";

/** The analysis of these runs (and keys; all keys when empty) as JSON findings, or
 * "missing" when the server has no insights endpoint. Other errors throw. */
export async function getInsightFindings(project: string, runs: readonly string[], keys: readonly string[] = []): Promise<InsightsAnswer> {
  const known = await hasEndpoint("/insights");
  if (known === false) return "missing";
  const q = new URLSearchParams({ format: "json" });
  for (const r of runs) q.append("run", r);
  for (const k of keys) q.append("key", k);
  try {
    const body = await request<{ findings?: unknown }>("GET", `${projectPath(project)}/insights?${q}`);
    return { findings: Array.isArray(body?.findings) ? body.findings : [] };
  } catch (e) {
    // Without a readable spec, a 404/405/501 is taken as "no such endpoint".
    if (known === null && e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) return "missing";
    throw e;
  }
}
