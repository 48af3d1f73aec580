"""The routes of ``detente serve``: pages rendered on the server from the Jinja2 templates in
``detente/web/templates``; every answer comes from :mod:`detente.api` through the jobs of
:mod:`detente.web.tasks`.

Pages: ``/`` (scenarios, upload, stored runs), ``/s/NAME`` (the answer, the runs, every value
in a form), ``/jobs/ID`` (progress), ``/runs/ID`` (a stored run, its report), ``/compare``
(runs side by side). State changes are POSTs carrying the page's CSRF token.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile
from starlette.middleware.trustedhost import TrustedHostMiddleware

from detente.models.base import ModelInputError
from detente.scenario import ScenarioError, builtin_names
from detente.scenario.loader import decode, loads
from detente.sensitivity import SensitivityError
from detente.sweep.runner import scenario_hash
from detente.web.editing import apply_edits, fields
from detente.web.jobs import Job, Jobs, Outcome
from detente.web.security import BodyLimit, Csrf
from detente.web.storage import NAME, DataDir, NotFound
from detente.web.tasks import KINDS, LIMITS, make_task

__all__ = ["create_app"]

_USER_ERRORS = (ScenarioError, ModelInputError, SensitivityError, ValueError, KeyError)


def create_app(data_dir: str | Path, *, max_upload: int = 2_000_000,
               allowed_hosts: list[str] | None = None) -> FastAPI:
    """The app over ``data_dir`` (created if missing). Requests with bodies over
    ``max_upload`` bytes get 413; only ``allowed_hosts`` may be named in ``Host`` (default:
    ``127.0.0.1`` and ``localhost``, against DNS rebinding)."""
    from detente.web.pages import Pages

    store = DataDir(data_dir)
    csrf = Csrf()
    pages = Pages(csrf.token)

    def store_run(job: Job, outcome: Outcome) -> str:
        return store.save_run(job.kind, job.scenario, job.settings, outcome.summary,
                              outcome.result_json, outcome.report_html)

    jobs = Jobs(store_run, _USER_ERRORS)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()

    app = FastAPI(title="detente", docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)
    app.add_middleware(TrustedHostMiddleware,
                       allowed_hosts=allowed_hosts or ["127.0.0.1", "localhost"])
    app.add_middleware(BodyLimit, limit=max_upload)
    app.state.jobs, app.state.store = jobs, store

    async def checked_form(request: Request) -> FormData | Response:
        form = await request.form()
        sent = form.get("csrf")
        if not csrf.valid(sent if isinstance(sent, str) else
                          request.headers.get("x-csrf-token"), request.headers):
            return pages.error(403, "this form is stale or came from another site; "
                                    "reload the page and try again")
        return form

    @app.exception_handler(NotFound)
    async def not_found(_request: Request, exc: NotFound) -> Response:
        return pages.error(404, f"no such scenario or run: {exc.args[0]!r}")

    @app.get("/favicon.ico")
    async def favicon() -> Response:
        return Response(status_code=204)

    @app.get("/", response_class=HTMLResponse)
    async def index() -> Response:
        return pages.render("index.html.j2", scenarios=store.scenario_names(),
                            runs=store.runs()[:30], limit=max_upload)

    @app.post("/upload")
    async def upload(request: Request) -> Response:
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return pages.error(400, "choose a scenario file (.yaml or .json) to upload")
        raw = await file.read()
        name = Path(file.filename).name
        try:
            scenario = loads(decode(raw, name), name=name)
        except ScenarioError as exc:
            return pages.render("index.html.j2", status=422,
                                scenarios=store.scenario_names(), runs=store.runs()[:30],
                                limit=max_upload, upload_errors=[str(p) for p in exc.problems])
        if not NAME.fullmatch(scenario.id):
            return pages.error(422, f"{name}: the scenario id {scenario.id!r} cannot name a "
                                    "file here; use letters, digits, '_' and '-' only")
        saved = store.save_scenario(scenario)
        return RedirectResponse(f"/s/{saved}", status_code=303)

    @app.get("/s/{name}", response_class=HTMLResponse)
    async def scenario_page(name: str, saved: int = 0) -> Response:
        s = store.scenario(name)
        return _scenario_page(name, s, saved=bool(saved))

    def _scenario_page(name: str, s: Any, *, status: int = 200, errors: Any = None,
                       general: Any = None, values: Any = None, saved: bool = False
                       ) -> Response:
        digest = scenario_hash(s)
        runs = [r for r in store.runs() if r.scenario == name]
        current = [r for r in runs if r.settings.get("scenario_hash") == digest]
        answer = next((r for r in current if r.kind == "crisis"), None)
        return pages.render("scenario.html.j2", status=status, name=name, s=s,
                            fields=fields(s), errors=errors or {}, general=general or [],
                            values=values or {}, saved=saved, answer=answer, runs=runs[:20],
                            local=store.is_local(name), builtin=name in builtin_names(),
                            kinds=KINDS, limits=LIMITS,
                            has_crisis=s.crisis is not None)

    @app.post("/s/{name}/edit")
    async def edit(name: str, request: Request) -> Response:
        s = store.scenario(name)
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        values = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf"}
        result = apply_edits(s, values)
        if result.scenario is None:
            return _scenario_page(name, s, status=422, errors=result.errors,
                                  general=result.general, values=result.values)
        store.save_scenario(result.scenario)
        return RedirectResponse(f"/s/{result.scenario.id}?saved=1", status_code=303)

    @app.post("/s/{name}/reset")
    async def reset(name: str, request: Request) -> Response:
        store.scenario(name)
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        store.reset(name)
        target = f"/s/{name}" if name in dict(store.scenario_names()) else "/"
        return RedirectResponse(target, status_code=303)

    @app.post("/s/{name}/run/{kind}")
    async def run(name: str, kind: str, request: Request) -> Response:
        s = store.scenario(name)
        if kind not in KINDS:
            return pages.error(404, f"no analysis {kind!r}; analyses: {', '.join(KINDS)}")
        form = await checked_form(request)
        if isinstance(form, Response):
            return form
        try:
            draws = int(str(form.get("draws", "2000")))
            seed = int(str(form.get("seed", "0")))
        except ValueError:
            return pages.error(400, "draws and seed must be whole numbers")
        limit = LIMITS[kind]
        if kind != "forecast" and not 100 <= draws <= limit:
            return pages.error(400, f"draws for {kind} must be between 100 and {limit:,}")
        if seed < 0:
            return pages.error(400, "the seed must be 0 or more")
        settings = {"draws": draws, "seed": seed, "scenario_hash": scenario_hash(s),
                    "whatif": form.get("whatif") == "on"}
        job = jobs.submit(kind, name, settings, make_task(kind, s, settings,
                                                          store.root / "sweeps.duckdb"))
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse)
    async def job_page(job_id: str) -> Response:
        job = jobs.get(job_id)
        if job is None:
            raise NotFound(job_id)
        if job.state == "done" and job.run_id is not None:
            return RedirectResponse(f"/runs/{job.run_id}", status_code=303)
        return pages.render("job.html.j2", job=job)

    @app.get("/jobs/{job_id}/status")
    async def job_status(job_id: str) -> Response:
        job = jobs.get(job_id)
        if job is None:
            raise NotFound(job_id)
        return JSONResponse(job.as_dict())

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    async def run_page(run_id: str) -> Response:
        return pages.render("run.html.j2", run=store.run(run_id))

    @app.get("/runs/{run_id}/result.json")
    async def run_json(run_id: str) -> Response:
        return JSONResponse(store.run(run_id).result)

    @app.get("/runs/{run_id}/report.html")
    async def run_report(run_id: str) -> Response:
        path = store.report_path(run_id)
        return FileResponse(path, media_type="text/html",
                            filename=f"detente-{store.run(run_id).scenario}-{run_id}.html")

    @app.get("/compare", response_class=HTMLResponse)
    async def compare(request: Request) -> Response:
        ids = request.query_params.getlist("run")
        chosen = [store.run(i) for i in ids]
        return pages.render("compare.html.j2", runs=chosen, rows=_compare_rows(chosen),
                            all_runs=store.runs()[:50])

    return app


def _compare_rows(runs: list[Any]) -> list[tuple[str, list[str]]]:
    """The numbers two or more stored runs share, one row each."""
    def get(run: Any, *keys: Any) -> str:
        value: Any = run.result
        for k in keys:
            try:
                value = value[k]
            except (KeyError, IndexError, TypeError):
                return ""
        if isinstance(value, float):
            return "" if not math.isfinite(value) else f"{value:.3f}"
        return "" if value is None else str(value)

    rows = [("analysis", [r.kind for r in runs]), ("scenario", [r.scenario for r in runs]),
            ("values (sha256)", [str(r.settings.get("scenario_hash", ""))[:12] for r in runs]),
            ("draws", [str(r.settings.get("draws", "")) for r in runs]),
            ("seed", [str(r.settings.get("seed", "")) for r in runs]),
            ("P(war) at the offer", [get(r, "p_war") for r in runs]),
            ("90% interval", [f"{get(r, 'p_war_interval', 0)}–{get(r, 'p_war_interval', 1)}"
                              if get(r, "p_war_interval", 0) else "" for r in runs]),
            ("optimal offer t", [get(r, "optimal", "t") for r in runs]),
            ("P(war) at the optimal offer", [get(r, "optimal", "assessment", "p_war")
                                             for r in runs]),
            ("lever search target", [get(r, "target") for r in runs]),
            ("summary", [r.summary for r in runs])]
    return [row for row in rows if any(row[1])]
