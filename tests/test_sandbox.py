#!/usr/bin/python3
"""The sandbox platform server speaks Mastodon's JSON, checks the token,
records requests without the token, is strict about parameters, sends
rate-limit headers, injects the faults the channel tests need, and can have
customers write in live."""

import datetime
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
OWN_ACCOUNT_ID = "1"


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class SandboxCase(unittest.TestCase):
    """Starts a sandbox for each test, with the options the class names."""

    options = []

    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="concierge-sandbox-")
        self.record = os.path.join(self.dir.name, "record.jsonl")
        self.process = subprocess.Popen([SANDBOX, "--token", TOKEN, "--record", self.record,
                                         "--reply-delay-ms", "200"] + self.options,
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

    def assertTokenNeverRecorded(self):
        with open(self.record, encoding="utf-8") as f:
            self.assertNotIn(TOKEN, f.read())


class Sandbox(SandboxCase):

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
        self.assertTokenNeverRecorded()

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

    def test_account_statuses(self):
        path = f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses"
        response, data = self.request("GET", path)
        self.assertEqual(response.status, 200, data)
        self.assertEqual(json.loads(data), [])

        _, data = self.request("GET", "/api/v1/notifications")
        jana = next(n["status"] for n in json.loads(data) if n["account"]["username"] == "jana")
        _, data = self.request("GET", "/api/v1/conversations")
        tom = json.loads(data)[0]["last_status"]
        posted = []
        for params in ({"status": "@jana Wir schauen nach.", "in_reply_to_id": jana["id"],
                        "visibility": "public"},
                       {"status": "@tom Ist erstattet.", "in_reply_to_id": tom["id"], "visibility": "direct"},
                       {"status": "Heute Nacht Wartungsarbeiten.", "visibility": "public"}):
            response, data = self.request("POST", "/api/v1/statuses", params)
            self.assertEqual(response.status, 200, data)
            posted.append(json.loads(data))

        # A customer's statuses, the answer to support's reply included.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            _, data = self.request("GET", "/api/v1/accounts/101/statuses")
            janas = json.loads(data)
            if janas[0]["in_reply_to_id"] == posted[0]["id"]:
                break
            time.sleep(0.1)
        self.assertEqual({s["account"]["username"] for s in janas}, {"jana"})
        self.assertEqual(janas[0]["in_reply_to_id"], posted[0]["id"])
        self.assertEqual(janas[-1]["id"], jana["id"])

        # Newest first, direct ones too, each as the other endpoints give it;
        # the customers' answers are theirs, not support's.
        response, data = self.request("GET", path)
        self.assertEqual(response.status, 200, data)
        statuses = json.loads(data)
        self.assertEqual(statuses, list(reversed(posted)))
        self.assertEqual([s["in_reply_to_id"] for s in statuses], [None, tom["id"], jana["id"]])
        self.assertEqual([s["visibility"] for s in statuses], ["public", "direct", "public"])
        self.assertEqual(statuses[2]["content"], "<p>@jana Wir schauen nach.</p>")
        self.assertEqual({s["account"]["id"] for s in statuses}, {OWN_ACCOUNT_ID})
        for status in statuses:
            self.assertLessEqual(abs(parse_time(status["created_at"]).timestamp() - time.time()), 60)
        _, data = self.request("GET", f"/api/v1/statuses/{jana['id']}/context")
        self.assertIn(statuses[2], json.loads(data)["descendants"])

        response, data = self.request("GET", path, {"exclude_replies": "true", "limit": "40"})
        self.assertEqual(response.status, 200, data)

        # Paging as for notifications.
        response, data = self.request("GET", path, {"limit": "1"})
        self.assertEqual([s["id"] for s in json.loads(data)], [posted[2]["id"]])
        next_url = response.getheader("Link").split(">")[0].lstrip("<")
        parts = urllib.parse.urlsplit(next_url)
        self.assertEqual(parts.path, path)
        _, data = self.request("GET", parts.path, dict(urllib.parse.parse_qsl(parts.query), limit="1"))
        self.assertEqual([s["id"] for s in json.loads(data)], [posted[1]["id"]])
        _, data = self.request("GET", path, {"since_id": posted[0]["id"]})
        self.assertEqual([s["id"] for s in json.loads(data)], [posted[2]["id"], posted[1]["id"]])
        _, data = self.request("GET", path, {"min_id": posted[0]["id"], "limit": "1"})
        self.assertEqual([s["id"] for s in json.loads(data)], [posted[1]["id"]])
        _, data = self.request("GET", path, {"max_id": posted[1]["id"]})
        self.assertEqual([s["id"] for s in json.loads(data)], [posted[0]["id"]])

        response, data = self.request("GET", path, {"pinned": "true"})
        self.assertEqual(response.status, 422)
        self.assertIn("pinned", json.loads(data)["error"])
        for missing in ("/api/v1/accounts/999/statuses", "/api/v1/accounts/statuses",
                        "/api/v1/accounts/1/2/statuses", "/api/v1/statuses/context"):
            response, _ = self.request("GET", missing)
            self.assertEqual(response.status, 404, missing)
        self.assertTokenNeverRecorded()

    def assertRateLimitHeaders(self, response):
        self.assertEqual(response.getheader("X-RateLimit-Limit"), "300")
        reset = parse_time(response.getheader("X-RateLimit-Reset")).timestamp()
        # Windows of five minutes, on multiples of five minutes.
        self.assertEqual(reset % 300, 0)
        self.assertGreater(reset, time.time() - 1)
        self.assertLessEqual(reset, time.time() + 300)
        return int(response.getheader("X-RateLimit-Remaining")), reset

    def test_rate_limit_headers(self):
        responses = [self.request("GET", "/api/v1/instance")[0],
                     self.request("GET", "/api/v1/notifications", token="wrong")[0],
                     self.request("GET", "/api/v1/nothing-here")[0],
                     self.request("GET", "/api/v1/notifications", {"bogus": "1"})[0],
                     self.request("POST", "/api/v1/statuses", {"status": "Hallo"})[0]]
        self.assertEqual([r.status for r in responses], [200, 401, 404, 422, 200])

        # Each request costs one, until a new window begins.
        counts = [self.assertRateLimitHeaders(r) for r in responses]
        self.assertEqual(counts[0][0], 299)
        for (before, before_reset), (after, after_reset) in zip(counts, counts[1:]):
            self.assertEqual(after, before - 1 if after_reset == before_reset else 299)

        self.fault(path="/api/v1/notifications", kind="429", retry_after=30)
        start = time.time()
        response, _ = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 429)
        self.assertEqual(response.getheader("Retry-After"), "30")
        self.assertEqual(response.getheader("X-RateLimit-Limit"), "300")
        self.assertEqual(response.getheader("X-RateLimit-Remaining"), "0")
        reset = parse_time(response.getheader("X-RateLimit-Reset")).timestamp()
        self.assertGreaterEqual(reset, int(start) + 30)
        self.assertLessEqual(reset, time.time() + 30)

        response, _ = self.request("GET", "/api/v1/instance")
        remaining, _ = self.assertRateLimitHeaders(response)
        self.assertGreater(remaining, 0)


class SmallInstance(SandboxCase):
    options = ["--max-characters", "280"]

    def test_max_characters(self):
        _, data = self.request("GET", "/api/v1/instance")
        self.assertEqual(json.loads(data)["configuration"]["statuses"]["max_characters"], 280)

        response, data = self.request("POST", "/api/v1/statuses", {"status": "x" * 281})
        self.assertEqual(response.status, 422)
        self.assertIn("280", json.loads(data)["error"])
        # Characters count, not bytes.
        response, data = self.request("POST", "/api/v1/statuses", {"status": "ä" * 280})
        self.assertEqual(response.status, 200, data)

    def test_nonsense_options_are_refused(self):
        for option in (["--max-characters", "0"], ["--live-interval-ms", "-1"]):
            result = subprocess.run([SANDBOX, "--token", TOKEN] + option,
                                    capture_output=True, text=True, timeout=10)
            self.assertEqual(result.returncode, 2, option)
            self.assertIn("usage", result.stderr)


class LiveCustomers(SandboxCase):
    options = ["--live-interval-ms", "100"]

    def oldest_notifications(self, count):
        _, data = self.request("GET", "/api/v1/notifications", {"min_id": "0", "limit": str(count)})
        return list(reversed(json.loads(data)))

    def test_customers_write_in(self):
        deadline = time.monotonic() + 20
        _, data = self.request("GET", "/api/v1/notifications")
        newest = json.loads(data)[0]["id"]
        while time.monotonic() < deadline:
            _, data = self.request("GET", "/api/v1/notifications", {"since_id": newest})
            if json.loads(data):
                break
            time.sleep(0.05)
        else:
            self.fail("no customer wrote in")

        # Twelve turns after the three seeded mentions: every customer has
        # written in public and privately.
        while len(self.oldest_notifications(15)) < 15 and time.monotonic() < deadline:
            time.sleep(0.1)
        notifications = self.oldest_notifications(15)
        self.assertEqual(len(notifications), 15)
        self.assertEqual({n["type"] for n in notifications}, {"mention"})
        for notification in notifications:
            self.assertEqual(notification["account"], notification["status"]["account"])
        live = [n["status"] for n in notifications[3:]]

        self.assertEqual([s["visibility"] for s in live], ["public", "public", "direct"] * 4)
        public = [s for s in live if s["visibility"] == "public"]
        direct = [s for s in live if s["visibility"] == "direct"]
        self.assertEqual([s["account"]["username"] for s in public],
                         ["jana", "tom", "emma", "jana", "tom", "emma", "jana", "tom"])
        self.assertEqual([s["account"]["username"] for s in direct], ["jana", "tom", "emma", "jana"])
        self.assertEqual({s["in_reply_to_id"] for s in public}, {None})
        self.assertEqual(len({s["content"] for s in public}), 8)
        for status in live:
            self.assertTrue(status["content"].startswith("<p>@support "), status["content"])

        # Tom already has a conversation and writes in it; Jana starts one
        # and then writes in hers.
        tom_seeded = next(n["status"] for n in notifications[:3] if n["account"]["username"] == "tom")
        self.assertEqual(direct[1]["in_reply_to_id"], tom_seeded["id"])
        self.assertIsNone(direct[0]["in_reply_to_id"])
        self.assertEqual(direct[3]["in_reply_to_id"], direct[0]["id"])
        _, data = self.request("GET", f"/api/v1/statuses/{direct[0]['id']}/context")
        self.assertIn(direct[3]["id"], [s["id"] for s in json.loads(data)["descendants"]])

        _, data = self.request("GET", "/api/v1/conversations")
        conversations = {c["accounts"][0]["username"]: c for c in json.loads(data)}
        self.assertEqual(len(json.loads(data)), 3)
        self.assertEqual(sorted(conversations), ["emma", "jana", "tom"])
        self.assertEqual(conversations["tom"]["id"], tom_seeded["id"])
        self.assertEqual(conversations["jana"]["id"], direct[0]["id"])

        records = self.records()
        self.assertTrue(records)
        self.assertEqual({r["token_ok"] for r in records}, {True})
        self.assertTokenNeverRecorded()


if __name__ == "__main__":
    if not os.access(SANDBOX, os.X_OK):
        print(f"FAIL: CONCIERGE_SANDBOX does not name the sandbox server ({SANDBOX!r})", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
