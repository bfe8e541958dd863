#!/usr/bin/python3
"""Signing in to Mastodon from Preferences, as an agent does: the server's
name, the browser (a stand-in that this test's mimeapps.list names as the
http handler, which approves), the account syncing, signing in to it once
more, which renews it instead of adding it twice; then the server
withdrawing access, "Sign In Again" on the account, and removing the
account, which revokes its token."""

import os
import tempfile
import time

import uitest

# The sandbox needs one; the app never sees it, it signs in for its own.
TOKEN = "sandbox-token-the-sign-in-test-never-uses"


def browser_home(browser_log):
    """A profile whose default browser is tests/oauth-browser.py."""
    home = tempfile.TemporaryDirectory(prefix="concierge-ui-")
    script = os.path.join(os.environ["G_TEST_SRCDIR"], "oauth-browser.py")
    applications = os.path.join(home.name, "data", "applications")
    os.makedirs(applications)
    os.makedirs(os.path.join(home.name, "config"))
    with open(os.path.join(applications, "concierge-test-browser.desktop"), "w") as f:
        f.write("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                f"Exec=/usr/bin/python3 {script} %u\n"
                "MimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n")
    with open(os.path.join(home.name, "config", "mimeapps.list"), "w") as f:
        f.write("[Default Applications]\n"
                "x-scheme-handler/http=concierge-test-browser.desktop\n"
                "x-scheme-handler/https=concierge-test-browser.desktop\n")
    return home


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-sign-in-")
    sandbox = uitest.Sandbox(TOKEN, work.name)
    browser_log = os.path.join(work.name, "browser.log")
    log_path = os.path.join(work.name, "app.log")
    log = open(log_path, "w")
    home = browser_home(browser_log)
    env = {"CONCIERGE_TEST_BROWSER_LOG": browser_log, "CONCIERGE_TEST_BROWSER_DECISION": "approve"}
    app = uitest.App("en", home=home, log=log, extra_env=env)
    try:
        sign_in_and_sync(app, sandbox, browser_log)
        # Access is withdrawn on the server while the app is closed, say
        # overnight; the next start meets a refused sign-in.
        app.quit()
        sandbox.post("/_sandbox/revoke-all", {})
        app = uitest.App("en", home=home, log=log, extra_env=env)
        sign_in_again_and_remove(app, sandbox)
    except BaseException:
        uitest.show_output(log, log_path)
        raise
    finally:
        app.quit()
        log.close()
        sandbox.stop()
        home.cleanup()
        work.cleanup()


def button_named(app, name):
    """A button whose accessible name starts with @name: GTK 4.8 adds the
    words on a button to the name it was given."""
    deadline = time.monotonic() + uitest.TIMEOUT
    while time.monotonic() < deadline:
        for node, node_name in uitest.named(app.root):
            if node_name and node_name.startswith(name) and \
               uitest.readable(lambda: node.getRoleName() == "push button"):
                return node
        time.sleep(0.2)
    uitest.fail(f"no button named {name!r}. The app shows:\n" + uitest.dump(app.root))


def remove_buttons(app):
    """The names of the accounts' remove buttons, one an account."""
    return [name for n, name in uitest.named(app.root)
            if name and name.startswith("Remove ") and uitest.readable(lambda: n.getRoleName() == "push button")]


def sign_in(app, server):
    app.insert_text(app.find("Server, for example mastodon.social", role="text"), server)
    app.click(app.find_button("Sign In"))


def sign_in_and_sync(app, sandbox, browser_log):
    app.wait_for_app()
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    app.find_window("Preferences")

    # A server that cannot be right is explained before any browser opens.
    app.click(app.find("Add a Mastodon Account", role="push button"))
    sign_in(app, "http://mastodon.example")
    app.find("“http://mastodon.example” is not an https:// address. Plain http:// is accepted only for "
             "this computer (127.0.0.1 or ::1).", role="label")
    print("an address that would send the sign-in in the clear is refused")

    # The browser opens on the server's page, approves, and comes back.
    sign_in(app, sandbox.url)
    app.find("Wellenfunk Support on Mastodon", role="label")
    with open(browser_log, encoding="utf-8") as f:
        opened = f.read().split()
    if len(opened) != 1 or not opened[0].startswith(sandbox.url + "/oauth/authorize?"):
        uitest.fail(f"the browser was not sent to the server's sign-in page once: {opened!r}")
    tokens = [r for r in sandbox.requests() if r["path"] == "/oauth/token"]
    if len(tokens) != 1 or tokens[0]["status"] != 200 or \
       not tokens[0]["query"].get("code_verifier"):
        uitest.fail(f"the code was not exchanged once, with PKCE: {tokens!r}")
    print("signing in through the browser adds the account, with PKCE")

    # Its customers arrive.
    app.find("Up to date", role="label")
    inbox = app.find("Conversations", role="list")
    app.wait_rows(inbox, lambda names: sum("Mastodon" in n for n in names) >= 3, "the account's conversations")
    print("the signed-in account syncs")

    # Signing in to the same account once more renews it, and says so.
    app.click(app.find("Add a Mastodon Account", role="push button"))
    sign_in(app, sandbox.url)
    app.find("Wellenfunk Support is signed in again", role="label")
    uitest.wait_until(lambda: remove_buttons(app) == ["Remove Wellenfunk Support on Mastodon"],
                      "one account in the list")
    print("signing in to an account that is there already renews it instead of adding it twice")



def sign_in_again_and_remove(app, sandbox):
    # The account under the inbox offers to sign in again; that opens
    # Preferences on the sign-in, with the server filled in.
    app.wait_for_app()
    app.click(button_named(app, "Sign in to Wellenfunk Support on Mastodon again"))
    app.find_window("Preferences")
    app.find("Sign In to Mastodon Again")
    app.click(app.find_button("Sign In"))
    app.find("Wellenfunk Support is signed in again", role="label")
    app.find("Up to date", role="label")
    print("a refused sign-in offers Sign In Again, which renews it")

    # Removing the account revokes its token on the server.
    app.click(app.find("Remove Wellenfunk Support on Mastodon", role="push button"))
    app.click(app.find_button("Delete Conversations"))
    app.find("No accounts yet", role="label")
    revocations = [r for r in sandbox.requests() if r["path"] == "/oauth/revoke"]
    if len(revocations) != 1 or revocations[0]["status"] != 200:
        uitest.fail(f"removing the account did not revoke its token once: {revocations!r}")
    print("removing the account revokes its token")


if __name__ == "__main__":
    main()
