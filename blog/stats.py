"""Upvotes and share clicks per post and per day, for the editors' engagement page and its CSV."""

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Sum
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from blog.models import Post, ShareCount, Vote
from core.ratelimit import parse_rate, period_words

MAX_DAYS = 366
NETWORKS: tuple[str, ...] = tuple(ShareCount.Network.values)
NETWORK_LABELS: tuple[str, ...] = tuple(ShareCount.Network.labels)
CSV_HEADER = ["date", "slug", "title", "upvotes", *NETWORKS, "shares_total"]
# A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

UPVOTE_COLOUR = "#1f5f5b"  # 7.6:1 against white
SHARE_COLOUR = "#8a4500"  # 6.5:1 against white
INK = "#333333"
GRID = "#d9d9d9"


@dataclass
class Tally:
    """Upvotes and share clicks, the clicks by network in NETWORKS order."""

    upvotes: int = 0
    shares: list[int] = field(default_factory=lambda: [0] * len(NETWORKS))

    @property
    def shares_total(self) -> int:
        return sum(self.shares)

    def add(self, other: "Tally") -> None:
        self.upvotes += other.upvotes
        self.shares = [mine + theirs for mine, theirs in zip(self.shares, other.shares, strict=True)]


@dataclass
class PostEngagement:
    post_id: int
    title: str
    slug: str
    upvotes_all_time: int
    period: Tally = field(default_factory=Tally)


@dataclass
class DayEngagement:
    day: date
    upvotes: int
    shares: int


@dataclass
class PostDay:
    day: date
    post: PostEngagement
    tally: Tally


@dataclass
class EngagementReport:
    start: date
    end: date
    days: list[DayEngagement]
    posts: list[PostEngagement]  # only posts with activity in the period, the most engaged first
    post_days: list[PostDay]  # one per post and day with activity, by day then slug
    totals: Tally


def engagement(start: date, end: date) -> EngagementReport:
    """Three queries whatever the period or the number of posts: votes and share clicks grouped by
    post and day in the database, then the titles of the posts that had any."""
    cells: dict[tuple[int, date], Tally] = {}
    votes = (
        Vote.objects.filter(created_on__range=(start, end), counted=True)
        .values("post_id", "created_on").annotate(n=Count("pk")).order_by()
    )
    for row in votes:
        cells.setdefault((row["post_id"], row["created_on"]), Tally()).upvotes += row["n"]
    shares = (
        ShareCount.objects.filter(day__range=(start, end))
        .values("post_id", "day", "network").annotate(n=Sum("clicks")).order_by()
    )
    for row in shares:
        if row["network"] in NETWORKS:  # the database constraint allows no other; a stale row must not crash
            tally = cells.setdefault((row["post_id"], row["day"]), Tally())
            tally.shares[NETWORKS.index(row["network"])] += row["n"] or 0

    found = Post.objects.filter(pk__in={post_id for post_id, _ in cells}).order_by()
    posts = {
        pk: PostEngagement(pk, title, slug, upvote_count)
        for pk, title, slug, upvote_count in found.values_list("pk", "title", "slug", "upvote_count")
    }

    by_day = {start + timedelta(days=offset): Tally() for offset in range((end - start).days + 1)}
    totals = Tally()
    post_days = []
    for (post_id, day), tally in cells.items():
        post = posts.get(post_id)
        if post is None:  # deleted between the queries
            continue
        post.period.add(tally)
        by_day[day].add(tally)
        totals.add(tally)
        post_days.append(PostDay(day, post, tally))
    post_days.sort(key=lambda row: (row.day, row.post.slug))
    return EngagementReport(
        start=start,
        end=end,
        days=[DayEngagement(day, tally.upvotes, tally.shares_total) for day, tally in by_day.items()],
        posts=sorted(posts.values(), key=lambda p: (-(p.period.upvotes + p.period.shares_total), p.title, p.post_id)),
        post_days=post_days,
        totals=totals,
    )


def engagement_csv(report: EngagementReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in report.post_days:
        writer.writerow(
            [row.day.isoformat(), defuse(row.post.slug), defuse(row.post.title), row.tally.upvotes,
             *row.tally.shares, row.tally.shares_total]
        )
    return out.getvalue()


def defuse(cell: str) -> str:
    """A leading apostrophe makes a spreadsheet show the cell as text instead of running it."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


# The chart's geometry, in the SVG's own units.
WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 44, 40
LABEL_WIDTH = 56  # room one "30 Sep" date label needs


def chart_svg(days: list[DayEngagement]) -> SafeString:
    """Upvotes and share clicks per day as two lines. The shares line is also dashed (and its points,
    drawn while there is room, square), so the two series differ by more than their colour.
    Presentation attributes only: the Content-Security-Policy forbids inline styles."""
    if not days:
        return SafeString("")
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step, top = y_scale(max(max(d.upvotes, d.shares) for d in days))
    band = plot_w / len(days)

    def x(i: int) -> float:
        return round(LEFT + (i + 0.5) * band, 1)

    def y(value: int) -> float:
        return round(TOP + plot_h - value * plot_h / top, 1)

    first, last = days[0].day, days[-1].day
    title = f"Upvotes and share clicks per day, {long_date(first)} to {long_date(last)}"
    desc = (
        f"Two lines over {len(days)} day{'s' if len(days) != 1 else ''}: upvotes (solid line) total "
        f"{sum(d.upvotes for d in days)}, share clicks (dashed line) total {sum(d.shares for d in days)}. "
        "The table of days below gives every figure."
    )
    gridlines = format_html_join(
        "", '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        ((LEFT, y(v), WIDTH - RIGHT, y(v), GRID, LEFT - 6, y(v), v) for v in range(0, top + 1, step)),
    )
    every = math.ceil(len(days) / max(1, plot_w // LABEL_WIDTH))
    date_labels = format_html_join(
        "", '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/><text x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x(i), TOP + plot_h, x(i), TOP + plot_h + 4, INK, x(i), TOP + plot_h + 18, short_date(d.day))
         for i, d in enumerate(days) if i % every == 0),
    )
    upvote_points = " ".join(f"{x(i)},{y(d.upvotes)}" for i, d in enumerate(days))
    share_points = " ".join(f"{x(i)},{y(d.shares)}" for i, d in enumerate(days))
    marked = list(enumerate(days)) if band >= 8 else []  # a point per day only while points do not touch
    upvote_marks = format_html_join(
        "", '<circle cx="{}" cy="{}" r="3"/>', ((x(i), y(d.upvotes)) for i, d in marked)
    )
    share_marks = format_html_join(
        "", '<rect x="{}" y="{}" width="6" height="6"/>',
        ((round(x(i) - 3, 1), round(y(d.shares) - 3, 1)) for i, d in marked),
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="engagement-chart" role="img" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" aria-labelledby="engagement-chart-title engagement-chart-desc" '
        'font-family="sans-serif" font-size="12">'
        '<title id="engagement-chart-title">{title}</title><desc id="engagement-chart-desc">{desc}</desc>'
        # A white ground keeps the colours' contrast when the admin is in its dark theme.
        '<rect width="{w}" height="{h}" fill="#ffffff"/>'
        '<g fill="{ink}">{gridlines}</g>'
        '<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{ink}"/>'
        '<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{ink}"/>'
        '<g fill="{ink}">{date_labels}</g>'
        '<polyline points="{upvote_points}" fill="none" stroke="{up}" stroke-width="2"/>'
        '<g fill="{up}">{upvote_marks}</g>'
        '<polyline points="{share_points}" fill="none" stroke="{share}" stroke-width="2" stroke-dasharray="6 4"/>'
        '<g fill="{share}">{share_marks}</g>'
        '<g fill="{ink}">'
        '<line x1="{left}" y1="18" x2="{legend_line}" y2="18" stroke="{up}" stroke-width="2"/>'
        '<circle cx="{legend_mark}" cy="18" r="3" fill="{up}"/>'
        '<text x="{legend_text}" y="18" dominant-baseline="middle">Upvotes</text>'
        '<line x1="{legend2}" y1="18" x2="{legend2_line}" y2="18" stroke="{share}" stroke-width="2" '
        'stroke-dasharray="6 4"/>'
        '<rect x="{legend2_mark}" y="15" width="6" height="6" fill="{share}"/>'
        '<text x="{legend2_text}" y="18" dominant-baseline="middle">Share clicks</text>'
        "</g></svg>",
        w=WIDTH, h=HEIGHT, title=title, desc=desc, ink=INK, gridlines=gridlines, date_labels=date_labels,
        left=LEFT, top=TOP, base=TOP + plot_h, right=WIDTH - RIGHT, up=UPVOTE_COLOUR, share=SHARE_COLOUR,
        upvote_points=upvote_points, share_points=share_points, upvote_marks=upvote_marks, share_marks=share_marks,
        legend_line=LEFT + 28, legend_mark=LEFT + 11, legend_text=LEFT + 36,
        legend2=LEFT + 120, legend2_line=LEFT + 148, legend2_mark=LEFT + 131, legend2_text=LEFT + 156,
    )


def y_scale(highest: int, ticks: int = 4) -> tuple[int, int]:
    """A round step (1, 2 or 5 times a power of ten) giving at most `ticks` gridlines above zero,
    and the top of the axis: the first multiple of the step at or above the highest value."""
    if highest <= 0:
        return 1, 1
    raw = highest / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return step, step * math.ceil(highest / step)


def short_date(day: date) -> str:
    return f"{day.day} {day:%b}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def bounds_note(upvote_rate: str, share_rate: str, registration_rate: str = "off") -> str:
    """How the counts are bounded, for the editors reading them (IDARE_UPVOTE_COUNT_RATE,
    IDARE_SHARE_COUNT_RATE and, for Engage's places, IDARE_SESSION_REGISTRATION_RATE)."""
    upvotes, shares = parse_rate(upvote_rate), parse_rate(share_rate)
    parts = []
    if upvotes:
        parts.append(ngettext("Counts at most %(n)d upvote per article from one network %(period)s.",
                              "Counts at most %(n)d upvotes per article from one network %(period)s.",
                              upvotes.limit) % {"n": upvotes.limit, "period": period_words(upvotes)})
    if shares:
        parts.append(ngettext("Counts at most %(n)d share click per article from one network %(period)s.",
                              "Counts at most %(n)d share clicks per article from one network %(period)s.",
                              shares.limit) % {"n": shares.limit, "period": period_words(shares)})
    if parts:
        parts.append(_("So a household or an office counts several times, and clearing cookies adds nothing more."))
    parts.append(_("Engage registrations take a place only once the person confirms them from the e-mail we send."))
    if registrations := parse_rate(registration_rate):
        parts.append(ngettext("One network can register at most %(n)d time for one session %(period)s.",
                              "One network can register at most %(n)d times for one session %(period)s.",
                              registrations.limit) % {"n": registrations.limit, "period": period_words(registrations)})
    return " ".join(parts)
