"""`make bench`: the site under load on this machine, next to the ceilings of its Python stack and of
the machine itself. `python -m bench.run` is the entry point; docs/PERFORMANCE.md is its report."""
