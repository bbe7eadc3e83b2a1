"""Parse and format human durations such as '1h30m' or '45s'."""

import re

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)([dhms])")


def parse_duration(text, default=None):
    """Seconds in a duration like '1h30m'; `default` when the text is empty."""
    text = text.strip().lower()
    if not text:
        if default is None:
            raise ValueError("empty duration")
        return default
    total = 0
    pos = 0
    for match in _PART.finditer(text):
        if match.start() != pos:
            raise ValueError(f"bad duration: {text!r}")
        total += int(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text):
        raise ValueError(f"bad duration: {text!r}")
    return total


def format_duration(seconds):
    """The shortest duration text for a number of seconds, largest unit first."""
    if seconds == 0:
        return "0s"
    parts = []
    for unit, size in _UNITS.items():
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)


def total_duration(texts):
    """The sum of several durations, in seconds."""
    return sum(parse_duration(t) for t in texts)
