// The workspace store: pins, panel settings, hidden runs, color overrides, collapsed
// sections. Loaded from `GET .../workspace`, saved (debounced) with `PUT` and its version.
// On a 409 (another tab saved first) this tab's state wins: we take the server's version
// and save again, because the user is looking at this tab's state right now.

import { ApiError, getWorkspace, putWorkspace } from "../api/client";
import { emptyWorkspace, normalizeWorkspace, type WorkspaceState } from "../lib/workspace";
import { debounce, type Debounced } from "../lib/schedule";

export type SaveStatus = "saved" | "pending" | "saving" | "error" | "offline";

export type Listener = (state: WorkspaceState, prev: WorkspaceState) => void;

export class WorkspaceStore {
  private current: WorkspaceState = emptyWorkspace();
  private version = 0;
  private listeners = new Set<Listener>();
  private statusListeners = new Set<(s: SaveStatus) => void>();
  private saving: Promise<void> | null = null;
  private dirty = false;
  private persist = true;
  private readonly saveSoon: Debounced;
  status: SaveStatus = "saved";

  constructor(
    readonly project: string,
    saveDelayMs = 600,
  ) {
    this.saveSoon = debounce(() => void this.save(), saveDelayMs);
  }

  get state(): WorkspaceState {
    return this.current;
  }

  async load(): Promise<void> {
    try {
      const doc = await getWorkspace(this.project);
      this.version = typeof doc.version === "number" ? doc.version : 0;
      this.replace(normalizeWorkspace(doc.state));
      this.setStatus("saved");
    } catch (e) {
      // No workspace endpoint (or no server state): work locally, do not keep retrying.
      if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) {
        this.persist = false;
        this.setStatus("offline");
      } else {
        this.setStatus("error");
      }
    }
  }

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  onStatus(fn: (s: SaveStatus) => void): () => void {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  }

  /** Apply a change and schedule a save. */
  update(fn: (s: WorkspaceState) => WorkspaceState): void {
    const next = fn(this.current);
    if (next === this.current) return;
    this.replace(next);
    if (!this.persist) return;
    this.dirty = true;
    this.setStatus("pending");
    this.saveSoon();
  }

  /** Save now if a save is pending (page hide). */
  flush(): void {
    this.saveSoon.flush();
  }

  dispose(): void {
    this.flush();
    this.listeners.clear();
    this.statusListeners.clear();
  }

  private replace(next: WorkspaceState): void {
    const prev = this.current;
    this.current = next;
    for (const l of this.listeners) l(next, prev);
  }

  private setStatus(s: SaveStatus): void {
    this.status = s;
    for (const l of this.statusListeners) l(s);
  }

  private async save(): Promise<void> {
    if (this.saving) {
      // One PUT at a time; the debounce fires again for changes made meanwhile.
      await this.saving;
      if (this.dirty) this.saveSoon();
      return;
    }
    this.dirty = false;
    this.setStatus("saving");
    const state = this.current;
    this.saving = (async () => {
      try {
        this.version = await putWorkspace(this.project, { state: state as unknown as Record<string, unknown>, version: this.version });
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) {
          const doc = await getWorkspace(this.project);
          this.version = doc.version;
          this.version = await putWorkspace(this.project, { state: state as unknown as Record<string, unknown>, version: this.version });
        } else {
          throw e;
        }
      }
    })();
    try {
      await this.saving;
      this.setStatus(this.dirty ? "pending" : "saved");
    } catch {
      this.dirty = true;
      this.setStatus("error");
    } finally {
      this.saving = null;
    }
  }
}
