#!/usr/bin/python3
"""The window shows its three panes, named as a person reads them."""

import sys

import uitest

NAMES = {
    "en": {"panes": ["Inbox", "Conversation", "Customer"], "menu": "Main Menu",
           "empty": "No Conversations Yet"},
    "de": {"panes": ["Posteingang", "Unterhaltung", "Kunde"], "menu": "Hauptmenü",
           "empty": "Noch keine Unterhaltungen"},
}


def main():
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    names = NAMES[language]
    app = uitest.App(language)
    try:
        app.wait_for_app()
        for pane in names["panes"]:
            node = app.find(pane, role="panel")
            print(f"found pane {pane!r} ({node.getRoleName()})")
        app.find(names["menu"], role="push button")
        app.find(names["empty"])
        app.check_alive()
    finally:
        app.quit()
    print(f"the three panes are visible in {language}")


if __name__ == "__main__":
    main()
