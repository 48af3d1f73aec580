"""`detente serve`: the local web app (docs/web.md)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from detente.cli.common import err_console, fail


def serve(
    data_dir: Annotated[Path, typer.Option(
        "--data-dir", help="Where uploaded and edited scenarios and stored runs live; the app "
                           "reads and writes nothing outside it.", file_okay=False)
        ] = Path("detente-web"),
    host: Annotated[str, typer.Option(
        help="Address to listen on. The default answers this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    max_upload: Annotated[float, typer.Option(
        "--max-upload", help="Largest request body accepted, in MB.", min=0.01, max=100.0)
        ] = 2.0,
) -> None:
    """Start the local web app: scenarios, values with their evidence, runs, reports."""
    import uvicorn

    from detente.web import create_app

    if not _loopback(host):
        err_console.print(Text.assemble(
            ("warning:", "yellow"), f" listening on {host}: anyone who can reach this machine "
                                    "can use the app (it has no login)"))
    try:
        app = create_app(data_dir, max_upload=int(max_upload * 1e6),
                         allowed_hosts=None if _loopback(host) else ["*"])
    except OSError as exc:
        fail(f"cannot use {data_dir} as the data directory: {exc.strerror}")
    err_console.print(f"detente serve: http://{host}:{port}/ (data in {data_dir.resolve()}); "
                      "Ctrl-C stops it")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
