// Server-sent events of a project. EventSource reconnects by itself and sends
// Last-Event-ID, and the server replays what was missed, so no point event is lost.

import type { PointsEvent, Run } from "./types";
import { API_BASE, getToken } from "./client";

export interface EventHandlers {
  run?: (run: Run) => void;
  points?: (ev: PointsEvent) => void;
  alert?: (alert: unknown) => void;
  /** Connection state changes (true = open). */
  status?: (open: boolean) => void;
}

export function subscribeEvents(project: string, handlers: EventHandlers): () => void {
  if (typeof EventSource === "undefined") return () => {};
  // EventSource cannot send headers: the server takes the key as ?token= here (only).
  const token = getToken();
  const query = token ? `?${new URLSearchParams({ token })}` : "";
  const es = new EventSource(`${API_BASE}/projects/${encodeURIComponent(project)}/events${query}`);
  const parse = (e: MessageEvent): unknown => {
    try {
      return JSON.parse(String(e.data));
    } catch {
      return undefined;
    }
  };
  es.addEventListener("run", (e) => {
    const v = parse(e as MessageEvent);
    if (v && typeof v === "object") handlers.run?.(v as Run);
  });
  es.addEventListener("points", (e) => {
    const v = parse(e as MessageEvent);
    if (v && typeof v === "object") handlers.points?.(v as PointsEvent);
  });
  es.addEventListener("alert", (e) => handlers.alert?.(parse(e as MessageEvent)));
  es.onopen = () => handlers.status?.(true);
  es.onerror = () => handlers.status?.(false);
  return () => es.close();
}
