#!/usr/bin/python3
"""The move of a Facebook comment to private across a kill -9: Meta took
the private reply to Andrea's comment, its answer never came because the
app was killed, and the comment is not hidden yet. Started again, the app
sends the private reply again, which Meta refuses as the comment's second
(code 10900): that counts as sent, and the hide follows. Meta holds one
private reply and one hide, and the audit log one entry of the hide."""

import os
import re
import signal
import subprocess
import tempfile

import uitest

TOKEN = "ui-facebook-move-kill-unused"
PAGE_TOKEN = "EAAGm0PX4ZCpsBAUiMoveKillPageTokenOfTheSandbox"
PAGE_ID = "104700000000001"
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "channels", "facebook",
                      "concierge-facebook.h")


def graph_version():
    with open(HEADER, encoding="utf-8") as f:
        return re.search(r'CONCIERGE_FACEBOOK_GRAPH_VERSION "(v[0-9.]+)"', f.read()).group(1)


def graph_posts(sandbox, suffix, status, param, value):
    return [r for r in sandbox.requests()
            if r["method"] == "POST" and r.get("graph_path", "").endswith(suffix) and r["status"] == status
            and value in r["query"].get(param, "")]


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-facebook-move-kill-")
    sandbox = uitest.Sandbox(TOKEN, work.name, "--facebook-token", PAGE_TOKEN, "--seed-personal-data",
                             "--reply-delay-ms", "600000")
    log_path = os.path.join(work.name, "app.log")
    log = open(log_path, "w")
    app = uitest.App("en", extra_env={"GSETTINGS_BACKEND": "keyfile"}, log=log)
    app.second = None
    try:
        run(app, sandbox, log)
    except BaseException:
        uitest.show_output(log, log_path)
        raise
    finally:
        if app.second is not None:
            app.second.quit()
        app.quit()
        log.close()
        sandbox.stop()
        work.cleanup()


def run(app, sandbox, log):
    app.wait_for_app()
    result = subprocess.run([app.binary, "account", "add", "facebook", "--page-id", PAGE_ID, "--api-url",
                             sandbox.url, "--token-stdin"], input=PAGE_TOKEN + "\n", env=app.env,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        uitest.fail(f"adding the page failed: {result.stderr}")

    uitest.open_thread(app, "Andrea Wolf")
    sandbox.post("/_sandbox/fault", {"path": f"/{graph_version()}/{PAGE_ID}/messages", "method": "POST",
                                     "kind": "hold"})
    app.click(app.find_button("Move to Private"))
    dialog = app.find_window("Move to a Private Conversation?")
    app.click(app.find("Also answer in public", role="check box"))
    app.click(app.find_button("Move to Private", within=dialog))
    uitest.wait_until(lambda: graph_posts(sandbox, "/messages", 200, "recipient", "comment_id"),
                      "the private reply at Meta")
    app.process.send_signal(signal.SIGKILL)
    app.process.wait()
    sandbox.post("/_sandbox/release", {})
    if graph_posts(sandbox, "", 200, "is_hidden", "true"):
        uitest.fail("the comment was hidden before the private reply's answer came")
    print("kill -9 after Meta took the private reply and before its answer came")

    second = app.second = uitest.App("en", extra_env={"GSETTINGS_BACKEND": "keyfile"}, home=app.home, log=log)
    second.wait_for_app()
    uitest.wait_until(lambda: graph_posts(sandbox, "", 200, "is_hidden", "true"), "the comment to be hidden")
    replies = graph_posts(sandbox, "/messages", 200, "recipient", "comment_id")
    refused = graph_posts(sandbox, "/messages", 400, "recipient", "comment_id")
    hides = graph_posts(sandbox, "", 200, "is_hidden", "true")
    if len(replies) != 1 or len(hides) != 1:
        uitest.fail(f"after the restart Meta holds {len(replies)} private replies and {len(hides)} hides")
    if len(refused) != 1:
        uitest.fail(f"the private reply was not tried once more after the restart: {refused!r}")
    print("after the restart: one private reply, its repeat refused by Meta, one hide")

    second.click(second.find("Main Menu", role="push button"))
    second.click(second.find("Audit Log", role="menu item"))
    second.find_window("Audit Log")
    entries = [name for _, name in uitest.named(second.root)
               if name and name.startswith("Hid a post, conversation #")]
    if len(entries) != 1 or not entries[0].endswith("Why: Personal data"):
        uitest.fail(f"the audit log does not hold one hide for personal data: {entries!r}")
    print("the audit log holds the hide once, for personal data")


if __name__ == "__main__":
    main()
