# ... existing code ...
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
# ... existing code ...
    if path is not None:
        config = apply(config, load_file(path))
    config = apply(config, load_env_overrides(dict(os.environ)))
    cli = {k: v for k, v in vars(args).items() if k != "config" and v is not None}
# ... existing code ...
