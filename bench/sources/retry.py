"""Retry helper with exponential backoff and jitter for flaky network calls."""

import functools
import logging
import random
import time
from typing import Callable, Optional, Tuple, Type

log = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 5
DEFAULT_BASE_DELAY = 0.5
DEFAULT_MAX_DELAY = 30.0


class RetryError(Exception):
    """Raised when every attempt failed; wraps the last exception."""

    def __init__(self, attempts: int, last: BaseException) -> None:
        super().__init__(f"gave up after {attempts} attempts: {last!r}")
        self.attempts = attempts
        self.last = last


def backoff_delay(attempt, base, cap, jitter=True):
    delay = min(cap, base * (2 ** attempt))
    if jitter:
        delay = random.uniform(0, delay)
    return delay


def retry(
    attempts: int = DEFAULT_ATTEMPTS,
    base_delay: float = DEFAULT_BASE_DELAY,
    max_delay: float = DEFAULT_MAX_DELAY,
    retry_on: Tuple[Type[BaseException], ...] = (ConnectionError, TimeoutError),
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Optional[Callable[[int, BaseException], None]] = None,
):
    """Decorate a function so that it is retried on the given exceptions."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            last_error = None
            for attempt in range(attempts):
                try:
                    return func(*args, **kwargs)
                except retry_on as exc:
                    last_error = exc
                    if attempt == attempts - 1:
                        break
                    delay = backoff_delay(attempt, base_delay, max_delay)
                    log.warning(
                        "%s failed (%s), retrying in %.2fs (attempt %d/%d)",
                        func.__name__, exc, delay, attempt + 1, attempts,
                    )
                    if on_retry is not None:
                        on_retry(attempt, exc)
                    sleep(delay)
            raise RetryError(attempts, last_error)

        return wrapper

    return decorator


def call_with_retry(func: Callable, *args, attempts: int = DEFAULT_ATTEMPTS, **kwargs):
    """Call func once with retries, without decorating it permanently."""
    return retry(attempts=attempts)(func)(*args, **kwargs)
