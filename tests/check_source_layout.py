#!/usr/bin/python3
"""Keeps the platforms in one place each, and the includes of src/ free of
cycles.

Fails when
  - a file of src/ outside src/channels/concierge-platform.c and the
    platforms' folders (the folders below src/channels/) names a platform
    by a string literal such as "mastodon" or "Telegram";
  - the #include "..." graph of src/ has a cycle: an include resolves
    against the including file's folder, then against src/, and a header
    stands for its .c file too (X.h, X.c and X-private.h are one node);
  - a file outside src/channels/concierge-platform.c includes a header of
    a platform's folder other than its own;
  - a file of src/ is longer than 1,500 lines, or a function longer than
    120 (from its opening brace in the first column to its closing one).

Before it looks at src/, it checks itself on small trees that break each
rule, so that it cannot pass by finding nothing.

Usage: check_source_layout.py SRC_DIR
"""

import os
import re
import sys
import tempfile

PLATFORM_IDS = ("mastodon", "telegram")
TABLE = os.path.join("channels", "concierge-platform.c")
CHANNELS = "channels"
SOURCE_SUFFIXES = (".c", ".h")
TEXT_SUFFIXES = (".c", ".h", ".ui", ".xml", ".css", ".in")

MAX_FILE_LINES = 1500
MAX_FUNCTION_LINES = 120

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)
LITERAL = re.compile(r'"(?:%s)"' % "|".join(PLATFORM_IDS), re.IGNORECASE)


def without_comments(text):
    """C text with its comments blanked out and its string literals kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def files_of(src):
    for folder, dirs, names in os.walk(src):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(folder, name)
            yield os.path.relpath(path, src)


def platform_folder(path):
    """The platform folder a file of src/ lies in, or None."""
    parts = path.split(os.sep)
    if len(parts) >= 3 and parts[0] == CHANNELS:
        return os.path.join(parts[0], parts[1])
    return None


def node_of(path):
    """X.c, X.h and X-private.h are one node of the graph."""
    stem = os.path.splitext(path)[0]
    if stem.endswith("-private"):
        stem = stem[:-len("-private")]
    return stem


def resolve(src, including, name):
    for base in (os.path.dirname(including), ""):
        candidate = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(src, candidate)):
            return candidate
    return None


def check_literals(src):
    problems = []
    for path in files_of(src):
        if not path.endswith(TEXT_SUFFIXES) or path == TABLE or platform_folder(path):
            continue
        with open(os.path.join(src, path), encoding="utf-8") as f:
            text = f.read()
        if path.endswith(SOURCE_SUFFIXES):
            text = without_comments(text)
        for match in LITERAL.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{path}:{line} names a platform by {match.group(0)}; ask the platform table")
    return problems


def include_graph(src):
    """Returns {node: {node: (file, included file)}}, and the includes."""
    graph = {}
    includes = []
    for path in files_of(src):
        if not path.endswith(SOURCE_SUFFIXES):
            continue
        with open(os.path.join(src, path), encoding="utf-8") as f:
            text = without_comments(f.read())
        graph.setdefault(node_of(path), {})
        for name in INCLUDE.findall(text):
            target = resolve(src, path, name)
            if target is None:
                continue
            includes.append((path, target))
            if node_of(target) != node_of(path):
                graph[node_of(path)].setdefault(node_of(target), (path, target))
                graph.setdefault(node_of(target), {})
    return graph, includes


def strongly_connected(graph):
    """Tarjan's algorithm, without recursion."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def cycle_in(graph, component):
    """One cycle through the component's first node, as a list of edges."""
    members = set(component)
    start = component[0]
    previous = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for succ in sorted(graph[node]):
            if succ == start:
                path = [(node, succ)]
                while previous[node] is not None:
                    path.append((previous[node], node))
                    node = previous[node]
                return list(reversed(path))
            if succ in members and succ not in previous:
                previous[succ] = node
                queue.append(succ)
    return []


def check_cycles(src):
    graph, _ = include_graph(src)
    problems = []
    for component in strongly_connected(graph):
        steps = [f"{graph[a][b][0]} includes {graph[a][b][1]}" for a, b in cycle_in(graph, component)]
        problems.append("the includes go round in a circle: " + ", ".join(steps) +
                        f" (the files of {', '.join(component)} all reach each other)")
    return problems


def check_platform_headers(src):
    _, includes = include_graph(src)
    problems = []
    for path, target in includes:
        folder = platform_folder(target)
        if folder is None or path == TABLE or platform_folder(path) == folder:
            continue
        problems.append(f"{path} includes {target}; only the platform table and the platform's own folder may")
    return problems


def check_sizes(src):
    """Long files hold more than one subject, long functions more than one
    step; both are where the next reader gets lost."""
    problems = []
    for path in files_of(src):
        if not path.endswith(SOURCE_SUFFIXES):
            continue
        with open(os.path.join(src, path), encoding="utf-8") as f:
            lines = f.read().splitlines()
        if len(lines) > MAX_FILE_LINES:
            problems.append(f"{path} has {len(lines)} lines; give its subjects files of their own "
                            f"(at most {MAX_FILE_LINES})")
        opened = None
        for number, line in enumerate(lines, 1):
            if line == "{":
                opened = number
            elif line.startswith("}") and opened is not None:
                if number - opened + 1 > MAX_FUNCTION_LINES:
                    problems.append(f"{path}:{opened} opens a function of {number - opened + 1} lines; "
                                    f"divide it into steps (at most {MAX_FUNCTION_LINES})")
                opened = None
    return problems


def check(src):
    return check_literals(src) + check_cycles(src) + check_platform_headers(src) + check_sizes(src)


def write_tree(root, files):
    for path, text in files.items():
        full = os.path.join(root, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", encoding="utf-8") as f:
            f.write(text)


# A tree that keeps every rule, and what breaks each rule in it.
GOOD = {
    "channels/concierge-platform.c": '#include "mastodon/concierge-mastodon-channel.h"\n'
                                     'static const char *id = "mastodon";\n',
    "channels/concierge-platform.h": '#include "model/concierge-model.h"\n',
    "channels/mastodon/concierge-mastodon-channel.c": '#include "concierge-mastodon-channel-private.h"\n'
                                                      '#define ID "mastodon"\n',
    "channels/mastodon/concierge-mastodon-channel-private.h": '#include "concierge-mastodon-channel.h"\n',
    "channels/mastodon/concierge-mastodon-channel.h": '#include "model/concierge-model.h"\n',
    "model/concierge-model.c": '#include "concierge-model-private.h"\n',
    "model/concierge-model-private.h": '#include "concierge-model.h"\n',
    "model/concierge-model.h": '#include <glib.h>\n#include "config.h"\n',
    "ui/concierge-ui.c": '#include "channels/concierge-platform.h"\n'
                         '/* Shows "Mastodon" and "telegram" in comments only. */\n'
                         'static const char *text = "Add a Mastodon account";\n',
}
BROKEN = {
    "a platform named in the UI": {
        "ui/concierge-ui.c": 'static const char *id = "telegram";\n',
    },
    "a platform's name as a literal": {
        "ui/concierge-ui.c": 'static const char *name = "Mastodon";\n',
    },
    "two files that include each other through a third": {
        "model/concierge-model.h": '#include "concierge-other.h"\n',
        "model/concierge-other.h": "",
        "model/concierge-other.c": '#include "concierge-other.h"\n#include "channels/concierge-platform.h"\n',
    },
    "a file too long": {
        "model/concierge-model.c": '#include "concierge-model-private.h"\n' + "\n" * MAX_FILE_LINES,
    },
    "a function too long": {
        "model/concierge-model.c": "void\nf (void)\n{\n" + "  g ();\n" * (MAX_FUNCTION_LINES - 1) + "}\n",
    },
    "a platform's header outside the table": {
        "ui/concierge-ui.c": '#include "channels/mastodon/concierge-mastodon-channel.h"\n',
    },
}


def self_test():
    problems = []
    with tempfile.TemporaryDirectory(prefix="concierge-layout-") as work:
        good = os.path.join(work, "good")
        write_tree(good, GOOD)
        for found in check(good):
            problems.append(f"the check refuses a tree that keeps the rules: {found}")
        for what, change in BROKEN.items():
            tree = os.path.join(work, re.sub(r"\W+", "-", what))
            write_tree(tree, {**GOOD, **change})
            if not check(tree):
                problems.append(f"the check misses {what}")
    return problems


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1])
        return 2

    problems = self_test()
    if not problems:
        problems = check(sys.argv[1])
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("src/ names its platforms in the table and their folders only, its includes go round in no circle, "
              "and its files and functions are short enough to read")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
