#!/usr/bin/python3
"""Moving to private from Telegram groups where the bot may not remove
the customer's message, as an agent does it against the sandbox. Petra
left her phone number in a group where the bot is a plain member: the
preview says that her message cannot be removed and who can remove it,
and confirming answers in the group without trying to delete anything.
Mehmet edited a message from three days ago that holds his phone number:
the preview says it is past the 48 hours. The account's row in
Preferences says what the bot's privacy mode means."""

import time

import uitest

TOKEN = "ui-move-group-token-Jw4Qp8Ls2Xn6Tb9"
BOT_TOKEN = "7000000001:ui-move-group-bot-Rk3Zt7Hv1Mc5"
NOT_ADMIN = ("The bot is not an administrator of this group who may delete messages, so the customer’s "
             "message cannot be removed. Ask an administrator of the group to remove it.")
TOO_OLD = ("The customer’s message is older than 48 hours, so the bot can no longer remove it. Ask an "
           "administrator of the group to remove it.")
PRIVACY = ("In groups, the bot sees only messages that mention it or reply to it, unless it is an "
           "administrator there. Turn off privacy mode with @BotFather to see every message.")


def main():
    # Nobody answers while the test looks.
    uitest.run_with_sandbox(run, TOKEN, "--seed-telegram-chats", "--reply-delay-ms", "600000",
                            prefix="concierge-move-group-", telegram_token=BOT_TOKEN)


def bot_calls(sandbox, method):
    return [r for r in sandbox.requests() if r.get("bot_method") == method]


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox, "telegram")

    uitest.open_thread(app, "Petra Neumann")
    app.click(app.find_button("Move to Private"))
    dialog = app.find_window("Move to a Private Conversation?")
    app.find(NOT_ADMIN, role="label")
    app.click(app.find_button("Move to Private", within=dialog))
    app.wait_window_gone("Move to a Private Conversation?")
    app.find("Asked the customer to write privately", role="label")
    uitest.wait_until(lambda: [r for r in bot_calls(sandbox, "sendMessage") if r["status"] == 200],
                      "the public reply in the group")
    # The move is done once the reply went out; give a removal, were one
    # queued, the time to be tried.
    time.sleep(3)
    if bot_calls(sandbox, "deleteMessage"):
        uitest.fail(f"the move tried to remove her message: {bot_calls(sandbox, 'deleteMessage')!r}")
    if not [r for r in bot_calls(sandbox, "getChatMember") if r["status"] == 200]:
        uitest.fail("the bot's rights in the group were never asked")
    print("where the bot is a plain member, the preview says so and nothing is deleted")

    uitest.open_thread(app, "Mehmet Yılmaz")
    app.click(app.find_button("Move to Private"))
    dialog = app.find_window("Move to a Private Conversation?")
    app.find(TOO_OLD, role="label")
    app.click(app.find_button("Cancel", within=dialog))
    app.wait_window_gone("Move to a Private Conversation?")
    print("a message older than 48 hours is not promised to be removed")

    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    app.find_window("Preferences")
    app.find("Up to date\n" + PRIVACY, role="label")
    print("the account's row says what privacy mode means")


if __name__ == "__main__":
    main()
