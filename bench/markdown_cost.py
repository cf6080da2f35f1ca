"""`make bench`, first step: the CPU time of weighing and rendering the costliest Markdown an editor
could write, so the limits in core/markdown.py are shown to bound a worker's time on this machine.

PATHOLOGICAL texts must be refused (weighed, never rendered) quickly; AT_THE_LIMITS texts sit near
one limit each and are let through, so they are the worst a save or a preview can cost. The tests
(tests/test_markdown_limits.py) check that the first are refused and the second accepted; only this
measures time, as a test's timing depends on what else the machine runs. Best of BENCH_MARKDOWN_ROUNDS
(default 3) of this thread's CPU time; exits 1 when a text exceeds its bound."""

from __future__ import annotations

import os
import sys
import time

from core.markdown import MAX_DEPTH, MAX_FOOTNOTES, MAX_HEADINGS, MAX_LINES, MAX_TABLE_CELLS

PATHOLOGICAL = {
    "200,000 “[”": "[" * 200_000,
    "10,000 footnotes": "".join(f"Word[^{i}]\n" for i in range(10_000)) + "".join(
        f"[^{i}]: Note {i}.\n" for i in range(10_000)),
    "quotes nested 500 deep": ">" * 500 + " deep",
    "lists nested 150 deep": "".join("    " * depth + "- item\n" for depth in range(150)),
    "19,000 one-word paragraphs": "*a*\n\n" * 19_000,
    "3,000 markup characters in a long paragraph": "[*_`<&" * 500 + " word" * 15_000,
    "10,000 headings": "## Heading\n" * 10_000,
}

# The costliest texts we could write that the limits still let through (each near one limit).
LINK_EVERY_OTHER_LINE = ["*a* [b](/c) &amp; `d`", "*a* **b** &amp; `d` _e_"]
AT_THE_LIMITS = {
    "brackets in one long paragraph": "[" * 4 + " word" * 17_000,
    "emphasis in long paragraphs": "\n\n".join("*a" * 60 + " word" * 1_200 for _ in range(4)),
    "markup in short paragraphs": "\n\n".join("*a" * 30 + "[b](/c) " * 2 + "&lt;" * 20 for _ in range(150)),
    "footnotes": "\n\n".join(" ".join(f"Word[^{i}]" for i in range(start, start + 10))
                             for start in range(0, MAX_FOOTNOTES, 10)) + "\n\n" + "".join(
        f"[^{i}]: Note {i}.\n\n" for i in range(MAX_FOOTNOTES)),
    "headings": "## Heading\n\n" * MAX_HEADINGS,
    "nested lists": "\n".join(f"{'    ' * (i % MAX_DEPTH)}- {LINK_EVERY_OTHER_LINE[i % 2]}" for i in range(MAX_LINES)),
    "nested quotes": "\n\n".join(f"{'>' * MAX_DEPTH} {LINK_EVERY_OTHER_LINE[i % 2]}" for i in range(MAX_LINES // 2)),
    "a long table": "| a | b |\n|---|---|\n" + "\n".join(
        f"| {LINK_EVERY_OTHER_LINE[i % 2]} | *x* |" for i in range(MAX_TABLE_CELLS // 3 - 2)),
    "tags": "\n\n".join("<abbr title='x'>x</abbr> " * 25 for _ in range(10)),
}


REFUSAL_BOUND, RENDER_BOUND = 0.5, 0.8  # seconds of CPU on the 2-core machine docs/PERFORMANCE.md names


def best_cpu_time(work, text: str, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.thread_time()
        work(text)
        timings.append(time.thread_time() - started)
    return min(timings)


def main() -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "idare.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only the renderer runs: no secret key is needed
    django.setup()
    from core.markdown import markdown_problems, render_markdown

    rounds = int(os.environ.get("BENCH_MARKDOWN_ROUNDS", "3"))
    over = 0
    print(f"Markdown cost, best of {rounds} (CPU seconds)")
    for title, cases, work, bound in (
        ("refused", PATHOLOGICAL, markdown_problems, REFUSAL_BOUND),
        ("rendered", AT_THE_LIMITS, render_markdown, RENDER_BOUND),
    ):
        for name, text in cases.items():
            seconds = best_cpu_time(work, text, rounds)
            verdict = "ok" if seconds < bound else f"OVER {bound} s"
            over += seconds >= bound
            print(f"  {title:9} {name:45} {seconds:6.3f}  {verdict}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
