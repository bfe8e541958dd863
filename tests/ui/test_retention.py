#!/usr/bin/python3
"""Retention, as an administrator sets it: with "Delete Old Conversations"
on for one day, the conversation Tom's case was resolved in two days ago
leaves the cache file soon after start, while the open ones stay.
Preferences → Privacy shows the choice, and switching it off keeps every
conversation from then on. A cache once moved aside as damaged is listed
there too, and deleted from disk after a confirmation."""

import os


import uitest

WORKSPACE = os.path.join(os.path.dirname(__file__), "..", "data", "inbox-workspace.json")
RESOLVED_TEXT = "Danke für die schnelle Hilfe!"
OPEN_TEXT = "Immer noch nichts."


def main():
    app = uitest.App("en", workspace=WORKSPACE, offline=True, settings={"retention-days": "1"})
    try:
        run(app)
    finally:
        app.quit()


def run(app):
    app.wait_for_app()
    if RESOLVED_TEXT.encode() not in app.read_cache():
        uitest.fail("the workspace lacks the resolved conversation the test deletes")

    uitest.wait_until(lambda: RESOLVED_TEXT.encode() not in app.read_cache(),
                      "the conversation resolved two days ago to leave the cache", timeout=60)
    if OPEN_TEXT.encode() not in app.read_cache():
        uitest.fail("an open conversation went too")
    print("a conversation resolved longer ago than the retention period leaves the cache; open ones stay")

    # A damaged cache from an earlier day, as the app moves one aside
    damaged = app.cache_path + ".damaged-20261101-101500"
    with open(damaged, "wb") as f:
        f.write(b"SQLite format 3\0" + b"\0" * 4080)
    with open(damaged + "-wal", "wb") as f:
        f.write(b"\0" * 1000)

    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    preferences = app.find_window("Preferences")
    app.click(app.find("Privacy", role="page tab"))
    days = app.find("Resolved for More Than", role="spin button")
    row = app.find("Delete Old Conversations", role="list item")
    switch = [n for n in uitest.walk(row) if n.getRoleName() == "check box"
              and n.getState().contains(uitest.STATE_CHECKED)]
    if not switch or days.queryValue().currentValue != 1:
        uitest.fail("Preferences → Privacy does not show the retention as on:\n" + uitest.dump(preferences))
    app.click(switch[0])

    uitest.wait_until(lambda: "retention-days=0" in app.saved_settings(),
                      "the retention switched off in the settings")
    print("Preferences shows the retention, and switching it off keeps every conversation")

    damaged_list = app.find("Damaged Caches", role="list")
    app.find("Moved aside on 1 November 2026, 10:15", role="label")
    app.find("5.1\u00a0kB", role="label")
    app.click(app.find_button("Delete…", within=damaged_list))
    dialog = app.find_window("Delete the Damaged Cache?")
    app.click(app.find_button("Delete", within=dialog))
    uitest.wait_until(lambda: not os.path.exists(damaged) and not os.path.exists(damaged + "-wal"),
                      "the damaged cache gone from disk")
    app.find("Damaged cache deleted", role="label")
    print("a damaged cache is listed with its date and size, and deleted after a confirmation")


if __name__ == "__main__":
    main()
