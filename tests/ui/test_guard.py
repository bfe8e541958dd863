#!/usr/bin/python3
"""The public-reply guard, as an agent meets it against the sandbox: a
public reply with an IBAN in it is stopped and says why; Edit goes back
to the text and sends nothing; sending it anyway takes a second yes and
is written to the audit log, without the IBAN, where the Audit Log window
shows it; sending it privately instead starts a private conversation with
the customer and opens it. A private reply with the same IBAN goes out
unasked."""

import os
import pwd
import sqlite3
import time

import uitest

TOKEN = "ui-guard-token-Qm7Lx2Vr9Kc4Nz8Tb1Wd"
IBAN = "DE89 3704 0044 0532 0130 00"


def write(app, text):
    app.insert_text(app.find("Reply", role="text"), text)
    app.click(app.find_button("Send"))


def audit_log(app):
    db = sqlite3.connect(f"file:{app.cache_path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT action, reason, detail, thread_id FROM audit_log").fetchall()
    finally:
        db.close()


def main():
    uitest.run_with_sandbox(run, TOKEN, prefix="concierge-guard-")


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    uitest.open_thread(app, "Jana Becker")
    app.find("Public — everyone can read your reply", role="label")

    # Stopped, with the reason.
    text = f"Bitte überweisen Sie den Betrag an {IBAN}, dann ist alles erledigt."
    write(app, text)
    app.find("Personal Data in a Public Reply")
    app.find("Everyone on Mastodon can read this reply, and it contains: IBAN. Send it to the customer "
             "privately instead, or edit it so that no personal data goes out in public.")
    app.click(app.find_button("Edit"))
    time.sleep(1)
    if sandbox.posts_with("überweisen"):
        uitest.fail("a public reply with an IBAN was sent although the agent chose Edit")
    if app.find("Reply", role="text").queryText().getText(0, -1) != text:
        uitest.fail("Edit did not leave the reply as it was")
    print("a public reply with an IBAN is stopped, and Edit keeps the text")

    # Sending it anyway takes a second yes, and is logged without the IBAN.
    app.click(app.find_button("Send"))
    app.click(app.find_button("Send Publicly…"))
    app.find("Send Personal Data Publicly?")
    app.click(app.find_button("Send Publicly"))
    uitest.wait_until(lambda: len(sandbox.statuses_with("überweisen")) == 1, "the reply on the server")
    entries = audit_log(app)
    if len(entries) != 1 or entries[0][0] != "override" or entries[0][2] != "IBAN" or entries[0][3] is None:
        uitest.fail(f"the override is not in the audit log as it should be: {entries!r}")
    if any("3704" in str(value) for entry in entries for value in entry):
        uitest.fail("the audit log holds the IBAN itself")
    print("sending it anyway takes a second yes and is logged, without the IBAN")

    # The reviewer reads the same entry in the Audit Log, under the agent's
    # login name, as GLib reads it.
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Audit Log", role="menu item"))
    window = app.find_window("Audit Log")
    wanted = (f"Sent despite the warning, conversation #{entries[0][3]}, by {pwd.getpwuid(os.getuid()).pw_name}, ",
              ". Why: Personal data in a public reply — IBAN")
    uitest.wait_until(lambda: any(name and name.startswith(wanted[0]) and name.endswith(wanted[1])
                                  and uitest.readable(lambda: node.getRoleName() == "list item")
                                  for node, name in uitest.named(window)),
                      "the override in the Audit Log window")
    app.press_escape()
    app.wait_window_gone("Audit Log")
    print("the Audit Log window shows the override: what, where, who and why")

    # Sent privately instead: a direct message to Jana, in a private
    # conversation that opens.
    private_text = "Wir rufen Sie unter 0171 5528391 zurück, wenn das passt."
    write(app, private_text)
    app.click(app.find_button("Send Privately Instead"))
    app.find("Private — only the customer reads your reply", role="label")
    # Mastodon's copy starts with the customer's handle, as a direct message must.
    uitest.wait_until(lambda: any(name and name.endswith(private_text)
                                  and uitest.readable(lambda: node.getRoleName() == "label")
                                  for node, name in uitest.named(app.root)), "the message in the private conversation")
    uitest.wait_until(lambda: sandbox.posts_with("0171 5528391"), "the private message on the server")
    posted = sandbox.posts_with("0171 5528391")
    if len(posted) != 1 or posted[0]["query"].get("visibility") != "direct" or "in_reply_to_id" in posted[0]["query"] \
       or not posted[0]["query"]["status"].startswith("@jana@"):
        uitest.fail(f"the private message did not go to Jana directly, once: {posted!r}")
    if len(audit_log(app)) != 1:
        uitest.fail("sending privately was logged as an override")
    print("sending privately instead starts a private conversation and opens it")

    # Privately, nobody else reads it: no question.
    uitest.open_thread(app, "Tom Schulz")
    app.find("Private — only the customer reads your reply", role="label")
    write(app, f"Ihre IBAN {IBAN} haben wir hinterlegt.")
    uitest.wait_until(lambda: len(sandbox.statuses_with("hinterlegt")) == 1, "the private reply on the server")
    if len(audit_log(app)) != 1:
        uitest.fail("a private reply was logged as an override")
    print("a private reply with an IBAN goes out unasked")


if __name__ == "__main__":
    main()
