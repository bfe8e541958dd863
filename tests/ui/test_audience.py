#!/usr/bin/python3
"""Whom a reply reaches, as an agent meets it against the sandbox: Emma
asked in an unlisted post, and the banner says in words what that means.
Her conversation is a public one, so a reply with an IBAN is stopped by
the guard like any public reply; a reply without one goes out unlisted,
as she posted. Paula posted for her followers only: the banner says that
a reply reaches the account's followers, and it goes out followers-only."""

import uitest

TOKEN = "ui-audience-token-Rw4Pz8Lk2Xc6Vb9N"
IBAN = "DE89 3704 0044 0532 0130 00"


def write(app, text):
    app.insert_text(app.find("Reply", role="text"), text)
    app.click(app.find_button("Send"))


def main():
    # The customers do not answer while the test looks.
    uitest.run_with_sandbox(run, TOKEN, "--seed-followers-only", "--reply-delay-ms", "600000",
                            prefix="concierge-audience-")


def posted_visibility(sandbox, text):
    posts = sandbox.posts_with(text)
    return posts[0]["query"].get("visibility") if len(posts) == 1 else None


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    uitest.open_thread(app, "Emma Walsh")
    app.find("Unlisted: everyone can read this, it is not shown in public timelines", role="label")
    app.find_button("Move to Private")
    app.find("Unlisted reply: everyone can read it, but it is not shown in public timelines", role="label")
    print("the banner and the composer say what unlisted means, and the banner offers the move to private")

    # The guard treats an unlisted conversation as public.
    write(app, f"Please send the fee to {IBAN}, then roaming is on.")
    app.find("Personal Data in a Public Reply")
    app.click(app.find_button("Edit"))
    if sandbox.posts_with("roaming is on"):
        uitest.fail("a reply with an IBAN went out in an unlisted conversation unasked")
    print("a reply with an IBAN is stopped, as in any public conversation")

    write(app, "Yes, roaming in Switzerland is included in your plan.")
    uitest.wait_until(lambda: posted_visibility(sandbox, "roaming in Switzerland is included"),
                      "the reply on the server")
    if posted_visibility(sandbox, "roaming in Switzerland is included") != "unlisted":
        uitest.fail(f"the reply did not go out unlisted: {sandbox.posts_with('roaming in Switzerland')!r}")
    print("the reply goes out unlisted, as Emma asked")

    uitest.open_thread(app, "Paula Richter")
    app.find("Followers only: your reply reaches this account’s followers", role="label")
    app.find("Followers-only reply: this account’s followers read it", role="label")
    write(app, "Wir schicken Ihnen gern ein Angebot.")
    uitest.wait_until(lambda: posted_visibility(sandbox, "ein Angebot"), "the reply on the server")
    if posted_visibility(sandbox, "ein Angebot") != "private":
        uitest.fail(f"the reply did not go out followers-only: {sandbox.posts_with('ein Angebot')!r}")
    print("a followers-only question gets a followers-only reply, and the banner says whom it reaches")


if __name__ == "__main__":
    main()
