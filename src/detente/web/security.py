"""What keeps the local app local: a cap on request bodies, and a check that every
state-changing request comes from the app's own pages.

- :class:`BodyLimit` answers 413 to any request whose body (declared or streamed) exceeds the
  cap, before the body is parsed.
- :class:`Csrf`: each app instance has a random token, put in every form it serves; a POST
  must carry it (``csrf`` form field or ``X-CSRF-Token`` header), and when the browser names
  the request's origin (``Origin``), that origin must be the app's own host. Another site's
  page can neither read the token nor pass the origin check.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodyLimit", "Csrf", "same_origin"]


class _TooLarge(Exception):
    pass


class BodyLimit:
    """ASGI middleware: at most ``limit`` bytes of request body."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await _reply_413(send, self.limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except _TooLarge:
            if not started:
                await _reply_413(send, self.limit)


async def _reply_413(send: Send, limit: int) -> None:
    body = (f"request body too large: the limit is {limit / 1e6:g} MB "
            "(serve --max-upload)").encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def same_origin(headers: Any) -> bool:
    """True unless the request names an ``Origin`` whose host differs from ``Host``."""
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return bool(urlsplit(origin).netloc == headers.get("host"))


class Csrf:
    """The app instance's token and the check of a state-changing request."""

    def __init__(self) -> None:
        self.token = secrets.token_urlsafe(32)

    def valid(self, sent: str | None, headers: Any) -> bool:
        return (sent is not None and secrets.compare_digest(sent, self.token)
                and same_origin(headers))
