"""Finding the Pulumi CLI, and the plugin it starts for Python dynamic providers.

The engine runs a Python dynamic provider through an executable named
``pulumi-resource-pulumi-python``, looked up beside the CLI, then on ``PATH``. The CLI's
release archives ship one; a CLI built from source does not, so `write_dynamic_plugin` writes
the few lines it takes.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

__all__ = [
    "DYNAMIC_PLUGIN",
    "cli_version",
    "find_cli",
    "find_dynamic_plugin",
    "write_dynamic_plugin",
]

DYNAMIC_PLUGIN = "pulumi-resource-pulumi-python"
"""The executable the engine starts for a Python dynamic provider (package ``pulumi-python``)."""

_PLUGIN_SCRIPT = """\
#!/bin/sh
# Started by the Pulumi engine for Python dynamic providers: the provider process runs in the
# program's interpreter, PULUMI_PYTHON_CMD (set by pulumi_jetemail.testing), else the
# virtualenv the engine names, else python3.
if [ -n "${PULUMI_PYTHON_CMD:-}" ]; then
    exec "$PULUMI_PYTHON_CMD" -u -m pulumi.dynamic "$@"
fi
if [ -n "${PULUMI_RUNTIME_VIRTUALENV:-}" ]; then
    exec "${PULUMI_RUNTIME_VIRTUALENV%/}/bin/python" -u -m pulumi.dynamic "$@"
fi
exec python3 -u -m pulumi.dynamic "$@"
"""


def find_cli(path: str | None = None) -> Path | None:
    """The ``pulumi`` executable on ``path`` (default: ``PATH``), or None."""
    found = shutil.which("pulumi", path=path)
    return Path(found) if found else None


def cli_version(cli: Path) -> tuple[int, ...] | None:
    """The CLI's version as numbers (``v3.274.1`` → ``(3, 274, 1)``), None if it has none."""
    done = subprocess.run(  # noqa: S603 (a CLI the caller chose, fixed arguments)
        [str(cli), "version"], capture_output=True, text=True, timeout=60, check=False
    )
    text = done.stdout.strip().removeprefix("v").split("-", 1)[0]
    parts = text.split(".")
    if done.returncode != 0 or not all(p.isdigit() for p in parts) or len(parts) < 2:
        return None
    return tuple(int(p) for p in parts)


def find_dynamic_plugin(cli: Path, path: str | None = None) -> Path | None:
    """The dynamic-provider plugin the engine of `cli` would start: beside it, else on PATH."""
    beside = cli.resolve().parent / DYNAMIC_PLUGIN
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which(DYNAMIC_PLUGIN, path=path)
    return Path(found) if found else None


def write_dynamic_plugin(directory: Path) -> Path:
    """Write the dynamic-provider plugin into `directory`; its path."""
    directory.mkdir(parents=True, exist_ok=True)
    plugin = directory / DYNAMIC_PLUGIN
    if not plugin.is_file() or plugin.read_text() != _PLUGIN_SCRIPT:
        plugin.write_text(_PLUGIN_SCRIPT)
    plugin.chmod(plugin.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return plugin
