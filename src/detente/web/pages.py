"""Rendering the app's pages: one Jinja2 environment over ``detente/web/templates``,
autoescaped, with the instance's CSRF token available to every form."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from fastapi.responses import HTMLResponse

__all__ = ["Pages"]


class Pages:
    """The templates, and the token every form carries."""

    def __init__(self, csrf_token: str):
        from jinja2 import Environment, FunctionLoader, StrictUndefined, select_autoescape

        folder = files("detente.web") / "templates"

        def load(name: str) -> str:
            return (folder / name).read_text(encoding="utf-8")

        self.env = Environment(loader=FunctionLoader(load), autoescape=select_autoescape(["j2"]),
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self.env.globals["csrf"] = csrf_token
        self.env.filters["num"] = lambda x, d=2: "" if x is None else f"{x:.{d}f}"

    def render(self, template: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        return HTMLResponse(self.env.get_template(template).render(**context),
                            status_code=status)

    def error(self, status: int, message: str) -> HTMLResponse:
        return self.render("error.html.j2", status=status, code=status, message=message)
