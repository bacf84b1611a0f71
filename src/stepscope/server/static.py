"""The dashboard: the built files of ``web/`` served at ``/``.

Files that exist are served as they are (hashed ``assets/`` for a year, the rest
revalidated); any other path that does not look like a file gets ``index.html``, so the
dashboard's own routes (``/p/<project>``) load on a refresh. Without a build, every such
path answers a short page saying how to build it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from stepscope.errors import NotFound

STATIC_DIR = Path(__file__).parent / "static"

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stepscope</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 4em auto">
<h1>stepscope</h1>
<p>The server is running, but the dashboard was not built, so there is nothing to show
here yet. Build it once (it needs Node.js and npm):</p>
<pre>cd web &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>then reload this page. The JSON API is at <a href="/api/v1/projects">/api/v1/projects</a>
and its description at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
</body></html>
"""


def dashboard_routes(static_dir: Path | None) -> list[BaseRoute]:
    root = static_dir.resolve() if static_dir is not None else None

    async def dashboard(request: Request) -> Response:
        path = request.path_params.get("path", "")
        if path == "api" or path.startswith("api/"):
            raise NotFound(f"no such endpoint: {request.method} /{path}")
        if root is None or not (root / "index.html").is_file():
            return HTMLResponse(NOT_BUILT, headers={"Cache-Control": "no-cache"})
        found = _file(root, path)
        if found is not None:
            immutable = path.startswith("assets/")
            cache = "public, max-age=31536000, immutable" if immutable else "no-cache"
            return FileResponse(found, headers={"Cache-Control": cache})
        if PurePosixPath(path).suffix:
            raise NotFound(f"no such file: /{path}")
        return FileResponse(root / "index.html", headers={"Cache-Control": "no-cache"})

    return [Route("/", dashboard, methods=["GET", "HEAD"]),
            Route("/{path:path}", dashboard, methods=["GET", "HEAD"])]


def _file(root: Path, path: str) -> Path | None:
    """The file ``path`` names inside ``root``, never outside it."""
    if not path or "\x00" in path:
        return None
    candidate = (root / path).resolve()
    if candidate != root and root not in candidate.parents:
        return None
    return candidate if candidate.is_file() else None
