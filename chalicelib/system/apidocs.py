"""The API documentation page (/docs): Swagger UI from the swagger-ui-bundle-v2 package, no CDN.

The page and its three assets are served by the API itself, in the embedded stack and behind API Gateway alike
(docs/adr/0007-api-conventions.md); the page reads the generated document from `openapi.json` beside it.
"""

from __future__ import annotations

from functools import cache

from chalicelib.core import errors

# The assets the page loads, with their media types; anything else under /docs is a 404.
ASSETS = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "application/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "application/javascript; charset=utf-8",
}

# Relative URLs: the page is /docs locally and /api/docs behind API Gateway's stage.
PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>化工园区安全一体化系统 API 文档</title>
<link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/swagger-ui-bundle.js"></script>
<script src="docs/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: "StandaloneLayout"
});
</script>
</body>
</html>
"""


@cache
def asset(name: str) -> tuple[str, str]:
    """(text, media type) of one Swagger UI asset, read from the installed package once per container."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise errors.NOT_FOUND(details={"asset": name})
    from swagger_ui_bundle import swagger_ui_path  # lazily: only the docs page needs it

    return (swagger_ui_path / name).read_text(encoding="utf-8"), media_type
