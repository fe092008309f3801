#!/usr/bin/env python3
"""check-layers.py BUILD_DIR - no layer includes or calls a higher one.

The layers, lowest first (docs/architecture.md):
    core < kernel < seam < loop < harness < targets < cli

Two checks, both from the build's compile_commands.json:
  includes  every #include "x" (and <wakesim/x>) of a layer's source resolves
            to a header of the same or a lower layer; internal headers
            (listed below) only for the layers named with them
  symbols   every undefined symbol of a layer's object file that the project
            defines is defined by an object of the same or a lower layer
            (nm; weak references count)

Exit 0 when both hold, 1 with one line per breach, 2 on bad usage.
"""
import json
import os
import subprocess
import sys

LAYERS = ["core", "kernel", "seam", "loop", "harness", "targets", "cli"]
# Source folders of each layer; tests and tools sit on top of everything.
FOLDERS = {
    "core": ["sim/core"],
    "kernel": ["sim/kernel"],
    "seam": ["sim/seam"],
    "loop": ["loop"],
    "harness": ["sim/harness", "include/wakesim"],
    "targets": ["targets"],
    "cli": ["cli"],
}
NOT_LAYERED = ("/tests/", "/os/")  # loop/os: the real build's OS layer
# Internal headers and the layers that may include them: the simulator's
# internals are for the simulator's own layers, loop/'s for loop/ and its
# target; every other layer uses the public headers.
INTERNAL = {
    "sim-int.h": {"core", "kernel", "seam"},
    "core.h": {"core", "kernel", "seam"},
    "kernel.h": {"kernel", "seam"},
    "libc-int.h": {"seam"},
    "atomic-model.h": {"seam"},
    "aio-internal.h": {"loop", "targets"},
}
# C library functions the seam defines in place of the C library's own for
# the whole process (its heap check, sim/seam/heap.c): every layer calls the
# C library's allocator, and reaching the seam's definition is the point.
LIBC_INTERPOSED = {"malloc", "calloc", "realloc", "reallocarray", "free",
                   "malloc_usable_size"}


def layer_of(root, path):
    rel = os.path.relpath(os.path.realpath(path), root)
    if any(part in "/" + rel for part in NOT_LAYERED):
        return None
    for layer in LAYERS:
        for folder in FOLDERS[layer]:
            if rel == folder or rel.startswith(folder + "/"):
                return layer
    return None


def header_index(root):
    """Header basename -> the layers that have a header of that name."""
    index = {}
    for layer in LAYERS:
        for folder in FOLDERS[layer]:
            for dirpath, _, files in os.walk(os.path.join(root, folder)):
                if any(part in dirpath + "/" for part in NOT_LAYERED):
                    continue
                for f in files:
                    if f.endswith(".h"):
                        index.setdefault(f, set()).add(layer)
    return index


def check_includes(root, sources, index):
    breaches = []
    for src, layer in sources.items():
        rank = LAYERS.index(layer)
        own_dir = os.path.dirname(src)
        with open(src, errors="replace") as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line.startswith("#include"):
                    continue
                arg = line[len("#include"):].strip()
                if arg.startswith('"'):
                    name = arg[1:].split('"')[0]
                elif arg.startswith("<wakesim/"):
                    name = arg[len("<wakesim/"):].split(">")[0]
                else:
                    continue
                if os.path.exists(os.path.join(own_dir, name)):
                    continue  # the includer's own folder, found first
                base = os.path.basename(name)
                owners = index.get(base)
                if not owners:
                    continue  # generated, system or third-party
                ok = [o for o in owners if LAYERS.index(o) <= rank and
                      layer in INTERNAL.get(base, {layer})]
                if not ok:
                    rel = os.path.relpath(src, root)
                    breaches.append(f"{rel}:{n}: {layer} includes {name} "
                                    f"({', '.join(sorted(owners))})")
    return breaches


def nm(obj, flags):
    out = subprocess.run(["nm", flags, obj], capture_output=True, text=True)
    return out.stdout.splitlines() if out.returncode == 0 else []


def check_symbols(root, objects):
    defined = {}  # symbol -> lowest layer defining it
    for obj, (src, layer) in objects.items():
        for line in nm(obj, "--defined-only"):
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBRVWtdbr" and parts[1].isupper():
                rank = LAYERS.index(layer)
                defined[parts[2]] = min(defined.get(parts[2], rank), rank)
    breaches = []
    for obj, (src, layer) in objects.items():
        rank = LAYERS.index(layer)
        for line in nm(obj, "--undefined-only"):
            sym = line.split()[-1]
            if sym in defined and defined[sym] > rank and sym not in LIBC_INTERPOSED:
                rel = os.path.relpath(src, root)
                breaches.append(f"{rel}: {layer} refers to {sym} "
                                f"({LAYERS[defined[sym]]})")
    return breaches


def object_of(entry):
    """The object file a compile command writes (its -o argument)."""
    if entry.get("output"):
        return os.path.join(entry["directory"], entry["output"])
    words = entry.get("command", "").split() or entry.get("arguments", [])
    for i, w in enumerate(words[:-1]):
        if w == "-o":
            return os.path.join(entry["directory"], words[i + 1])
    return None


def main():
    if len(sys.argv) != 2:
        print("usage: check-layers.py BUILD_DIR", file=sys.stderr)
        return 2
    build = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    db = os.path.join(build, "compile_commands.json")
    try:
        with open(db) as f:
            entries = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check-layers: cannot read {db}: {e}", file=sys.stderr)
        return 2
    sources, objects = {}, {}
    for e in entries:
        src = os.path.realpath(os.path.join(e["directory"], e["file"]))
        layer = layer_of(root, src)
        if layer is None:
            continue
        sources[src] = layer
        obj = object_of(e)
        if obj and os.path.exists(obj) and "/fuzz/" not in obj:
            objects.setdefault(obj, (src, layer))
    for folders in FOLDERS.values():
        for folder in folders:
            for dirpath, _, files in os.walk(os.path.join(root, folder)):
                for f in files:
                    p = os.path.join(dirpath, f)
                    if f.endswith(".h") and layer_of(root, p):
                        sources.setdefault(os.path.realpath(p), layer_of(root, p))
    if not objects:
        print(f"check-layers: no object files listed in {db} (build first)", file=sys.stderr)
        return 2
    breaches = check_includes(root, sources, header_index(root))
    breaches += check_symbols(root, objects)
    for b in breaches:
        print(b)
    print(f"check-layers: {len(sources)} sources, {len(objects)} objects, "
          f"{len(breaches)} breaches of {' < '.join(LAYERS)}")
    return 1 if breaches else 0


if __name__ == "__main__":
    sys.exit(main())
