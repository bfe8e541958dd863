#!/usr/bin/python3
"""A reply a colleague posted on the web before the account was added: the
conversation shows it at the message, as answered outside Concierge, and
the customer no longer waits for an answer."""

import uitest

TOKEN = "ui-answered-elsewhere-token-Hq3Wd8Pz"
# The sandbox's first status: Jana's mention.
JANA_MENTION = "109000000000000000"
ANSWER = "Wir schicken Ihnen einen neuen Router."


def run(app, sandbox):
    app.wait_for_app()
    sandbox.post("/_sandbox/post-as-support",
                 {"in_reply_to_id": JANA_MENTION, "text": ANSWER, "visibility": "public"})
    uitest.add_account(app, sandbox)
    uitest.open_thread(app, "Jana Becker")
    app.find(ANSWER, role="label")
    app.find("Answered outside Concierge, on the web or in another app", role="label")
    inbox = app.find("Conversations", role="list")
    app.wait_rows(inbox, lambda names: any(n.startswith("Jana Becker") and "waiting" not in n for n in names),
                  "Jana's conversation no longer waiting")
    print("a reply from the web shows in its conversation, marked as sent outside Concierge")


def main():
    uitest.run_with_sandbox(run, TOKEN, prefix="concierge-answered-elsewhere-")


if __name__ == "__main__":
    main()
