// The router: path routes (the server answers index.html for non-API paths), hash routes
// too. Moving within a project (opening/closing a panel) keeps the workspace alive.

import { onUnauthorized } from "../api/client";
import { formatRoute, parseRoute, type Route } from "../lib/urlstate";
import { h } from "./dom";
import { InsightsView } from "./insights";
import { showKeyPrompt } from "./keyprompt";
import { renderProjectList } from "./projectlist";
import { resetHook, setHook } from "./testhook";
import { renderWorkspace, type WorkspaceHandle } from "./workspace";

export function startApp(root: HTMLElement): void {
  onUnauthorized(showKeyPrompt);
  let current: { project: string; handle: WorkspaceHandle } | null = null;

  const navigate = (path: string, replace = false): void => {
    const target = path;
    if (target === location.pathname + location.search && !location.hash) return;
    if (replace) history.replaceState(null, "", target);
    else history.pushState(null, "", target);
    show(parseRoute(location.pathname, location.search, location.hash));
  };

  function show(route: Route): void {
    if (route.view === "workspace" && current?.project === route.project) {
      current.handle.setPanel(route.panel);
      return;
    }
    current?.handle.dispose();
    current = null;
    resetHook(route.view);
    document.title = "stepscope";
    switch (route.view) {
      case "projects":
        void renderProjectList(root, navigate);
        break;
      case "workspace":
        document.title = `${route.project} · stepscope`;
        current = { project: route.project, handle: renderWorkspace(root, route.project, route.panel, navigate) };
        break;
      case "insights": {
        document.title = `${route.project} insights · stepscope`;
        const view = new InsightsView(route.project);
        const back = h("a", { class: "ss-brand", href: formatRoute({ view: "workspace", project: route.project, panel: null }) }, `← ${route.project}`);
        root.replaceChildren(h("header", { class: "ss-top" }, back), h("main", { class: "ss-page" }, view.el));
        void view.load().then(() => {
          if (view.el.hidden) {
            view.el.hidden = false;
            view.el.replaceChildren(h("p", { class: "ss-empty" }, "This server has no insights endpoint yet."));
          }
          setHook({ ready: true, renderDoneAt: performance.now() });
        });
        break;
      }
      case "notfound":
        root.replaceChildren(
          h("main", { class: "ss-page", testid: "not-found" }, h("h1", {}, "Not found"), h("p", {}, h("a", { href: "/" }, "All projects"))),
        );
        setHook({ ready: true, renderDoneAt: performance.now() });
        break;
    }
  }

  window.addEventListener("popstate", () => show(parseRoute(location.pathname, location.search, location.hash)));
  window.addEventListener("hashchange", () => show(parseRoute(location.pathname, location.search, location.hash)));
  show(parseRoute(location.pathname, location.search, location.hash));
}
