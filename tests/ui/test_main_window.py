#!/usr/bin/python3
"""The main window as a person meets it: three named panes, the main menu,
its Keyboard Shortcuts and About windows, and Quit. A screen reader that
asks for a window which has closed meanwhile gets an answer, and the app
lives on."""

import sys

import uitest

NAMES = {
    "en": {
        "panes": ["Inbox", "Conversation", "Customer"],
        "empty": ["No Conversations Yet", "No Conversation Selected", "No Customer"],
        "menu": "Main Menu",
        "shortcuts_item": "Keyboard Shortcuts",
        "shortcuts_window": "Keyboard Shortcuts",
        "about_item": "About Concierge",
        "about_window": "About Concierge",
        "quit_item": "Quit",
        "customer_toggle": "Customer Details",
    },
    "de": {
        "panes": ["Posteingang", "Unterhaltung", "Kunde"],
        "empty": ["Noch keine Unterhaltungen", "Keine Unterhaltung ausgewählt", "Kein Kunde"],
        "menu": "Hauptmenü",
        "shortcuts_item": "Tastenkürzel",
        "shortcuts_window": "Tastenkürzel",
        "about_item": "Info zu Concierge",
        "about_window": "Info zu Concierge",
        "quit_item": "Beenden",
        "customer_toggle": "Kundendetails",
    },
}


def open_from_menu(app, names, item, window_name):
    """Open a window from the main menu, then close it with Escape."""
    app.click(app.find(names["menu"], role="push button"))
    app.click(app.find(item, role="menu item"))
    window = app.find_window(window_name)
    print(f"the menu opened {window.name!r}")
    app.press_escape()
    app.wait_window_gone(window_name)


def ask_past_the_last_window(app, names):
    """Asks the app for the window after the last one shown, as a screen
    reader does that counted the windows while one more was open. GTK 4.8
    answers with the last of all its windows, shown or not; a hidden one
    there has no accessible and aborted the app."""
    shown = len(uitest.children(app.root))
    try:
        uitest.atspi.read(app.root.bus_name, app.root.path, uitest.atspi.ACCESSIBLE, "GetChildAtIndex",
                          uitest.GLib.Variant("(i)", (shown,)), "((so))")
    except uitest.GLib.Error as error:
        if "disconnected" in str(error):
            app.wait_exit()
            uitest.fail("the app quit when asked for a window that had closed")
    app.find(names["menu"], role="push button")
    print("asked for a window that had closed, the app answers and lives on")


def main():
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    names = NAMES[language]
    app = uitest.App(language)
    try:
        app.wait_for_app()
        for pane in names["panes"]:
            app.find(pane, role="panel")
        for title in names["empty"]:
            app.find(title, role="label")
        print(f"the three panes and their empty states are visible in {language}")

        app.find(names["customer_toggle"], role="push button")

        for item, window in (("shortcuts_item", "shortcuts_window"), ("about_item", "about_window")):
            open_from_menu(app, names, names[item], names[window])
        ask_past_the_last_window(app, names)

        app.click(app.find(names["menu"], role="push button"))
        quit_item = app.find(names["quit_item"], role="menu item")
        try:
            app.click(quit_item)
        except uitest.GLib.Error as error:
            # The app may be gone before it answers the click: that is the
            # quitting this checks.
            if "disconnected" not in str(error):
                raise
        status = app.wait_exit()
        if status != 0:
            uitest.fail(f"Quit ended the app with status {status}")
        print("Quit ended the app")
    finally:
        app.quit()


if __name__ == "__main__":
    main()
