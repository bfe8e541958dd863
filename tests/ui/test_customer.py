#!/usr/bin/python3
"""The customer panel against the sandbox: Sabine Krüger wrote in public on
Mastodon and privately to the bot on Telegram, so Concierge knows her as
two customers with the same name. Her Mastodon conversation's panel
suggests the Telegram one; one click merges them, and the panel shows both
accounts and both histories. Undo separates them again, and finding her
by search in Merge… brings them together once more. A field edited inline
can be undone from its toast. Customers are exported as vCard 4.0 and
CSV, and GNOME Contacts' vCard 3.0 file is imported, once. A conversation
from the history opens when clicked. "Forget This Customer" names what goes, and afterwards nothing of
hers is left in the cache file. (That the next sync does not bring her
back is test-sync's.)"""

import csv
import os
import tempfile
import time


import uitest

TOKEN = "ui-customer-token-Qw3Er5Ty7Ui9Op1As"
BOT_TOKEN = "7000000001:ui-customer-bot-Zx2Cv4Bn6M"
# Her words and names, which must leave the cache file.
SECRETS = ("Tarifwechsel", "RE-2024-204817", "sabine_k", "Sabine Krüger")
KEY_RETURN = 0xff0d
EVOLUTION_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "vcard",
                              "evolution-3.0.vcf")


def main():
    uitest.run_with_sandbox(run, TOKEN, "--seed-same-customer", "--reply-delay-ms", "600000",
                            prefix="concierge-customer-", telegram_token=BOT_TOKEN)


def labels(node):
    """Every visible label's text under @node."""
    return [name for n, name in uitest.named(node)
            if name and uitest.readable(lambda: n.getRoleName() == "label" and n.getState().contains(uitest.STATE_VISIBLE))]


def wait_labels(app, node, predicate, what):
    uitest.wait_until(lambda: predicate(labels(node)), what)
    return labels(node)


def click_on(node):
    """A click in the middle of @node, as a person's mouse makes it. GTK
    4.8 knows positions only within the window, which has the screen's
    corner to itself under Xvfb, without a window manager."""
    extents = node.queryComponent().getExtents(uitest.WINDOW_COORDS)
    uitest.atspi.generate_mouse_event(extents.x + extents.width // 2, extents.y + extents.height // 2,
                                      uitest.MOUSE_B1C)


def scroll_into_view(app, node):
    """Turns the mouse wheel over @node's pane until all of @node shows."""
    window = app.find("Concierge", role="frame").queryComponent().getExtents(uitest.WINDOW_COORDS)
    for _ in range(40):
        extents = node.queryComponent().getExtents(uitest.WINDOW_COORDS)
        if extents.y >= 0 and extents.y + extents.height <= window.height:
            return
        uitest.atspi.generate_mouse_event(extents.x + extents.width // 2, window.height // 2,
                                          "b5c" if extents.y > 0 else "b4c")
        time.sleep(0.1)
    uitest.fail(f"{node.name!r} never scrolled into view")


def type_text(app, text):
    for character in text:
        app.press_key(ord(character))


def history(app):
    return app.find("Conversations on every channel", role="list")


def platforms_in_history(app):
    return {p for text in labels(history(app)) for p in ("Mastodon", "Telegram") if f"· {p} ·" in text}


def main_menu(app, item):
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find(item, role="menu item"))


def interchange(app):
    """Exports the customers as vCard and as CSV, and imports GNOME Contacts'
    (Evolution's) vCard 3.0 file, once and again."""
    work = tempfile.mkdtemp(prefix="customers-", dir=app.home.name)
    vcard_path = os.path.join(work, "Kunden.vcf")
    csv_path = os.path.join(work, "Kunden.csv")

    main_menu(app, "Export Customers…")
    uitest.choose_file(app, "Export Customers", vcard_path, "Export")
    uitest.wait_until(lambda: os.path.exists(vcard_path), "the vCard file")
    with open(vcard_path, encoding="utf-8", newline="") as f:
        vcard = f.read()
    if "VERSION:4.0\r\n" not in vcard or "FN:Sabine Krüger\r\n" not in vcard or "sabine_k" not in vcard \
       or "sabinek" not in vcard:
        uitest.fail(f"the exported vCard lacks Sabine or her two accounts:\n{vcard}")

    main_menu(app, "Export Customers…")
    uitest.choose_file(app, "Export Customers", csv_path, "Export")
    uitest.wait_until(lambda: os.path.exists(csv_path), "the CSV file")
    with open(csv_path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if not any("Sabine Krüger" in row for row in rows[1:]):
        uitest.fail(f"the exported CSV lacks Sabine: {rows!r}")
    print(f"exported {vcard.count('BEGIN:VCARD')} customers as vCard 4.0, and {len(rows) - 1} as CSV")

    for expected in ("Imported 2 customers", "Every customer in the file is here already"):
        main_menu(app, "Import Customers…")
        uitest.choose_file(app, "Import Customers", EVOLUTION_FILE, "Import")
        app.find(expected, role="label")
    print("GNOME Contacts' vCard 3.0 file imports once, and a second time adds nobody")


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    uitest.add_account(app, sandbox, "telegram")

    # Both of her conversations arrive, one on each platform.
    inbox = app.find("Conversations", role="list")
    app.wait_rows(inbox, lambda names: sum(n.startswith("Sabine Krüger") for n in names) == 2,
                  "Sabine's conversations on Mastodon and Telegram")
    names = app.rows(inbox)
    mastodon_row = [i for i, n in enumerate(names) if n.startswith("Sabine Krüger") and "Public" in n]
    if not mastodon_row:
        uitest.fail(f"no public conversation with Sabine in the inbox: {names!r}")
    inbox.querySelection().selectChild(mastodon_row[0])

    # The panel stands beside the conversation on a wide window.
    try:
        app.find("Details", role="label", timeout=5)
    except SystemExit:
        app.click(app.find_button("Customer Details"))
    app.find("Sabine Krüger", role="label")

    # The suggestion: the same name on another platform.
    suggestions = app.find("Possibly the same customer", role="list")
    wait_labels(app, suggestions, lambda texts: any("Same name on another platform" in t for t in texts),
                "the suggestion to merge Sabine on Telegram")
    if platforms_in_history(app) != {"Mastodon"}:
        uitest.fail(f"before the merge the history should hold Mastodon only: {labels(history(app))!r}")
    app.click(app.find_button("Merge", within=suggestions))
    print("the panel suggests Sabine on Telegram, and merging takes one click")

    uitest.wait_until(lambda: platforms_in_history(app) == {"Mastodon", "Telegram"},
                      "both histories in the panel")
    accounts = app.find("Accounts", role="list")
    account_labels = wait_labels(app, accounts, lambda t: any(a.startswith("@sabine_k") for a in t) and "@sabinek" in t,
                                 "both of Sabine's accounts")
    print(f"after the merge: both accounts ({[t for t in account_labels if t.startswith('@')]}) and both histories")

    # Undo from the toast: two customers again, each with her own history.
    app.click(app.find_button("Undo"))
    uitest.wait_until(lambda: platforms_in_history(app) == {"Mastodon"}, "the merge undone")
    wait_labels(app, app.find("Possibly the same customer", role="list"),
                lambda texts: any("Same name on another platform" in t for t in texts),
                "the suggestion again after the undo")
    print("Undo separates them again, and the suggestion is back")

    # Merged again by hand: Merge… finds her by name.
    app.click(app.find_button("Merge…"))
    dialog = app.find_window("Merge With Another Customer")
    search = next((n for n in uitest.walk(dialog) if n.getRoleName() in ("text", "entry")), None)
    if search is None:
        uitest.fail("the merge dialog has no search field:\n" + uitest.dump(dialog))
    app.insert_text(search, "Sabine")
    results = app.find("Customers", role="list")
    uitest.wait_until(lambda: any("Telegram" in t for t in labels(results)), "Sabine on Telegram among the results")
    results.querySelection().selectChild(0)
    app.click(app.find_button("Merge", within=dialog))
    uitest.wait_until(lambda: platforms_in_history(app) == {"Mastodon", "Telegram"}, "the merge by search")
    print("Merge… finds her by search and merges her by hand")

    # A field edited in place, and undone.
    email = app.find("Email Address", role="text")
    click_on(email)
    type_text(app, "sabine@example.org")
    app.press_key(KEY_RETURN)
    app.find("Email address changed", role="label")
    app.click(app.find_button("Undo"))
    uitest.wait_until(lambda: app.find("Email Address", role="text").queryText().getText(0, -1) == "",
                      "the email address undone")
    print("an edited field is saved, and Undo takes it back")

    interchange(app)

    # The Telegram conversation opens from the history.
    telegram = [t for t in labels(history(app)) if "· Telegram ·" in t]
    rows = [node for node in uitest.walk(history(app))
            if node.getRoleName() == "list item" and telegram and telegram[0] in labels(node)]
    if not rows:
        uitest.fail(f"the Telegram conversation is not in the history: {labels(history(app))!r}")
    scroll_into_view(app, rows[0])
    click_on(rows[0])
    app.find("Private — only the customer reads your reply", role="label")
    print("a conversation from the history opens")

    # Forgetting: the dialog names what goes.
    app.click(app.find_button("Forget This Customer…"))
    dialog = app.find_window("Forget Sabine Krüger?")
    body = " ".join(labels(dialog))
    if "2 conversations" not in body or "Nothing is deleted on the platforms" not in body:
        uitest.fail(f"the confirmation does not name what goes: {body!r}")
    app.click(app.find_button("Forget", within=dialog))
    # GTK 4.8 can crash when the tree is read while the whole window
    # reloads after the erasure, so the cache file says when it is over.
    uitest.wait_until(lambda: app.check_alive() or not any(w.encode() in app.read_cache() for w in SECRETS),
                      "the erasure to finish", timeout=60)
    time.sleep(1)
    app.find("No Customer", role="label")
    app.wait_rows(app.find("Conversations", role="list"),
                  lambda names: not any(n.startswith("Sabine Krüger") for n in names),
                  "Sabine gone from the inbox")

    data = app.read_cache()
    for word in SECRETS:
        if word.encode() in data:
            uitest.fail(f"{word!r} is still in the cache file after forgetting")
    print("forgotten: she is gone from the inbox and from the cache file")


if __name__ == "__main__":
    main()
