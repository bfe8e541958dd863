#!/usr/bin/python3
"""The key that keeps forgotten customers out lives in the keyring. With the
keyring locked, only the messages that arrive wait: the sidebar says so, the
cached conversations stay readable and a reply goes out; once the keyring is
unlocked, Try Again brings what waited. Forgetting a customer, which needs
the key, says that it waits, and deletes nothing.

The agent worked yesterday with the keyring unlocked, which made the key
there. Today the login collection is locked. The account's token is also
in the session collection, which stays unlocked, so that the account syncs
while the key is out of reach; nothing then asks for a password, which
nobody could type here."""

import json
import os
import sqlite3
import tempfile
import urllib.parse
import urllib.request

import gi
gi.require_version("Secret", "1")
from gi.repository import Gio, GLib, Secret  # noqa: E402

import uitest  # noqa: E402

TOKEN = "ui-keyring-token-Hb5Wc2Qe8Rt1Ym6Xa3Jd"
# The password of the login collection that build-aux/dev's session makes.
KEYRING_PASSWORD = "concierge-test"
LOGIN = "/org/freedesktop/secrets/collection/login"
ANSWER = "@support Danke, das hilft mir weiter!"
LOCKED = "Keyring locked — new messages wait until it is unlocked"

ACCOUNT_SCHEMA = Secret.Schema.new("io.github.conciergedesk.Concierge.Account", Secret.SchemaFlags.NONE, {
    "profile": Secret.SchemaAttributeType.STRING,
    "account": Secret.SchemaAttributeType.STRING,
    "platform": Secret.SchemaAttributeType.STRING,
    "version": Secret.SchemaAttributeType.INTEGER,
})
KEY_SCHEMA = Secret.Schema.new("io.github.conciergedesk.Concierge.Key", Secret.SchemaFlags.NONE, {
    "profile": Secret.SchemaAttributeType.STRING,
    "purpose": Secret.SchemaAttributeType.STRING,
    "version": Secret.SchemaAttributeType.INTEGER,
})


def secret_service(method, parameters, interface="org.freedesktop.Secret.Service"):
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    return bus.call_sync("org.freedesktop.secrets", "/org/freedesktop/secrets", interface, method, parameters,
                         None, Gio.DBusCallFlags.NONE, -1, None)


def lock_keyring():
    secret_service("Lock", GLib.Variant("(ao)", ([LOGIN],)))


def unlock_keyring():
    """gnome-keyring's way to unlock with the password and no prompt; a
    plain session carries the password as it is."""
    session = secret_service("OpenSession", GLib.Variant("(sv)", ("plain", GLib.Variant("s", "")))).unpack()[1]
    secret_service("UnlockWithMasterPassword",
                   GLib.Variant("(o(oayays))", (LOGIN, (session, b"", KEYRING_PASSWORD.encode(), "text/plain"))),
                   interface="org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface")


def profile_of(app):
    db = sqlite3.connect(f"file:{app.cache_path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT value FROM profile WHERE key = 'id'").fetchone()[0]
    finally:
        db.close()


def items(schema, attributes, load=False):
    service = Secret.Service.get_sync(Secret.ServiceFlags.OPEN_SESSION, None)
    flags = Secret.SearchFlags.ALL | (Secret.SearchFlags.LOAD_SECRETS if load else Secret.SearchFlags.NONE)
    return service.search_sync(schema, attributes, flags, None)


def copy_sign_ins_to_session(profile):
    """The account's token, also in the session collection."""
    copied = 0
    for item in items(ACCOUNT_SCHEMA, {"profile": profile}, load=True):
        attributes = {k: v for k, v in item.get_attributes().items() if not k.startswith("xdg:")}
        Secret.password_store_sync(ACCOUNT_SCHEMA, attributes, Secret.COLLECTION_SESSION, item.get_label(),
                                   item.get_secret().get_text(), None)
        copied += 1
    if copied == 0:
        uitest.fail("the account's token is not in the keyring")


def sandbox_get(sandbox, path):
    request = urllib.request.Request(sandbox.url + path, headers={"Authorization": "Bearer " + sandbox.token})
    return json.load(urllib.request.urlopen(request, timeout=10))


def colleague_answers_jana(sandbox):
    """A colleague on another desktop answers Jana's post, and she answers
    back: a mention that only the next sync brings."""
    jana = [n["status"] for n in sandbox_get(sandbox, "/api/v1/notifications?limit=40")
            if n["account"]["acct"].startswith("jana")][0]
    body = urllib.parse.urlencode({"status": "@jana Wir prüfen Ihren Anschluss.", "in_reply_to_id": jana["id"],
                                   "visibility": "public"}).encode()
    request = urllib.request.Request(sandbox.url + "/api/v1/statuses", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + sandbox.token})
    urllib.request.urlopen(request, timeout=10).read()
    uitest.wait_until(lambda: any("Danke, das hilft" in n["status"]["content"]
                                  for n in sandbox_get(sandbox, "/api/v1/notifications?limit=40")),
                      "Jana's answer on the server")


def notification_fetches(sandbox):
    return sum(1 for r in sandbox.requests() if r["method"] == "GET" and r["path"] == "/api/v1/notifications")


def shows(app, name):
    return any(node_name == name for _, node_name in uitest.named(app.root))


def button_named(app, name):
    """A button whose accessible name starts with @name: GTK 4.8 adds the
    words on a button to the name it was given."""
    found = []
    uitest.wait_until(lambda: found.extend(node for node, node_name in uitest.named(app.root)
                                           if node_name and node_name.startswith(name)
                                           and uitest.readable(lambda: node.getRoleName() == "push button"))
                      or found,
                      f"a button named {name!r}")
    return found[0]


def main():
    work = tempfile.TemporaryDirectory(prefix="concierge-keyring-")
    home = tempfile.TemporaryDirectory(prefix="concierge-ui-")
    sandbox = uitest.Sandbox(TOKEN, work.name)
    log_path = os.path.join(work.name, "app.log")
    log = open(log_path, "w")
    apps = []
    try:
        run(apps, home, sandbox, log)
    except BaseException:
        uitest.show_output(log, log_path)
        raise
    finally:
        for app in apps:
            app.quit()
        # The other tests share this keyring.
        unlock_keyring()
        log.close()
        sandbox.stop()
        home.cleanup()
        work.cleanup()


def run(apps, home, sandbox, log):
    # Yesterday.
    app = uitest.App("en", home=home, log=log)
    apps.append(app)
    app.wait_for_app()
    uitest.add_account(app, sandbox)
    app.find("Support on Mastodon", role="label")
    inbox = app.find("Conversations", role="list")
    app.wait_rows(inbox, lambda names: len(names) == 3, "the three customers")
    profile = profile_of(app)
    keys = items(KEY_SCHEMA, {"profile": profile, "purpose": "tombstones"})
    if len(keys) != 1 or keys[0].get_label() != "Concierge: key that keeps forgotten customers forgotten":
        uitest.fail(f"the keyring holds {len(keys)} keys for the profile")
    print("a new profile's key is in the keyring, under the profile, named for what it does")
    app.quit()
    apps.remove(app)

    copy_sign_ins_to_session(profile)
    colleague_answers_jana(sandbox)

    # Today the keyring is locked.
    lock_keyring()
    fetches = notification_fetches(sandbox)
    app = uitest.App("en", home=home, log=log)
    apps.append(app)
    app.wait_for_app()
    app.find(LOCKED, role="label")
    uitest.wait_until(lambda: notification_fetches(sandbox) > fetches, "a fetch while the keyring is locked")
    try_again = button_named(app, "Try syncing Support on Mastodon again")
    print("locked: the account says that new messages wait, with Try Again")

    uitest.open_thread(app, "Jana Becker")
    app.find("@support Seit heute Morgen kein Internet, der Router blinkt rot.", role="label")
    if shows(app, ANSWER) or b"Danke, das hilft" in app.read_cache():
        uitest.fail("Jana's answer was taken in while the keyring was locked")
    print("the cached conversation stays readable; the fetched answer waits, in no file")

    uitest.open_thread(app, "Tom Schulz")
    reply = "Wir erstatten den doppelt abgebuchten Betrag."
    app.insert_text(app.find("Reply", role="text"), reply)
    app.click(app.find_button("Send"))
    uitest.wait_until(lambda: len(sandbox.posts_with(reply)) == 1, "the reply on the server")
    app.find(LOCKED, role="label")
    print("a reply goes out while the keyring is locked")

    # Forgetting him now would leave no tombstone: it waits, and says so.
    app.click(app.find_button("Forget This Customer…"))
    dialog = app.find_window("Forget Tom Schulz?")
    app.click(app.find_button("Forget", within=dialog))
    app.find("Nothing was deleted: forgetting Tom Schulz needs the unlocked keyring. Unlock it, then try again.",
             role="label")
    if b"doppelt abgebucht" not in app.read_cache():
        uitest.fail("Tom's conversation went although he could not be forgotten")
    print("forgetting waits for the keyring, and says so")

    # Unlocked, as in Passwords and Keys; Try Again (unless the quiet retry
    # came first) brings what waited.
    unlock_keyring()
    app.click(try_again)
    uitest.open_thread(app, "Jana Becker")
    app.find(ANSWER, role="label")
    app.find("Up to date", role="label")
    if len(items(KEY_SCHEMA, {"profile": profile, "purpose": "tombstones"})) != 1:
        uitest.fail("a second key was made for the profile")
    print("unlocked: Try Again brings Jana's answer, with the same key")


if __name__ == "__main__":
    uitest.require_environment()
    main()
