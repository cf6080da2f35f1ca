"""The launch checklist: facts only iDare can supply, seeded from content/launch_facts.yaml, shown in
the admin (missing first, each with links to where it is edited) and counted by `check --deploy`."""

from __future__ import annotations

from pathlib import Path

from core.content import Report, check_keys, records, sync, text_field, validate
from core.models import LaunchFact

FACT_KEYS = {"slug", "question", "why", "edited_in", "answer"}
FACT_REQUIRED = {"slug", "question", "why", "edited_in"}


def content_steps(content_dir: Path) -> list:
    return [(content_dir / "launch_facts.yaml", _import_facts)]


def _import_facts(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "launch facts"), 1):
        check_keys(record, FACT_KEYS, FACT_REQUIRED, where=f"launch fact #{number}: ")
        edited_in = record["edited_in"]
        if isinstance(edited_in, list):
            edited_in = "\n".join(str(place) for place in edited_in)
        fact = LaunchFact(slug=text_field(record, "slug"), question=text_field(record, "question"),
                          why=text_field(record, "why"), edited_in=str(edited_in).strip(),
                          answer=text_field(record, "answer"), position=number)
        validate(fact, exclude=["supplied_by"])
        sync("launch fact", LaunchFact, fact, ["question", "why", "edited_in", "position", "answer"], report,
             force=force)
