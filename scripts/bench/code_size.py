"""Where the release server's machine code comes from: the bytes of every function in a built
`sahabot`, summed by kind of function and by the workspace code that caused it.

Why: a fresh release build spends most of its time in LLVM on the final crate (thin LTO leaves
every crate's code generation to that last step), and that time follows the amount of machine
code. Build settings only move the work between crates (docs/performance.md); what makes the
build faster is less code, and this report says which of our crates and modules generate it.

Attribution needs the generic arguments in the symbol names, which Rust's default (legacy)
mangling leaves out. Build once with the v0 mangling, into its own target folder so the normal
build is not touched (a full rebuild):

    RUSTFLAGS="-Csymbol-mangling-version=v0" CARGO_TARGET_DIR=/tmp/v0/target \
        cargo build -p server --bin sahabot --release
    python3 scripts/bench/code_size.py /tmp/v0/target/release/sahabot

A function is charged to the first of our crates its demangled name mentions (a view's drop
glue, `to_html` or `poll` names the page or component whose closure or type it is built for);
the module table charges it to every module of ours it mentions, so those rows overlap. With
legacy mangling the kinds are still right but most functions name no crate of ours.
"""

import argparse
import collections
import os
import re
import subprocess
import sys


def workspace_crates(root):
    """Our crate names: the plugin folders (`sdk` among them), the app, the host and the binary."""
    names = {"app", "server", "platform", "sahabot"}
    plugins = os.path.join(root, "plugins")
    for entry in os.listdir(plugins):
        if os.path.isfile(os.path.join(plugins, entry, "Cargo.toml")):
            names.add(entry)
    return names


def strip_generics(name):
    """`a::b<T>::c<U>` -> `a::b::c`: the function's path without its arguments."""
    previous = None
    while previous != name:
        previous = name
        name = re.sub(r"<[^<>]*>", "", name)
    return name


def kind_of(name):
    """A short label for what the function is: drop glue, a future's poll, a view pass, ..."""
    if name.startswith("core::ptr::drop_in_place"):
        return "drop glue (core::ptr::drop_in_place)"
    # v0 names end in their arguments (`...::to_html_async_with_buf::<false>`): drop them, and
    # the `::` they leave.
    base = strip_generics(name).rstrip(":")
    last = base.rsplit("::", 1)[-1]
    last = re.sub(r"\{closure#\d+\}|\{\{closure\}\}", "{closure}", last)
    if last == "{closure}":
        parent = base.rsplit("::", 2)
        last = (parent[-2] if len(parent) > 1 else "") + "::{closure}"
    return last


def read_symbols(binary):
    out = subprocess.run(
        ["nm", "--demangle", "--size-sort", "--print-size", binary],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2] in ("t", "T", "w", "W"):
            yield int(parts[1], 16), parts[3]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", help="a built sahabot (release; v0 mangling for attribution)")
    parser.add_argument("--top", type=int, default=25, help="rows per table")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    crates = workspace_crates(root)
    # `tournament::ui::schedule` in a name: one of our crates, then its lower-case module path.
    crate_names = "|".join(sorted(crates))
    mention = re.compile(
        r"(?<![A-Za-z0-9_])(" + crate_names + r")(?=::)((?:::[a-z_][a-z0-9_]*)*)"
    )
    # Leptos's view and reactive machinery, whichever of our views it was instantiated for.
    leptos = re.compile(r"(?<![A-Za-z0-9_])(tachys|reactive_graph|leptos[a-z_]*|either_of)::")

    total = 0
    leptos_size = 0
    leptos_functions = 0
    by_kind = collections.Counter()
    kind_count = collections.Counter()
    by_crate = collections.Counter()
    by_module = collections.Counter()
    for size, name in read_symbols(args.binary):
        total += size
        if leptos.search(name):
            leptos_size += size
            leptos_functions += 1
        kind = kind_of(name)
        by_kind[kind] += size
        kind_count[kind] += 1
        found = list(mention.finditer(name))
        if found:
            by_crate[found[0].group(1)] += size
            # A page's tuple names every component in it: each module the name mentions is
            # charged the whole function, so this table's rows overlap.
            for module in {m.group(1) + m.group(2) for m in found}:
                by_module[module] += size
        else:
            by_crate["(none of ours)"] += size

    if total == 0:
        sys.exit(f"{args.binary}: no function symbols (a stripped binary?)")

    def table(title, counter, counts=None):
        print(f"\n{title}")
        for key, size in counter.most_common(args.top):
            extra = f"  {counts[key]:7d} functions" if counts else ""
            print(f"  {size / 1e6:7.2f} MB {100 * size / total:5.1f} %{extra}  {key}")

    print(f"{args.binary}: {total / 1e6:.1f} MB in {sum(kind_count.values())} functions")
    print(
        f"  naming Leptos's view and reactive crates: {leptos_size / 1e6:.1f} MB "
        f"({100 * leptos_size / total:.0f} %) in {leptos_functions} functions"
    )
    table("By kind of function", by_kind, kind_count)
    table("By the first of our crates the name mentions", by_crate)
    table("By module: functions whose name mentions it (rows overlap)", by_module)


if __name__ == "__main__":
    main()
