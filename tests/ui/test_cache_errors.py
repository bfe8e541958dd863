#!/usr/bin/python3
"""A damaged cache and one from a newer version each get a dialog a person
understands; the damaged file is moved aside, never deleted."""

import glob
import os
import sqlite3
import sys
import tempfile

import uitest


def damaged_cache():
    app = uitest.App("en", cache_bytes=b"this is not a database, it was damaged " * 200)
    try:
        app.wait_for_app()
        app.find("Cached Conversations Are Damaged", role="label")
        app.click(app.find_button("Move Aside and Start Fresh"))
        app.find("No Conversations Yet")
        moved = glob.glob(app.cache_path + ".damaged-*")
        if len(moved) != 1:
            uitest.fail(f"the damaged file was not moved aside: {os.listdir(os.path.dirname(app.cache_path))}")
        with open(moved[0], "rb") as f:
            if not f.read().startswith(b"this is not a database"):
                uitest.fail("the moved file is not the damaged one")
        app.find(f"The damaged cache was moved to “{moved[0]}”", role="label")
        print("the damaged cache was moved aside and a fresh one started")
    finally:
        app.quit()


def newer_cache():
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "newer.sqlite")
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE future (x)")
        db.execute("PRAGMA user_version = 99")
        db.commit()
        db.close()
        with open(path, "rb") as f:
            contents = f.read()

    app = uitest.App("de", cache_bytes=contents)
    try:
        app.wait_for_app()
        app.find("Zwischenspeicher einer neueren Version", role="label")
        app.click(app.find_button("Beenden"))
        status = app.wait_exit()
        if status != 0:
            uitest.fail(f"Quit ended the app with status {status}")
        with open(app.cache_path, "rb") as f:
            if f.read() != contents:
                uitest.fail("the newer cache was changed")
        print("the newer cache was refused, in German, and left as it was")
    finally:
        app.quit()


if __name__ == "__main__":
    damaged_cache()
    newer_cache()
