#!/usr/bin/python3
"""The sandbox platform server speaks Mastodon's JSON, checks the token,
records requests without the token, is strict about parameters, and
injects the faults the channel tests need."""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

SANDBOX = os.environ.get("CONCIERGE_SANDBOX", "")
TOKEN = "sandbox-token-7f3a9c2e"


class Sandbox(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="concierge-sandbox-")
        self.record = os.path.join(self.dir.name, "record.jsonl")
        self.process = subprocess.Popen([SANDBOX, "--token", TOKEN, "--record", self.record,
                                         "--reply-delay-ms", "200"],
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        self.assertTrue(line.startswith("listening on http://127.0.0.1:"), line)
        self.port = int(line.rsplit(":", 1)[1])

    def tearDown(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()
        self.dir.cleanup()

    def request(self, method, path, params=None, token=TOKEN, headers=None, timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        body = None
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        if method == "POST" and params is not None:
            body = urllib.parse.urlencode(params)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif params:
            path += "?" + urllib.parse.urlencode(params)
        try:
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return response, data

    def records(self):
        with open(self.record, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def test_mentions_and_a_reply_with_an_answer(self):
        response, data = self.request("GET", "/api/v1/notifications", {"types[]": "mention"})
        self.assertEqual(response.status, 200)
        notifications = json.loads(data)
        self.assertEqual([n["type"] for n in notifications], ["mention"] * 3)
        visibilities = sorted(n["status"]["visibility"] for n in notifications)
        self.assertEqual(visibilities, ["direct", "public", "unlisted"])
        self.assertIn('rel="next"', response.getheader("Link"))

        jana = next(n for n in notifications if n["account"]["username"] == "jana")
        newest = notifications[0]["id"]
        response, data = self.request("POST", "/api/v1/statuses",
                                      {"status": "@jana Wir schauen nach. ^Mira",
                                       "in_reply_to_id": jana["status"]["id"], "visibility": "public"},
                                      headers={"Idempotency-Key": "reply-1"})
        self.assertEqual(response.status, 200, data)
        reply = json.loads(data)
        self.assertEqual(reply["in_reply_to_id"], jana["status"]["id"])

        # The same key again is the same status, as on Mastodon.
        response, data = self.request("POST", "/api/v1/statuses",
                                      {"status": "@jana Wir schauen nach. ^Mira",
                                       "in_reply_to_id": jana["status"]["id"], "visibility": "public"},
                                      headers={"Idempotency-Key": "reply-1"})
        self.assertEqual(json.loads(data)["id"], reply["id"])

        # The customer answers after a moment.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            _, data = self.request("GET", "/api/v1/notifications", {"since_id": newest})
            newer = json.loads(data)
            if newer:
                break
            time.sleep(0.1)
        self.assertEqual(len(newer), 1)
        self.assertEqual(newer[0]["status"]["in_reply_to_id"], reply["id"])

        posts = [r for r in self.records() if r["method"] == "POST" and r["path"] == "/api/v1/statuses"]
        self.assertEqual(len(posts), 2)

    def test_conversations_context_and_paging(self):
        _, data = self.request("GET", "/api/v1/conversations")
        conversations = json.loads(data)
        self.assertEqual(len(conversations), 1)
        self.assertEqual(conversations[0]["last_status"]["visibility"], "direct")
        self.assertEqual(conversations[0]["accounts"][0]["username"], "tom")

        first = conversations[0]["last_status"]["id"]
        self.request("POST", "/api/v1/statuses", {"status": "@tom Ist erstattet.", "in_reply_to_id": first,
                                                  "visibility": "direct"})
        _, data = self.request("GET", f"/api/v1/statuses/{first}/context")
        context = json.loads(data)
        self.assertEqual(context["ancestors"], [])
        self.assertEqual([s["content"] for s in context["descendants"]], ["<p>@tom Ist erstattet.</p>"])

        response, _ = self.request("POST", f"/api/v1/conversations/{conversations[0]['id']}/read")
        self.assertEqual(response.status, 200)

        # One item a page: following "next" walks every mention once.
        seen = []
        response, data = self.request("GET", "/api/v1/notifications", {"limit": "1"})
        while True:
            page = json.loads(data)
            if not page:
                break
            seen += [n["id"] for n in page]
            link = response.getheader("Link")
            next_url = link.split(">")[0].lstrip("<")
            parts = urllib.parse.urlsplit(next_url)
            params = dict(urllib.parse.parse_qsl(parts.query), limit="1")
            response, data = self.request("GET", parts.path, params)
        self.assertEqual(len(seen), 3)
        self.assertEqual(len(set(seen)), 3)

    def test_token_is_checked_and_never_recorded(self):
        response, _ = self.request("GET", "/api/v1/notifications", token="wrong")
        self.assertEqual(response.status, 401)
        response, _ = self.request("GET", "/api/v1/notifications", token=None)
        self.assertEqual(response.status, 401)
        self.request("GET", "/api/v1/notifications")

        self.assertEqual([r["token_ok"] for r in self.records()], [False, False, True])
        with open(self.record, encoding="utf-8") as f:
            self.assertNotIn(TOKEN, f.read())

    def test_strict_about_parameters_and_length(self):
        response, data = self.request("GET", "/api/v1/notifications", {"exclude_types[]": "follow"})
        self.assertEqual(response.status, 422)
        self.assertIn("exclude_types[]", json.loads(data)["error"])

        response, _ = self.request("POST", "/api/v1/statuses", {"status": "x" * 501})
        self.assertEqual(response.status, 422)
        response, data = self.request("GET", "/api/v1/instance")
        self.assertEqual(json.loads(data)["configuration"]["statuses"]["max_characters"], 500)

    def fault(self, **fault):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/fault", body=json.dumps(fault),
                           headers={"Content-Type": "application/json"})
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()

    def test_faults(self):
        self.fault(path="/api/v1/notifications", kind="429", retry_after=7)
        response, _ = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 429)
        self.assertEqual(response.getheader("Retry-After"), "7")

        self.fault(path="/api/v1/notifications", kind="500")
        response, _ = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 503)

        self.fault(path="/api/v1/notifications", kind="malformed")
        response, data = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 200)
        with self.assertRaises(ValueError):
            json.loads(data)

        self.fault(path="/api/v1/notifications", kind="drop-before")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.request("GET", "/api/v1/notifications")

        # Dropped after the status was made: it exists once.
        self.fault(path="/api/v1/statuses", kind="drop-after")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.request("POST", "/api/v1/statuses", {"status": "Hallo"},
                         headers={"Idempotency-Key": "k-1"})
        response, data = self.request("POST", "/api/v1/statuses", {"status": "Hallo"},
                                      headers={"Idempotency-Key": "k-1"})
        self.assertEqual(response.status, 200)

        self.fault(path="/api/v1/instance", kind="slow", delay_ms=600)
        start = time.monotonic()
        response, _ = self.request("GET", "/api/v1/instance")
        self.assertGreaterEqual(time.monotonic() - start, 0.5)
        self.assertEqual(response.status, 200)

        # Held until the test says go.
        self.fault(path="/api/v1/instance", kind="hold")
        with self.assertRaises(TimeoutError):
            self.request("GET", "/api/v1/instance", timeout=0.5)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/release", body="")
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()


if __name__ == "__main__":
    if not os.access(SANDBOX, os.X_OK):
        print(f"FAIL: CONCIERGE_SANDBOX does not name the sandbox server ({SANDBOX!r})", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
