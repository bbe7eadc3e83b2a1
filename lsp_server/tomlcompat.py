"""tomllib: the standard library's on Python 3.11+, its backport tomli (declared in pyproject.toml) on 3.10."""

import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["tomllib"]
