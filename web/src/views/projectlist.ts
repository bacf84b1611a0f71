// The project list: `/`.

import { listProjects } from "../api/client";
import { formatCreated } from "../lib/format";
import { formatRoute } from "../lib/urlstate";
import { h } from "./dom";
import { setHook } from "./testhook";

export async function renderProjectList(root: HTMLElement, navigate: (path: string) => void): Promise<void> {
  const list = h("div", { class: "ss-projects", testid: "project-list" }, "Loading projects…");
  root.replaceChildren(
    h("header", { class: "ss-top" }, h("a", { class: "ss-brand", href: "/" }, "stepscope")),
    h("main", { class: "ss-page" }, h("h1", {}, "Projects"), list),
  );
  try {
    const projects = await listProjects();
    if (projects.length === 0) {
      list.replaceChildren(
        h("p", { class: "ss-empty" }, "No projects yet. Log a run with ", h("code", {}, "stepscope.init(project=...)"), " or try ", h("code", {}, "stepscope demo"), "."),
      );
    } else {
      const now = Date.now() / 1000;
      list.replaceChildren(
        ...projects.map((p) => {
          const href = formatRoute({ view: "workspace", project: p.name, panel: null });
          const a = h(
            "a",
            { class: "ss-project", href, testid: "project-link", "data-project": p.name },
            h("span", { class: "ss-project-name" }, p.name),
            h("span", { class: "ss-project-meta" }, `${p.run_count} run${p.run_count === 1 ? "" : "s"}${p.updated_at ? ` · updated ${formatCreated(p.updated_at, now)}` : ""}`),
          );
          a.addEventListener("click", (e) => {
            if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
            e.preventDefault();
            navigate(href);
          });
          return a;
        }),
      );
    }
  } catch (e) {
    list.replaceChildren(h("p", { class: "ss-error", testid: "error" }, `Could not load projects: ${e instanceof Error ? e.message : String(e)}`));
  }
  setHook({ ready: true, renderDoneAt: performance.now() });
}
