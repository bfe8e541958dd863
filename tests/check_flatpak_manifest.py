#!/usr/bin/python3
"""The Flatpak manifest is valid JSON, names the app and asks for little."""

import json
import sys

ALLOWED = {"--share=network", "--share=ipc", "--socket=wayland", "--socket=fallback-x11",
           "--device=dri"}


def main():
    path = sys.argv[1]
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as error:
        print(f"FAIL: {path} is not valid JSON: {error}")
        return 1

    problems = []
    if manifest.get("id") != "io.github.conciergedesk.Concierge":
        problems.append(f"the id is {manifest.get('id')!r}, not io.github.conciergedesk.Concierge")
    if manifest.get("runtime") != "org.gnome.Platform" or manifest.get("sdk") != "org.gnome.Sdk":
        problems.append("the runtime is not org.gnome.Platform with org.gnome.Sdk")
    if manifest.get("command") != "concierge":
        problems.append("the command is not concierge")

    args = manifest.get("finish-args", [])
    for forbidden in ("--filesystem=host", "--talk-name=org.freedesktop.secrets"):
        if forbidden in args:
            problems.append(f"finish-args ask for {forbidden}")
    for arg in args:
        if arg.startswith("--filesystem="):
            problems.append(f"finish-args ask for file system access: {arg}")
        elif arg not in ALLOWED:
            problems.append(f"finish-args ask for {arg}, which is not in the minimal set")

    modules = manifest.get("modules", [])
    if not modules or modules[-1].get("name") != "concierge":
        problems.append("the last module does not build concierge")
    elif not any(s.get("type") == "dir" and s.get("path") == ".."
                 for s in modules[-1].get("sources", [])):
        problems.append("the concierge module does not build the local checkout")

    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print(f"{path}: valid, finish-args {args}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
