#!/usr/bin/python3
"""Meta's reply window in the app, against the sandbox's Graph API: a
Messenger customer who last wrote 30 hours ago can be answered only with
the human-agent tag. Without Meta's Human Agent permission the composer
says so and does not send; once the agent says in Preferences → Accounts
that the page's app has it, the reply goes out with the tag. A customer
who wrote 8 days ago must write first, whatever the permission."""

import subprocess
import time

import uitest

TOKEN = "ui-facebook-window-mastodon-unused"
PAGE_TOKEN = "EAAGm0PX4ZCpsBAUiFacebookWindowPageToken"
ACCOUNT = "Wellenfunk on Facebook"
TAG_REFUSED = ("Private reply: only the customer reads it · Only with the human-agent tag: the customer’s last "
               "message is more than 24 hours old, and this account may not use the tag (Preferences → "
               "Accounts). The customer must write first.")
TAG_ALLOWED = ("Private reply: only the customer reads it · Only with the human-agent tag: the customer’s last "
               "message is more than 24 hours old, so the reply goes out with the tag. Use it for the "
               "customer’s request only.")
WRITE_FIRST = ("Private reply: only the customer reads it · The customer’s last message is more than 7 days "
               "old: the customer must write first. Sending is not possible until then.")
REPLY = "Guten Tag Frau Krüger, der Tarifwechsel klappt zum 1. des Monats."


def add_page(app, sandbox):
    result = subprocess.run([app.binary, "account", "add", "facebook", "--api-url", sandbox.url,
                             "--page-id", "104700000000001", "--token-stdin"],
                            input=PAGE_TOKEN, env=app.env, capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        uitest.fail(f"adding the page failed: {result.stderr}")


def send_sensitive(app):
    send = app.find_button("Send")
    return uitest.readable(lambda: send.getState().contains(uitest.STATE_SENSITIVE))


def sends(sandbox):
    return [r for r in sandbox.requests()
            if r["method"] == "POST" and r.get("graph_path", "").endswith("/messages")]


def run(app, sandbox):
    app.wait_for_app()
    add_page(app, sandbox)

    # 30 hours: only with the tag, which the page's app may not use.
    uitest.open_thread(app, "Sabine Krüger")
    app.find(TAG_REFUSED, role="label")
    app.insert_text(app.find("Reply", role="text"), REPLY)
    uitest.wait_until(lambda: not send_sensitive(app), "Send to be off")
    print("after 24 hours without the permission, the composer says so and Send is off")

    # 8 days: the customer must write first.
    uitest.open_thread(app, "Mehmet Yılmaz")
    app.find(WRITE_FIRST, role="label")
    print("after 7 days, the customer must write first")

    # Preferences → Accounts says whether the page's app has the permission,
    # and the agent says it has.
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    app.find_window("Preferences")
    uitest.wait_until(lambda: any(name and "Meta’s Human Agent permission: no." in name
                                  for _, name in uitest.named(app.root)),
                      "Preferences to say the app lacks the permission")
    # The rows are built anew when an account's sync state changes, and a
    # click may meet a switch on its way out: the agent would click again.
    says_yes = lambda: any(name and "Meta’s Human Agent permission: yes." in name
                           for _, name in uitest.named(app.root))
    for _ in range(3):
        app.click(app.find(f"{ACCOUNT} has Meta’s Human Agent permission"))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not says_yes():
            time.sleep(0.2)
        if says_yes():
            break
    uitest.wait_until(says_yes, "Preferences to say the app has the permission")
    app.press_escape()
    app.wait_window_gone("Preferences")
    print("Preferences → Accounts says whether the page's app has Meta's Human Agent permission")

    # Now the reply goes out, with the tag.
    uitest.open_thread(app, "Sabine Krüger")
    app.find(TAG_ALLOWED, role="label")
    app.insert_text(app.find("Reply", role="text"), REPLY)
    uitest.wait_until(lambda: send_sensitive(app), "Send to be on")
    app.click(app.find_button("Send"))
    uitest.wait_until(lambda: len(sends(sandbox)) == 1, "the reply sent")
    query = sends(sandbox)[0]["query"]
    if query.get("messaging_type") != "MESSAGE_TAG" or query.get("tag") != "HUMAN_AGENT":
        uitest.fail(f"the reply went out as {query!r}")
    print("with the permission, the reply goes out with the human-agent tag")

    uitest.open_thread(app, "Mehmet Yılmaz")
    app.find(WRITE_FIRST, role="label")
    print("after 7 days, not even the tag reaches the customer")


if __name__ == "__main__":
    uitest.run_with_sandbox(run, TOKEN, "--facebook-token", PAGE_TOKEN, "--facebook-human-agent",
                            prefix="concierge-facebook-window-")
