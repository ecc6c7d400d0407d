"""The TypeScript and Go SDKs: generated current from the schema, built, and their example
programs (examples/typescript, examples/go) run through each language's Automation API as
inline programs under the real CLI against the emulator, with the plugin installed the
README's way: up, a quiet preview, an edit shown exactly, refresh, destroy. Without Node.js
or Go the language's tests skip, saying what is missing; under CI=true they fail."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from helpers import API_KEY, missing, once_per_run

from pulumi_jetemail.emulator import Emulator

sys.path.insert(0, str(ROOT / "tools"))
import build_sdks
import gen_sdks

AMBIENT = "from $PATH"

LANGUAGES: dict[str, tuple[str, Callable[[], Path]]] = {
    # name: (the tool it needs, the build that returns its runner)
    "typescript": ("node", build_sdks.build_nodejs),
    "go": ("go", build_sdks.build_go),
}


def _needs(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        missing(f"{tool} is not on PATH: the {tool} SDK tests need it")
    return found


def _built(language: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build a language's SDK and example once per test run; the example's runner."""

    def build(out: Path) -> None:
        (out / "runner").write_text(str(LANGUAGES[language][1]()))

    return Path((once_per_run(tmp_path_factory, f"sdk-{language}", build) / "runner").read_text())


def test_the_generator_and_the_go_example_use_the_pulumi_the_cli_is_built_from() -> None:
    """One Pulumi version for the CLI, the code generator and the Go example (the Go build
    cache the CLI's build fills then serves the other two)."""
    import get_pulumi

    cli = get_pulumi.pinned("pulumi-cli", "github.com/pulumi/pulumi/pkg/v3")
    assert get_pulumi.pinned("sdkgen", "github.com/pulumi/pulumi/pkg/v3") == cli
    go_mod = (ROOT / "examples" / "go" / "go.mod").read_text()
    assert f"github.com/pulumi/pulumi/sdk/v3 v{cli}\n" in go_mod


def test_the_committed_sdks_are_what_the_generator_writes() -> None:
    _needs("go")
    assert gen_sdks.main(["--check"]) == 0, "run `make generate`"


@pytest.fixture(scope="module", params=sorted(LANGUAGES))
def runner(request: pytest.FixtureRequest) -> tuple[str, list[str]]:
    """The language and the command that runs its example's Automation API runner."""
    language = request.param
    tool, _ = LANGUAGES[language]
    tool_path = _needs(tool)
    if language == "typescript":
        _needs("npm")  # the build's
    built = _built(language, request.getfixturevalue("tmp_path_factory"))
    command = [tool_path, str(built)] if language == "typescript" else [str(built)]
    return language, command


class Example:
    """One language's example stack: each call is one command of its runner."""

    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.command = command
        self.env = env

    def __call__(self, verb: str, *settings: str) -> dict[str, Any]:
        done = subprocess.run(
            [*self.command, verb, *settings],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        result["output"] = done.stderr  # the CLI's progress, as a user watches it
        return result


@pytest.fixture
def example(
    runner: tuple[str, list[str]],
    pulumi_cli: Path,
    installed_plugins: Path,
    emu: Emulator,
    tmp_path: Path,
) -> Example:
    _, command = runner
    home = tmp_path / "home"
    shutil.copytree(installed_plugins, home / "plugins", symlinks=True)
    (tmp_path / "state").mkdir()
    (tmp_path / "work").mkdir()
    tools = {str(Path(t).parent) for t in (shutil.which("node"), shutil.which("go")) if t}
    env = {
        "PATH": os.pathsep.join([str(pulumi_cli.parent), *sorted(tools), "/usr/bin", "/bin"]),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "PULUMI_HOME": str(home),
        "PULUMI_BACKEND_URL": (tmp_path / "state").as_uri(),
        "PULUMI_CONFIG_PASSPHRASE": "example",
        "PULUMI_SKIP_UPDATE_CHECK": "true",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
        "PULUMI_WORK_DIR": str(tmp_path / "work"),
        "JETEMAIL_API_URL": emu.url,
        "JETEMAIL_API_KEY": API_KEY,
    }
    return Example(command, env)


@pytest.mark.slow
def test_the_example_goes_up_previews_quietly_shows_an_edit_and_destroys(
    example: Example, emu: Emulator
) -> None:
    up = example("up", "domain=sdk.example.com")
    assert up["changes"] == {"create": 3}
    assert AMBIENT not in up["output"]  # the installed plugin, not one from PATH
    [domain] = emu.domains()
    assert domain["domain"] == "sdk.example.com"
    assert up["outputs"]["domainUuid"] == domain["uuid"]
    assert [r["type"] for r in up["outputs"]["dnsRecords"]] == ["MX", "CNAME", "TXT", "TXT"]
    [rule] = emu.rules(domain["uuid"])
    assert rule["destination"] == "sales-team@example.net"

    quiet = example("preview")
    assert quiet["changes"] == {"same": 3}

    edited = example("preview", "salesDestination=ops@example.net")
    assert edited["changes"] == {"same": 2, "update": 1}
    changed = [
        line.strip()
        for line in edited["stdout"].splitlines()
        if line.strip()[:2] in ("~ ", "+ ", "- ", "+-")
    ]
    assert changed == [
        "~ jetemail:index:ForwardRule: (update)",
        '~ destination: "sales-team@example.net" => "ops@example.net"',
        "~ 1 to update",
    ]
    assert example("up")["changes"] == {"same": 2, "update": 1}
    [rule] = emu.rules(domain["uuid"])
    assert rule["destination"] == "ops@example.net"

    assert example("refresh")["changes"] == {"same": 3}
    assert example("destroy")["changes"] == {"delete": 3}
    assert emu.domains() == []


def test_the_registry_pages_typescript_example_compiles_against_the_sdk(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _needs("node")
    _needs("npm")
    _built("typescript", tmp_path_factory)
    page = (ROOT / "docs" / "_index.md").read_text()
    (block,) = re.findall(r"^```typescript\n(.*?)^```$", page, re.M | re.S)
    example = build_sdks.TS_EXAMPLE
    # Inside the example's node_modules (which tsc resolves from, and the sdist leaves out).
    snippet = example / "node_modules" / ".snippets" / f"registry-{os.getpid()}.ts"
    snippet.parent.mkdir(exist_ok=True)
    snippet.write_text(block)
    try:
        done = subprocess.run(
            [
                str(example / "node_modules" / ".bin" / "tsc"),
                "--noEmit",
                "--strict",
                "--module",
                "commonjs",
                "--skipLibCheck",
                str(snippet),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        snippet.unlink()
    assert done.returncode == 0, done.stdout + done.stderr


def _readme_commands(language: str) -> list[str]:
    """The README's install commands for one SDK (its `bash` block in "TypeScript and Go"),
    continuation lines joined, with the checkout's path for the placeholder."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## TypeScript and Go\n", 1)[1].split("\n## ", 1)[0]
    part = section.split(f"**{language}**", 1)[1]
    (block,) = re.findall(r"^```bash\n(.*?)^```$", part, re.M | re.S)[:1]
    joined = block.replace("\\\n", " ").replace("/path/to/pulumi-jetemail", str(ROOT))
    return [line.split("  #")[0].strip() for line in joined.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_readmes_install_commands_work_as_written(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """In a new project of each language, as a user would: the SDK from the checkout, then
    the example program built (Go) or the SDK loaded with the project's own @pulumi/pulumi."""
    _needs("go")
    _needs("npm")
    typescript = _readme_commands("TypeScript")
    assert typescript[0] == "make sdks"  # what _built runs (tools/build_sdks.py)
    _built("typescript", tmp_path_factory)
    project = tmp_path / "ts"
    project.mkdir()
    (project / "package.json").write_text('{"name": "readme-ts", "private": true}\n')
    for command in typescript[1:]:
        subprocess.run(command, shell=True, cwd=project, check=True, capture_output=True)  # noqa: S602
    loaded = subprocess.run(
        [
            "node",
            "-e",
            "require('@pulumi-jetemail/jetemail'); "
            "console.log(require.resolve('@pulumi/pulumi', {paths: [require.resolve("
            "'@pulumi-jetemail/jetemail')]}))",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.startswith(str(project / "node_modules")), loaded.stdout  # one copy

    module = tmp_path / "go"
    module.mkdir()
    for name in ("program.go", "main.go"):
        shutil.copy(ROOT / "examples" / "go" / name, module / name)
    subprocess.run(
        ["go", "mod", "init", "example.com/readme"], cwd=module, check=True, capture_output=True
    )
    for command in _readme_commands("Go"):
        done = subprocess.run(  # noqa: S602 (the README's own command line)
            command, shell=True, cwd=module, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{command}: {done.stderr}"
    built = subprocess.run(
        ["go", "build", "-o", os.devnull, "."],
        cwd=module,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
