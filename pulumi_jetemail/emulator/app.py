"""The emulated JetEmail API as an ASGI app: Starlette routes behind one gate.

Every request passes the gate (`_Gate`) first: it picks the request's fault, records the
request, adds the configured latency, checks the bearer key and the account's rate limit,
and only then hands the request to the Starlette routes, which call the `Store`. Every answer
is JSON: `{"success": true, "result"|"message": …}` or `{"success": false, "error": …}`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Final

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .faults import AccountLimit, Fault, FaultPlan, retry_after_header
from .request_log import RecordedRequest, RequestLog
from .rules import JSON, ApiError
from .store import Store

__all__ = ["EmulatorState", "RecordedRequest", "RequestLog", "build_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TRANSACTIONAL_KEY_PREFIX: Final = "transactional_"


class DroppedConnection(Exception):
    """Raised after a response start to make uvicorn close the connection without an answer."""


# --- shared state ---------------------------------------------------------------------------


@dataclass
class EmulatorState:
    """Everything the app reads, shared with the `Emulator` object that owns it."""

    api_key: str
    limiter: AccountLimit
    store: Store = field(default_factory=Store)
    faults: FaultPlan = field(default_factory=FaultPlan)
    log: RequestLog = field(default_factory=RequestLog)
    latency: float = 0.0
    wake: asyncio.Event | None = None
    """Set (in the server's loop) when the server stops: cuts every pending delay short."""

    async def pause(self, seconds: float) -> None:
        """Sleep `seconds`, or less if the server is stopping."""
        if seconds <= 0:
            return
        if self.wake is None:
            await asyncio.sleep(seconds)
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=seconds)


# --- answers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    async def send_start(self, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})

    async def send(self, send: Send) -> None:
        await self.send_start(send)
        await send({"type": "http.response.body", "body": self.body})


def _error_body(message: str) -> dict[str, JSON]:
    return {"success": False, "error": message}


def _json_answer(status: int, payload: JSON, headers: dict[str, str] | None = None) -> _Answer:
    body = json.dumps(payload).encode()
    raw_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return _Answer(status, raw_headers, body)


def parse_json(raw: bytes) -> JSON:
    """The JSON value of a body; None when empty; raises ValueError when not JSON."""
    if not raw.strip():
        return None
    return json.loads(raw)


# --- routes ---------------------------------------------------------------------------------


def _result(result: JSON) -> Response:
    return JSONResponse({"success": True, "result": result})


def _message(message: str) -> Response:
    return JSONResponse({"success": True, "message": message})


async def _body(request: Request) -> JSON:
    try:
        return parse_json(await request.body())
    except ValueError:
        raise ApiError(400, "the request body is not valid JSON") from None


Endpoint = Callable[[Request], Awaitable[Response]]


def _dispatcher(endpoints: Mapping[str, Endpoint]) -> Endpoint:
    """One endpoint that calls the one of the request's method (HEAD is GET without a body)."""

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" else request.method
        return await endpoints[method](request)

    return dispatch


class _Routes:
    """One Starlette endpoint per documented call, each a thin shell around the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def routes(self) -> list[Route]:
        """One route per path, so that a wrong method answers 405 with the right `Allow`."""
        domains = "/inbound/domains"
        rules = "/inbound/domains/{uuid}/forward-rules"
        by_path: dict[str, dict[str, Endpoint]] = {
            domains: {
                "GET": self.list_domains,
                "POST": self.create_domain,
                "DELETE": self.delete_domain,
            },
            "/inbound/settings/{uuid}": {"GET": self.get_domain, "PATCH": self.update_domain},
            domains + "/{uuid}/check": {"POST": self.check_domain},
            rules: {"GET": self.list_rules, "POST": self.create_rule},
            rules + "/{rule_uuid}": {
                "GET": self.get_rule,
                "PATCH": self.update_rule,
                "DELETE": self.delete_rule,
            },
        }
        return [
            Route(path, _dispatcher(endpoints), methods=list(endpoints))
            for path, endpoints in by_path.items()
        ]

    async def list_domains(self, request: Request) -> Response:
        return _result(self.store.list_domains())

    async def create_domain(self, request: Request) -> Response:
        return _result(self.store.create_domain(await _body(request)))

    async def delete_domain(self, request: Request) -> Response:
        self.store.delete_domain(await _body(request))
        return _message("domain deleted")

    async def get_domain(self, request: Request) -> Response:
        return _result(self.store.get_domain(request.path_params["uuid"]))

    async def update_domain(self, request: Request) -> Response:
        self.store.update_domain(request.path_params["uuid"], await _body(request))
        return _message("domain updated")

    async def check_domain(self, request: Request) -> Response:
        return _result(self.store.check_domain(request.path_params["uuid"]))

    async def list_rules(self, request: Request) -> Response:
        return _result(self.store.list_rules(request.path_params["uuid"]))

    async def create_rule(self, request: Request) -> Response:
        return _result(self.store.create_rule(request.path_params["uuid"], await _body(request)))

    async def get_rule(self, request: Request) -> Response:
        params = request.path_params
        return _result(self.store.get_rule(params["uuid"], params["rule_uuid"]))

    async def update_rule(self, request: Request) -> Response:
        params = request.path_params
        self.store.update_rule(params["uuid"], params["rule_uuid"], await _body(request))
        return _message("forward rule updated")

    async def delete_rule(self, request: Request) -> Response:
        params = request.path_params
        self.store.delete_rule(params["uuid"], params["rule_uuid"])
        return _message("forward rule deleted")


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(_error_body(exc.message), status_code=exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 (no such route) and 405 (wrong method), as JSON."""
    assert isinstance(exc, HTTPException)
    message = "no such route" if exc.status_code == 404 else str(exc.detail).lower()
    return JSONResponse(_error_body(message), status_code=exc.status_code, headers=exc.headers)


def _router(store: Store) -> Starlette:
    app = Starlette(
        routes=_Routes(store).routes(),
        exception_handlers={ApiError: _api_error, HTTPException: _http_error},
    )
    app.router.redirect_slashes = False  # the API never redirects
    return app


# --- the gate -------------------------------------------------------------------------------


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _logged_body(raw: bytes) -> JSON:
    try:
        return parse_json(raw)
    except ValueError:
        return None


def _fault_answer(fault: Fault) -> _Answer:
    assert fault.status is not None
    headers = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = retry_after_header(fault.retry_after)
    return _json_answer(fault.status, _error_body(fault.message), headers)


def _bearer_key(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, key = value.decode("latin-1").partition(" ")
            return key.strip() if scheme.lower() == "bearer" else None
    return None


class _Gate:
    """Log, latency, faults, auth and rate limit, in front of the routes."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state
        self.router = _router(state.store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan and websockets: nothing to emulate
            return
        raw = await _read_body(receive)
        fault = self.state.faults.take(scope["method"], scope["path"])
        entry = self.state.log.add(scope["method"], scope["path"], _logged_body(raw), fault)
        await self.state.pause(self.state.latency)
        answer = None
        if fault is None or fault.applies_request:
            answer = await self._answer(scope, raw, receive)
        if fault is not None:
            await self.state.pause(fault.delay)
            if fault.status is not None:
                answer = _fault_answer(fault)
        assert answer is not None  # a fault that skips the request always has a status
        if fault is not None and fault.drop:
            self.state.log.finish(entry, None)
            # The status line and headers go out (with the body's length), the body never
            # does: the exception makes uvicorn close the connection mid-answer.
            await answer.send_start(send)
            raise DroppedConnection
        # Logged before it is sent: a client that has its answer finds it in the log.
        self.state.log.finish(entry, answer.status)
        await answer.send(send)

    async def _answer(self, scope: Scope, raw: bytes, receive: Receive) -> _Answer:
        """The API's own answer: auth, then the rate limit, then the route."""
        refusal = self._refusal(scope)
        if refusal is not None:
            return refusal
        return await self._route(scope, raw, receive)

    def _refusal(self, scope: Scope) -> _Answer | None:
        key = _bearer_key(scope)
        if not key:
            return _json_answer(
                401,
                _error_body(
                    "missing or malformed Authorization header: "
                    "an account API key (api_...) is required"
                ),
            )
        if key.startswith(TRANSACTIONAL_KEY_PREFIX):
            return _json_answer(
                403,
                _error_body(
                    "transactional keys cannot manage inbound domains: "
                    "use an account API key (api_...)"
                ),
            )
        if key != self.state.api_key:
            return _json_answer(401, _error_body("invalid API key"))
        blocked = self.state.limiter.admit()
        if blocked is not None:
            seconds = math.ceil(blocked)
            return _json_answer(
                429,
                _error_body(f"rate limit exceeded: the account is blocked for {seconds} s"),
                {"Retry-After": str(seconds)},
            )
        return None

    async def _route(self, scope: Scope, raw: bytes, receive: Receive) -> _Answer:
        """Run the Starlette routes and capture their answer (so a fault can replace it)."""
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": raw, "more_body": False}

        status = 500
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.router(scope, replay, capture)
        return _Answer(status, headers, b"".join(chunks))


def build_app(state: EmulatorState) -> ASGIApp:
    """The ASGI app of the emulated API over `state`."""
    return _Gate(state)
