#!/usr/bin/env python3
"""Lists the images a resolved compose file builds, each with the hash of everything its build reads.

Reads `docker-compose config` as JSON on stdin; prints one JSON object a line: image, context, dockerfile, args and
hash. The hash covers the Dockerfile, the build arguments, the files and folders its COPY/ADD lines take from the
context, and the id of every base image it names (so a rebuilt base rebuilds what stands on it). scripts/compose.sh
stores it as an image label and skips a build whose label already matches. Arguments named in --ignore-arg (a
transport detail such as a wheel server's address) stay out of the hash.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(keyword, rest) per instruction, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    buf = ""
    for line in dockerfile.splitlines():
        stripped = line.strip()
        if not buf and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            buf += stripped[:-1] + " "
            continue
        buf += stripped
        keyword, _, rest = buf.partition(" ")
        out.append((keyword.upper(), rest.strip()))
        buf = ""
    return out


def substitute(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], ""), text)


def hash_path(h: "hashlib._Hash", path: Path) -> None:
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(f.relative_to(path)).encode() + b"\0" + f.read_bytes())
    elif path.is_file():
        h.update(path.read_bytes())
    else:
        h.update(b"missing:" + str(path).encode())


def image_id(name: str) -> str:
    r = subprocess.run(["docker", "image", "inspect", "-f", "{{.Id}}", name], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else f"absent:{name}"


def plan(service_image: str, build: dict, ignore: set[str]) -> dict:
    context = Path(build["context"])
    dockerfile = context / build.get("dockerfile", "Dockerfile")
    text = dockerfile.read_text()
    args = {k: str(v) for k, v in (build.get("args") or {}).items()}
    h = hashlib.sha256(text.encode())
    h.update(json.dumps({k: v for k, v in sorted(args.items()) if k not in ignore}).encode())
    defaults: dict[str, str] = {}
    for keyword, rest in instructions(text):
        if keyword == "ARG" and "=" in rest:
            k, _, v = rest.partition("=")
            defaults.setdefault(k.strip(), v.strip().strip('"'))
        elif keyword == "FROM":
            base = substitute(rest.split()[0], {**defaults, **args})
            h.update(image_id(base).encode())
        elif keyword in ("COPY", "ADD"):
            words = [w for w in rest.split() if not w.startswith("--")]
            if any(w.startswith("--from") for w in rest.split()):
                continue
            for src in words[:-1]:
                h.update(src.encode())
                hash_path(h, context / src)
    return {
        "image": service_image,
        "context": str(context),
        "dockerfile": str(dockerfile),
        "args": args,
        "hash": h.hexdigest()[:16],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ignore-arg", action="append", default=[])
    opts = parser.parse_args()
    config = json.load(sys.stdin)
    seen: set[str] = set()
    for name, service in sorted(config["services"].items()):
        build = service.get("build")
        if not build:
            continue
        image = service.get("image") or f"{os.environ.get('COMPOSE_PROJECT_NAME', 'mlops')}_{name}"
        if image in seen:
            continue
        seen.add(image)
        print(json.dumps(plan(image, build, set(opts.ignore_arg))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
