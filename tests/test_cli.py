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
        self.assertIn("concierge privacy scan [FILE]", result.stdout)

    def scan(self, args, text, env_changes=None):
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env.update(env_changes or {})
        result = subprocess.run([BINARY, "privacy", "scan", *args], input=text, env=env,
                                capture_output=True, text=True, timeout=60)
        self.assertNoCrash(result)
        return result

    def test_privacy_scan_prints_findings_never_the_text(self):
        import json
        messages = ("Grüße 👋 meine IBAN: DE89 3704 0044 0532 0130 00\n"
                    "nichts Persönliches, 1.299,00 € um 14:30 Uhr\n"
                    "Ruft mich an: 0171 5528391, Kundennummer 4711-0815\n")
        result = self.scan([], messages)
        self.assertEqual(result.returncode, 0, result.stderr)
        findings = [json.loads(line) for line in result.stdout.splitlines()]
        self.assertEqual([(f["line"], f["type"]) for f in findings],
                         [(1, "iban"), (3, "phone"), (3, "customer_number")])
        # Offsets count characters: the umlaut and the emoji are one each.
        line = messages.splitlines()[0]
        self.assertEqual(line[findings[0]["start"]:findings[0]["end"]], "DE89 3704 0044 0532 0130 00")
        for finding in findings:
            self.assertEqual(set(finding), {"line", "type", "start", "end", "confidence"})
            self.assertGreater(finding["confidence"], 0.5)
        for secret in ("DE89", "3704", "5528391", "4711"):
            self.assertNotIn(secret, result.stdout + result.stderr)

        # The same from a file, as an export is audited.
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as f:
            f.write(messages)
            f.flush()
            from_file = self.scan([f.name], "")
        self.assertEqual(from_file.stdout, result.stdout)

    def test_privacy_scan_allows_the_company_data(self):
        with tempfile.TemporaryDirectory() as config:
            env = {"GSETTINGS_BACKEND": "keyfile", "XDG_CONFIG_HOME": config}
            genv = dict(os.environ, **env)
            subprocess.run(["gsettings", "set", "io.github.conciergedesk.Concierge", "privacy-allowed",
                            "['030 5268 3300']"], env=genv, check=True)
            result = self.scan([], "Hotline +49 30 5268 3300, ich: 030 4491827\n", env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.count("\"phone\""), 1, result.stdout)
        self.assertIn("\"start\": 31", result.stdout)

    def test_privacy_scan_explains_bad_input(self):
        missing = self.scan(["/nonexistent/export.txt"], "")
        self.assertEqual(missing.returncode, 1)
        self.assertIn("/nonexistent/export.txt", missing.stderr)
        usage = self.scan(["--what"], "")
        self.assertEqual(usage.returncode, 1)
        self.assertIn("Usage: concierge privacy scan [FILE]", usage.stderr)
        # Broken UTF-8 and control characters are read, not fatal.
        broken = self.scan([], "\x01\x02 Tel 0171 5528391 \udcff\n".encode("utf-8", "surrogateescape")
                           .decode("utf-8", "replace"))
        self.assertEqual(broken.returncode, 0, broken.stderr)
        self.assertIn("\"phone\"", broken.stdout)

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
