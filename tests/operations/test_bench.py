"""The benchmark harness's pure parts: reading wrk's output, medians over rounds, the knobs, and the
report's verdicts against the issue's targets. Nothing here starts a server."""

import os

import pytest

from bench import report
from bench.knobs import Knobs
from bench.lighthouse import read_report
from bench.wrk import Measurement, parse_output, summarise

WRK_STDOUT = """Running 8s test @ http://127.0.0.1:8850/
  2 threads and 32 connections
  Latency Distribution
     50%   10.00ms
     99%   40.00ms
  1600 requests in 8.00s, 12.00MB read
  Non-2xx or 3xx responses: 3
Requests/sec:    200.00
BENCH_WRK {"requests": 1600, "duration_us": 8000000, "bytes": 12582912, "connect": 0, "read": 2, "write": 0, \
"status": 3, "timeout": 1, "p50_us": 10000, "p90_us": 20000, "p99_us": 40000, "max_us": 90000}
"""


@pytest.fixture(autouse=True)
def default_knobs(monkeypatch):
    """The knobs' defaults, whatever BENCH_* variables the shell running the tests has."""
    for name in [name for name in os.environ if name.startswith("BENCH_")]:
        monkeypatch.delenv(name)


def measurement(rps: float, p50: float, bad_status: int = 0) -> Measurement:
    return Measurement(requests=int(rps * 10), seconds=10, p50_ms=p50, p90_ms=p50 * 2, p99_ms=p50 * 4,
                       max_ms=p50 * 8, bad_status=bad_status, socket_errors=0)


def test_wrk_summary_line_gives_rate_latency_and_every_error():
    m = parse_output(WRK_STDOUT)
    assert (m.requests_per_second, m.p50_ms, m.p99_ms) == (200.0, 10.0, 40.0)
    assert (m.bad_status, m.socket_errors) == (3, 3)


def test_wrk_output_without_summary_is_an_error_not_zeros():
    with pytest.raises(ValueError, match="no summary"):
        parse_output("unable to connect to 127.0.0.1:8850 Connection refused\n")


def test_rounds_report_medians_and_add_up_errors():
    summary = summarise([measurement(100, 30), measurement(300, 10, bad_status=2), measurement(200, 20)])
    assert (summary.requests_per_second, summary.p50_ms) == (200, 20)
    assert summary.bad_status == 2 and summary.has_errors


def test_a_round_without_any_answer_is_counted_and_kept_out_of_the_latency():
    empty = Measurement(0, 2, 0, 0, 0, 0, 0, 0)
    summary = summarise([empty, measurement(100, 30), measurement(120, 40)])
    assert summary.empty_rounds == 1
    assert summary.p50_ms == 35


def test_knobs_read_archive_sizes_and_refuse_ports_outside_the_range(monkeypatch):
    monkeypatch.setenv("BENCH_ARCHIVES", "2_000, 100")
    assert Knobs.from_environment().archives == (100, 2000)
    monkeypatch.setenv("BENCH_PORT_BASE", "8866")  # 2 archives need 6 ports: 8866–8871
    with pytest.raises(SystemExit, match="8850–8869"):
        Knobs.from_environment()


def test_short_settings_are_labelled_a_smoke_run(monkeypatch):
    assert Knobs.from_environment().is_full_run()
    monkeypatch.setenv("BENCH_DURATION", "2")
    assert not Knobs.from_environment().is_full_run()


ARCHIVE_INFO = {"posts": 100, "published": 97, "tags": 200, "posts_on_trust_tag": 20, "posts_with_rare_term": 5,
                "reused": False, "seconds": 1.0, "generated_in": 1.0, "steps": [["copy posts", 0.5]]}


def make_run(article_rps: float, p50_small: float, p50_large: float) -> report.Run:
    run = report.Run(Knobs.from_environment(), {"CPU": "test"}, "today", "0 / 0 / 0",
                     archives={size: ARCHIVE_INFO | {"size": size} for size in (100, 100_000)}, page_cache_read=True)
    for size, p50 in ((100, p50_small), (100_000, p50_large)):
        run.series.append(report.Series(size, "home", "Home", "GET", "/", status=200,
                                        measurements=[measurement(400, p50)]))
        run.series.append(report.Series(size, "article", "Article", "GET", "/blog/a/", status=200,
                                        measurements=[measurement(article_rps, 5)]))
    run.baselines.append(report.Baseline("wsgi", "Minimal WSGI app", 1000, [measurement(1000, 2)]))
    return run


def test_report_names_a_page_slower_than_the_scaling_target():
    notes = report.shortfalls(make_run(article_rps=850, p50_small=10, p50_large=20))
    assert any("over 1.5× for Home (2.00×)" in note for note in notes)
    assert any("warm article at 100 posts serves 85.00%" in note and "meets the 60% target" in note for note in notes)


def test_report_says_when_the_warm_article_falls_short():
    notes = report.shortfalls(make_run(article_rps=100, p50_small=10, p50_large=11))
    assert any("10.00%" in note and "falls short of** the 60% target" in note for note in notes)
    assert any("within 1.5×" in note for note in notes)


def test_a_page_that_fails_before_the_load_is_reported_not_measured():
    run = make_run(article_rps=850, p50_small=10, p50_large=10)
    run.series.append(report.Series(100_000, "search_common", "Search", "GET", "/search/?q=trust", status=503))
    assert "| **503** | not measured |" in report.markdown(run)
    notes = [note for note in report.shortfalls(run) if "answered 503" in note]
    assert notes and "**not measured**" in notes[0]


def test_lighthouse_scores_and_requests_that_leave_the_machine():
    audit = read_report("/", {
        "categories": {"performance": {"score": 0.97}, "accessibility": {"score": 1},
                       "best-practices": {"score": None}, "seo": {"score": 1}},
        "audits": {"network-requests": {"details": {"items": [
            {"url": "http://127.0.0.1:8850/"}, {"url": "data:image/png;base64,AA"},
            {"url": "https://fonts.example.com/a.woff2"}]}}},
    })
    assert audit.scores == {"performance": 97, "accessibility": 100, "best-practices": None, "seo": 100}
    assert audit.foreign_requests == ["https://fonts.example.com/a.woff2"]
