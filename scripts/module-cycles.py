#!/usr/bin/env python3
"""Lists import cycles between the source files of each crate, and the files a path mentions.

A file depends on another when it names it: `use crate::a::b`, `crate::a::b::f()`, `super::x`
(resolved to a file), or, in a folder's `mod.rs`, `child::…` (its own child's items, re-exports
included). Declaring a child with `mod child;` is not a dependency. Exit status 1
when a cycle exists, so the test command can keep the tree free of them.

Usage: scripts/module-cycles.py [CRATE_SRC_DIR ...]   (default: every crates/*/src)
"""
import os
import re
import sys


def modules(src):
    """Maps module paths ("a::b") to files, for one crate's src folder."""
    found = {}
    for root, _, files in os.walk(src):
        for f in files:
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src)[:-3].split(os.sep)
            if rel[-1] in ("mod", "lib", "main"):
                rel = rel[:-1]
            found["::".join(rel)] = path
    return found


def resolve(mods, current, parts):
    """The longest module path of `parts` (from the crate root) that is a file."""
    for n in range(len(parts), 0, -1):
        key = "::".join(parts[:n])
        if key in mods:
            return key
    return None


def deps(mods, name, path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"//[^\n]*", "", text)
    here = name.split("::") if name else []
    is_dir_module = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
    parent = here if is_dir_module else here[:-1]
    out = set()
    for m in re.finditer(r"\bcrate((?:::[A-Za-z_][A-Za-z0-9_]*)+)", text):
        parts = m.group(1).strip(":").split("::")
        target = resolve(mods, name, parts)
        if target is not None:
            out.add(target)
    for m in re.finditer(r"\b((?:super::)+)((?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*)", text):
        ups = m.group(1).count("super::")
        base = parent[: len(parent) - (ups - 1)] if ups > 1 else parent
        if ups > len(parent) + 1:
            continue
        base = (here if is_dir_module else here[:-1])
        base = base[: len(base) - (ups - 1)] if ups - 1 <= len(base) else []
        parts = base + m.group(2).split("::")
        target = resolve(mods, name, parts)
        if target is not None:
            out.add(target)
    # A module using its own child's items (`use child::f`, `pub use child::f`, `child::f()`)
    # depends on it; merely declaring it (`mod child;`) does not.
    if is_dir_module:
        for m in re.finditer(r"(?<![A-Za-z0-9_:])([a-z_][a-z0-9_]*)::", text):
            if m.group(1) in ("crate", "super", "self", "std", "core"):
                continue
            child = "::".join(here + [m.group(1)])
            if child in mods:
                out.add(child)
    # `use {a, b}` groups under crate:: are caught by their first segment only; good enough.
    out.discard(name)
    return out


def cycles(graph):
    """Strongly connected components with more than one file (Tarjan)."""
    index, low, stack, on, result, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                result.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in graph:
        if v not in index:
            visit(v)
    return result


def main():
    roots = sys.argv[1:] or sorted(
        os.path.join("crates", c, "src") for c in os.listdir("crates") if os.path.isdir(os.path.join("crates", c, "src"))
    )
    found_any = False
    for src in roots:
        mods = modules(src)
        graph = {name: deps(mods, name, path) for name, path in mods.items()}
        # A module depends on its ancestors' files only through what they declare; a child
        # using its parent's items is a cycle only if the parent also uses the child.
        comps = cycles(graph)
        for comp in comps:
            found_any = True
            print(f"{src}: cycle: " + " <-> ".join(c or "(root)" for c in comp))
        if not comps:
            print(f"{src}: no cycles ({len(mods)} files)")
    sys.exit(1 if found_any else 0)


if __name__ == "__main__":
    main()
