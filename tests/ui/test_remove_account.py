#!/usr/bin/python3
"""Removing an account while replies to its customers wait to be sent:
Preferences says how many, Cancel keeps the account with its replies, and
removing it after all deletes it with them."""

import sqlite3
import time

import uitest

TOKEN = "ui-remove-token-Wq7Lp3Xz9Kd2Mv5Nb8Ty"


def find_named_start(app, start, role):
    """A visible accessible whose name starts with @start: a dialog's body
    or a reply's state, whose ends the test need not spell out."""
    deadline = time.monotonic() + uitest.TIMEOUT
    while time.monotonic() < deadline:
        found = [node for node, name in uitest.named(app.root)
                 if name and name.startswith(start)
                 and uitest.readable(lambda: node.getRoleName() == role
                                     and node.getState().contains(uitest.STATE_VISIBLE))]
        if found:
            return found
        time.sleep(0.2)
    uitest.fail(f"nothing whose name starts with {start!r} is visible. The app shows:\n" + uitest.dump(app.root))


def write_reply(app, text):
    app.insert_text(app.find("Reply", role="text"), text)
    app.find("Public reply: everyone can read it", role="label")
    app.click(app.find_button("Send"))


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    uitest.open_thread(app, "Jana Becker")

    # Mastodon refuses two replies: they stay in the outbox, failed, for
    # the agent to try again.
    sandbox.post("/_sandbox/fault", {"path": "/api/v1/statuses", "method": "POST", "kind": "refuse", "count": 2})
    write_reply(app, "Wir prüfen Ihren Anschluss.")
    uitest.wait_until(lambda: len(sandbox.posts_with("Wir prüfen Ihren Anschluss.")) == 1, "the first reply sent")
    write_reply(app, "Der Techniker meldet sich morgen.")
    uitest.wait_until(lambda: len(sandbox.posts_with("Der Techniker meldet sich morgen.")) == 1,
                      "the second reply sent")
    uitest.wait_until(lambda: len([name for _, name in uitest.named(app.root)
                                   if name and name.startswith("Not sent:")]) == 2,
                      "both replies refused")
    print("two replies wait in the outbox, refused by the server")

    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    app.find_window("Preferences")

    # Removing asks, and names the replies that would go.
    app.click(app.find("Remove Support on Mastodon", role="push button"))
    app.find("Remove Support on Mastodon?", role="label")
    find_named_start(app, "2 replies to its customers are still waiting to be sent. If you keep the "
                          "conversations, they stay with them and can go out once you sign in to the account "
                          "again. If you delete them, the replies are deleted too and never reach the customers.",
                     "label")
    app.click(app.find_button("Cancel"))
    app.wait_window_gone("Remove Support on Mastodon?")
    print("removing the account names the two waiting replies")

    # Cancel keeps the account, and it goes on syncing.
    app.find("Remove Support on Mastodon", role="push button")
    time.sleep(1)
    for _, name in uitest.named(app.root):
        if name in ("Removed; its conversations stay readable", "No accounts yet"):
            uitest.fail("Cancel removed the account")
    print("Cancel keeps the account")

    # Removing it after all deletes it, with its conversations and replies.
    app.click(app.find("Remove Support on Mastodon", role="push button"))
    find_named_start(app, "2 replies to its customers are still waiting to be sent.", "label")
    app.click(app.find_button("Delete Conversations"))
    app.find("No accounts yet", role="label")
    db = sqlite3.connect(f"file:{app.cache_path}?mode=ro", uri=True)
    try:
        left = [db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("accounts", "outbox")]
    finally:
        db.close()
    if left != [0, 0]:
        uitest.fail(f"the cache still holds {left[0]} accounts and {left[1]} replies in the outbox")
    print("Delete Conversations removes the account, with its conversations and replies")


def main():
    uitest.run_with_sandbox(run, TOKEN, prefix="concierge-remove-")


if __name__ == "__main__":
    main()
