#!/usr/bin/python3
"""Preferences → Accounts, as an agent uses it: adding a Telegram bot by its
token (a wrong token is explained, a webhook is offered for removal), the
bot's customers arriving, and removing the account while keeping its
conversations."""

import glob
import os
import sys
import tempfile

import uitest

TOKEN = "7000000001:AAH-prefs-test-Kq2mZ8xV4bN6cT1rL9wYe3uJ"


def open_preferences(app):
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    return app.find_window("Preferences")


def add_bot(app, sandbox, token):
    app.click(app.find("Add a Telegram Bot", role="push button"))
    app.insert_text(app.find("Bot Token", role="text"), token)
    app.insert_text(app.find("Bot API Address", role="text"), sandbox.url)
    app.click(app.find_button("Add Bot"))


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-prefs-")
    sandbox = uitest.Sandbox("mastodon-token-unused", work.name, "--telegram-token", TOKEN,
                             "--telegram-webhook", "https://hooks.example/wellenfunk")
    log_path = os.path.join(work.name, "app.log")
    log = open(log_path, "w")
    app = uitest.App("en", extra_env={"GSETTINGS_BACKEND": "keyfile"}, log=log)
    app.keep_home = True
    try:
        run(app, sandbox)
    except BaseException:
        log.flush()
        with open(log_path, encoding="utf-8", errors="replace") as f:
            print("The app's output:\n" + f.read()[-4000:], file=sys.stderr)
        raise
    finally:
        app.quit()
        log.close()
        sandbox.stop()

    for place in [log_path, sandbox.record] + glob.glob(os.path.join(app.home.name, "data", "concierge", "*")):
        with open(place, "rb") as f:
            if TOKEN.encode() in f.read():
                uitest.fail(f"the bot token was written to {os.path.basename(place)}")
    print("the bot token is in none of the app's files, its output or the sandbox's record")
    app.home.cleanup()
    work.cleanup()


def run(app, sandbox):
    app.wait_for_app()
    open_preferences(app)
    app.find("No accounts yet", role="label")

    # A wrong token gets a sentence, not a failure code.
    add_bot(app, sandbox, "7000000001:not-the-token")
    app.find("Telegram does not know this token. Copy it again from @BotFather.", role="label")
    print("a wrong token is explained")

    # The bot has a webhook: Concierge says so and removes it when asked.
    app.insert_text(app.find("Bot Token", role="text"), TOKEN)
    app.click(app.find_button("Add Bot"))
    app.find("Remove the Bot’s Webhook?")
    app.click(app.find_button("Remove Webhook"))
    app.find("Wellenfunk Hilfe on Telegram", role="label")
    print("a bot with a webhook is added once the webhook is removed")

    # Its customers arrive in the inbox, privately and from the group.
    app.find("Up to date", role="label")
    inbox = app.find("Conversations", role="list")
    rows = app.wait_rows(inbox, lambda names: sum("Telegram" in n for n in names) >= 3,
                         "the bot's conversations")
    if not any("Private on Telegram" in n for n in rows) or not any("Public on Telegram" in n for n in rows):
        uitest.fail(f"the bot's private chats and group mentions are not all there: {rows!r}")
    print("the bot's customers arrive, privately and from the group")

    # Removing it, keeping the conversations.
    app.click(app.find("Remove Wellenfunk Hilfe on Telegram", role="push button"))
    app.click(app.find_button("Keep Conversations"))
    app.find("Removed; its conversations stay readable", role="label")
    app.wait_rows(inbox, lambda names: sum("Telegram" in n for n in names) >= 3,
                  "the kept conversations")
    print("a removed account's conversations stay when the agent keeps them")


if __name__ == "__main__":
    main()
