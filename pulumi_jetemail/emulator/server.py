"""`Emulator`: the emulated API served by uvicorn in a background thread, plus test handles.

The server binds its socket in `start()` (so `port=0` gives a free port known at once), runs
uvicorn (h11, plain asyncio, no lifespan, no access log, warnings only) in a daemon thread,
and `start()` returns once uvicorn listens. `stop()` wakes every pending delay, asks uvicorn
to exit and joins the thread with a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import uvicorn

from .app import DroppedConnection, EmulatorState, RecordedRequest, build_app
from .faults import AccountLimit, Fault
from .rules import ApiError
from .store import Store, VerifyPlan

__all__ = ["Emulator"]

START_TIMEOUT = 10.0
STOP_TIMEOUT = 5.0
GRACEFUL_SHUTDOWN_SECONDS = 1


class _DropFilter(logging.Filter):
    """Keeps uvicorn from logging a traceback for a connection the emulator drops on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)


_DROP_FILTER = _DropFilter()


class _Server(uvicorn.Server):
    """uvicorn's server, which says when it listens and exits as soon as it is told to."""

    def __init__(self, config: uvicorn.Config, state: EmulatorState) -> None:
        super().__init__(config)
        self.state = state
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self.state.wake = asyncio.Event()
        await super().startup(sockets=sockets)
        self.ready.set()

    async def main_loop(self) -> None:
        # uvicorn's own loop polls `should_exit` every 0.1 s; this one also wakes on `wake`.
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864000
            assert self.state.wake is not None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.state.wake.wait(), timeout=0.1)

    def request_exit(self) -> None:
        """From any thread: stop soon, cutting pending delays short."""
        self.should_exit = True
        loop, wake = self.loop, self.state.wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(wake.set)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every answer (headers and body written apart) waits 40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _translated(exc: ApiError) -> Exception:
    """An API refusal as a Python error for the out-of-band helpers."""
    if exc.status == 404:
        return KeyError(exc.message)
    return ValueError(exc.message)


class Emulator:
    """A local JetEmail management API for tests, demos and offline stacks.

    ```python
    with Emulator("api_test") as emu:
        client = httpx.Client(base_url=emu.url, headers={"Authorization": "Bearer api_test"})
        emu.inject("POST", "/inbound/domains", status=503, processed=True)
    ```

    The store helpers (`domains`, `add_domain`, `patch_domain`, …) change the account as
    another tool would, with the API's own rules: a refused body raises `ValueError`, an
    unknown uuid `KeyError`. They bypass HTTP, so they are neither logged, rate limited nor
    faulted.
    """

    def __init__(
        self,
        api_key: str = "api_test",
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rate_limit_per_minute: int | None = None,
        lockout_seconds: float = 300.0,
        latency: float = 0.0,
    ) -> None:
        if not api_key.startswith("api_") or api_key == "api_":
            raise ValueError("api_key must be an account key: api_ followed by the key")
        if latency < 0:
            raise ValueError("latency must not be negative")
        self.host = host
        self.port = port
        self._initial_latency = latency
        self._state = EmulatorState(
            api_key=api_key,
            limiter=AccountLimit(rate_limit_per_minute, lockout_seconds),
            store=Store(),
            latency=latency,
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """`http://host:port` of the running server."""
        if self._url is None:
            raise RuntimeError("the emulator is not running: call start() first")
        return self._url

    @property
    def running(self) -> bool:
        """Whether the server thread is serving."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> Emulator:
        """Serve in a background thread; returns once the server accepts connections."""
        if self._server is not None:
            raise RuntimeError("the emulator is already running")
        logging.getLogger("uvicorn.error").addFilter(_DROP_FILTER)
        sock = _bind(self.host, self.port)
        config = uvicorn.Config(
            build_app(self._state),
            http="h11",
            loop="asyncio",
            lifespan="off",
            ws="none",
            log_config=None,
            log_level="warning",
            access_log=False,
            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        )
        server = _Server(config, self._state)
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="jetemail-emulator", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not server.ready.wait(0.01):
            if not thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                sock.close()
                raise RuntimeError("the emulator's server did not start")
        bound_host, bound_port = sock.getsockname()[:2]
        host = f"[{bound_host}]" if ":" in bound_host else bound_host
        self._url = f"http://{host}:{bound_port}"
        return self

    def stop(self) -> None:
        """Stop serving (in-flight delays are cut short); idempotent."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self._url = None
        if server is None or thread is None:
            return
        server.request_exit()
        thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            server.force_exit = True
            thread.join(STOP_TIMEOUT)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def reset(self) -> None:
        """Back to a fresh account: no domains, no log, no faults, no lockout, initial latency."""
        self._state.store.reset()
        self._state.log.clear()
        self._state.faults.clear()
        self._state.limiter.reset()
        self._state.latency = self._initial_latency

    @property
    def latency(self) -> float:
        """Seconds added to every answer (an async sleep: requests still run concurrently)."""
        return self._state.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency must not be negative")
        self._state.latency = seconds

    # --- the store ---------------------------------------------------------------------------

    def domains(self) -> list[dict[str, Any]]:
        """Deep copies of the stored domains, `webhook_secret` and write-only fields included.

        `status` is "active"/"disabled"; `smtp_servers` items are objects; `created_at` is in
        unix seconds.
        """
        return self._state.store.raw_domains()

    def domain(self, uuid: str) -> dict[str, Any] | None:
        """A deep copy of one stored domain, or None."""
        return self._state.store.raw_domain(uuid)

    def add_domain(self, body: dict[str, Any]) -> dict[str, Any]:
        """Create a domain as another tool would (the create body of the API); the stored domain."""
        try:
            return self._state.store.add_domain(body)
        except ApiError as exc:
            raise _translated(exc) from None

    def patch_domain(self, uuid: str, fields: dict[str, Any]) -> None:
        """Change a domain out of band (drift), with the rules of `PATCH /inbound/settings`."""
        try:
            self._state.store.update_domain(uuid, fields)
        except ApiError as exc:
            raise _translated(exc) from None

    def remove_domain(self, uuid: str) -> None:
        """Delete a domain (and its rules) out of band."""
        try:
            self._state.store.delete_domain({"uuid": uuid})
        except ApiError as exc:
            raise _translated(exc) from None

    def rules(self, domain_uuid: str) -> list[dict[str, Any]]:
        """Deep copies of a domain's forward rules."""
        try:
            return self._state.store.raw_rules(domain_uuid)
        except ApiError as exc:
            raise _translated(exc) from None

    def add_rule(self, domain_uuid: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create a forward rule as another tool would (the create body of the API: localpart,
        destination, active); the stored rule."""
        try:
            return dict(self._state.store.create_rule(domain_uuid, body))
        except ApiError as exc:
            raise _translated(exc) from None

    def patch_rule(self, domain_uuid: str, rule_uuid: str, fields: dict[str, Any]) -> None:
        """Change a rule out of band (drift), with the rules of its PATCH (destination, active)."""
        try:
            self._state.store.update_rule(domain_uuid, rule_uuid, fields)
        except ApiError as exc:
            raise _translated(exc) from None

    def remove_rule(self, domain_uuid: str, rule_uuid: str) -> None:
        """Delete a forward rule out of band."""
        try:
            self._state.store.delete_rule(domain_uuid, rule_uuid)
        except ApiError as exc:
            raise _translated(exc) from None

    def set_rule_verified(self, domain_uuid: str, rule_uuid: str, verified: bool = True) -> None:
        """Mark a rule's destination as verified, as if its owner clicked the mail's link."""
        try:
            self._state.store.set_rule_verified(domain_uuid, rule_uuid, verified)
        except ApiError as exc:
            raise _translated(exc) from None

    def set_dns_verified(self, uuid: str, **flags: bool) -> None:
        """Set the domain's `forward_<flag>_verified` (flags mx, dkim, spf, dmarc).

        Both `GET /inbound/settings/{uuid}` and `POST …/check` report them from then on.
        """
        try:
            self._state.store.set_dns_verified(uuid, flags)
        except ApiError as exc:
            raise _translated(exc) from None

    def verify_after(
        self,
        uuid: str | None = None,
        *,
        checks: int | None = None,
        seconds: float | None = None,
        flags: tuple[str, ...] = ("mx", "dkim", "spf", "dmarc"),
    ) -> None:
        """Make a domain's DNS records verify, as they would once published: at the check
        (`POST …/check`) that is the `checks`-th from now, or at the first check `seconds`
        from now. `flags` says which of mx, dkim, spf and dmarc verify then. With no `uuid`,
        every domain created from now on gets that plan (until `reset()`)."""
        plan = VerifyPlan(checks=checks, seconds=seconds, flags=tuple(flags))  # checks the args
        store = self._state.store
        if uuid is None:
            store.new_domain_plan = lambda: VerifyPlan(checks=checks, seconds=seconds, flags=flags)
            return
        try:
            store.verify_after(uuid, plan)
        except ApiError as exc:
            raise _translated(exc) from None

    # --- the request log ---------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request seen so far, in arrival order (a snapshot)."""
        return self._state.log.snapshot()

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests match `method` (any case) and `path` (exact, or `prefix*`)."""
        return self._state.log.count(method, path)

    def clear_log(self) -> None:
        """Forget the requests seen so far."""
        self._state.log.clear()

    # --- faults and limits ---------------------------------------------------------------

    def inject(
        self,
        method: str,
        path: str,
        *,
        status: int | None = None,
        times: int = 1,
        retry_after: float | None = None,
        processed: bool = False,
        drop: bool = False,
        delay: float = 0.0,
    ) -> None:
        """Give a fault to the next `times` requests matching `method` and `path`.

        `method` is an HTTP method or `*`; `path` is exact or a prefix ending in `*`.
        `status`: answer it with a JSON error body (and `Retry-After` if `retry_after` is
        given) without touching the store, unless `processed=True`, which applies the request
        first (an ambiguous 5xx). `drop=True`: apply the request, then close the connection
        without an answer (the client sees a transport error). `delay`: wait that many
        seconds before answering (after applying). Faults are used in the order injected.
        """
        fault = Fault(
            status=status, retry_after=retry_after, processed=processed, drop=drop, delay=delay
        )
        self._state.faults.inject(method, path, fault, times)

    def fault_mix(
        self,
        rate: float,
        *,
        seed: int = 0,
        statuses: Sequence[int] = (429, 502, 503, 504),
        drop_share: float = 0.2,
        slow_share: float = 0.2,
        slow_delay: float = 0.2,
        retry_after: float = 0.05,
    ) -> None:
        """From now on give a random fault to a `rate` fraction of requests; 0 turns it off.

        A faulted request is dropped after processing (`drop_share` of them), answered
        `slow_delay` seconds late (`slow_share`), or else answered a status drawn from
        `statuses`: a 5xx is processed first half of the time, a 429 never is and carries
        `Retry-After: retry_after`. The same `seed` and the same sequence of requests give the
        same faults. Injected faults come first.
        """
        self._state.faults.set_mix(
            rate,
            seed=seed,
            statuses=statuses,
            drop_share=drop_share,
            slow_share=slow_share,
            slow_delay=slow_delay,
            retry_after=retry_after,
        )

    def lock_out(self, seconds: float) -> None:
        """Block every call of the account for `seconds`: 429 with the remaining Retry-After."""
        self._state.limiter.lock_out(seconds)
