"""Support's content: helplines.yaml (the crisis helplines on /help/) and support/: the languages
people can ask for, the provider directory's seed listings, the services on /support/ and the texts
of Support's pages."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.utils.text import slugify

from core import snapshots
from core.content import (
    CREATED,
    UNCHANGED,
    ContentError,
    Report,
    check_keys,
    load_yaml,
    read_file,
    read_front_matter,
    records,
    sync,
    text_field,
    validate,
)
from support import helpline_snapshot
from support.models import (
    ChannelKind,
    Concern,
    FeeBand,
    Helpline,
    HelplineChannel,
    Language,
    OpeningPeriod,
    Provider,
    Service,
    SupportText,
)

HELPLINE_TEXT = {
    "name", "slug", "numbers", "lead", "hours", "cost", "languages", "channel_note", "audience", "source",
    "verified_by", "editor_note",
}
HELPLINE_KEYS = HELPLINE_TEXT | {"urgency", "last_verified_on", "active", "opening_hours", "channels",
                                 "languages_served"}
DAYS = {name: number for number, name in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])}
PERIOD = re.compile(r"^(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+(?P<opens>\d\d:\d\d)\s*-\s*"
                    r"(?P<closes>\d\d:\d\d)$", re.IGNORECASE)
HELPLINE_REQUIRED = {"name", "numbers", "urgency", "hours", "cost", "audience", "source", "last_verified_on",
                     "verified_by"}
PROVIDER_TEXT = {"name", "slug", "credentials", "registration", "city", "fee_band", "fee_note", "gender", "bio"}
PROVIDER_FLAGS = {"online": False, "in_person": False, "queer_affirmative": False, "accepting_new_clients": True,
                  "example": False, "listed": True}
PROVIDER_KEYS = PROVIDER_TEXT | set(PROVIDER_FLAGS) | {"languages", "concerns"}
PROVIDER_REQUIRED = {"name", "credentials", "languages", "fee_band", "bio"}
SERVICE_KEYS = {"title", "slug", "summary", "fee_band", "fee_detail", "position", "active"}
TEXT_KEYS = {"slug", "title", "description"}


def content_steps(content_dir: Path) -> list:
    folder = content_dir / "support"
    return [
        (content_dir / "helplines.yaml", _import_helplines),
        (folder / "languages.yaml", _import_languages),
        (folder / "providers.yaml", _import_providers),
        (folder / "services.yaml", _import_services),
        *((path, _import_text) for path in sorted((folder / "texts").glob("*.md"))),
    ]


def _import_helplines(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "helplines"), 1):
        where = f"helpline #{number}: "
        check_keys(record, HELPLINE_KEYS, HELPLINE_REQUIRED, where=where)
        if not isinstance(record["last_verified_on"], datetime.date):
            raise ContentError(f"{where}last_verified_on must be a date like 2026-11-26")
        if not isinstance(record.get("active", True), bool) or not isinstance(record["urgency"], int):
            raise ContentError(f"{where}active must be true or false and urgency a whole number")
        round_the_clock, periods = _opening_hours(record.get("opening_hours"), where)
        channels = _channels(record.get("channels"), where)
        languages = _name_list(record, "languages_served", where)
        helpline = Helpline(**{key: text_field(record, key) for key in HELPLINE_TEXT}, urgency=record["urgency"],
                            last_verified_on=record["last_verified_on"], active=record.get("active", True),
                            round_the_clock=round_the_clock)
        helpline.slug = helpline.slug or slugify(helpline.name)
        validate(helpline)

        def set_related(saved: Helpline, periods=periods, channels=channels, languages=languages) -> None:
            saved.periods.all().delete()
            saved.channels.all().delete()
            for period in periods:
                period.helpline = saved
                period.save()
            for channel in channels:
                channel.helpline = saved
                channel.save()
            saved.served_languages.set([_named(Language, name)[0] for name in languages])

        fingerprint = helpline.fingerprint(
            periods=[period.as_data() for period in periods],
            channels=[(channel.kind, channel.address, channel.active) for channel in channels],
            language_names=languages,
        )
        fields = sorted(HELPLINE_TEXT - {"slug"} | {"urgency", "last_verified_on", "active", "round_the_clock"})
        sync("helpline", Helpline, helpline, fields, report, force=force, after_save=set_related,
             incoming_fingerprint=fingerprint)
    # Also when nothing changed: a fresh server gets its copy for /help/ and the 503 page.
    snapshots.refresh_on_commit(helpline_snapshot.NAME)


def _opening_hours(value, where: str) -> tuple[bool, list[OpeningPeriod]]:
    """`24/7`, or a list of periods like `Mon-Sat 10:00-20:00` (India time; `Sat 22:00-02:00` ends on
    Sunday). Left out: the hours are not confirmed, and the page says so."""
    if value is None:
        return False, []
    if isinstance(value, str) and re.fullmatch(r"24\s*[/x]\s*7", value.strip(), re.IGNORECASE):
        return True, []
    if not isinstance(value, list) or not value:
        raise ContentError(f"{where}opening_hours must be 24/7 or a list of periods like 'Mon-Sat 10:00-20:00'")
    periods = []
    for text in value:
        match = PERIOD.match(str(text).strip())
        first = DAYS.get((match["first"] if match else "").lower())
        last = DAYS.get((match["last"] or match["first"]).lower()) if match else None
        try:
            opens, closes = (datetime.time.fromisoformat(match[key]) for key in ("opens", "closes")) if match else (
                None, None)
        except ValueError:
            opens = closes = None
        if first is None or last is None or opens is None:
            raise ContentError(f"{where}the period '{text}' is not like 'Mon-Sat 10:00-20:00' (days Mon to Sun, "
                               "times from 00:00 to 23:59)")
        period = OpeningPeriod(first_day=first, last_day=last, opens=opens, closes=closes)
        validate(period, exclude=["helpline"])
        periods.append(period)
    return False, periods


def _channels(value, where: str) -> list[HelplineChannel]:
    """Each channel as `{kind: whatsapp, address: "+91 …"}`; calls go to the numbers."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ContentError(f"{where}channels must be a list of 'kind' and 'address' pairs")
    channels = []
    for position, item in enumerate(value):
        check_keys(item, {"kind", "address", "active"}, {"kind", "address"}, where=f"{where}channel #{position + 1}: ")
        kind = text_field(item, "kind").lower()
        if kind not in ChannelKind.values:
            raise ContentError(f"{where}channel kind must be one of {', '.join(ChannelKind.values)}")
        active = item.get("active", True)
        if not isinstance(active, bool):
            raise ContentError(f"{where}a channel's active must be true or false")
        channel = HelplineChannel(kind=kind, address=text_field(item, "address"), position=position, active=active)
        validate(channel, exclude=["helpline"])
        channels.append(channel)
    return channels


def _import_languages(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    names = records_of_names(path, "languages")
    for name in names:
        _, created = _named(Language, name)
        report.record("language", CREATED if created else UNCHANGED, slugify(name))


def _import_providers(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "providers"), 1):
        where = f"provider #{number}: "
        check_keys(record, PROVIDER_KEYS, PROVIDER_REQUIRED, where=where)
        flags = {key: record.get(key, default) for key, default in PROVIDER_FLAGS.items()}
        if not all(isinstance(value, bool) for value in flags.values()):
            raise ContentError(f"{where}{', '.join(PROVIDER_FLAGS)} must be true or false")
        languages, concerns = _name_list(record, "languages", where), _name_list(record, "concerns", where)
        if not languages:
            raise ContentError(f"{where}languages must list at least one language")
        provider = Provider(**{key: text_field(record, key) for key in PROVIDER_TEXT}, **flags)
        provider.slug = provider.slug or slugify(provider.name)
        if provider.fee_band not in FeeBand.values:
            raise ContentError(f"{where}fee_band must be one of {', '.join(FeeBand.values)}")
        validate(provider)

        def set_names(saved: Provider, languages=languages, concerns=concerns) -> None:
            saved.languages.set([_named(Language, name)[0] for name in languages])
            saved.concerns.set([_named(Concern, name)[0] for name in concerns])

        fields = sorted(PROVIDER_TEXT - {"slug"} | set(PROVIDER_FLAGS))
        sync("provider", Provider, provider, fields, report, force=force, after_save=set_names,
             incoming_fingerprint=provider.fingerprint(language_names=languages, concern_names=concerns))


def _import_services(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    for number, record in enumerate(records(path, "services"), 1):
        where = f"service #{number}: "
        check_keys(record, SERVICE_KEYS, {"title", "summary"}, where=where)
        position, active = record.get("position", 100), record.get("active", True)
        if not isinstance(position, int) or position < 0 or not isinstance(active, bool):
            raise ContentError(f"{where}position must be a whole number and active true or false")
        service = Service(**{key: text_field(record, key) for key in SERVICE_KEYS - {"position", "active"}},
                          position=position, active=active)
        service.slug = service.slug or slugify(service.title)
        if service.fee_band not in ["", *FeeBand.values]:
            raise ContentError(f"{where}fee_band must be one of {', '.join(FeeBand.values)}, or left out")
        validate(service, exclude=["summary_html"])
        sync("service", Service, service, ["title", "summary", "fee_band", "fee_detail", "position", "active"],
             report, force=force)


def _import_text(path: Path, content_dir: Path, report: Report, *, force: bool, dry_run: bool) -> None:
    meta, body = read_front_matter(path)
    check_keys(meta, TEXT_KEYS, {"slug", "title"})
    text = SupportText(slug=text_field(meta, "slug"), title=text_field(meta, "title"),
                       description=text_field(meta, "description"), body=body)
    if text.slug not in SupportText.Place.values:
        raise ContentError(f"slug must be one of {', '.join(SupportText.Place.values)} (the place it is shown)")
    validate(text, exclude=["body_html"])
    sync("support text", SupportText, text, ["title", "description", "body"], report, force=force)


def records_of_names(path: Path, what: str) -> list[str]:
    names = load_yaml(read_file(path)) or []
    if not isinstance(names, list) or not all(isinstance(name, str) and name.strip() for name in names):
        raise ContentError(f"expected a list of {what}, one name per line like '- Hindi'")
    return [" ".join(name.split()) for name in names]


def _name_list(record: dict, key: str, where: str) -> list[str]:
    names = record.get(key) or []
    if not isinstance(names, list) or not all(isinstance(name, str) and name.strip() for name in names):
        raise ContentError(f"{where}{key} must be a list of names, like [English, Hindi]")
    return [" ".join(name.split()) for name in names]


def _named(model, name: str):
    """The language or concern of that name (any case), made when missing."""
    existing = model.objects.filter(name__iexact=name).first()
    if existing:
        return existing, False
    return model.objects.create(name=name, slug=slugify(name)), True
