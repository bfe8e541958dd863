#!/usr/bin/python3
"""Moving a public conversation to a private one, as an agent does it
against the sandbox: Lena posted her IBAN in public. The banner says that
everyone reads the reply; p (or its button) opens the preview with both
texts; confirming sends the private message, then the public reply, and
opens the private conversation, where the steps show. The public one
links to it. The sandbox's record proves what went out, and that the IBAN
never went out in public. Lena writes German and the app speaks English:
the texts she reads are German, and say "Sie", as her messages do not
say "du"; the Telegram group, which says "ihr" to the company, reads
"du". Mehmet, on Telegram, never wrote to the bot
privately: the preview says so, and the public reply asks him to write
privately with the bot's link, after which his message leaves the
group."""


import uitest

TOKEN = "ui-move-token-Hs8Kd2Lq5Wz9Pc3Vn7Rt"
BOT_TOKEN = "7000000001:ui-move-bot-Vb6Nq1Xs4Kd8"
EMAIL = "mehmet.yilmaz@example.org"
IBAN = "DE89 3704 0044 0532 0130 00"
KEY_P = 0x70


def main():
    # Lena does not answer while the test looks.
    uitest.run_with_sandbox(run, TOKEN, "--seed-personal-data", "--reply-delay-ms", "600000",
                            prefix="concierge-move-", telegram_token=BOT_TOKEN)


def statuses(sandbox):
    return [r for r in sandbox.requests() if r["method"] == "POST" and r["path"] == "/api/v1/statuses"]


def bot_calls(sandbox, method):
    return [r for r in sandbox.requests() if r.get("bot_method") == method and r["status"] == 200]


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    uitest.add_account(app, sandbox, "telegram")
    uitest.open_thread(app, "Lena Krause")
    app.find("Public — everyone can read your reply", role="label")
    app.find_button("Move to Private")

    # The single-key shortcut, where no text field has the focus.
    app.press_key(KEY_P)
    dialog = app.find_window("Move to a Private Conversation?")
    private_text = app.find("Private message to Lena Krause", role="text").queryText().getText(0, -1)
    public_text = app.find("Public reply, which everyone can read", role="text").queryText().getText(0, -1)
    if private_text != ("Hallo, danke für Ihre Nachricht! Wir kümmern uns darum und schreiben Ihnen hier privat "
                        "weiter. Ihr öffentlicher Beitrag zeigt persönliche Daten (IBAN), die alle lesen können – "
                        "wir empfehlen Ihnen, ihn zu löschen."):
        uitest.fail(f"the private message is not German with Sie, naming the data: {private_text!r}")
    if public_text != "Danke! Wir haben Ihnen eine Direktnachricht geschickt, um das vertraulich zu klären.":
        uitest.fail(f"the public reply is not German with Sie: {public_text!r}")
    app.find("Mastodon does not let Concierge hide or remove the customer’s post, so it stays visible. "
             "The private message suggests that they delete it.", role="label")
    print("p opens the preview, with both texts and what happens to the post")

    # Personal data in the public reply stops the move.
    public_field = app.find("Public reply, which everyone can read", role="text")
    app.insert_text(public_field, f"Danke! Ihre IBAN {IBAN} haben wir.")
    app.find("The public reply contains personal data: IBAN. Remove it before the conversation moves.",
             role="label")
    app.insert_text(public_field, "Danke! Wir haben Ihnen eine Direktnachricht geschickt.")
    app.click(app.find_button("Move to Private", within=dialog))
    app.wait_window_gone("Move to a Private Conversation?")

    # The private conversation opens, and shows the steps.
    app.find("Private — only the customer reads your reply", role="label")
    uitest.wait_until(lambda: len(statuses(sandbox)) == 2, "the private message and the public reply")
    direct, public = statuses(sandbox)
    if direct["query"].get("visibility") != "direct" or "@lena_k" not in direct["query"]["status"] or \
       "wir empfehlen Ihnen, ihn zu löschen" not in direct["query"]["status"]:
        uitest.fail(f"the first status is not the private message: {direct!r}")
    if public["query"].get("visibility") != "public" or \
       "Wir haben Ihnen eine Direktnachricht geschickt." not in public["query"]["status"]:
        uitest.fail(f"the second status is not the public reply: {public!r}")
    for request in sandbox.requests():
        if request["path"] == "/api/v1/statuses" and request["query"].get("visibility") != "direct":
            if IBAN.replace(" ", "").lower() in str(request).replace(" ", "").lower():
                uitest.fail(f"the IBAN went out in public: {request!r}")
    print("the private message went out first, then the public reply, without the IBAN")

    # Back in the public conversation: the record of the move, and the way
    # to the private one.
    uitest.open_thread(app, "Lena Krause")
    app.find("Moved to a private conversation", role="label")
    app.find("The post stays visible: Mastodon does not let Concierge hide it", role="label")
    app.click(app.find_button("Open Private Conversation"))
    app.find("Private — only the customer reads your reply", role="label")
    print("the public conversation shows the move and opens the private one")

    # Telegram, where the bot may not write first.
    uitest.open_thread(app, "Mehmet Yılmaz")
    app.click(app.find_button("Move to Private"))
    dialog = app.find_window("Move to a Private Conversation?")
    app.find("Mehmet Yılmaz has not written to this account privately, and on Telegram it cannot write to "
             "them first. The public reply asks them to write privately instead.", role="label")
    public_text = app.find("Public reply, which everyone can read", role="text").queryText().getText(0, -1)
    # The group writes to the company with "ihr" ("schickt ihr mir", "könnt ihr"): the reply says "du".
    if not public_text.startswith("Danke! Damit deine Daten nicht öffentlich bleiben, schreib uns bitte "
                                  "privat: https://t.me/WellenfunkHilfeBot?start=case-"):
        uitest.fail(f"the public reply is not German with du and the link to the bot: {public_text!r}")
    app.find("Then Concierge removes the customer’s message from the group, with “personal data” as the "
             "reason in the audit log. This works where the bot is an administrator of the group who may "
             "delete messages, within 48 hours of the message.", role="label")
    app.click(app.find_button("Move to Private", within=dialog))
    app.wait_window_gone("Move to a Private Conversation?")
    uitest.wait_until(lambda: bot_calls(sandbox, "deleteMessage"), "his message to leave the group")
    sent = bot_calls(sandbox, "sendMessage")
    if len(sent) != 1 or "t.me/WellenfunkHilfeBot" not in sent[0]["query"]["text"]:
        uitest.fail(f"the bot did not answer once in the group with its link: {sent!r}")
    if EMAIL in str(sent):
        uitest.fail("his email address went out in public")
    app.find("Asked the customer to write privately", role="label")
    print("without a private chat, the preview says so and the group gets the bot's link")


if __name__ == "__main__":
    main()
