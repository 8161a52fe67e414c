#!/usr/bin/env python3
"""Lists dependencies a crate declares but never names in its code (the
check `cargo machete` makes, without building anything). A dependency is
used when its name (with `-` as `_`) appears as a path (`name::`), in a
`use`, or as `extern crate`. Exit 1 when one is unused.

Dependencies used only through a macro of another crate or a feature can
be listed in `ALLOWED` with the reason."""
import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
# crate -> dependencies used without being named in code, and why.
ALLOWED = {
    # sqlx's derive macros expand to `sqlx::` paths inside the store only.
}


def named(dep: str, files) -> bool:
    ident = dep.replace("-", "_")
    pattern = re.compile(rf"(?<![\w:]){ident}(::|\s*;|\s+as\s)|extern crate {ident}\b|::{ident}::")
    return any(pattern.search(f.read_text(encoding="utf-8")) for f in files)


def main() -> int:
    unused = []
    for manifest in sorted(ROOT.glob("crates/*/Cargo.toml")):
        crate = manifest.parent
        meta = tomllib.loads(manifest.read_text(encoding="utf-8"))
        sources = list((crate / "src").rglob("*.rs"))
        tests = sources + list((crate / "tests").rglob("*.rs")) + list((crate / "benches").rglob("*.rs"))
        for table, files in (("dependencies", sources), ("dev-dependencies", tests)):
            for dep in meta.get(table, {}):
                if dep in ALLOWED.get(crate.name, ()):
                    continue
                if not named(dep, files):
                    unused.append(f"{crate.name}: [{table}] {dep}")
    for line in unused:
        print(f"unused dependency: {line}")
    return 1 if unused else 0


if __name__ == "__main__":
    sys.exit(main())
