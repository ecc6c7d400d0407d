"""`PulumiStack`: a whole Pulumi program under the real Pulumi CLI, offline, in a test.

The program runs through Pulumi's Automation API (an inline program: the CLI connects back to
this Python process, so no language-host plugin is needed), on a stack of its own whose state
and secrets live in a temporary directory (a file backend, the passphrase secrets provider).
Point its stack config at the emulator and it deploys end to end with no cloud account::

    from pulumi_jetemail.emulator import Emulator
    from pulumi_jetemail.testing import PulumiStack

    with Emulator("api_test") as emu, PulumiStack(
        "infra/",                             # Pulumi.yaml's directory, a .py file or a callable
        config={"jetemail:apiUrl": emu.url},
        secrets={"jetemail:apiKey": "api_test"},
    ) as stack:
        print(stack.preview().stdout)         # `pulumi preview --diff`, as the CLI prints it
        stack.up()                            # `pulumi up --yes`
        stack.preview(expect_no_changes=True) # fails the test if anything would change
        stack.destroy()

Each command returns a `StackRun`: the CLI's exit code, its own stdout and stderr, and the
count of each kind of step. A command that exits non-zero raises `StackCommandError`, which
carries its `StackRun`, unless it was called with ``check=False``.

A Python program runs in this process; a project in another language (``runtime: yaml``, …)
runs as it is, through its language host, which must be beside the CLI or on PATH.

The Pulumi CLI is the ``pulumi`` on PATH, or the one named by ``cli=``; Python dynamic
providers run in this interpreter (``PULUMI_PYTHON_CMD``). Nothing is downloaded: plugin
acquisition is off, and the only endpoint is what the stack config names.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import runpy
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml
from pulumi import automation as auto

from pulumi_jetemail.testing._cli import find_cli, find_dynamic_plugin, write_dynamic_plugin

__all__ = ["PulumiStack", "StackCommandError", "StackRun"]

PASSPHRASE = "pulumi-jetemail-test-stack"  # noqa: S105 (encrypts a throwaway test stack's secrets)
"""The passphrase of every `PulumiStack`'s secrets provider (the stack is thrown away)."""

Program = str | os.PathLike[str] | Callable[[], None]
"""A Pulumi.yaml's directory, a program file, or a function that declares resources."""


@dataclass(frozen=True)
class StackRun:
    """One CLI command on the stack: what it printed and how it ended."""

    command: str
    """The command as a user would type it, e.g. ``pulumi preview --diff``."""
    exit_code: int
    stdout: str
    stderr: str
    changes: Mapping[str, int] = field(default_factory=dict)
    """Steps by kind (``create``, ``same``, ``update``, ``replace``, ``delete``…), as the CLI
    counted them; empty when the command failed."""

    @property
    def output(self) -> str:
        """stdout then stderr: everything the CLI printed."""
        return f"{self.stdout}\n{self.stderr}"

    @property
    def changed(self) -> bool:
        """Whether any step would change (or changed) something."""
        return any(count for op, count in self.changes.items() if op != "same")


class StackCommandError(Exception):
    """A CLI command on the stack exited non-zero; `run` holds what it printed."""

    def __init__(self, run: StackRun) -> None:
        super().__init__(
            f"`{run.command}` exited {run.exit_code}:\n{run.stdout}\n{run.stderr}".rstrip()
        )
        self.run = run


class PulumiStack:
    """A throwaway stack of one program under the real Pulumi CLI (see the module docstring).

    `config` and `secrets` are stack config (namespaced keys such as ``jetemail:apiUrl``;
    `secrets` are set with ``--secret``). `env` adds environment variables for the CLI and
    the provider processes it starts. `plugins_from` is a ``plugins`` directory of a Pulumi
    home that `pulumi plugin install` filled (for example with the native plugin: ``pulumi
    plugin install resource jetemail 0.1.0 --file …``): this stack's home starts with a copy.
    """

    def __init__(
        self,
        program: Program,
        *,
        config: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
        stack: str = "test",
        project: str | None = None,
        cli: str | os.PathLike[str] | None = None,
        env: Mapping[str, str] | None = None,
        plugins_from: str | os.PathLike[str] | None = None,
    ) -> None:
        self.stack_name = stack
        self._plugins_from = Path(plugins_from) if plugins_from is not None else None
        self._program = program
        self._config = {k: auto.ConfigValue(v) for k, v in (config or {}).items()}
        self._config.update(
            {k: auto.ConfigValue(v, secret=True) for k, v in (secrets or {}).items()}
        )
        self._project = project
        self._cli = Path(cli) if cli is not None else find_cli()
        self._extra_env = dict(env or {})
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stack: auto.Stack | None = None

    # ------------------------------------------------------------------ lifecycle

    def __enter__(self) -> PulumiStack:
        if self._cli is None:
            raise FileNotFoundError(
                "no Pulumi CLI on PATH: install it (or run `make pulumi` in a checkout of "
                "pulumi-jetemail), or pass cli= the path of a `pulumi` executable"
            )
        self._tmp = tempfile.TemporaryDirectory(prefix="jetemail-stack-")
        root = Path(self._tmp.name)
        work = root / "project"
        work.mkdir()
        if self._runs_inline():
            settings = self._project_settings()
            (work / "Pulumi.yaml").write_text(yaml.safe_dump(settings, sort_keys=False))
        else:  # a project in another language runs as it is, by its own language host
            shutil.copytree(Path(self._program), work, dirs_exist_ok=True)  # type: ignore[arg-type]
        (root / "state").mkdir()
        if self._plugins_from is not None:
            shutil.copytree(self._plugins_from, root / "home" / "plugins", symlinks=True)
        env = {
            "PULUMI_BACKEND_URL": (root / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_HOME": str(root / "home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_PYTHON_CMD": sys.executable,
            **self._extra_env,
        }
        path = env.get("PATH", os.environ.get("PATH", ""))
        if find_dynamic_plugin(self._cli, path) is None:
            write_dynamic_plugin(root / "bin")
            env["PATH"] = os.pathsep.join([str(root / "bin"), path])
        command = auto.PulumiCommand(root=str(_cli_root(self._cli, root / "cli")))
        workspace = auto.LocalWorkspace(
            work_dir=str(work),
            pulumi_home=env["PULUMI_HOME"],
            env_vars=env,
            program=self._inline_program() if self._runs_inline() else None,
            pulumi_command=command,
        )
        self.env = {**os.environ, **env, "PULUMI_AUTOMATION_API": "true"}
        self.work_dir = work
        try:
            self._stack = auto.Stack.create(self.stack_name, workspace)
            if self._config:
                self._stack.set_all_config(self._config)
        except BaseException:
            self._tmp.cleanup()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
        self._tmp = self._stack = None

    # ---------------------------------------------------------------- the program

    @property
    def program(self) -> Program:
        """The program the next command runs; set it to run an edited one."""
        return self._program

    @program.setter
    def program(self, program: Program) -> None:
        if not self._runs_inline():
            raise ValueError("only a Python program can be swapped; edit the project instead")
        self._program = program
        self._auto.workspace.program = self._inline_program()

    def set_config(self, key: str, value: str, *, secret: bool = False) -> None:
        """``pulumi config set [--secret] key value``."""
        self._auto.set_config(key, auto.ConfigValue(value, secret=secret))

    # ------------------------------------------------------------------- commands

    def preview(
        self, *, diff: bool = True, expect_no_changes: bool = False, check: bool = True
    ) -> StackRun:
        """``pulumi preview --diff`` (and ``--expect-no-changes``)."""
        flags = _flags(diff=diff, expect_no_changes=expect_no_changes)
        return self._run(
            "preview",
            flags,
            check,
            self._auto.preview,
            diff=diff,
            expect_no_changes=expect_no_changes,
        )

    def up(
        self, *, diff: bool = True, expect_no_changes: bool = False, check: bool = True
    ) -> StackRun:
        """``pulumi up --yes`` (the Automation API skips the preview a user would see first)."""
        flags = ["--yes", *_flags(diff=diff, expect_no_changes=expect_no_changes)]
        return self._run(
            "up", flags, check, self._auto.up, diff=diff, expect_no_changes=expect_no_changes
        )

    def refresh(
        self,
        *,
        clear_pending_creates: bool = False,
        expect_no_changes: bool = False,
        check: bool = True,
    ) -> StackRun:
        """``pulumi refresh --yes`` (and ``--clear-pending-creates``)."""
        flags = ["--yes", *_flags(expect_no_changes=expect_no_changes)]
        if clear_pending_creates:
            flags.append("--clear-pending-creates")
        return self._run(
            "refresh",
            flags,
            check,
            self._auto.refresh,
            clear_pending_creates=clear_pending_creates or None,
            expect_no_changes=expect_no_changes,
        )

    def destroy(self, *, check: bool = True) -> StackRun:
        """``pulumi destroy --yes``."""
        return self._run("destroy", ["--yes"], check, self._auto.destroy)

    def cli(self, *args: str, check: bool = True) -> StackRun:
        """Any other ``pulumi`` command on this stack, e.g. ``cli("stack", "output")``; a
        command of no stack (``plugin``, ``version``) runs with this stack's environment."""
        command = self._auto.workspace.pulumi_command
        stdout: list[str] = []
        stderr: list[str] = []
        stackless = bool(args) and args[0] in ("plugin", "version", "about")
        argv = [*args] if stackless else [*args, "--stack", self.stack_name]
        code = 0
        try:
            command.run(argv, str(self.work_dir), self.env, stdout.append, stderr.append)
        except auto.CommandError as exc:
            code = _exit_code(exc)
        run = StackRun("pulumi " + " ".join(args), code, "\n".join(stdout), "\n".join(stderr))
        if check and code != 0:
            raise StackCommandError(run)
        return run

    def planned_outputs(self) -> dict[str, dict[str, Any]]:
        """What a preview plans each resource's outputs to be, by resource name (a value not
        known until the deploy is ``UNKNOWN``; secrets are shown as ``[secret]``)."""
        events: list[auto.EngineEvent] = []
        self._auto.preview(on_event=events.append)
        planned: dict[str, dict[str, Any]] = {}
        for event in events:
            outputs = event.res_outputs_event
            if outputs is not None and outputs.metadata.new is not None:
                name = outputs.metadata.urn.rsplit("::", 1)[-1]
                planned[name] = _plain_secrets(dict(outputs.metadata.new.outputs or {}))
        return planned

    def outputs(self) -> dict[str, auto.OutputValue]:
        """The stack outputs: each a value and whether it is secret."""
        return dict(self._auto.outputs())

    def state(self) -> dict[str, Any]:
        """The stack's state as ``pulumi stack export`` prints it (secrets encrypted)."""
        return dict(json.loads(self.cli("stack", "export").stdout))

    # ------------------------------------------------------------------- helpers

    @property
    def _auto(self) -> auto.Stack:
        if self._stack is None:
            raise RuntimeError("use PulumiStack in a with block")
        return self._stack

    def _run(
        self, verb: str, flags: list[str], check: bool, method: Any, **options: Any
    ) -> StackRun:
        """One Automation API command, with what the CLI printed and how it ended."""
        stdout: list[str] = []
        stderr: list[str] = []
        command = " ".join(["pulumi", verb, *flags])
        try:
            result = method(
                color="never", on_output=stdout.append, on_error=stderr.append, **options
            )
        except auto.CommandError as exc:
            run = StackRun(command, _exit_code(exc), "\n".join(stdout), "\n".join(stderr))
            if check:
                raise StackCommandError(run) from None
            return run
        summary = getattr(result, "summary", None)
        changes = (result.change_summary if summary is None else summary.resource_changes) or {}
        return StackRun(
            command,
            0,
            "\n".join(stdout),
            "\n".join(stderr),
            {str(k): v for k, v in changes.items()},
        )

    def _runs_inline(self) -> bool:
        """Whether the program is Python, run in this process (else a project of another
        runtime, such as YAML, run by its language host)."""
        if callable(self._program) or not Path(self._program).is_dir():
            return True
        runtime = _project_file(Path(self._program))["runtime"]
        return bool((runtime["name"] if isinstance(runtime, dict) else runtime) == "python")

    def _project_settings(self) -> dict[str, Any]:
        """The project file for the stack: the program's own Pulumi.yaml (name, description,
        config) when it has one, with the runtime reduced to plain ``python``: the program runs
        in this process, so the project's virtualenv and toolchain options do not apply."""
        settings: dict[str, Any] = {}
        if not callable(self._program) and Path(self._program).is_dir():
            loaded = _project_file(Path(self._program))
            settings = {k: loaded[k] for k in ("name", "description", "config") if k in loaded}
        name = self._project or settings.get("name") or "jetemail-test"
        return {**settings, "name": name, "runtime": "python"}

    def _inline_program(self) -> Callable[[], None]:
        program = self._program
        if callable(program):
            return program
        path = Path(program)
        if path.is_dir():
            loaded = _project_file(path)
            main = path / str(loaded.get("main") or ".")
            path = main / "__main__.py" if main.is_dir() else main
        if not path.is_file():
            raise FileNotFoundError(f"no Pulumi program at {path}")

        def run_program() -> None:
            sys.path.insert(0, str(path.parent))
            try:
                runpy.run_path(str(path), run_name="__main__")
            finally:
                with contextlib.suppress(ValueError):
                    sys.path.remove(str(path.parent))

        return run_program


def _project_file(directory: Path) -> dict[str, Any]:
    """The project's Pulumi.yaml, parsed."""
    return dict(yaml.safe_load((directory / "Pulumi.yaml").read_text()))


def _cli_root(cli: Path, spare: Path) -> Path:
    """The directory whose ``bin/pulumi`` is `cli`, as the Automation API wants it: the CLI's
    own when it lives in a ``bin`` folder, else `spare` with a link to it."""
    resolved = cli.resolve()
    if resolved.name == "pulumi" and resolved.parent.name == "bin":
        return resolved.parent.parent
    (spare / "bin").mkdir(parents=True)
    (spare / "bin" / "pulumi").symlink_to(resolved)
    return spare


UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
"""How the engine writes a value not known yet."""


def _plain_secrets(outputs: dict[str, Any]) -> dict[str, Any]:
    secret = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
    return {
        key: "[secret]" if isinstance(v, dict) and secret.items() <= v.items() else v
        for key, v in outputs.items()
    }


def _flags(*, diff: bool = False, expect_no_changes: bool = False) -> list[str]:
    return [
        flag for flag, on in (("--diff", diff), ("--expect-no-changes", expect_no_changes)) if on
    ]


def _exit_code(exc: auto.CommandError) -> int:
    match = re.search(r"^\s*code: (-?\d+)$", str(exc), re.MULTILINE)
    return int(match.group(1)) if match else -1
