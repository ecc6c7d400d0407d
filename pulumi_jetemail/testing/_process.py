"""The provider process behind `ProviderServer`: ``python -u -m pulumi.dynamic`` started with
``PULUMI_PROJECT`` set, its port read from its first line, its output drained, a gRPC channel
to it, and a stop that never leaves it running."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Mapping
from typing import IO, Any

import grpc
from google.protobuf import empty_pb2 as _empty_pb2
from pulumi.runtime.proto import provider_pb2_grpc as _provider_pb2_grpc
from typing_extensions import Self

from ._messages import ProviderError, ProviderStartError

__all__ = ["DEFAULT_CALL_TIMEOUT", "DEFAULT_START_TIMEOUT", "ProviderProcess"]

_pb_grpc: Any = _provider_pb2_grpc
_empty: Any = _empty_pb2
DEFAULT_CALL_TIMEOUT = 60.0
DEFAULT_START_TIMEOUT = 30.0
_STOP_GRACE = 5.0
# Loopback only: never let a proxy from the environment see the connection.
_CHANNEL_OPTIONS = [
    ("grpc.enable_http_proxy", 0),
    ("grpc.max_receive_message_length", 400 * 1024 * 1024),
]


class ProviderProcess:
    """The provider process of a `ProviderServer`: started, read (its port, stdout and stderr),
    connected to, and stopped, never left running."""

    def __init__(
        self,
        *,
        env: Mapping[str, str | None] | None = None,
        project: str = "test",
        python: str = sys.executable,
        cwd: str | os.PathLike[str] | None = None,
        timeout: float = DEFAULT_CALL_TIMEOUT,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self.project = project
        self.python = python
        self.cwd = cwd
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None
        self._channel: Any = None
        self._stub: Any = None
        self._configured = False
        self._accept_secrets: bool | None = None
        self._lock = threading.Lock()
        self._output_arrived = threading.Condition(self._lock)
        self._stderr: list[bytes] = []
        self._stdout: list[bytes] = []
        self._port_line: bytes | None = None
        self._port_seen = threading.Event()
        self._readers: list[threading.Thread] = []
        self._finalizer: weakref.finalize[Any, Any] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start the provider and wait until it serves; raise `ProviderStartError` if it can't."""
        if self._process is not None:
            raise RuntimeError("a ProviderServer starts once: make a new one")
        environ = dict(os.environ)
        environ["PULUMI_PROJECT"] = self.project
        for key, value in self._env.items():
            if value is None:
                environ.pop(key, None)
            else:
                environ[key] = value
        deadline = time.monotonic() + self.start_timeout
        process = subprocess.Popen(  # noqa: S603 (the interpreter and module are fixed, no shell)
            [self.python, "-u", "-m", "pulumi.dynamic"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environ,
            cwd=self.cwd,
        )
        self._process = process
        self._finalizer = weakref.finalize(self, _kill, process)
        assert process.stdout is not None
        assert process.stderr is not None
        self._readers = [
            threading.Thread(
                target=self._drain_stdout, args=(process.stdout,), name="provider-stdout"
            ),
            threading.Thread(
                target=self._drain, args=(process.stderr, self._stderr), name="provider-stderr"
            ),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()
        try:
            port = self._await_port(deadline)
            self._connect(port, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Close the channel and end the process (SIGTERM, then SIGKILL after 5 s). Idempotent."""
        if self._channel is not None:
            self._channel.close()
            self._channel = None
            self._stub = None
        process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=_STOP_GRACE)
        for reader in self._readers:
            reader.join(timeout=_STOP_GRACE)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        if self._finalizer is not None:
            self._finalizer.detach()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        """The provider process id (e.g. to read its RSS from ``/proc/<pid>/status``)."""
        if self._process is None:
            raise RuntimeError("the provider is not started")
        return self._process.pid

    @property
    def returncode(self) -> int | None:
        """The provider's exit code, or None while it runs (or before it started)."""
        return None if self._process is None else self._process.poll()

    @property
    def accept_secrets(self) -> bool | None:
        """What the provider answered to Configure's ``acceptSecrets`` (None before it)."""
        return self._accept_secrets

    def stderr_text(self) -> str:
        """Everything the provider process wrote to stderr so far (drained continuously)."""
        with self._lock:
            data = b"".join(self._stderr)
        return data.decode("utf-8", errors="replace")

    def wait_for_stderr(self, text: str, timeout: float = 10.0) -> bool:
        """Wait until ``text`` appears in the provider's stderr; False if it did not in time."""
        deadline = time.monotonic() + timeout
        with self._output_arrived:
            while text not in b"".join(self._stderr).decode("utf-8", errors="replace"):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._output_arrived.wait(remaining)
        return True

    def stdout_text(self) -> str:
        """What the provider process wrote to stdout after its port line."""
        with self._lock:
            data = b"".join(self._stdout)
        return data.decode("utf-8", errors="replace")

    # -- the ResourceProvider calls, in the order the engine makes them -------------------

    def _call(self, method: str, request: Any, *, needs_configure: bool = True) -> Any:
        stub = self._stub
        if stub is None:
            raise RuntimeError("the provider is not running: call start() (or use `with`)")
        if needs_configure and not self._configured:
            raise RuntimeError(
                "call configure() first, as the engine does (configure({}) for no stack config)"
            )
        try:
            return getattr(stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as error:
            raise self._error(method, error) from None

    def _error(self, method: str, error: Any) -> ProviderError:
        status = error.code()
        code = status.name if status is not None else "UNKNOWN"
        details = error.details() or ""
        context = ""
        process = self._process
        if process is not None and code == "UNAVAILABLE":
            # A dead provider resets the connection a moment before it can be reaped.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=1.0)
        if process is not None and process.poll() is not None:
            for reader in self._readers:
                reader.join(timeout=_STOP_GRACE)
            context = (
                f"(provider process exited with code {process.returncode})\n"
                f"--- provider stderr ---\n{self.stderr_text()}"
            )
        return ProviderError(method, code, details, context)

    def _drain(self, stream: IO[bytes], sink: list[bytes]) -> None:
        read = getattr(stream, "read1", stream.read)
        while chunk := read(65536):
            with self._output_arrived:
                sink.append(chunk)
                self._output_arrived.notify_all()

    def _drain_stdout(self, stream: IO[bytes]) -> None:
        try:
            self._port_line = stream.readline()
        finally:
            self._port_seen.set()
        self._drain(stream, self._stdout)

    def _await_port(self, deadline: float) -> int:
        process = self._process
        assert process is not None
        if not self._port_seen.wait(timeout=max(0.0, deadline - time.monotonic())):
            process.kill()
            process.wait(timeout=_STOP_GRACE)
            raise self._start_error(
                f"the provider printed no port within {self.start_timeout:g} s", process
            )
        line = (self._port_line or b"").strip()
        if not line.isdigit():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=_STOP_GRACE)
            what = "exited before printing its port" if line == b"" else f"printed {line!r}"
            raise self._start_error(f"the provider {what}, not a port", process)
        return int(line)

    def _start_error(self, message: str, process: subprocess.Popen[bytes]) -> ProviderStartError:
        for reader in self._readers:
            reader.join(timeout=_STOP_GRACE)
        return ProviderStartError(
            f"{message} ({self.python} -m pulumi.dynamic, exit code {process.returncode})",
            process.returncode,
            self.stderr_text(),
        )

    def _connect(self, port: int, deadline: float) -> None:
        channel = grpc.insecure_channel(f"127.0.0.1:{port}", options=_CHANNEL_OPTIONS)
        try:
            grpc.channel_ready_future(channel).result(timeout=max(0.0, deadline - time.monotonic()))
        except grpc.FutureTimeoutError:
            channel.close()
            process = self._process
            assert process is not None
            raise self._start_error(
                f"the provider did not accept a connection on port {port}", process
            ) from None
        self._channel = channel
        self._stub = _pb_grpc.ResourceProviderStub(channel)
        # The engine's first call; proves the service answers before any test relies on it.
        self._call("GetPluginInfo", _empty.Empty(), needs_configure=False)


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Finalizer: never leave a provider running when its ProviderServer is forgotten."""
    if process.poll() is None:
        process.kill()
        process.wait(timeout=_STOP_GRACE)
