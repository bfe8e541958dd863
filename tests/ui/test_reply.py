#!/usr/bin/python3
"""End to end against the sandbox server: an account added on the command
line while the app runs, customers arriving, a reply typed in the composer
that reaches the server exactly once, even across a kill -9 while the server
holds back its answer, and a token that is never written anywhere but the
keyring."""

import glob
import os
import signal
import subprocess
import tempfile
import time


import uitest

TOKEN = "ui-reply-token-Zr4Xq9Lm2Vb7Nc1Kt8Hy"


def open_thread(app, customer):
    uitest.open_thread(app, customer)
    app.find("Public — everyone can read your reply", role="label")


def write_reply(app, text):
    composer = app.find("Reply", role="text")
    app.insert_text(composer, text)
    app.find("Public reply: everyone can read it", role="label")
    app.click(app.find_button("Send"))


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-reply-")
    sandbox = uitest.Sandbox(TOKEN, work.name)
    log_path = os.path.join(work.name, "app.log")
    log = open(log_path, "w")
    outputs = []
    app = uitest.App("en", extra_env={"GSETTINGS_BACKEND": "keyfile"}, log=log)
    app.keep_home = True  # scanned for the token after the app has gone
    app.second = None
    try:
        run(app, sandbox, outputs, log)
    except BaseException:
        uitest.show_output(log, log_path)
        raise
    finally:
        if app.second is not None:
            app.second.quit()
        app.quit()
        log.close()
        sandbox.stop()

    # The token is in the keyring and nowhere else; the record, which has
    # requests as they came, shows that the app sent this one.
    if f"Bearer {TOKEN}" not in [r["authorization"] for r in sandbox.requests()]:
        uitest.fail("the sandbox never saw the token: the check below would prove nothing")
    places = [log_path]
    places += glob.glob(os.path.join(app.home.name, "data", "concierge", "*"))
    places += glob.glob(os.path.join(app.home.name, "config", "glib-2.0", "settings", "*"))
    for place in places:
        with open(place, "rb") as f:
            if TOKEN.encode() in f.read():
                uitest.fail(f"the token was written to {os.path.basename(place)}")
    if any(TOKEN in output for output in outputs):
        uitest.fail("the token was printed")
    print(f"the token is in none of {len(places)} files: the log, the database "
          "and its WAL, the settings")

    app.home.cleanup()
    work.cleanup()


def run(app, sandbox, outputs, log):
    app.wait_for_app()

    # The running app picks up an account the command line adds.
    outputs.append(uitest.add_account(app, sandbox))
    app.find("Support on Mastodon", role="label")
    open_thread(app, "Jana Becker")
    print("an account added on the command line syncs in the running app")

    # A reply reaches the server once, and the customer's answer appears
    # in the open conversation without a reload.
    first = "Das tut uns leid! Wir prüfen den Anschluss sofort."
    write_reply(app, first)
    uitest.wait_until(lambda: len(sandbox.statuses_with(first)) == 1, "the reply on the server")
    app.find("@support Danke, das hilft mir weiter!", role="label")
    time.sleep(1)
    if len(sandbox.posts_with(first)) != 1 or len(sandbox.statuses_with(first)) != 1:
        uitest.fail("the reply reached the server more than once")
    print("a reply reaches the sandbox once; the customer's answer appears live")

    # The server holds back its answer and the app is killed: after a
    # restart, the record shows exactly one status.
    second_text = "Der Techniker kommt morgen zwischen 8 und 12 Uhr."
    sandbox.post("/_sandbox/fault", {"path": "/api/v1/statuses", "kind": "hold"})
    write_reply(app, second_text)
    uitest.wait_until(lambda: len(sandbox.posts_with(second_text)) == 1, "the held request")
    app.process.send_signal(signal.SIGKILL)
    app.process.wait()
    sandbox.post("/_sandbox/release", {})

    second = app.second = uitest.App("en", extra_env={"GSETTINGS_BACKEND": "keyfile"},
                                     home=app.home, log=log)
    second.wait_for_app()
    open_thread(second, "Jana Becker")
    second.find("Support on Mastodon", role="label")
    uitest.wait_until(lambda: any(r["path"] == "/api/v1/accounts/1/statuses" for r in sandbox.requests()),
               "the app to look for its own statuses")
    time.sleep(2)
    statuses = sandbox.statuses_with(second_text)
    if len(statuses) != 1 or len(sandbox.posts_with(second_text)) != 1:
        uitest.fail(f"after kill -9 the server holds {len(statuses)} statuses, "
                    f"{len(sandbox.posts_with(second_text))} posts")
    for _, name in uitest.named(second.root):
        if name in ("Sending…", "Waiting to be sent"):
            uitest.fail("the reply still shows as unsent after the restart")
    print("kill -9 while the server held the answer: exactly one status after the restart")

    # The server goes away: the account is offline, the cached conversation
    # stays readable, and a reply written meanwhile waits. When the server
    # is back, Try Again brings the account back and the reply goes out.
    sandbox.post("/_sandbox/outage", {"seconds": 6})
    time.sleep(1)
    third_text = "Wir melden uns, sobald die Störung behoben ist."
    write_reply(second, third_text)
    second.find("Offline — showing cached conversations", role="label")
    second.find("@support Seit heute Morgen kein Internet, der Router blinkt rot.", role="label")
    time.sleep(6)
    # The account may have found the server back on its own already.
    for node, name in uitest.named(second.root):
        if name == "Try syncing Support on Mastodon again" and \
           uitest.readable(lambda: node.getState().contains(uitest.STATE_VISIBLE)):
            second.click(node)
            break
    uitest.wait_until(lambda: len(sandbox.statuses_with(third_text)) == 1, "the reply written offline on the server")
    second.find("Up to date", role="label")
    print("offline: the sidebar says so, and a reply written meanwhile goes out once the server is back")

    # The command line removes the account: the running app lets it go,
    # with its conversations.
    account_id = outputs[0].split()[0]
    result = subprocess.run([second.binary, "account", "remove", account_id], env=second.env,
                            capture_output=True, text=True, timeout=60)
    outputs.append(result.stdout + result.stderr)
    if result.returncode != 0:
        uitest.fail(f"removing the account failed: {result.stderr}")
    # It was the only account: the inbox is left empty, and says so, and
    # the conversation that was open is closed.
    second.find("No Conversations Yet", role="label")
    second.find("No Conversation Selected", role="label")
    uitest.wait_until(lambda: not any(name == "Support on Mastodon" for _, name in uitest.named(second.root)),
                      "the removed account to leave the sidebar")
    print("an account removed on the command line leaves the running app, with its conversations")


if __name__ == "__main__":
    main()
