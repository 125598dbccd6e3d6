"""`make docs`: regenerate docs/openapi.json and docs/error-codes.md from the code (tests fail when stale)."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render() -> dict[str, str]:
    """The generated documents, by path relative to the repository root."""
    import importlib
    import pkgutil

    import app  # noqa: F401  (registers every route)
    import chalicelib
    from chalicelib.core import lazy

    # Every module, so every errors.define() is in the catalogue whatever this process imported before.
    for info in pkgutil.walk_packages(chalicelib.__path__, "chalicelib."):
        importlib.import_module(info.name)
    lazy.load_all()  # import_module hands back a context's service unexecuted (core.lazy)
    from chalicelib.core.openapi import document, error_catalogue_markdown

    return {
        "docs/openapi.json": json.dumps(document(), ensure_ascii=False, indent=2, sort_keys=False) + "\n",
        "docs/error-codes.md": error_catalogue_markdown(),
    }


def main() -> None:
    from local import env

    env.configure(stage="docs")
    for path, text in render().items():
        (ROOT / path).write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
