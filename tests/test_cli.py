#!/usr/bin/python3
"""The command line works without a display and answers bad input clearly."""

import os
import signal
import subprocess
import sys
import tempfile
import unittest

BINARY = os.environ.get("CONCIERGE_BIN", "")


def run(args, env_changes=None, drop=("DISPLAY", "WAYLAND_DISPLAY")):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_changes or {})
    return subprocess.run([BINARY, *args], env=env, capture_output=True, text=True, timeout=60)


class CommandLine(unittest.TestCase):
    def assertNoCrash(self, result):
        self.assertGreaterEqual(result.returncode, 0,
                                f"killed by signal {-result.returncode}: {result.stderr}")
        for word in ("CRITICAL", "WARNING", "Trace/breakpoint"):
            self.assertNotIn(word, result.stderr)

    def test_version_needs_no_display(self):
        result = run(["--version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout, r"^concierge \d+\.\d+\.\d+\n$")

    def test_help_needs_no_display(self):
        result = run(["--help"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Usage:", result.stdout)
        self.assertIn("--version", result.stdout)
        self.assertIn("Answer customers on social networks and messengers.", result.stdout)
        self.assertIn("concierge account add mastodon --server URL --token-stdin", result.stdout)
        self.assertIn("concierge account add telegram --token-stdin [--api-url URL]", result.stdout)

    def test_unknown_option_gets_usage_and_fails(self):
        result = run(["--no-such-option"])
        self.assertNoCrash(result)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("--no-such-option", result.stderr)
        self.assertIn("Usage: concierge [OPTION…]", result.stderr)
        self.assertIn("concierge --help", result.stderr)

    def test_missing_display_is_explained(self):
        result = run([])
        self.assertNoCrash(result)
        self.assertEqual(result.returncode, 1)
        self.assertIn("cannot open a display", result.stderr)

    def test_missing_display_is_explained_in_german(self):
        result = run([], {"LANGUAGE": "de", "LANG": "C.UTF-8"})
        self.assertNoCrash(result)
        self.assertEqual(result.returncode, 1)
        self.assertIn("kann keine Anzeige öffnen", result.stderr)

    def test_missing_schema_is_explained(self):
        with tempfile.TemporaryDirectory() as empty:
            result = run([], {"GSETTINGS_SCHEMA_DIR": empty, "XDG_DATA_DIRS": empty}, drop=())
        self.assertNoCrash(result)
        self.assertEqual(result.returncode, 1)
        self.assertIn("settings schema", result.stderr)
        self.assertIn("io.github.conciergedesk.Concierge", result.stderr)

    def test_corrupt_schema_is_explained(self):
        with tempfile.TemporaryDirectory() as broken:
            with open(os.path.join(broken, "gschemas.compiled"), "wb") as f:
                f.write(b"GVariant\0this is not a compiled schema file" * 10)
            result = run([], {"GSETTINGS_SCHEMA_DIR": broken, "XDG_DATA_DIRS": broken}, drop=())
        self.assertNoCrash(result)
        self.assertEqual(result.returncode, 1)
        self.assertIn("missing or damaged", result.stderr)


if __name__ == "__main__":
    if not os.access(BINARY, os.X_OK):
        print(f"FAIL: CONCIERGE_BIN does not name the concierge binary ({BINARY!r})", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
