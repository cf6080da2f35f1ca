import logging

import pytest

from tests.factories import make_language


class ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record) + (record.exc_text or ""))


@pytest.fixture
def all_logs():
    """Every log line any logger writes during the test, at every level, formatted as the site's
    handler would, with tracebacks ("django" does not propagate to the root, so it is watched too)."""
    handler = ListHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    watched = [logging.getLogger(), logging.getLogger("django")]
    levels = [logger.level for logger in watched]
    for logger in watched:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in zip(watched, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


@pytest.fixture
def languages(db):
    return [make_language(name) for name in ("English", "Hindi", "Tamil")]
