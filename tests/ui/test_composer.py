#!/usr/bin/python3
"""The composer as an agent uses it against the sandbox: an internal note
that stays in the app, a draft that waits in its conversation across a
restart, the language the customer wrote in, and the gentle warning when
the same words already went to another customer today."""

import time

import uitest

TOKEN = "ui-composer-token-Hk7Wq2Np9Zs4Lc"
NOTE = "Kundin hat gestern schon angerufen, Techniker ist bestellt."
DRAFT = "Hallo Emma, ich schaue mir das gleich an"
SAME = "Danke für Ihre Geduld, wir kümmern uns sofort darum."


def composer_text(app, name="Reply"):
    node = app.find(name, role="text")
    return node.queryText().getText(0, -1)


def run(app, sandbox):
    app.keep_home = True
    app.wait_for_app()
    uitest.add_account(app, sandbox)

    # n writes a note: it shows among the messages, marked, and never
    # reaches the platform.
    uitest.open_thread(app, "Jana Becker")
    app.find("German · Sie", role="push button")
    app.find("Support on Mastodon", role="label")
    app.press_key(ord("n"))
    app.find("Internal note: only your team sees it, and it is never sent", role="label")
    app.insert_text(app.find("Internal Note", role="text"), NOTE)
    app.click(app.find_button("Add Note"))
    app.find(NOTE, role="label")
    app.find("Internal note", role="label")
    app.find("Public reply: everyone can read it", role="label")
    time.sleep(1)
    if any(NOTE in str(r.get("query", {})) for r in sandbox.requests()):
        uitest.fail("the internal note reached the platform")
    print("the note stays in the app, marked as one")

    # A reply to Jana; the same words to Emma sound like a template.
    app.insert_text(app.find("Reply", role="text"), SAME)
    app.click(app.find_button("Send"))
    uitest.wait_until(lambda: len(sandbox.posts_with(SAME)) == 1, "the reply to Jana")
    uitest.open_thread(app, "Emma Walsh")
    app.find("English", role="push button")
    app.insert_text(app.find("Reply", role="text"), SAME)
    app.click(app.find_button("Send"))
    app.find("This sounds like a template", role="label")
    time.sleep(1)
    if len(sandbox.posts_with(SAME)) != 1:
        uitest.fail("the reply went out before the agent decided")
    app.click(app.find_button("Send Anyway"))
    uitest.wait_until(lambda: len(sandbox.posts_with(SAME)) == 2, "the reply sent anyway")
    print("the same words to a second customer were held until Send Anyway")

    # A draft stays with its conversation, also across a restart.
    app.insert_text(app.find("Reply", role="text"), DRAFT)
    time.sleep(1.5)
    uitest.open_thread(app, "Tom Schulz")
    uitest.wait_until(lambda: composer_text(app) == "", "an empty composer for Tom")
    uitest.open_thread(app, "Emma Walsh")
    uitest.wait_until(lambda: composer_text(app) == DRAFT, "Emma's draft")
    app.quit()

    second = uitest.App("en", home=app.home)
    try:
        second.wait_for_app()
        uitest.open_thread(second, "Emma Walsh")
        uitest.wait_until(lambda: composer_text(second) == DRAFT, "Emma's draft after a restart")
    finally:
        second.quit()
    print("the draft waited in its conversation across a restart")


if __name__ == "__main__":
    uitest.require_environment()
    uitest.run_with_sandbox(run, TOKEN, prefix="concierge-composer-")
