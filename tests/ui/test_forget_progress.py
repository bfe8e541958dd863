#!/usr/bin/python3
"""Forgetting a customer on the demo workspace, while another program reads
the cache file: the file's last cleanup has to wait for that reader, so
the forget is still running, deterministically, until the test lets go.
Meanwhile the customer panel shows how far it is, under a name a screen
reader reads; the Forget button waits; and the agent opens another
conversation, which the store serves between the forget's steps. When the
reader lets go, the forget ends with its toast, and nothing of the
customer is left in the file."""

import os
import sqlite3
import tempfile

import uitest

WORKSPACE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "build-aux", "demo",
                         "workspace.json")
FORGOTTEN = "Holger Brandt"
# His words, which must leave the cache file
THEIRS = ("Holger Brandt", "hbrandt", "2x 44,99", "3318-2209-71", "bin grad nur am Handy")
OTHER = "Karin Vogel"
OTHER_TEXT = "den Vertrag meiner verstorbenen Mutter"
FORGET_BUTTON = "Forget This Customer…"
CLEANING_UP = "Cleaning up the cache file…"


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-forget-")
    with uitest.logged_app(work.name, "en", workspace=WORKSPACE, offline=True) as app:
        run(app)


def count_contacts(app, name):
    """Read in a connection of its own, which is closed again at once."""
    db = sqlite3.connect(f"file:{app.cache_path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT count(*) FROM contacts WHERE name = ?", (name,)).fetchone()[0]
    finally:
        db.close()


def show_panel(app):
    """Opens the customer panel unless it is open: its widgets are there,
    and read as visible, also while the panel is hidden."""
    toggle = app.find_button("Customer Details")
    if not toggle.getState().contains(uitest.STATE_PRESSED):
        app.click(toggle)
    uitest.wait_until(lambda: toggle.getState().contains(uitest.STATE_PRESSED), "the customer panel open")


def sensitive(node):
    return node.getState().contains(uitest.STATE_SENSITIVE)


def shows_text(app, text):
    return any(name and text in name
               and uitest.readable(lambda: node.getRoleName() == "label" and node.getState().contains(uitest.STATE_VISIBLE))
               for node, name in uitest.named(app.root))


def progress_bars(app):
    """The names of the progress bars in the window: a hidden widget's
    children leave the tree, while their own state stays visible."""
    return [node.name for node in uitest.walk(app.root)
            if uitest.readable(lambda n=node: n.getRoleName() == "progress bar")]


def run(app):
    app.wait_for_app()
    uitest.open_thread(app, FORGOTTEN)
    show_panel(app)
    app.find(FORGOTTEN, role="label")

    # Another program reads the cache file, and keeps its snapshot.
    reader = sqlite3.connect(f"file:{app.cache_path}?mode=ro", uri=True, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM messages").fetchone()

    app.click(app.find_button(FORGET_BUTTON))
    dialog = app.find_window(f"Forget {FORGOTTEN}?")
    app.click(app.find_button("Forget", within=dialog))

    # The rows go at once; the window reads the inbox anew meanwhile, and
    # the tree is read after that.
    uitest.wait_until(lambda: count_contacts(app, FORGOTTEN) == 0, "the customer's rows to go")
    app.wait_rows(app.find("Conversations", role="list"),
                  lambda names: names and not any(n.startswith(FORGOTTEN) for n in names),
                  f"{FORGOTTEN} gone from the inbox")
    # His conversation is no longer open for a reply nobody could receive.
    app.find("No Conversation Selected", role="label")

    # How far it is, in words and as a bar with a name and a description.
    bar = app.find(f"Forgetting {FORGOTTEN}", role="progress bar")
    uitest.wait_until(lambda: bar.description == CLEANING_UP, "the step of cleaning up the cache file")
    app.find(CLEANING_UP, role="label")
    print(f"the panel shows {bar.name!r}: {bar.description!r}")

    # The agent opens another conversation while the forget runs.
    uitest.open_thread(app, OTHER)
    uitest.wait_until(lambda: shows_text(app, OTHER_TEXT), f"{OTHER}'s conversation to open")
    app.find(OTHER, role="label")
    forget = app.find_button(FORGET_BUTTON)
    if sensitive(forget):
        uitest.fail("the Forget button can be pressed while another customer is being forgotten")
    if bar.description != CLEANING_UP or progress_bars(app) != [bar.name]:
        uitest.fail(f"forgetting ended while the cache file was read: {bar.description!r}")
    print(f"{OTHER}'s conversation opened while forgetting ran; Forget waits")

    # The reader lets go: the forget ends, with its toast.
    reader.rollback()
    reader.close()
    app.find(f"{FORGOTTEN} is forgotten on this computer", role="label")
    uitest.wait_until(lambda: sensitive(app.find_button(FORGET_BUTTON)), "the Forget button back")
    uitest.wait_until(lambda: not progress_bars(app), "the progress gone after forgetting ended")

    data = app.read_cache()
    for word in THEIRS:
        if word.encode() in data:
            uitest.fail(f"{word!r} is still in the cache file after forgetting")
    print("forgotten: the progress is gone, the toast says so, and nothing of him is left in the file")


if __name__ == "__main__":
    main()
