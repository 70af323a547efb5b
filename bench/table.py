"""The tables the benchmark scripts print: aligned columns, or Markdown for docs/benchmarks.md."""

from __future__ import annotations


def print_table(header: list[str], rows: list[list[str]], markdown: bool) -> None:
    """Prints `rows` under `header`: a Markdown table, or columns padded to their widest cell."""
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)))
