#!/usr/bin/env python3
"""Checks the rules of pardo's layout that no compiler checks (CONTRIBUTING.md):

1. No backend's folder (threads, serial, process, mpi) includes another backend's folder,
   in include/pardo/ or in src/; the shared layers (core, remote) include no backend.
2. The CLI (apps/) uses public API only: no `detail::`.
3. A public header (not under a detail/ folder) holds at most a few lines of
   `namespace detail`: the machinery templates need lives in detail/ headers or in src/.
4. No function, struct or class of the library or the CLI is longer than 250 lines.

Usage: check_layout.py SOURCE_DIR. Prints each violation and exits 1 if there is any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BACKENDS = ("threads", "serial", "process", "mpi")
SHARED = ("core", "remote")
MAX_DETAIL_LINES = 50
MAX_BLOCK_LINES = 250

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)


def folder_of(include: str) -> str | None:
    """The library folder an include names: pardo/<f>/... or, from src/, <f>/..."""
    parts = include.split("/")
    if parts[0] == "pardo" and len(parts) > 2:
        return parts[1]
    if parts[0] != "pardo" and len(parts) > 1:
        return parts[0]
    return None


def check_includes(root: Path) -> list[str]:
    problems = []
    for top in (root / "include" / "pardo", root / "src"):
        for path in sorted(top.rglob("*.[ch]pp")):
            own = path.relative_to(top).parts[0]
            if own not in BACKENDS + SHARED:
                continue
            for include in INCLUDE.findall(path.read_text()):
                other = folder_of(include)
                if other in BACKENDS and other != own:
                    problems.append(f"{path.relative_to(root)}: includes {include}, "
                                    f"a {other} file, from the {own} folder")
    return problems


def check_apps(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / "apps").rglob("*.[ch]pp")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "detail::" in line:
                problems.append(f"{path.relative_to(root)}:{number}: uses detail:: in the CLI")
    return problems


def strip_code(text: str) -> str:
    """Comments, strings and character literals blanked, line breaks kept."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif c == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator: 1'000
            i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_detail(root: Path) -> list[str]:
    problems = []
    for path in sorted((root / "include" / "pardo").rglob("*.hpp")):
        if "detail" in path.relative_to(root).parts:
            continue
        lines = strip_code(path.read_text()).splitlines()
        inside = 0
        depth = 0
        start_depth = None
        for line in lines:
            if start_depth is None and re.search(r"\bnamespace\s+[\w:]*detail\s*\{", line):
                start_depth = depth
            if start_depth is not None:
                inside += 1
            depth += line.count("{") - line.count("}")
            if start_depth is not None and depth <= start_depth:
                start_depth = None
        if inside > MAX_DETAIL_LINES:
            problems.append(f"{path.relative_to(root)}: {inside} lines of namespace detail in a "
                            f"public header (at most {MAX_DETAIL_LINES}); move them to detail/")
    return problems


def check_block_sizes(root: Path) -> list[str]:
    problems = []
    for folder in ("include", "src", "apps"):
        for path in sorted((root / folder).rglob("*.[ch]pp")):
            code = strip_code(path.read_text())
            stack: list[tuple[int, bool]] = []  # (line of the brace, measured)
            line = 1
            head_start = 0
            for i, c in enumerate(code):
                if c == "\n":
                    line += 1
                elif c == "{":
                    head = code[head_start:i]
                    measured = not any(measured for _, measured in stack) and not re.search(
                        r"\bnamespace\b|extern\s*\"\"", head) and bool(head.strip())
                    stack.append((line, measured))
                    head_start = i + 1
                elif c == "}":
                    if stack:
                        opened, measured = stack.pop()
                        if measured and line - opened + 1 > MAX_BLOCK_LINES:
                            problems.append(f"{path.relative_to(root)}:{opened}: a block of "
                                            f"{line - opened + 1} lines (at most "
                                            f"{MAX_BLOCK_LINES})")
                    head_start = i + 1
                elif c == ";":
                    head_start = i + 1
    return problems


def main() -> int:
    root = Path(sys.argv[1]).resolve()
    problems = (check_includes(root) + check_apps(root) + check_detail(root) +
                check_block_sizes(root))
    for problem in problems:
        print(problem)
    if problems:
        print(f"layout: {len(problems)} problem(s); see CONTRIBUTING.md")
        return 1
    print("layout: backends apart, the CLI on public API, detail in detail/, blocks under "
          f"{MAX_BLOCK_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
