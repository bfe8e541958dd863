#!/usr/bin/python3
"""A search for a word in more conversations than the inbox lists: 510
customers ask about their router on Mastodon, and a search for "router"
shows the first 500 and says so below the search field. Another word
narrows it down to one conversation, and the note goes."""

import re

import uitest

TOKEN = "ui-search-limit-token-Vb7Kq2Xw9Rt4Mz"
MENTIONS = 510
LIMITED = "Showing the first 500 conversations that match. Add words to narrow the search."


def open_count(app):
    """How many open conversations the view button says there are."""
    for _, name in uitest.named(app.root):
        found = re.match(r"Longest Waiting, (\d+) conversations$", name or "")
        if found:
            return int(found.group(1))
    return 0


def shows(app, text):
    return any(name == text and uitest.readable(lambda: node.getState().contains(uitest.STATE_VISIBLE))
               for node, name in uitest.named(app.root))


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    uitest.wait_until(lambda: open_count(app) >= MENTIONS, f"the {MENTIONS} mentions to arrive", timeout=150)
    print(f"{open_count(app)} open conversations")

    inbox = app.find("Conversations", role="list")
    search = app.find("Search conversations", role="entry")
    app.insert_text(search, "router")
    app.find(LIMITED, role="label")
    app.wait_rows(inbox, lambda names: len(names) > 0 and all("Router" in name for name in names),
                  "conversations about the router")
    print("the search shows its first 500 conversations and says so")

    app.insert_text(search, "router nummer 509")
    app.wait_rows(inbox, lambda names: len(names) == 1 and "Frage Nummer 509:" in names[0],
                  "the one conversation with question 509")
    uitest.wait_until(lambda: not shows(app, LIMITED), "the note about the first 500 to go")
    print("another word narrows the search to one conversation, without the note")


if __name__ == "__main__":
    uitest.require_environment()
    uitest.run_with_sandbox(run, TOKEN, "--seed-mentions", str(MENTIONS), prefix="concierge-search-limit-")
