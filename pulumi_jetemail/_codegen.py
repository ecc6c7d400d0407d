"""Generate, from `RESOURCES` (`resources/__init__.py`), what must be spelled out for tools to
read: the typed Python surface (`_surface.py`: the `…Args` classes, the keyword signatures, the
output annotations and their docstrings, which mypy and IDEs need written out), each door's
class statements (`_native_classes.py`, `_dynamic_classes.py`: mypy needs them static) and the
Pulumi package schema (`schema.json`, for the native plugin and the SDK generators of other
languages).

    python -m pulumi_jetemail._codegen          # write them all (make generate)
    python -m pulumi_jetemail._codegen --check  # exit 1 if one is out of date
"""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from typing import Any

from . import functions as _functions, resources as _resources
from ._declare import Declaration, Prop, Type
from ._registry import PACKAGE, FunctionType, ResourceType
from ._settings import PROVIDER_CONFIG
from ._version import __version__

HERE = Path(__file__).resolve().parent
REPOSITORY = "https://github.com/pulumi-jetemail/pulumi-jetemail"
"""Where the source lives (the Registry links to it; pyproject.toml's Homepage)."""
NPM_PACKAGE = "@pulumi-jetemail/jetemail"
"""The TypeScript SDK's npm name (sdk/nodejs)."""
GO_IMPORT = REPOSITORY.removeprefix("https://") + "/sdk/go/jetemail"
"""The Go SDK's import path (sdk/go/jetemail, its own module)."""
SURFACE = HERE / "_surface.py"
NATIVE_CLASSES = HERE / "_native_classes.py"
DYNAMIC_CLASSES = HERE / "_dynamic_classes.py"
NATIVE_FUNCTIONS = HERE / "_native_functions.py"
SCHEMA = HERE / "schema.json"
PLUGIN_JSON = HERE / "pulumi-plugin.json"
"""In the wheel: tells Pulumi's Python host which plugin (and version) this package needs."""
INSTALLATION = HERE.parent / "docs" / "installation-configuration.md"
"""The Registry's installation page (in a checkout or an sdist: the wheel has no docs)."""


def _declarations(found: tuple[ResourceType, ...] | None) -> tuple[Declaration, ...]:
    """The declarations of `found`, else of `RESOURCES` as it is now."""
    return tuple(r.declaration for r in (found if found is not None else _resources.RESOURCES))


# --------------------------------------------------------------------- Python surface


def _py(t: Type, *, inputs: bool) -> str:
    """The Python annotation of a type (inputs accept Outputs inside containers)."""
    if t.kind == "string":
        return f"Literal[{', '.join(json.dumps(v) for v in t.enum)}]" if t.enum else "str"
    if t.kind in ("integer", "boolean", "number"):
        return {"integer": "int", "boolean": "bool", "number": "float"}[t.kind]
    assert t.items is not None or t.kind in ("object", "one_of")
    if t.kind == "array":
        inner = _py(t.items, inputs=inputs)  # type: ignore[arg-type]
        return f"Sequence[pulumi.Input[{inner}]]" if inputs else f"list[{inner}]"
    if t.kind == "map":
        inner = _py(t.items, inputs=inputs)  # type: ignore[arg-type]
        return f"Mapping[str, pulumi.Input[{inner}]]" if inputs else f"dict[str, {inner}]"
    if t.kind == "object":
        return f"{t.name}Args" if inputs else t.name
    return " | ".join(_py(c, inputs=inputs) for c in t.choices)


def _a(name: str) -> str:
    return f"{'an' if name[0] in 'AEIOU' else 'a'} {name}"


def _doc(text: str, indent: str) -> str:
    lines = textwrap.wrap(text, 96 - len(indent) - 6)
    if len(lines) == 1:
        return f'{indent}"""{lines[0]}"""\n'
    body = "\n".join(f"{indent}{line}" for line in lines[1:])
    return f'{indent}"""{lines[0]}\n{body}"""\n'


def _input_annotation(p: Prop) -> str:
    ann = f"pulumi.Input[{_py(p.type, inputs=True)}]"
    return ann if p.required else f"{ann} | None = None"


def _object_types(decls: tuple[Declaration, ...]) -> list[Type]:
    """The object types of `decls` and of the functions, each once, in order."""
    seen: dict[str, Type] = {}
    for decl in (*decls, *(d for f in _functions.FUNCTIONS for d in (f.args, f.result))):
        for p in decl.props:
            for t in p.type.objects():
                seen.setdefault(t.name, t)
    return list(seen.values())


def _typed_dicts(decls: tuple[Declaration, ...]) -> str:
    out = ""
    for t in _object_types(decls):
        for inputs in (True, False):
            name = f"{t.name}Args" if inputs else t.name
            out += f"\n\nclass {name}(TypedDict, total=False):\n"
            out += _doc(t.description + (" (input)" if inputs else ""), "    ")
            for f in t.fields:
                ann = _py(f.type, inputs=inputs)
                ann = f"pulumi.Input[{ann}]" if inputs else ann
                out += f"    {f.name}: {'Required[' + ann + ']' if f.required else ann}\n"
                out += _doc(f.description, "    ")
    return out


def _args_class(decl: Declaration) -> str:
    out = f"\n\n@dataclass(kw_only=True)\nclass {decl.name}Args:\n"
    out += _doc(f"The inputs of {_a(decl.name)}.", "    ")
    for p in decl.inputs:
        out += f"    {p.name}: {_input_annotation(p)}\n"
        out += _doc(p.doc, "    ")
    return out


def _surface_class(decl: Declaration) -> str:
    out = f"\n\nclass {decl.name}Surface:\n"
    out += _doc(f"{decl.description} (The typed surface: annotations and signatures.)", "    ")
    for p in decl.props:
        optional = p.mode is not None or not (p.output or p.required or p.default is not None)
        ann = _py(p.type, inputs=False)
        out += f"    {p.name}: pulumi.Output[{ann}{' | None' if optional else ''}]\n"
        out += _doc(p.doc, "    ")
    opts = "opts: pulumi.ResourceOptions | None = None"
    out += "\n    @overload\n"
    out += f"    def __init__(\n        self, resource_name: str, args: {decl.name}Args, {opts}\n"
    out += "    ) -> None: ...\n"
    out += "\n    @overload\n    def __init__(\n        self,\n        resource_name: str,\n"
    out += f"        args: None = None,\n        {opts},\n        *,\n"
    for p in sorted(decl.inputs, key=lambda p: not p.required):
        out += f"        {p.name}: {_input_annotation(p)},\n"
    out += "    ) -> None: ...\n\n"
    out += "    def __init__(\n        self,\n        resource_name: str,\n"
    out += f"        args: {decl.name}Args | None = None,\n        {opts},\n"
    out += "        **keywords: Any,\n    ) -> None:\n"
    out += _doc(
        f"Declare {_a(decl.name)}, with `{decl.name}Args` or keyword inputs (a keyword "
        "given wins over the same field of `args`).",
        "        ",
    )
    out += "        self._register(resource_name, args, opts, keywords)\n\n"
    out += _get_method(decl)
    out += "    def _register(\n        self,\n        resource_name: str,\n"
    out += f"        args: {decl.name}Args | None,\n"
    out += "        opts: pulumi.ResourceOptions | None,\n        keywords: dict[str, Any],\n"
    out += "    ) -> None:\n        raise NotImplementedError\n"
    return out


def _get_method(decl: Declaration) -> str:
    """`get`: an existing object, read-only, by its id (and the ids of the path it is under)."""
    path = [p for p in decl.inputs if p.required and p.api_name is None]
    params = "".join(f"        {p.name}: pulumi.Input[str],\n" for p in path)
    keywords = ", ".join(f'"{p.name}": {p.name}' for p in path)
    under = "".join(f" and its {p.name}" for p in path)
    out = "    @classmethod\n    def get(\n        cls,\n        resource_name: str,\n"
    out += f"        id: pulumi.Input[str],\n{params}"
    out += "        opts: pulumi.ResourceOptions | None = None,\n    ) -> Self:\n"
    out += _doc(
        f"Look up an existing {decl.name}, read-only (it is not managed), by its id{under}.",
        "        ",
    )
    # Through __init__, as the SDK's generated `get` does: the SDK takes the frame above the
    # resource class's `__init__` as the resource's source position.
    out += "        opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))\n"
    out += f"        lookup: dict[str, Any] = {{{keywords}}}\n"
    out += "        return cls(resource_name, None, opts, **lookup)\n\n"
    return out


def _provider_surface() -> str:
    out = "\n\nclass ProviderSurface:\n"
    out += _doc(PROVIDER_CONFIG.description, "    ")
    out += "\n    def __init__(\n        self,\n        resource_name: str,\n"
    out += "        opts: pulumi.ResourceOptions | None = None,\n        *,\n"
    for p in PROVIDER_CONFIG.inputs:
        out += f"        {p.name}: pulumi.Input[{_py(p.type, inputs=True)}] | None = None,\n"
    out += "    ) -> None:\n"
    out += _doc(
        "An explicit JetEmail provider: pass it as `opts=pulumi.ResourceOptions("
        "provider=...)`. "
        + " ".join(f"`{p.name}`: {p.description}" for p in PROVIDER_CONFIG.inputs),
        "        ",
    )
    names = ", ".join(f'"{p.name}": {p.name}' for p in PROVIDER_CONFIG.inputs)
    out += f"        self._register(resource_name, opts, {{{names}}})\n\n"
    out += "    def _register(\n        self,\n        resource_name: str,\n"
    out += "        opts: pulumi.ResourceOptions | None,\n        keywords: dict[str, Any],\n"
    out += "    ) -> None:\n        raise NotImplementedError\n"
    return out


def surface(found: tuple[ResourceType, ...] | None = None) -> str:
    """The text of `_surface.py`."""
    decls = _declarations(found)
    head = (
        '"""The typed surface of the resources, generated from `resources/` by\n'
        "`make generate` (python -m pulumi_jetemail._codegen): do not edit by hand.\n\n"
        "Both doors subclass these: `pulumi_jetemail.InboundDomain` (dynamic) and\n"
        '`pulumi_jetemail.native.InboundDomain` implement `_register`."""\n\n'
        "from __future__ import annotations\n\n"
        "from collections.abc import Mapping, Sequence\n"
        "from dataclasses import dataclass\n"
        "from typing import Any, Literal, overload\n\n"
        "import pulumi\n"
        "from typing_extensions import Required, Self, TypedDict\n"
    )
    names = [t.name for t in _object_types(decls)]
    all_names = sorted(
        [*(f"{n}Args" for n in names), *names, "ProviderSurface"]
        + [f"{d.name}{s}" for d in decls for s in ("Args", "Surface")]
    )
    head += "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in all_names) + "]\n"
    body = _typed_dicts(decls)
    for decl in decls:
        body += _args_class(decl) + _surface_class(decl)
    return head + body + _provider_surface()


# ----------------------------------------------------------------------------- schema


def _spec(t: Type) -> dict[str, Any]:
    if t.kind == "object":
        return {"$ref": f"#/types/{PACKAGE}:index:{t.name}"}
    if t.kind == "one_of":
        return {"oneOf": [_spec(c) for c in t.choices]}
    spec: dict[str, Any] = {"type": t.kind}
    if t.kind in ("array", "map"):
        key = "items" if t.kind == "array" else "additionalProperties"
        spec = {"type": "array" if t.kind == "array" else "object", key: _spec(t.items)}  # type: ignore[arg-type]
    return spec


def _property(p: Prop) -> dict[str, Any]:
    spec = {**_spec(p.type), "description": p.doc}
    if p.secret:
        spec["secret"] = True
    if p.replaces:
        spec["willReplaceOnChanges"] = True
    return spec


def schema(
    version: str = __version__, found: tuple[ResourceType, ...] | None = None
) -> dict[str, Any]:
    """The Pulumi package schema of the native plugin, at the package's version."""
    decls = _declarations(found)
    resources: dict[str, Any] = {}
    for decl in decls:
        outputs_required = [
            p.camel
            for p in decl.props
            if p.required or p.computed is not None or (p.default is not None and p.mode is None)
        ]
        resources[f"{PACKAGE}:index:{decl.name}"] = {
            "description": decl.description,
            "inputProperties": {p.camel: _property(p) for p in decl.inputs},
            "requiredInputs": [p.camel for p in decl.inputs if p.required],
            "properties": {p.camel: _property(p) for p in decl.props},
            "required": sorted(outputs_required),
        }
    types = {
        f"{PACKAGE}:index:{t.name}": {
            "type": "object",
            "description": t.description,
            "properties": {f.camel: _property(f) for f in t.fields},
            "required": [f.camel for f in t.fields if f.required],
        }
        for t in _object_types(decls)
    }
    config = {p.camel: _property(p) for p in PROVIDER_CONFIG.inputs}
    return {
        "name": PACKAGE,
        "displayName": "JetEmail",
        "version": version,
        "description": "JetEmail inbound mail: domains, delivery modes, forward rules, DNS "
        "verification and lookups.",
        "keywords": ["pulumi", "jetemail", "email", "category/utility", "kind/native"],
        "publisher": "pulumi-jetemail",
        "homepage": REPOSITORY,
        "repository": REPOSITORY,
        "license": "Apache-2.0",
        "config": {"variables": config},
        "provider": {"description": PROVIDER_CONFIG.description, "inputProperties": config},
        "resources": resources,
        "functions": {f.token: _function_spec(f) for f in _functions.FUNCTIONS},
        "types": types,
        "meta": {"supportPack": True},  # the SDKs then carry the version and a go.mod
        "language": {
            "python": {"packageName": "pulumi_jetemail_sdk"},
            "nodejs": {"packageName": NPM_PACKAGE, "respectSchemaVersion": True},
            "go": {"importBasePath": GO_IMPORT, "respectSchemaVersion": True},
        },
    }


def _function_spec(function: FunctionType) -> dict[str, Any]:
    def described(p: Prop) -> dict[str, Any]:
        return {
            **_spec(p.type),
            "description": p.doc,
            **({"secret": True} if p.secret else {}),
        }

    return {
        "description": function.description,
        "inputs": {
            "properties": {p.camel: described(p) for p in function.args.props},
            "required": [p.camel for p in function.args.props if p.required],
        },
        "outputs": {
            "properties": {p.camel: described(p) for p in function.result.props},
            "required": [p.camel for p in function.result.props],
        },
    }


def schema_text() -> str:
    return json.dumps(schema(), indent=2, sort_keys=False) + "\n"


# ------------------------------------------------------------------------ door classes

_GENERATED = "generated from `resources/` by `make generate`: do not edit by hand"


def _door_module(doc: str, door: str, surfaces: list[str], names: list[str], body: str) -> str:
    """A generated module: its docstring, imports (the door's bases, the surface's classes)
    and `__all__`, formatted as `ruff format` would."""
    head = _doc(f"{doc} ({_GENERATED}).", "").replace('"""\n', '\n"""\n', 1)
    head = head if "\n" in head.strip() else _doc(f"{doc} ({_GENERATED}).", "")
    listed = "".join(f"    {n},\n" for n in sorted(surfaces))
    out = f"{head}\nfrom __future__ import annotations\n\nimport pulumi\n\n{door}\n"
    out += f"from ._surface import (\n{listed})\n"
    out += "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(names)) + "]\n"
    return out + body


def native_classes(found: tuple[ResourceType, ...] | None = None) -> str:
    """The text of `_native_classes.py`: one class statement per resource."""
    names = [d.name for d in _declarations(found)]
    surfaces = [f"{n}{s}" for n in names for s in ("Args", "Surface")]
    body = "".join(
        f"\n\nclass {n}(\n    NativeDoor,\n    {n}Surface,\n    pulumi.CustomResource,\n"
        f'    resource="{n}",\n):\n    __doc__ = {n}Surface.__doc__\n'
        for n in names
    )
    doc = "The native plugin's resource classes, exported by `pulumi_jetemail.native`"
    door = "from ._native_door import NativeDoor"
    return _door_module(doc, door, surfaces, [*names, *(f"{n}Args" for n in names)], body)


def dynamic_classes(found: tuple[ResourceType, ...] | None = None) -> str:
    """The text of `_dynamic_classes.py`: a provider class (pickled by reference into each
    resource's `__provider`) and a resource class per resource."""
    names = [d.name for d in _declarations(found)]
    surfaces = [f"{n}{s}" for n in names for s in ("Args", "Surface")]
    body = ""
    for n in names:
        body += f'\n\nclass {n}Provider(JetEmailProvider, resource="{n}"):\n'
        body += f'    """The dynamic provider behind {n}."""\n'
        body += f"\n\nclass {n}(\n    DynamicDoor,\n    {n}Surface,\n"
        body += f'    pulumi.dynamic.Resource,\n    module="{PACKAGE}",\n    name="{n}",\n):\n'
        body += f"    __doc__ = {n}Surface.__doc__\n    PROVIDER = {n}Provider()\n"
    every = [f"{n}{s}" for n in names for s in ("", "Args", "Provider")]
    doc = "The dynamic resource classes, exported by `pulumi_jetemail`"
    door = "from ._dynamic import DynamicDoor, JetEmailProvider"
    return _door_module(doc, door, surfaces, every, body)


def _result_class(function: FunctionType) -> str:
    name = f"{function.name[:1].upper()}{function.name[1:]}Result"
    out = f"\n\n@dataclass(frozen=True)\nclass {name}:\n"
    out += _doc(f"What `{function.python_name}` answers: {function.result.description}", "    ")
    out += "\n"
    for p in function.result.props:
        out += f"    {p.name}: {_py(p.type, inputs=False)}\n"
        out += _doc(p.doc, "    ")
    return out


def _function(function: FunctionType) -> str:
    result = f"{function.name[:1].upper()}{function.name[1:]}Result"
    plain = "".join(
        f"    {p.name}: {_py(p.type, inputs=False)}{'' if p.required else ' | None = None'},\n"
        for p in function.args.props
    )
    inputs = "".join(
        f"    {p.name}: pulumi.Input[{_py(p.type, inputs=True)}]"
        f"{'' if p.required else ' | None = None'},\n"
        for p in function.args.props
    )
    args = ", ".join(f'"{p.name}": {p.name}' for p in function.args.props)
    described = " ".join(f"`{p.name}`: {p.doc}" for p in function.args.props)
    out = f"\n\ndef {function.python_name}(\n    *,\n{plain}"
    out += f"    opts: pulumi.InvokeOptions | None = None,\n) -> {result}:\n"
    out += _doc(f"{function.description} {described}", "    ")
    out += f"    args = {{{args}}}\n"
    out += f'    return invoke({result}, "{function.name}", args, opts)\n'
    out += f"\n\ndef {function.python_name}_output(\n    *,\n{inputs}"
    out += f"    opts: pulumi.InvokeOutputOptions | None = None,\n) -> pulumi.Output[{result}]:\n"
    out += _doc(f"`{function.python_name}` with inputs that may be Outputs.", "    ")
    out += f"    args = {{{args}}}\n"
    out += f'    return invoke_output({result}, "{function.name}", args, opts)\n'
    return out


def native_functions() -> str:
    """The text of `_native_functions.py`: each function's typed wrappers and result class."""
    names: list[str] = []
    body = ""
    for function in _functions.FUNCTIONS:
        result = f"{function.name[:1].upper()}{function.name[1:]}Result"
        names += [function.python_name, f"{function.python_name}_output", result]
        body += _result_class(function) + _function(function)
    types = sorted(t.name for t in _object_types(()))
    head = _doc(
        f"The native plugin's functions as typed Python calls, exported by "
        f"`pulumi_jetemail.native` ({_GENERATED}).",
        "",
    )
    out = f"{head}\nfrom __future__ import annotations\n\nfrom dataclasses import dataclass\n"
    out += "from typing import Literal\n\n"
    out += "import pulumi\n\nfrom ._native_door import invoke, invoke_output\n"
    if types:
        out += "from ._surface import (\n" + "".join(f"    {n},\n" for n in types) + ")\n"
    out += "\n__all__ = [\n" + "".join(f'    "{n}",\n' for n in sorted(names)) + "]\n"
    return out + body


def installation_configuration() -> str:
    """The text of `docs/installation-configuration.md` (the Registry's page), its settings
    table from `SETTINGS`."""
    from ._settings import SETTINGS

    rows = "".join(
        f"| `{s.config_key}` | `{s.env}` | {'(none)' if s.default is None else s.default} | "
        f"{s.description}{' Secret.' if s.secret and 'secret' not in s.description else ''} |\n"
        for s in SETTINGS
    )
    install = (
        f"pulumi plugin install resource jetemail {__version__} "
        '--file "$(command -v pulumi-resource-jetemail)"'
    )
    return f"""---
title: JetEmail Installation & Configuration
meta_desc: How to install the JetEmail provider for Pulumi and configure its credentials.
layout: package
---

<!-- Generated from pulumi_jetemail/_settings.py by `make generate`: do not edit by hand. -->

## Installation

The provider is a Python package with the native plugin inside:

```bash
pip install pulumi-jetemail
{install}
```

The second line puts the plugin `pip` installed into Pulumi's plugin cache, so that every
program (Python, YAML, TypeScript, Go) finds it without `PATH`. Python programs can also use
the dynamic resources (`pulumi_jetemail.InboundDomain`), which need `pip install` only.

The TypeScript SDK is npm package `{NPM_PACKAGE}` (`sdk/nodejs` in the repository;
build it with `make sdks`, then `npm install --install-links <checkout>/sdk/nodejs/bin`), the
Go SDK module `{GO_IMPORT.removesuffix("/jetemail")}` (`sdk/go`; import `{GO_IMPORT}`).

## Configuration

Each setting is read from the stack config, else from its environment variable, else its
default; an explicit `jetemail.Provider` takes the same settings as inputs
(`apiKey`, `apiUrl`, `requestsPerMinute`, `requestTimeout`).

| stack config | environment | default | |
|---|---|---|---|
{rows}
```bash
pulumi config set --secret jetemail:apiKey api_...
```

The key is an account-management key (it starts with `api_`); transactional keys are refused.
A plain `http://` API URL is accepted only for a loopback host, such as the local emulator.
"""


# ------------------------------------------------------------------------------- main


def plugin_json() -> str:
    """`pulumi-plugin.json`: the resource plugin Pulumi's language hosts read off an installed
    package (no ``server``: the plugin ships in this package, not from a download URL)."""
    return json.dumps({"resource": True, "name": PACKAGE, "version": __version__}, indent=2) + "\n"


def main(argv: list[str]) -> int:
    wanted = {
        SURFACE: surface(),
        NATIVE_CLASSES: native_classes(),
        DYNAMIC_CLASSES: dynamic_classes(),
        NATIVE_FUNCTIONS: native_functions(),
        SCHEMA: schema_text(),
        PLUGIN_JSON: plugin_json(),
        INSTALLATION: installation_configuration(),
    }
    if "--check" in argv:
        stale = [p.name for p, text in wanted.items() if not p.exists() or p.read_text() != text]
        if stale:
            print(f"out of date: {', '.join(stale)}; run `make generate`", file=sys.stderr)
            return 1
        return 0
    for path, text in wanted.items():
        path.write_text(text)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
