#!/usr/bin/python3
"""The cached inbox with no network: rows named by customer and snippet,
a conversation and its customer, and search."""

import os
import sys
import tempfile

import pyatspi

import uitest

WORKSPACE = os.path.join(os.path.dirname(__file__), "..", "data", "inbox-workspace.json")


def narrow_window():
    """On a narrow window, choosing a conversation opens it, and Back returns."""
    with tempfile.TemporaryDirectory() as config:
        settings = os.path.join(config, "glib-2.0", "settings")
        os.makedirs(settings)
        with open(os.path.join(settings, "keyfile"), "w") as f:
            f.write("[io/github/conciergedesk/Concierge]\nwindow-width=400\nwindow-height=700\n")
        app = uitest.App("en", {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config},
                         workspace=WORKSPACE)
        try:
            app.wait_for_app()
            inbox = app.find("Conversations", role="list")
            app.wait_rows(inbox, lambda names: len(names) == 2, "the two open conversations")
            inbox.querySelection().selectChild(1)
            app.find("Das tut uns leid, Jana. Wir schauen uns das an. ^Mira", role="label")
            app.click(app.find("Back to Inbox", role="push button"))
            app.find("Search conversations", role="entry")
            print("a narrow window opens the chosen conversation and goes back to the inbox")
        finally:
            app.quit()


def main():
    app = uitest.App("en", workspace=WORKSPACE, offline=True)
    try:
        app.wait_for_app()
        inbox = app.find("Conversations", role="list")

        # Longest waiting first: the private Telegram message waited 200 min,
        # the public Mastodon thread 12 min; the resolved thread is not shown.
        rows = app.wait_rows(inbox, lambda names: len(names) == 2, "the two open conversations")
        print("rows:", rows)
        if not rows[0].startswith("Jana 🌻, Private on Telegram, waiting 3 h"):
            uitest.fail(f"the longest waiting conversation is not first: {rows!r}")
        if "Hallo, ich schreibe wegen der Störung hier privat." not in rows[0]:
            uitest.fail(f"the row does not carry its snippet: {rows[0]!r}")
        if "Public on Mastodon" not in rows[1] or "Immer noch nichts." not in rows[1]:
            uitest.fail(f"the public conversation's row is wrong: {rows[1]!r}")

        # Choosing the public conversation shows its messages and the customer.
        inbox.querySelection().selectChild(1)
        app.find("Public on Mastodon: everyone can read this conversation and your replies", role="label")
        app.find("Das tut uns leid, Jana. Wir schauen uns das an. ^Mira", role="label")
        app.find("@jana@chaos.example", role="label")
        app.find("@jbecker", role="label")
        # A content warning stands in for the text until it is opened.
        app.find("Content warning: Ärger mit der Rechnung", role="label")
        body = "@support@wellenfunk.example Seit heute Morgen kein Internet. " \
               "Meine IBAN DE89 3704 0044 0532 0130 00 wurde trotzdem belastet!"
        if any(node.name == body and node.getState().contains(pyatspi.STATE_VISIBLE)
               for node in uitest.walk(app.root)):
            uitest.fail("the text behind a content warning shows before it is opened")
        app.click(app.find_button("Show"))
        app.find(body, role="label")
        print("a content warning keeps its text collapsed until Show")
        history = app.find("Conversations on every channel", role="list")
        if history.childCount != 2:
            uitest.fail(f"the customer panel lists {history.childCount} conversations, not 2")
        print("the conversation and the customer's two conversations are shown")

        # Search runs over every conversation, resolved ones too, newest first.
        search = app.find("Search conversations", role="entry")
        app.insert_text(search, "danke")
        rows = app.wait_rows(inbox, lambda names: len(names) == 1, "one search result")
        # The customer's own name is text: markup in it is shown, not obeyed.
        if not rows[0].startswith("Tom <b>Schulz</b>, Private on Telegram"):
            uitest.fail(f"the search result is wrong: {rows!r}")
        app.find("Tom <b>Schulz</b>", role="label")

        app.insert_text(search, "zahnarzttermin")
        app.find("No Results")
        app.insert_text(search, "")
        app.wait_rows(inbox, lambda names: len(names) == 2, "the open conversations again")
        print("search finds conversations and says when nothing matches")
        app.check_alive()
    finally:
        app.quit()


if __name__ == "__main__":
    main()
    narrow_window()
