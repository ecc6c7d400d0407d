"""The package's version, said once: the build reads it from here (pyproject.toml's
`[tool.setuptools.dynamic]`), and so does the package at run time, without
`importlib.metadata` (about 45 ms of imports on a provider's first call)."""

__version__ = "0.1.0"
