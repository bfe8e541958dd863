#!/usr/bin/python3
"""`concierge account add | list | remove` with no display: the token goes to
the keyring and nowhere else."""

import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

import gi

gi.require_version("Secret", "1")
from gi.repository import Secret  # noqa: E402

BINARY = os.environ.get("CONCIERGE_BIN", "")
TOKEN = "cli-test-token-Qm9vJx3y7K2LHc0pWn8sAe5TgUz4RbVd"
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

    def tearDown(self):
        self.home.cleanup()

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

    def test_add_list_remove(self):
        added = self.run_concierge("add", "mastodon", "--server", "https://social.example",
                                   "--token-stdin", "--name", "Support", stdin=TOKEN + "\n")
        self.assertEqual(added.returncode, 0, added.stderr)
        account_id = int(added.stdout.strip())

        listed = self.run_concierge("list")
        self.assertEqual(listed.returncode, 0, listed.stderr)
        self.assertEqual(listed.stdout, f"{account_id}\tmastodon\tSupport\thttps://social.example\n")

        secret = self.secret(account_id)
        self.assertIsNotNone(secret, "the token did not reach the keyring")
        self.assertTrue(TOKEN in secret, "the keyring holds something else than the token")

        # The token is in the keyring and nowhere else: not in the cache, its
        # write-ahead log, the settings or anything the commands printed.
        data_dir = os.path.dirname(self.database())
        config_dir = self.env["XDG_CONFIG_HOME"]
        for folder in (data_dir, config_dir):
            for root, _, files in os.walk(folder):
                for name in files:
                    with open(os.path.join(root, name), "rb") as f:
                        self.assertNotIn(TOKEN.encode(), f.read(), f"the token is in {name}")
        for output in self.outputs:
            self.assertNotIn(TOKEN, output)

        removed = self.run_concierge("remove", str(account_id))
        self.assertEqual(removed.returncode, 0, removed.stderr)
        self.assertIsNone(self.secret(account_id), "removing the account left its secret")
        self.assertEqual(self.run_concierge("list").stdout, "")

    def test_plain_http_only_for_loopback(self):
        refused = self.run_concierge("add", "mastodon", "--server", "http://social.example",
                                     "--token-stdin", stdin=TOKEN)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is not an https:// address", refused.stderr)
        self.assertFalse(os.path.exists(self.database()), "a refused account was stored")

        for server in ("http://127.0.0.1:8080", "http://[::1]:8080"):
            added = self.run_concierge("add", "mastodon", "--server", server, "--token-stdin",
                                       stdin=TOKEN)
            self.assertEqual(added.returncode, 0, added.stderr)

    def test_telegram_takes_the_api_url(self):
        refused = self.run_concierge("add", "telegram", "--api-url", "http://bots.example",
                                     "--token-stdin", stdin=TOKEN)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("is not an https:// address", refused.stderr)

        wrong_platform = self.run_concierge("add", "mastodon", "--api-url", "https://x.example",
                                            "--token-stdin", stdin=TOKEN)
        self.assertEqual(wrong_platform.returncode, 1)
        self.assertIn("--server", wrong_platform.stderr)

        added = self.run_concierge("add", "telegram", "--api-url", "http://127.0.0.1:8081",
                                   "--token-stdin", stdin=TOKEN)
        self.assertEqual(added.returncode, 0, added.stderr)
        default = self.run_concierge("add", "telegram", "--token-stdin", "--name", "Hilfe-Bot", stdin=TOKEN + "x")
        self.assertEqual(default.returncode, 0, default.stderr)
        listed = self.run_concierge("list").stdout
        self.assertIn("http://127.0.0.1:8081", listed)
        self.assertIn("https://api.telegram.org", listed)
        self.assertIn(TOKEN, self.secret(int(added.stdout.split()[0])))
        for output in self.outputs:
            self.assertNotIn(TOKEN, output)

    def test_bad_input_is_explained(self):
        unknown = self.run_concierge("add", "myspace", "--server", "https://x.example", "--token-stdin",
                                     stdin=TOKEN)
        self.assertEqual(unknown.returncode, 1)
        self.assertIn("Unknown platform", unknown.stderr)

        no_token = self.run_concierge("add", "mastodon", "--server", "https://x.example", "--token-stdin")
        self.assertEqual(no_token.returncode, 1)
        self.assertIn("No access token", no_token.stderr)

        missing = self.run_concierge("remove", "4711")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("There is no account 4711", missing.stderr)

        not_a_number = self.run_concierge("remove", "abc")
        self.assertEqual(not_a_number.returncode, 1)
        self.assertIn("concierge account list", not_a_number.stderr)

        usage = self.run_concierge("frobnicate")
        self.assertEqual(usage.returncode, 1)
        self.assertIn("Usage: concierge account add", usage.stderr)


if __name__ == "__main__":
    if not os.access(BINARY, os.X_OK):
        print(f"FAIL: CONCIERGE_BIN does not name the concierge binary ({BINARY!r})", file=sys.stderr)
        sys.exit(1)
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        print("FAIL: no D-Bus session with a keyring: run ./build-aux/dev test", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
