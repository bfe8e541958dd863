#!/usr/bin/python3
"""Preferences → Accounts → Add a Facebook Page, as an agent uses it: a
wrong token is explained; the page token is pasted, the page is shown by its
name and id before it is added, and it syncs. Then Facebook stops accepting
the token: the sidebar says that the page needs a new one, and its Sign In
Again button leads to where the new token is pasted; that part in German, as
an agent in Germany reads it."""

import os
import tempfile

import uitest

TOKEN = "EAAGuiTestPageTokenOfWellenfunk4Rz8Lq1"
PAGE_ID = "104700000000001"

TEXTS = {
    "en": {
        "token": "Page Token", "address": "Graph API Address", "check": "Check Token",
        "heading": "Add the Page “Wellenfunk”?",
        "body": f"The token belongs to the page with the id {PAGE_ID}. Concierge reads its comments and "
                "Messenger chats and answers as the page.",
        "add": "Add Page", "synced": "Up to date",
        "revoked": "Facebook no longer accepts this page’s token: it was revoked or has expired. Generate a new "
                   "one and add it in Preferences → Accounts.",
        "sign in again": "Sign In Again", "sign in again title": "Sign In to Facebook Again",
    },
    "de": {
        "token": "Seiten-Token", "address": "Adresse der Graph API", "check": "Token prüfen",
        "heading": "Seite „Wellenfunk“ hinzufügen?",
        "body": f"Der Token gehört zur Seite mit der ID {PAGE_ID}. Concierge liest ihre Kommentare und "
                "Messenger-Chats und antwortet im Namen der Seite.",
        "add": "Seite hinzufügen", "synced": "Auf dem neuesten Stand",
        "revoked": "Facebook akzeptiert den Token dieser Seite nicht mehr: Er wurde widerrufen oder ist "
                   "abgelaufen. Erzeugen Sie einen neuen und fügen Sie ihn unter Einstellungen → Konten ein.",
        "sign in again": "Erneut anmelden", "sign in again title": "Erneut bei Facebook anmelden",
    },
}


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-facebook-")
    sandbox = uitest.Sandbox("mastodon-token-unused", work.name, "--facebook-token", TOKEN)
    log_path = os.path.join(work.name, "app.log")
    log = open(log_path, "w")
    env = {"GSETTINGS_BACKEND": "keyfile"}
    app = uitest.App("en", extra_env=env, log=log)
    app.keep_home = True
    try:
        add_page(app, sandbox)
        app.quit()
        # Facebook revokes the token while Concierge is closed.
        sandbox.post("/_sandbox/facebook/token", {"revoked": True, "subcode": 463})
        app = uitest.App("de", extra_env=env, home=app.home, log=log)
        sign_in_again(app, sandbox)
    except BaseException:
        uitest.show_output(log, log_path)
        raise
    finally:
        app.quit()
        log.close()
        sandbox.stop()

    # The token went out as a header, and into none of the app's files.
    if not any(r.get("token_ok") for r in sandbox.requests()):
        uitest.fail("the sandbox never saw the page token: the check below would prove nothing")
    uitest.assert_never_written(TOKEN, app, log_path, "page token")
    app.home.cleanup()
    work.cleanup()


def paste(app, sandbox, token, language="en"):
    texts = TEXTS[language]
    app.insert_text(app.find(texts["token"], role="text"), token)
    app.insert_text(app.find(texts["address"], role="text"), sandbox.url)
    app.click(app.find_button(texts["check"]))


def confirm(app, language="en"):
    texts = TEXTS[language]
    app.find(texts["heading"])
    app.find(texts["body"])
    app.click(app.find_button(texts["add"]))


def add_page(app, sandbox):
    app.wait_for_app()
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    app.find_window("Preferences")
    app.click(app.find("Add a Facebook Page", role="push button"))

    paste(app, sandbox, "EAAGnotthepagetoken")
    app.find("Facebook does not accept this token. Copy it again from Meta Business Suite.", role="label")
    print("a wrong token is explained")

    paste(app, sandbox, TOKEN)
    confirm(app)
    app.find("Wellenfunk on Facebook", role="label")
    app.find("Up to date", role="label")
    print("the page is shown by its name and id, added, and syncs")


def sign_in_again(app, sandbox):
    texts = TEXTS["de"]
    app.wait_for_app()
    app.find(texts["revoked"], role="label")
    app.click(app.find_button(texts["sign in again"]))
    app.find(texts["sign in again title"], role="label")
    sandbox.post("/_sandbox/facebook/token", {"revoked": False})
    paste(app, sandbox, TOKEN, "de")
    confirm(app, "de")
    app.find(texts["synced"], role="label")
    print("a revoked token shows in the sidebar, in German too, and Sign In Again renews it")


if __name__ == "__main__":
    main()
