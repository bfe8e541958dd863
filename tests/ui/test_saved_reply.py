#!/usr/bin/python3
"""An agent's answer with a saved reply, by keyboard, against the sandbox:
the reply written once in Preferences, Ctrl+Shift+R and a search word to
find it with the customer's language first, Enter to insert it with her
name, the agent's and the reference filled in, a variable it cannot fill
holding the reply back, and the personalised text the platform receives."""

import time


import uitest

TOKEN = "ui-saved-reply-token-Vb6Tn3Qx8Lm1Kz"
STOERUNG = ("Hallo {customer.first_name}, danke für Ihre Nachricht. Die Störung in {region} ist bekannt, "
            "unsere Technik arbeitet daran. Viele Grüße, {agent.name} ({ticket})")
OUTAGE = "Hi {customer.first_name}, thanks for your message. We know about the outage and are on it."
KEY_RETURN = 0xff0d
KEY_R = ord("r")
# Keycodes of the left Control and Shift keys in Xvfb's default keymap.
KEYCODE_CONTROL, KEYCODE_SHIFT = 37, 50


def open_preferences(app):
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    return app.find_window("Preferences")


def add_saved_reply(app, title, text, language, address):
    app.click(app.find("Add Saved Reply", role="push button"))
    dialog = app.find_window("New Saved Reply")
    app.insert_text(app.find("Title", role="text"), title)
    app.insert_text(app.find("Text", role="text"), text)
    app.click(app.find(language, role="push button"))
    app.click(app.find(address, role="push button"))
    save = app.find_button("Save", within=dialog)
    uitest.wait_until(lambda: save.getState().contains(uitest.STATE_SENSITIVE), "Save")
    app.click(save)
    app.wait_window_gone("New Saved Reply")


def ctrl_shift(keysym):
    uitest.atspi.generate_keyboard_event(KEYCODE_CONTROL, None, uitest.KEY_PRESS)
    uitest.atspi.generate_keyboard_event(KEYCODE_SHIFT, None, uitest.KEY_PRESS)
    uitest.atspi.generate_keyboard_event(keysym, None, uitest.KEY_SYM)
    uitest.atspi.generate_keyboard_event(KEYCODE_SHIFT, None, uitest.KEY_RELEASE)
    uitest.atspi.generate_keyboard_event(KEYCODE_CONTROL, None, uitest.KEY_RELEASE)


def rows(list_node):
    """The rows shown; a list box's placeholder is its child too."""
    return [row.name for row in (list_node.getChildAtIndex(i) for i in range(list_node.childCount))
            if row is not None and row.getRoleName() == "list item"]


def composer_text(app):
    return app.find("Reply", role="text").queryText().getText(0, -1)


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)

    preferences = open_preferences(app)
    app.click(app.find("General", role="page tab"))
    app.insert_text(app.find("Your Name", role="text"), "Mira Schulte")
    app.click(app.find("Saved Replies", role="page tab"))
    add_saved_reply(app, "Outage", OUTAGE, "English", "Formal (Sie)")
    add_saved_reply(app, "Störung bekannt", STOERUNG, "German", "Formal (Sie)")
    app.click(app.find_button("Close", within=preferences))
    app.wait_window_gone("Preferences")

    # Jana wrote in German: her conversation opens with German first.
    uitest.open_thread(app, "Jana Becker")
    app.find("German · Sie", role="push button")
    app.find("Support on Mastodon", role="label")
    app.press_key(KEY_R)
    ctrl_shift(KEY_R)
    search = app.find("Search Saved Replies", role="entry")
    replies = app.find("Saved Replies", role="list")
    uitest.wait_until(lambda: rows(replies) == ["Störung bekannt, German · Sie", "Outage, English"],
                      "the German reply first")
    app.insert_text(search, "stör")
    uitest.wait_until(lambda: rows(replies) == ["Störung bekannt, German · Sie"], "the search to leave one reply")
    app.press_key(KEY_RETURN)

    uitest.wait_until(lambda: composer_text(app).startswith("Hallo Jana, danke"), "the inserted reply")
    inserted = composer_text(app)
    reference = inserted[inserted.rindex("(#") + 1:-1]
    if inserted != STOERUNG.replace("{customer.first_name}", "Jana").replace("{agent.name}", "Mira Schulte") \
                           .replace("{ticket}", reference):
        uitest.fail(f"the reply was filled in as {inserted!r}")
    app.find(f"Public conversation on Mastodon · {reference}", role="label")
    print(f"Ctrl+Shift+R, a search word and Enter inserted the reply, filled in for Jana ({reference})")

    # {region} is no variable Concierge knows: the reply waits for it.
    app.click(app.find_button("Send"))
    app.find("Replace {region} with what it stands for before you send the reply.", role="label")
    time.sleep(1)
    if sandbox.posts_with("Die Störung in"):
        uitest.fail("a reply with a variable left in it went out")

    final = inserted.replace("{region}", "Leipzig-Nord") \
                    .replace("Viele Grüße", "Ihr Router muss nicht neu gestartet werden. Viele Grüße")
    app.insert_text(app.find("Reply", role="text"), final)
    app.click(app.find_button("Send"))
    uitest.wait_until(lambda: sandbox.posts_with("Leipzig-Nord"), "the personalised reply on the server")
    posted = sandbox.posts_with("Leipzig-Nord")
    if len(posted) != 1 or final not in posted[0]["query"]["status"]:
        uitest.fail(f"the server received {posted!r}")
    print("the personalised reply reached the platform once, as the agent finished it")

    # Emma wrote in English; a saved reply sent just as inserted sounds
    # like one, and waits until the agent makes it theirs.
    uitest.open_thread(app, "Emma Walsh")
    app.find("English", role="push button")
    ctrl_shift(KEY_R)
    replies = app.find("Saved Replies", role="list")
    uitest.wait_until(lambda: rows(replies) == ["Outage, English", "Störung bekannt, German · Sie"],
                      "the English reply first")
    app.press_key(KEY_RETURN)
    uitest.wait_until(lambda: composer_text(app).startswith("Hi Emma, thanks"), "the English reply inserted")
    app.click(app.find_button("Send"))
    app.find("This sounds like a template", role="label")
    app.click(app.find_button("Edit"))
    app.insert_text(app.find("Reply", role="text"),
                    composer_text(app) + " Roaming in Switzerland works with your SIM, too.")
    app.click(app.find_button("Send"))
    uitest.wait_until(lambda: sandbox.posts_with("Roaming in Switzerland works"), "Emma's reply")
    if sandbox.posts_with("We know about the outage and are on it.\""):
        uitest.fail("the unchanged saved reply went out")
    print("a saved reply sent unchanged met the template warning; edited, it went out")


if __name__ == "__main__":
    uitest.require_environment()
    uitest.run_with_sandbox(run, TOKEN, prefix="concierge-saved-reply-")
