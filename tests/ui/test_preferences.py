#!/usr/bin/python3
"""Preferences → Accounts, as an agent uses it: adding a Telegram bot by its
token (a wrong token is explained, a webhook is offered for removal), the
bot's customers arriving, and removing the account while keeping its
conversations. Then Preferences → Saved Replies: adding one in its dialog,
changing it, deleting it and taking that back, exporting them to a file
through the file chooser and importing them from it again."""

import json
import os
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
        saved_replies(app, work.name)
    except BaseException:
        uitest.show_output(log, log_path)
        raise
    finally:
        app.quit()
        log.close()
        sandbox.stop()

    # The record has requests as they came: the app used this token.
    if not any(r["path"].startswith(f"/bot{TOKEN}/") for r in sandbox.requests()):
        uitest.fail("the sandbox never saw the bot token: the check below would prove nothing")
    uitest.assert_never_written(TOKEN, app, log_path, "bot token")
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


CREDIT = "Hallo {customer.first_name}, wir haben Ihnen den Betrag gutgeschrieben.\n\nViele Grüße\n{agent.name}"
ADDRESS = "Ihre neue Adresse ist gespeichert, {customer.name}."


def sensitive(node):
    return node.getState().contains(uitest.STATE_SENSITIVE)


def titles(app):
    """The saved replies' rows, as their titles name them."""
    replies = app.find("Saved Replies", role="list")
    names = []
    for i in range(replies.childCount):
        row = replies.getChildAtIndex(i)
        if row is not None and row.getState().contains(uitest.STATE_VISIBLE):
            names.append(row.name)
    return names


def wait_titles(app, expected):
    uitest.wait_until(lambda: titles(app) == expected, f"the saved replies {expected!r}; "
                      f"the page shows {titles(app)!r}")


def fill_in(app, dialog, title, text, language, address):
    app.insert_text(app.find("Title", role="text"), title)
    app.insert_text(app.find("Text", role="text"), text)
    app.click(app.find(language, role="push button"))
    app.click(app.find(address, role="push button"))
    save = app.find_button("Save", within=dialog)
    uitest.wait_until(lambda: sensitive(save), "Save to accept a title and a text")
    app.click(save)


def saved_replies(app, directory):
    app.click(app.find("Saved Replies", role="page tab"))
    app.find("No saved replies yet", role="label")

    # Save waits for a title and a text; the dialog names the variables.
    app.click(app.find("Add Saved Reply", role="push button"))
    dialog = app.find_window("New Saved Reply")
    app.find("When you insert the reply, Concierge fills in {customer.first_name}, {customer.name}, "
             "{agent.name}, {thread.platform} and {ticket}.", role="label")
    if sensitive(app.find_button("Save", within=dialog)):
        uitest.fail("Save is possible before the reply has a title and a text")
    app.insert_text(app.find("Title", role="text"), "Gutschrift")
    if sensitive(app.find_button("Save", within=dialog)):
        uitest.fail("Save is possible before the reply has a text")
    fill_in(app, dialog, "Gutschrift", CREDIT, "English", "Informal (du)")
    app.wait_window_gone("New Saved Reply")
    wait_titles(app, ["Gutschrift"])
    app.find("English · informal", role="label")
    print("a saved reply is added through its dialog, which saves only with a title and a text")

    # Changing it shows what it holds, and keeps it one reply.
    app.click(app.find("Edit “Gutschrift”", role="push button"))
    dialog = app.find_window("Edit Saved Reply")
    if app.find("Text", role="text").queryText().getText(0, -1) != CREDIT:
        uitest.fail("the dialog does not show the reply's text")
    fill_in(app, dialog, "Gutschrift erteilt", CREDIT, "German", "Informal (du)")
    app.wait_window_gone("Edit Saved Reply")
    wait_titles(app, ["Gutschrift erteilt"])
    app.find("German · informal", role="label")

    app.click(app.find("Add Saved Reply", role="push button"))
    # "&" is text, not markup: the toasts that name the reply show it as it is.
    fill_in(app, app.find_window("New Saved Reply"), "Adresse & Konto geändert", ADDRESS, "German", "Formal (Sie)")
    wait_titles(app, ["Adresse & Konto geändert", "Gutschrift erteilt"])
    app.find("German · formal", role="label")
    print("a saved reply is changed, and the list stays in order by title")

    # Deleting says so, and Undo brings it back.
    app.click(app.find("Delete “Gutschrift erteilt”", role="push button"))
    app.find("Deleted “Gutschrift erteilt”", role="label")
    wait_titles(app, ["Adresse & Konto geändert"])
    app.click(app.find_button("Undo"))
    wait_titles(app, ["Adresse & Konto geändert", "Gutschrift erteilt"])
    print("a deleted saved reply comes back with Undo")

    # Exported through the file chooser, as the team's file.
    path = os.path.join(directory, "team-replies.json")
    app.click(app.find("Export…", role="push button"))
    uitest.choose_file(app, "Export Saved Replies", path, "Export")
    app.find("Exported 2 saved replies", role="label")
    with open(path, encoding="utf-8") as f:
        exported = json.load(f)
    expected = [{"title": "Adresse & Konto geändert", "text": ADDRESS, "language": "de", "address": "formal"},
                {"title": "Gutschrift erteilt", "text": CREDIT, "language": "de", "address": "informal"}]
    if exported != {"format": "concierge-saved-replies", "version": 1, "replies": expected}:
        uitest.fail(f"the exported file is not what the page shows: {exported!r}")
    print("the saved replies are exported to the file the agent chose")

    # Deleted, then imported from that file again; a second import adds nothing.
    for title in ("Adresse & Konto geändert", "Gutschrift erteilt"):
        app.click(app.find(f"Delete “{title}”", role="push button"))
        app.find(f"Deleted “{title}”", role="label")
    app.find("No saved replies yet", role="label")
    app.click(app.find("Import…", role="push button"))
    uitest.choose_file(app, "Import Saved Replies", path, "Import")
    app.find("Imported 2 saved replies", role="label")
    wait_titles(app, ["Adresse & Konto geändert", "Gutschrift erteilt"])
    app.click(app.find("Import…", role="push button"))
    uitest.choose_file(app, "Import Saved Replies", path, "Import")
    app.find("Every saved reply in the file is here already", role="label")
    wait_titles(app, ["Adresse & Konto geändert", "Gutschrift erteilt"])
    print("the file imports the saved replies again, and only once")

    # A file that is no such file is explained, not imported.
    wrong = os.path.join(directory, "wrong.json")
    with open(wrong, "w", encoding="utf-8") as f:
        json.dump({"format": "concierge-saved-replies", "version": 2, "replies": []}, f)
    app.click(app.find("Import…", role="push button"))
    uitest.choose_file(app, "Import Saved Replies", wrong, "Import")
    error = app.find_window("Could Not Import Saved Replies")
    app.find("A newer version of Concierge wrote these saved replies. Update Concierge to import them.",
             role="label")
    app.click(app.find_button("Close", within=error))
    app.wait_window_gone("Could Not Import Saved Replies")
    wait_titles(app, ["Adresse & Konto geändert", "Gutschrift erteilt"])
    print("a file from a newer Concierge is explained in words")

    # The name that {agent.name} stands for is a setting.
    app.click(app.find("General", role="page tab"))
    app.insert_text(app.find("Your Name", role="text"), "Mira Schulz")
    uitest.wait_until(lambda: "agent-name='Mira Schulz'" in app.saved_settings(),
                      "the agent's name in the settings")
    print("the agent's name for {agent.name} is kept in the settings")

    # An account's first sync reads a number of conversations instead of
    # the last 14 days, when the agent says so.
    app.click(app.find("Read a Number of Conversations Instead", role="check box"))
    app.find("Earlier Conversations", role="spin button")
    uitest.wait_until(lambda: "first-sync-threads=200" in app.saved_settings(),
                      "the first sync's number of conversations in the settings")
    print("the first sync reads a number of conversations the agent chose")

    # Documents are downloaded for offline reading up to a size the agent
    # chooses, at most the 20 MB Telegram hands out.
    limit = app.find("Download Documents Up To", role="spin button")
    uitest.wait_until(lambda: limit.queryValue().currentValue == 10, "the download limit's default of 10 MB")
    limit.queryValue().currentValue = 20
    uitest.wait_until(lambda: "document-download-limit=20" in app.saved_settings(),
                      "the download limit in the settings")
    print("the largest document downloaded is a setting")


if __name__ == "__main__":
    main()
