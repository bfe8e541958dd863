#!/usr/bin/python3
"""`concierge account add | list | remove` with no display, against the
sandbox server: the platform says whose a token is, the token goes to the
keyring and nowhere else, adding the same account again renews its token,
and removing an account refuses while replies to its customers wait."""

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import urllib.request

import gi

gi.require_version("Secret", "1")
from gi.repository import Secret  # noqa: E402

BINARY = os.environ.get("CONCIERGE_BIN", "")
SANDBOX = os.environ.get("CONCIERGE_SANDBOX", "")
TOKEN = "cli-test-token-Qm9vJx3y7K2LHc0pWn8sAe5TgUz4RbVd"
BOT_TOKEN = "7000000001:AAH-cli-test-Lm3Kx8Qw2Zr5Tb9Vn1Yc"
PAGE_TOKEN = "EAAGcliTestPageTokenOfWellenfunk7Qx2"
PAGE_ID = "104700000000001"
OOB = "urn:ietf:wg:oauth:2.0:oob"
SCHEMA = Secret.Schema.new("io.github.conciergedesk.Concierge.Account", Secret.SchemaFlags.NONE, {
    "profile": Secret.SchemaAttributeType.STRING,
    "account": Secret.SchemaAttributeType.STRING,
    "platform": Secret.SchemaAttributeType.STRING,
    "version": Secret.SchemaAttributeType.INTEGER,
})


class AccountCommands(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.TemporaryDirectory(prefix="concierge-cli-")
        self.env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            path = os.path.join(self.home.name, name.lower())
            os.makedirs(path)
            self.env[f"XDG_{name}_HOME"] = path
        self.env["GSETTINGS_BACKEND"] = "keyfile"
        self.outputs = []

        # The sandbox plays the Mastodon server, Telegram's Bot API and
        # Meta's Graph API whose tokens the commands check.
        self.record = os.path.join(self.home.name, "record.jsonl")
        self.sandbox = subprocess.Popen([SANDBOX, "--token", TOKEN, "--telegram-token", BOT_TOKEN,
                                         "--facebook-token", PAGE_TOKEN, "--record", self.record],
                                        stdout=subprocess.PIPE, text=True)
        line = self.sandbox.stdout.readline()
        self.assertTrue(line.startswith("listening on "), f"the sandbox did not start: {line!r}")
        self.url = line[len("listening on "):].strip()

    def tearDown(self):
        self.sandbox.terminate()
        self.sandbox.wait(timeout=10)
        self.sandbox.stdout.close()
        self.home.cleanup()

    def post_form(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        with urllib.request.urlopen(self.url + path, data=data, timeout=10) as response:
            return response.read().decode()

    def issued_token(self):
        """A second token of the sandbox's account, as signing in through
        the browser gets one."""
        app = json.loads(self.post_form("/api/v1/apps", {"client_name": "Script", "redirect_uris": OOB,
                                                         "scopes": "read"}))
        page = self.post_form("/oauth/authorize", {"response_type": "code", "client_id": app["client_id"],
                                                   "redirect_uri": OOB, "scope": "read", "decision": "approve"})
        code = re.search(r'<code id="authorization-code">([^<]+)</code>', page).group(1)
        answer = json.loads(self.post_form("/oauth/token", {"grant_type": "authorization_code", "code": code,
                                                            "client_id": app["client_id"],
                                                            "client_secret": app["client_secret"],
                                                            "redirect_uri": OOB, "scope": "read"}))
        return answer["access_token"]

    def run_concierge(self, *args, stdin=""):
        result = subprocess.run([BINARY, "account", *args], env=self.env, input=stdin,
                                capture_output=True, text=True, timeout=60)
        self.outputs.append(result.stdout + result.stderr)
        return result

    def database(self):
        return os.path.join(self.env["XDG_DATA_HOME"], "concierge", "cache.sqlite")

    def profile_id(self):
        db = sqlite3.connect(self.database())
        try:
            return db.execute("SELECT value FROM profile WHERE key = 'id'").fetchone()[0]
        finally:
            db.close()

    def secret(self, account_id):
        return Secret.password_lookup_sync(SCHEMA, {"profile": self.profile_id(),
                                                    "account": str(account_id)}, None)

    def assertSentButNeverWritten(self, token):
        """The sandbox's record, which has requests as they came, shows that
        the commands sent @token; they wrote it nowhere of their own: not in
        the cache, its write-ahead log, the settings, any other file of
        theirs or anything they printed."""
        with open(self.record, encoding="utf-8") as f:
            self.assertIn(token, f.read(), "the commands never sent this token: the check would prove nothing")
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            for root, _, files in os.walk(self.env[f"XDG_{name}_HOME"]):
                for file in files:
                    with open(os.path.join(root, file), "rb") as f:
                        self.assertFalse(token.encode() in f.read(), f"the token is in {file}")
        for output in self.outputs:
            self.assertFalse(token in output, "the token was printed")

    def add_mastodon(self, token, *args):
        return self.run_concierge("add", "mastodon", "--server", self.url, "--token-stdin", *args,
                                  stdin=token + "\n")

    def test_add_list_remove(self):
        added = self.add_mastodon(TOKEN, "--name", "Support")
        self.assertEqual(added.returncode, 0, added.stderr)
        account_id = int(added.stdout.strip())
        self.assertEqual(added.stderr, "")

        listed = self.run_concierge("list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertEqual(listed.stdout, f"{account_id}\tmastodon\tSupport\t{self.url}\n")

        secret = self.secret(account_id)
        self.assertIsNotNone(secret, "the token did not reach the keyring")
        self.assertTrue(TOKEN in secret, "the keyring holds something else than the token")

        # The token is in the keyring and nowhere else.
        self.assertSentButNeverWritten(TOKEN)

        removed = self.run_concierge("remove", str(account_id))
        self.assertEqual(removed.returncode, 0, removed.stderr)
        self.assertIsNone(self.secret(account_id), "removing the account left its secret")
        self.assertEqual(self.run_concierge("list").stdout, "")

    def test_adding_again_renews_the_token(self):
        added = self.add_mastodon(TOKEN)
        self.assertEqual(added.returncode, 0, added.stderr)
        account_id = int(added.stdout.strip())

        # The server names the account whose token it is.
        db = sqlite3.connect(self.database())
        try:
            self.assertEqual(db.execute("SELECT display_name, handle, remote_user_id FROM accounts").fetchall(),
                             [("Wellenfunk Support", "@support", "1")])
        finally:
            db.close()

        # The same person with another token, as after signing in again
        # elsewhere: one account, with the new token.
        token = self.issued_token()
        again = self.add_mastodon(token, "--name", "Support")
        self.assertEqual(again.returncode, 0, again.stderr)
        self.assertEqual(int(again.stdout.strip()), account_id)
        self.assertEqual(again.stderr, f"Support on Mastodon is already account {account_id}; "
                                       "the new token replaces its old one.\n")
        self.assertEqual(self.run_concierge("list").stdout, f"{account_id}\tmastodon\tSupport\t{self.url}\n")
        self.assertIn(token, self.secret(account_id))
        self.assertNotIn(TOKEN, self.secret(account_id))

        # The same bot twice is one account too.
        bot = self.run_concierge("add", "telegram", "--api-url", self.url, "--token-stdin", stdin=BOT_TOKEN)
        self.assertEqual(bot.returncode, 0, bot.stderr)
        bot_again = self.run_concierge("add", "telegram", "--api-url", self.url, "--token-stdin", stdin=BOT_TOKEN)
        self.assertEqual(bot_again.stdout, bot.stdout)
        self.assertIn("Wellenfunk Hilfe on Telegram is already account", bot_again.stderr)
        self.assertEqual(len(self.run_concierge("list").stdout.splitlines()), 2)
        for output in self.outputs:
            self.assertNotIn(token, output)
            self.assertNotIn(BOT_TOKEN, output)

    def queue_replies(self, account_id, states):
        """Replies in the outbox of the account's one conversation, as the
        app leaves them when it could not send them yet."""
        db = sqlite3.connect(self.database())
        try:
            thread = db.execute("INSERT INTO threads (account_id, visibility, remote_id, last_activity_at) "
                                "VALUES (?, 'public', 'status:1', 100)", (account_id,)).lastrowid
            for i, state in enumerate(states):
                message = db.execute("INSERT INTO messages (thread_id, direction, body, created_at, send_state, "
                                     "visibility) VALUES (?, 'out', ?, 100, ?, 'public')",
                                     (thread, f"Antwort {i}", state)).lastrowid
                if state != "sent":
                    db.execute("INSERT INTO outbox (account_id, thread_id, message_id, operation, "
                               "idempotency_key, created_at) VALUES (?, ?, ?, 'reply', ?, 100)",
                               (account_id, thread, message, f"key-{i}"))
            db.commit()
        finally:
            db.close()

    def test_remove_keeps_waiting_replies_unless_forced(self):
        added = self.add_mastodon(TOKEN, "--name", "Support")
        self.assertEqual(added.returncode, 0, added.stderr)
        account_id = int(added.stdout.strip())
        self.queue_replies(account_id, ["queued", "failed", "sent"])

        refused = self.run_concierge("remove", str(account_id))
        self.assertEqual(refused.returncode, 1)
        self.assertEqual(refused.stderr, "concierge: 2 replies to customers of Support on Mastodon are still "
                                         "waiting to be sent. Remove the account with --force to delete them "
                                         "too.\n")
        self.assertIn(f"{account_id}\tmastodon\tSupport", self.run_concierge("list").stdout)
        self.assertIsNotNone(self.secret(account_id), "a refused removal took the secret")

        forced = self.run_concierge("remove", "--force", str(account_id))
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertEqual(self.run_concierge("list").stdout, "")
        self.assertIsNone(self.secret(account_id))
        db = sqlite3.connect(self.database())
        try:
            self.assertEqual(db.execute("SELECT count(*) FROM outbox").fetchone()[0], 0)
        finally:
            db.close()

    def test_one_waiting_reply_is_named_so(self):
        added = self.add_mastodon(TOKEN, "--name", "Support")
        account_id = int(added.stdout.strip())
        self.queue_replies(account_id, ["unknown"])

        refused = self.run_concierge("remove", str(account_id))
        self.assertEqual(refused.returncode, 1)
        self.assertIn("1 reply to customers of Support on Mastodon is still waiting to be sent. "
                      "Remove the account with --force to delete it too.", refused.stderr)

        forced = self.run_concierge("remove", str(account_id), "--force")
        self.assertEqual(forced.returncode, 0, forced.stderr)
        self.assertEqual(self.run_concierge("list").stdout, "")

    def test_plain_http_only_for_loopback(self):
        refused = self.run_concierge("add", "mastodon", "--server", "http://social.example",
                                     "--token-stdin", stdin=TOKEN)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is not an https:// address", refused.stderr)
        self.assertFalse(os.path.exists(self.database()), "a refused account was stored")

        added = self.add_mastodon(TOKEN)
        self.assertEqual(added.returncode, 0, added.stderr)

        # ::1 is this computer too: the address is taken, and only the
        # server that does not listen there stops the command.
        port = urllib.parse.urlsplit(self.url).port
        ipv6 = self.run_concierge("add", "mastodon", "--server", f"http://[::1]:{port}", "--token-stdin",
                                  stdin=TOKEN)
        self.assertNotIn("is not an https:// address", ipv6.stderr)

    def test_telegram_takes_the_api_url(self):
        refused = self.run_concierge("add", "telegram", "--api-url", "http://bots.example",
                                     "--token-stdin", stdin=BOT_TOKEN)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is not an https:// address", refused.stderr)

        wrong_platform = self.run_concierge("add", "mastodon", "--api-url", "https://x.example",
                                            "--token-stdin", stdin=TOKEN)
        self.assertEqual(wrong_platform.returncode, 1)
        self.assertIn("--server", wrong_platform.stderr)

        added = self.run_concierge("add", "telegram", "--api-url", self.url, "--token-stdin", stdin=BOT_TOKEN)
        self.assertEqual(added.returncode, 0, added.stderr)
        listed = self.run_concierge("list").stdout
        self.assertEqual(listed, f"{int(added.stdout)}\ttelegram\tWellenfunk Hilfe\t{self.url}\n")
        self.assertIn(BOT_TOKEN, self.secret(int(added.stdout.split()[0])))
        self.assertSentButNeverWritten(BOT_TOKEN)

    def add_page(self, page_id, token=PAGE_TOKEN):
        return self.run_concierge("add", "facebook", "--page-id", page_id, "--api-url", self.url,
                                  "--token-stdin", stdin=token + "\n")

    def test_facebook_page_by_its_id(self):
        # A token of another page, or none Facebook accepts, adds nothing.
        other = self.add_page("104700000000099")
        self.assertEqual(other.returncode, 1)
        self.assertIn(f"This token belongs to the page “Wellenfunk” ({PAGE_ID}), not to page 104700000000099.",
                      other.stderr)
        wrong = self.add_page(PAGE_ID, token="EAAGnotthepagetoken")
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("Facebook does not accept this token.", wrong.stderr)
        self.assertFalse(os.path.exists(self.database()), "a refused page was stored")

        added = self.add_page(PAGE_ID)
        self.assertEqual(added.returncode, 0, added.stderr)
        account_id = int(added.stdout)
        listed = self.run_concierge("list").stdout
        self.assertEqual(listed, f"{account_id}\tfacebook\tWellenfunk\t{self.url}\n")
        self.assertIn(PAGE_TOKEN, self.secret(account_id))
        self.assertSentButNeverWritten(PAGE_TOKEN)
        # As a header, never in an address.
        with open(self.record, encoding="utf-8") as f:
            for line in f:
                request = json.loads(line)
                if "graph_path" in request:
                    self.assertNotIn(PAGE_TOKEN, request["path"] + json.dumps(request.get("query", {})))

    def test_facebook_needs_its_page_id(self):
        none = self.run_concierge("add", "facebook", "--api-url", self.url, "--token-stdin", stdin=PAGE_TOKEN)
        self.assertEqual(none.returncode, 1)
        self.assertIn("Name the Facebook page with --page-id", none.stderr)
        not_a_number = self.add_page("wellenfunk")
        self.assertEqual(not_a_number.returncode, 1)
        self.assertIn("“wellenfunk” is not a page id.", not_a_number.stderr)
        wrong_platform = self.run_concierge("add", "telegram", "--page-id", PAGE_ID, "--api-url", self.url,
                                            "--token-stdin", stdin=BOT_TOKEN)
        self.assertEqual(wrong_platform.returncode, 1)
        self.assertIn("Only Facebook accounts take --page-id.", wrong_platform.stderr)
        plain_http = self.run_concierge("add", "facebook", "--page-id", PAGE_ID, "--api-url",
                                        "http://graph.example", "--token-stdin", stdin=PAGE_TOKEN)
        self.assertEqual(plain_http.returncode, 1)
        self.assertIn("is not an https:// address", plain_http.stderr)
        self.assertFalse(os.path.exists(self.database()), "a refused page was stored")

        usage = self.run_concierge("frobnicate")
        self.assertIn("concierge account add facebook --page-id ID --token-stdin [--api-url URL]", usage.stderr)

    def test_bad_input_is_explained(self):
        unknown = self.run_concierge("add", "myspace", "--server", "https://x.example", "--token-stdin",
                                     stdin=TOKEN)
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("Unknown platform", unknown.stderr)

        no_token = self.run_concierge("add", "mastodon", "--server", "https://x.example", "--token-stdin")
        self.assertEqual(no_token.returncode, 1)
        self.assertIn("No access token", no_token.stderr)

        # A token the platform refuses is not stored.
        wrong = self.add_mastodon("not-the-token")
        self.assertEqual(wrong.returncode, 1)
        self.assertIn("Mastodon does not accept this token.", wrong.stderr)
        wrong_bot = self.run_concierge("add", "telegram", "--api-url", self.url, "--token-stdin",
                                       stdin="7000000001:not-the-token")
        self.assertEqual(wrong_bot.returncode, 1)
        self.assertIn("Telegram does not know this token.", wrong_bot.stderr)
        self.assertFalse(os.path.exists(self.database()), "an account with a refused token was stored")

        missing = self.run_concierge("remove", "4711")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("There is no account 4711", missing.stderr)

        not_a_number = self.run_concierge("remove", "abc")
        self.assertEqual(not_a_number.returncode, 1)
        self.assertIn("concierge account list", not_a_number.stderr)

        usage = self.run_concierge("frobnicate")
        self.assertEqual(usage.returncode, 1)
        self.assertIn("Usage: concierge account add", usage.stderr)
        self.assertIn("concierge account remove [--force] ID", usage.stderr)


if __name__ == "__main__":
    if not os.access(BINARY, os.X_OK):
        print(f"FAIL: CONCIERGE_BIN does not name the concierge binary ({BINARY!r})", file=sys.stderr)
        sys.exit(1)
    if not os.access(SANDBOX, os.X_OK):
        print(f"FAIL: CONCIERGE_SANDBOX does not name the sandbox server ({SANDBOX!r})", file=sys.stderr)
        sys.exit(1)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("FAIL: no D-Bus session with a keyring: run ./build-aux/dev test", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
