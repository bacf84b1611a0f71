// URL scheme. Paths are canonical (the server answers index.html for non-API paths);
// the same routes also work after a `#` for static hosting:
//   /                          project list
//   /p/<project>               workspace (runs table + panel grid)
//   /p/<project>?panel=<key>   workspace with that panel expanded
//   /p/<project>/insights      written analysis of the project (when the server has it)

export type Route =
  | { view: "projects" }
  | { view: "workspace"; project: string; panel: string | null }
  | { view: "insights"; project: string }
  | { view: "notfound"; path: string };

function decode(part: string): string | null {
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** Parse `location` parts. A hash route (`#/p/...`) wins over the path when present. */
export function parseRoute(pathname: string, search: string, hash = ""): Route {
  let path = pathname;
  let query = search;
  if (hash.startsWith("#/")) {
    const rest = hash.slice(1);
    const q = rest.indexOf("?");
    path = q >= 0 ? rest.slice(0, q) : rest;
    query = q >= 0 ? rest.slice(q) : "";
  }
  const parts = path.split("/").filter((p) => p !== "");
  const params = new URLSearchParams(query);
  if (parts.length === 0) return { view: "projects" };
  if (parts[0] === "p" && parts.length >= 2) {
    const project = decode(parts[1]!);
    if (project === null || project === "") return { view: "notfound", path };
    if (parts.length === 2) return { view: "workspace", project, panel: params.get("panel") || null };
    if (parts.length === 3 && parts[2] === "insights") return { view: "insights", project };
  }
  if (parts.length === 1 && parts[0] === "index.html") return { view: "projects" };
  return { view: "notfound", path };
}

export function formatRoute(route: Route): string {
  switch (route.view) {
    case "projects":
      return "/";
    case "workspace": {
      const base = `/p/${encodeURIComponent(route.project)}`;
      return route.panel ? `${base}?${new URLSearchParams({ panel: route.panel }).toString()}` : base;
    }
    case "insights":
      return `/p/${encodeURIComponent(route.project)}/insights`;
    case "notfound":
      return route.path;
  }
}

/** Absolute link to a panel, for "Copy link". */
export function panelLink(origin: string, project: string, key: string): string {
  return origin.replace(/\/$/, "") + formatRoute({ view: "workspace", project, panel: key });
}
