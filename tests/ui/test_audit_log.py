#!/usr/bin/python3
"""The audit log as a reviewer reads it: empty at first and saying so, closed
with Escape, then opened again with Ctrl+Shift+L to show what happened
since, each entry with a name a person reads and the same words on its row
(what, which conversation, why, when, who), its text never taken for markup,
and closed with Ctrl+W; a log that cannot be read explained and read again
with Try Again; the log exported through the file chooser as CSV, with
every time's offset and no formula a spreadsheet would run; and the same
entries in German."""

import csv
import os
import sqlite3
import tempfile


import uitest

WORKSPACE = os.path.join(os.path.dirname(__file__), "..", "data", "inbox-workspace.json")
# The entries' times are Berlin's; the CSV must say so with its offset.
ENV = {"TZ": "Europe/Berlin"}
KEY_L, KEY_W = ord("l"), ord("w")
# Keycodes of the left Control and Shift keys in Xvfb's default keymap.
KEYCODE_CONTROL, KEYCODE_SHIFT = 37, 50

FORMULA = '=HYPERLINK("http://evil.example","Details")'
# (at, actor, action, reason, thread, detail), oldest first.
ENTRIES = [
    (1796030700, "tobias", "remove", "<b>spam</b> & eggs", None, FORMULA),   # 30 Nov 2026 10:25
    (1796053200, "jonas", "hide", "personal data", 7, ""),                   # 30 Nov 2026 16:40
    (1796108400, "jonas", "forget", "the customer's request to be forgotten", None,
     "2 conversations, 25 messages, 1 images, 0 notes"),                     # 1 Dec 2026 08:00
    (1796116500, "mira", "override", "personal data in a public reply", 12, "IBAN"),  # 1 Dec 2026 10:15
]

ROWS = {
    "en": [
        "Sent despite the warning, conversation #12, by mira, 1 December 2026, 10:15. "
        "Why: Personal data in a public reply — IBAN",
        "Forgot a customer, by jonas, 1 December 2026, 08:00. Why: The customer asked to be forgotten — "
        "2 conversations, 25 messages, 1 picture, 0 notes",
        "Hid a post, conversation #7, by jonas, 30 November 2026, 16:40. Why: Personal data",
        f"Removed a post, by tobias, 30 November 2026, 10:25. Why: <b>spam</b> & eggs — {FORMULA}",
    ],
    "de": [
        "Trotz Warnung gesendet, Unterhaltung #12, von mira, 1. Dezember 2026, 10:15 Uhr. "
        "Grund: Personenbezogene Daten in einer öffentlichen Antwort — IBAN",
        "Kundin oder Kunden vergessen, von jonas, 1. Dezember 2026, 08:00 Uhr. "
        "Grund: Der Kunde wollte vergessen werden — 2 Unterhaltungen, 25 Nachrichten, 1 Bild, 0 Notizen",
        "Beitrag ausgeblendet, Unterhaltung #7, von jonas, 30. November 2026, 16:40 Uhr. "
        "Grund: Personenbezogene Daten",
        f"Beitrag entfernt, von tobias, 30. November 2026, 10:25 Uhr. Grund: <b>spam</b> & eggs — {FORMULA}",
    ],
}

CSV_ROWS = [
    ["When", "Who", "What", "Description", "Why", "Conversation", "Detail"],
    ["2026-12-01T10:15:00+01:00", "mira", "override", "Sent despite the warning",
     "personal data in a public reply", "#12", "IBAN"],
    ["2026-12-01T08:00:00+01:00", "jonas", "forget", "Forgot a customer", "the customer's request to be forgotten",
     "", "2 conversations, 25 messages, 1 images, 0 notes"],
    ["2026-11-30T16:40:00+01:00", "jonas", "hide", "Hid a post", "personal data", "#7", ""],
    ["2026-11-30T10:25:00+01:00", "tobias", "remove", "Removed a post", "<b>spam</b> & eggs", "",
     "'" + FORMULA],
]

def write_entries(cache_path):
    """Adds the entries to the cache, as the app would have written them."""
    db = sqlite3.connect(cache_path, timeout=10)
    db.executemany("INSERT INTO audit_log (at, actor, action, reason, thread_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                   ENTRIES)
    db.commit()
    db.close()


def entry_rows(app, list_name="Audit Log Entries"):
    entries = app.find(list_name, role="list")
    return [row for row in (entries.getChildAtIndex(i) for i in range(entries.childCount))
            if row is not None and row.getRoleName() == "list item"]


def entry_names(app, list_name="Audit Log Entries"):
    return [row.name for row in entry_rows(app, list_name)]


def row_labels(row):
    return [node.name for node in uitest.walk(row) if node.getRoleName() == "label"]


def with_modifiers(keycodes, keysym):
    for keycode in keycodes:
        uitest.atspi.generate_keyboard_event(keycode, None, uitest.KEY_PRESS)
    uitest.atspi.generate_keyboard_event(keysym, None, uitest.KEY_SYM)
    for keycode in reversed(keycodes):
        uitest.atspi.generate_keyboard_event(keycode, None, uitest.KEY_RELEASE)


def ctrl_shift(keysym):
    with_modifiers((KEYCODE_CONTROL, KEYCODE_SHIFT), keysym)


def ctrl(keysym):
    with_modifiers((KEYCODE_CONTROL,), keysym)


def sensitive(node):
    return node.getState().contains(uitest.STATE_SENSITIVE)


def open_from_menu(app, menu, item, title):
    app.click(app.find(menu, role="push button"))
    app.click(app.find(item, role="menu item"))
    return app.find_window(title)


def export(app, window, path):
    app.click(app.find_button("Export…", within=window))
    # GTK 4.8 does not tell AT-SPI what the name field holds, so the name
    # it suggests cannot be read here; the path typed replaces it.
    uitest.choose_file(app, "Export Audit Log", path, "Export")


def english(app, work):
    app.wait_for_app()
    window = open_from_menu(app, "Main Menu", "Audit Log", "Audit Log")
    app.find("No Entries Yet", role="label")
    if sensitive(app.find_button("Export…", within=window)):
        uitest.fail("an empty audit log can be exported")
    print("an empty audit log says so, and offers nothing to export")
    app.press_escape()
    app.wait_window_gone("Audit Log")

    # What happens while the window is closed shows when it opens again.
    write_entries(app.cache_path)
    app.find_window("Concierge")
    ctrl_shift(KEY_L)
    window = app.find_window("Audit Log")
    uitest.wait_until(lambda: entry_names(app) == ROWS["en"],
                      f"the entries, newest first; the window shows {entry_names(app)!r}")
    app.find("4 entries, newest first. Entries name kinds of personal data, never the data itself.", role="label")
    # Shown as written, not as markup.
    app.find(f"<b>spam</b> & eggs — {FORMULA}", role="label")
    # What, which conversation, why, when and who, each in words on the row.
    labels = row_labels(entry_rows(app)[0])
    expected = ["Sent despite the warning", "#12", "Personal data in a public reply — IBAN",
                "1 December 2026, 10:15", "mira"]
    if labels != expected:
        uitest.fail(f"the newest row shows {labels!r}, not {expected!r}")
    print("Ctrl+Shift+L opened the log, read anew, each entry named as a person reads it")

    # A log that cannot be read says so, and Try Again reads it once it can.
    db = sqlite3.connect(app.cache_path, timeout=10)
    db.execute("ALTER TABLE audit_log RENAME TO audit_log_away")
    db.commit()
    ctrl(KEY_W)
    app.wait_window_gone("Audit Log")
    ctrl_shift(KEY_L)
    window = app.find_window("Audit Log")
    app.find("Could Not Read the Audit Log", role="label")
    if sensitive(app.find_button("Export…", within=window)):
        uitest.fail("a log that could not be read can be exported")
    db.execute("ALTER TABLE audit_log_away RENAME TO audit_log")
    db.commit()
    db.close()
    app.click(app.find_button("Try Again", within=window))
    uitest.wait_until(lambda: entry_names(app) == ROWS["en"], "the entries after Try Again")
    print("a log that cannot be read is explained, and Try Again reads it")

    path = os.path.join(work, "audit.csv")
    export(app, window, path)
    app.find("Exported 4 entries to “audit.csv”", role="label")
    with open(path, encoding="utf-8", newline="") as f:
        data = f.read()
    if not data.endswith("\r\n") or "\r\n" not in data:
        uitest.fail(f"the CSV's lines do not end in CRLF: {data!r}")
    rows = list(csv.reader(data.splitlines()))
    if rows != CSV_ROWS:
        uitest.fail(f"the CSV holds {rows!r}")
    print("the log was exported as CSV, with offsets and the formula kept as text")

    # A place that cannot be written, even by root, is explained in words.
    export(app, window, "/proc/concierge-audit-log.csv")
    error = app.find_window("Could Not Export the Audit Log")
    app.click(app.find_button("Close", within=error))
    app.wait_window_gone("Could Not Export the Audit Log")
    print("an export that fails says so")


def german(home):
    app = uitest.App("de", home=home, extra_env=ENV)
    try:
        app.wait_for_app()
        open_from_menu(app, "Hauptmenü", "Prüfprotokoll", "Prüfprotokoll")
        uitest.wait_until(lambda: entry_names(app, "Einträge im Prüfprotokoll") == ROWS["de"],
                          "the German entries; the window shows "
                          f"{entry_names(app, 'Einträge im Prüfprotokoll')!r}")
        app.find("4 Einträge, die neuesten zuerst. Einträge nennen Arten personenbezogener Daten, "
                 "nie die Daten selbst.", role="label")
        app.find_button("Exportieren …")
        print("the entries read as they should in German")
    finally:
        app.quit()


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-audit-")
    with uitest.logged_app(work.name, "en", workspace=WORKSPACE, offline=True, extra_env=ENV) as app:
        # The German run starts again on the same profile.
        app.keep_home = True
        english(app, work.name)
    german(app.home)
    app.home.cleanup()
    work.cleanup()


if __name__ == "__main__":
    main()
