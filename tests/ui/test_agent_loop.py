#!/usr/bin/python3
"""An agent's loop, by keyboard alone, against the sandbox: j opens the
conversation that has waited longest, r goes to the reply, Ctrl+Enter
sends it, Escape leaves the reply and e resolves the conversation, which
leaves the inbox; the next one opens in its place. The sandbox's record
proves what was sent, and to whom."""

import time


import uitest

TOKEN = "ui-loop-token-Wd3Ks8Qp1Zx6Vn4Rb9Lt"
REPLY = "Das tut uns leid! Bitte starten Sie den Router einmal neu, wir prüfen parallel Ihren Anschluss."

KEY_J = 0x6a
KEY_R = 0x72
KEY_E = 0x65
KEY_RETURN = 0xff0d
KEY_ESCAPE = 0xff1b
CONTROL_MASK = 1 << 2


def selected_row(inbox):
    for i in range(inbox.childCount):
        item = inbox.getChildAtIndex(i)
        if item is not None and item.getState().contains(uitest.STATE_SELECTED):
            names = [item.getChildAtIndex(j).name for j in range(item.childCount)
                     if item.getChildAtIndex(j) is not None and item.getChildAtIndex(j).name]
            return names[0] if names else ""
    return None


def wait_selected(app, inbox, predicate, what):
    uitest.wait_until(lambda: selected_row(inbox) is not None and predicate(selected_row(inbox)), what)
    return selected_row(inbox)


def control_return(app):
    uitest.atspi.generate_keyboard_event(CONTROL_MASK, None, uitest.KEY_LOCKMODIFIERS)
    app.press_key(KEY_RETURN)
    uitest.atspi.generate_keyboard_event(CONTROL_MASK, None, uitest.KEY_UNLOCKMODIFIERS)


def main():
    # The customers do not answer while the agent works.
    uitest.run_with_sandbox(run, TOKEN, "--reply-delay-ms", "600000", prefix="concierge-loop-")


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    inbox = app.find("Conversations", role="list")
    rows = app.wait_rows(inbox, lambda names: len(names) == 3, "the three customers")
    first, second = rows[0].split(",")[0], rows[1].split(",")[0]

    # j: the conversation that has waited longest.
    app.press_key(KEY_J)
    wait_selected(app, inbox, lambda name: name.startswith(first + ","), f"{first} chosen")
    print(f"j opens the longest waiting conversation, {first}'s")

    # r, the reply, Ctrl+Enter.
    app.press_key(KEY_R)
    composer = app.find("Reply", role="text")
    uitest.wait_until(lambda: composer.getState().contains(uitest.STATE_FOCUSED), "the reply to have the focus")
    app.insert_text(composer, REPLY)
    control_return(app)
    uitest.wait_until(lambda: len(sandbox.posts_with(REPLY)) == 1, "the reply at the server")
    post = sandbox.posts_with(REPLY)[0]
    print("r and Ctrl+Enter send the reply:", post["query"].get("visibility"))

    # Escape, then e: resolved, and the next conversation is open.
    uitest.wait_until(lambda: composer.queryText().getText(0, -1) == "", "the reply to leave the composer")
    app.press_key(KEY_ESCAPE)
    uitest.wait_until(lambda: not composer.getState().contains(uitest.STATE_FOCUSED), "the focus out of the reply")
    app.press_key(KEY_E)
    app.wait_rows(inbox, lambda names: len(names) == 2 and not any(n.startswith(first + ",") for n in names),
                  f"{first}'s conversation resolved and gone from the inbox")
    wait_selected(app, inbox, lambda name: name.startswith(second + ","), f"{second} chosen next")
    print(f"e resolves it, and {second}'s conversation is next")

    # Exactly one reply went out, and only to the first customer.
    time.sleep(1)
    statuses = [r for r in sandbox.requests() if r["method"] == "POST" and r["path"] == "/api/v1/statuses"]
    if len(statuses) != 1:
        uitest.fail(f"{len(statuses)} statuses were posted, not one: {statuses!r}")


if __name__ == "__main__":
    main()
