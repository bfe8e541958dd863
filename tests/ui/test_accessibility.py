#!/usr/bin/python3
"""Every control a person operates has a name a person would read: the
test walks the accessibility tree of the main window, with a
conversation open, of Preferences, page by page, and of the dialog for a
saved reply, and fails on a button, toggle, check box, radio button,
entry, text, combo box, menu item, page tab or link whose name is empty
or only a widget class's."""

import os


import uitest

WORKSPACE = os.path.join(os.path.dirname(__file__), "..", "data", "inbox-workspace.json")
OPERATED = {"push button", "toggle button", "check box", "radio button", "entry", "text", "combo box",
            "menu item", "page tab", "link"}


def unnamed(root, at_least):
    """The operated controls on screen without a name; at least
    @at_least must be on screen, or the walk saw nothing."""
    found, checked = [], 0
    for node in uitest.walk(root):
        try:
            role = node.getRoleName()
            name = node.name or ""
            visible = node.getState().contains(uitest.STATE_VISIBLE)
        except Exception:
            continue
        if role not in OPERATED or not visible:
            continue
        checked += 1
        if not name.strip() or name.startswith(("Gtk", "Adw")):
            chain, up = [], node.parent
            while up is not None and len(chain) < 8:
                chain.append(f"{up.getRoleName()} {up.name!r}")
                up = up.parent
            found.append(f"{role} {name!r} in " + " < ".join(chain))
    if checked < at_least:
        uitest.fail(f"only {checked} controls were on screen, fewer than {at_least}")
    return found


def main():
    app = uitest.App("en", workspace=WORKSPACE, offline=True)
    problems = []
    try:
        app.wait_for_app()
        inbox = app.find("Conversations", role="list")
        app.wait_rows(inbox, lambda names: len(names) == 2 and "personal data" in names[0],
                      "the open conversations, the flagged one first")
        inbox.querySelection().selectChild(0)
        app.find("Public — everyone can read your reply", role="label")
        problems += [f"main window: {p}" for p in unnamed(app.find_window("Concierge"), 10)]
        print("the main window, with a conversation open, is walked")

        app.click(app.find("Snooze", role="push button"))
        app.find("For an Hour", role="menu item")
        problems += [f"snooze menu: {p}" for p in unnamed(app.find_window("Concierge"), 10)]
        app.press_escape()
        print("the snooze menu is walked")

        app.click(app.find("Main Menu", role="push button"))
        app.click(app.find("Preferences", role="menu item"))
        preferences = app.find_window("Preferences")
        for page in ("Accounts", "Privacy", "Response Times", "Saved Replies", "General"):
            app.click(app.find(page, role="page tab"))
            problems += [f"Preferences, {page}: {p}" for p in unnamed(preferences, 3)]
        print("every page of Preferences is walked")

        app.click(app.find("Saved Replies", role="page tab"))
        app.click(app.find("Add Saved Reply", role="push button"))
        problems += [f"New Saved Reply: {p}" for p in unnamed(app.find_window("New Saved Reply"), 6)]
        app.click(app.find_button("Cancel", within=app.find_window("New Saved Reply")))
        app.wait_window_gone("New Saved Reply")
        print("the dialog for a saved reply is walked")
    finally:
        app.quit()

    if problems:
        uitest.fail("controls without a name a person would read:\n  " + "\n  ".join(sorted(set(problems))))
    print("every control a person operates has a name")


if __name__ == "__main__":
    main()
