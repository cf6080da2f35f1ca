import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A copy of content/ to import from and edit, in this test's own folder."""
    target = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, target)
    return target


def edit_file(content_dir: Path, relative: str, old: str, new: str) -> None:
    path = content_dir / relative
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
