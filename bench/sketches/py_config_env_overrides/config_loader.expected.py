"""Load application configuration from defaults, a TOML file and the CLI."""

import argparse
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Dict, List, Optional


DEFAULT_PATHS = [
    Path("./app.toml"),
    Path("~/.config/app/app.toml").expanduser(),
    Path("/etc/app/app.toml"),
]


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 4
    debug: bool = False
    log_level: str = "info"
    database_url: str = "sqlite:///app.db"
    allowed_origins: List[str] = field(default_factory=list)


class ConfigError(Exception):
    pass


def _coerce(name: str, value: Any, target: type) -> Any:
    if target is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name}: expected a boolean, got {value!r}")
    if target is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name}: expected an integer, got {value!r}") from None
    if target is str:
        return str(value)
    return value


def find_config_file(explicit: Optional[str] = None) -> Optional[Path]:
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    for candidate in DEFAULT_PATHS:
        if candidate.is_file():
            return candidate
    return None


def load_file(path: Path) -> Dict[str, Any]:
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    section = data.get("app", data)
    known = {f.name for f in fields(Config)}
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown keys: {', '.join(unknown)}")
    return dict(section)


ENV_PREFIX = "APP_"


def load_env_overrides(environ: Dict[str, str]) -> Dict[str, Any]:
    """Collect APP_* environment variables that name a Config field."""
    known = {f.name for f in fields(Config)}
    values = {}
    for key, value in environ.items():
        if not key.startswith(ENV_PREFIX):
            continue
        name = key[len(ENV_PREFIX):].lower()
        if name in known:
            values[name] = value
    return values


def apply(config: Config, values: Dict[str, Any]) -> Config:
    types = {f.name: f.type for f in fields(Config)}
    coerced = {}
    for name, value in values.items():
        target = types[name] if types[name] in (str, int, bool) else None
        coerced[name] = _coerce(name, value, target) if target else value
    return replace(config, **coerced)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Run the application server.")
    parser.add_argument("--config", help="path to a TOML config file")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--debug", action="store_true", default=None)
    parser.add_argument("--log-level", dest="log_level")
    return parser


def load_config(argv: Optional[List[str]] = None) -> Config:
    args = build_parser().parse_args(argv)
    config = Config()
    path = find_config_file(args.config)
    if path is not None:
        config = apply(config, load_file(path))
    config = apply(config, load_env_overrides(dict(os.environ)))
    cli = {k: v for k, v in vars(args).items() if k != "config" and v is not None}
    config = apply(config, cli)
    if config.port <= 0 or config.port > 65535:
        raise ConfigError(f"port out of range: {config.port}")
    return config
