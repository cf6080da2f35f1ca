"""`make loadtest` writes only its own section of docs/PERFORMANCE.md: the bench writes the rest."""

from bench.loadtest import END, START, replace_section

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
