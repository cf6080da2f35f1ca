"""`make loadtest` and `make bench` share docs/PERFORMANCE.md: each rewrites only its own part."""

from bench.report import END, START, carried_over, replace_section

BENCH_PART = "# Performance\n\nWritten by `make bench`.\n\n| page | p99 |\n|---|---|\n| Home | 332 |\n"


def test_the_loadtest_section_is_added_after_what_the_bench_wrote():
    written = replace_section(BENCH_PART, f"{START}\nfirst run\n{END}")
    assert written.startswith(BENCH_PART)
    assert written.endswith(f"{START}\nfirst run\n{END}\n")


def test_a_new_loadtest_section_replaces_the_old_one_and_keeps_everything_around_it():
    after = "\n## The machine\n\n| CPU | 2 cores |\n"
    document = f"{BENCH_PART}\n{START}\nold figures\n{END}{after}"
    written = replace_section(document, f"{START}\nnew figures\n{END}")
    assert written == f"{BENCH_PART}\n{START}\nnew figures\n{END}{after}"
    assert "old figures" not in written


def test_a_new_bench_report_keeps_the_last_loadtest_section():
    previous = f"# Performance\n\nan old bench run\n\n{START}\nload figures\n{END}\n"
    new_report = "# Performance\n\na new bench run\n"
    assert carried_over(new_report, previous) == f"{new_report}\n{START}\nload figures\n{END}\n"
    assert carried_over(new_report, "# Performance\n\nno load test yet\n") == new_report
