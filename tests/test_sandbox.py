#!/usr/bin/python3
"""The sandbox platform server speaks Mastodon's JSON, checks the token,
records requests as they came (the token included), is strict about
parameters, sends rate-limit headers, injects the faults the channel tests
need, and can have customers write in live. Given a bot token, it speaks the
Telegram Bot API too, and records its requests with that token in the path,
as they came."""

import datetime
import email.utils
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

SANDBOX = os.environ.get("CONCIERGE_SANDBOX", "")
TOKEN = "sandbox-token-7f3a9c2e"
OWN_ACCOUNT_ID = "1"

# Shaped as BotFather's.
BOT_TOKEN = "7000000001:AAHw3llenfunkSandb0xSecret-x_9q"
BOT_ID = 7000000001
SABINE = 5551000103
LUKAS = 5551000104
MEHMET = 5551000102
PETRA = 5551000105
JONAS = 5551000106
GROUP = -1001234567890
FIRST_UPDATE = 870000001
SEEDED_UPDATES = 7
# Faults are asked for with the bot token written so, whatever the token.
REDACTED_PATH = "/bot<redacted>/"


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data):
    """The width and height a PNG's IHDR chunk, its first, gives."""
    assert data[:8] == PNG_SIGNATURE, data[:8]
    assert data[12:16] == b"IHDR", data[12:16]
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


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

    def assertTokenRecorded(self):
        """The record has the Authorization header as it came."""
        self.assertIn(f"Bearer {TOKEN}", [r["authorization"] for r in self.records()])

    def fault(self, **fault):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/fault", body=json.dumps(fault),
                           headers={"Content-Type": "application/json"})
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()

    def delete_as_author(self, status_id):
        """Deletes a status as its author does; returns the status code."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/_sandbox/delete", body=json.dumps({"id": status_id}),
                               headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if response.status == 200:
            self.assertEqual(json.loads(data), {})
        return response.status

    def post_json(self, path, body):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return response.status, json.loads(data)

    def local_path(self, url):
        """The path of a URL the sandbox hands out, which must be its own."""
        parts = urllib.parse.urlsplit(url)
        self.assertEqual((parts.scheme, parts.netloc), ("http", f"127.0.0.1:{self.port}"))
        return parts.path

    def mentions(self):
        response, data = self.request("GET", "/api/v1/notifications", {"include_filtered": "true"})
        self.assertEqual(response.status, 200, data)
        return [n["status"] for n in json.loads(data)]


class Sandbox(SandboxCase):

    def test_mentions_and_a_reply_with_an_answer(self):
        response, data = self.request("GET", "/api/v1/notifications",
                                      {"types[]": "mention", "include_filtered": "true"})
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
        response, data = self.request("GET", "/api/v1/notifications", {"limit": "1", "include_filtered": "true"})
        while True:
            page = json.loads(data)
            if not page:
                break
            seen += [n["id"] for n in page]
            link = response.getheader("Link")
            next_url = link.split(">")[0].lstrip("<")
            parts = urllib.parse.urlsplit(next_url)
            params = dict(urllib.parse.parse_qsl(parts.query), limit="1", include_filtered="true")
            response, data = self.request("GET", parts.path, params)
        self.assertEqual(len(seen), 3)
        self.assertEqual(len(set(seen)), 3)

    def test_token_is_checked_and_recorded_as_sent(self):
        response, _ = self.request("GET", "/api/v1/notifications", token="wrong")
        self.assertEqual(response.status, 401)
        response, _ = self.request("GET", "/api/v1/notifications", token=None)
        self.assertEqual(response.status, 401)
        self.request("GET", "/api/v1/notifications")

        self.assertEqual([r["token_ok"] for r in self.records()], [False, False, True])
        self.assertEqual([r["authorization"] for r in self.records()], ["Bearer wrong", None, f"Bearer {TOKEN}"])

    def test_strict_about_parameters_and_length(self):
        response, data = self.request("GET", "/api/v1/notifications", {"exclude_types[]": "follow"})
        self.assertEqual(response.status, 422)
        self.assertIn("exclude_types[]", json.loads(data)["error"])

        response, _ = self.request("POST", "/api/v1/statuses", {"status": "x" * 501})
        self.assertEqual(response.status, 422)
        response, data = self.request("GET", "/api/v1/instance")
        self.assertEqual(json.loads(data)["configuration"]["statuses"]["max_characters"], 500)

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

    def test_a_fault_lets_the_first_requests_through(self):
        # As a flow that posts twice: the first post goes through, the second fails.
        self.fault(path="/api/v1/statuses", kind="500", skip=1)
        # A later fault for the path waits until the first is done.
        self.fault(path="/api/v1/statuses", kind="429")
        # Requests for other paths are not counted.
        response, _ = self.request("GET", "/api/v1/instance")
        self.assertEqual(response.status, 200)

        statuses = [("Wir schreiben Ihnen privat.", "direct"), ("Bitte schauen Sie in Ihre Nachrichten.", "public"),
                    ("Noch einmal.", "public"), ("Und ein drittes Mal.", "public")]
        responses = [self.request("POST", "/api/v1/statuses", {"status": text, "visibility": visibility})[0]
                     for text, visibility in statuses]
        self.assertEqual([r.status for r in responses], [200, 503, 429, 200])

        _, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses")
        self.assertEqual([s["content"] for s in json.loads(data)],
                         ["<p>Und ein drittes Mal.</p>", "<p>Wir schreiben Ihnen privat.</p>"])

    def test_a_fault_may_match_one_method(self):
        _, data = self.request("GET", "/api/v1/notifications")
        context = f"/api/v1/statuses/{json.loads(data)[0]['status']['id']}/context"
        self.fault(path="/api/v1/statuses", method="POST", kind="500", skip=1)
        # Reading a context in between neither counts nor fails.
        responses = []
        for method, path in (("GET", context), ("POST", "/api/v1/statuses"), ("GET", context),
                             ("POST", "/api/v1/statuses")):
            responses.append(self.request(method, path, {"status": "Hallo"} if method == "POST" else None)[0])
        self.assertEqual([r.status for r in responses], [200, 200, 200, 503])

        # Without a method, the path alone decides.
        self.fault(path="/api/v1/statuses", kind="500")
        response, _ = self.request("GET", context)
        self.assertEqual(response.status, 503)

    def test_a_refused_post_posts_nothing(self):
        conversations = json.loads(self.request("GET", "/api/v1/conversations")[1])
        self.fault(path="/api/v1/statuses", kind="refuse")
        params = {"status": "@tom Wir schreiben Ihnen privat weiter.", "visibility": "direct"}
        response, data = self.request("POST", "/api/v1/statuses", params, headers={"Idempotency-Key": "move-1"})
        self.assertEqual(response.status, 422)
        self.assertEqual(json.loads(data), {"error": "Validation failed: Text character limit of 500 exceeded"})
        self.assertEqual(response.getheader("X-RateLimit-Limit"), "300")

        _, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses")
        self.assertEqual(json.loads(data), [])
        self.assertEqual(json.loads(self.request("GET", "/api/v1/conversations")[1]), conversations)
        # The key was not used up: the same post again is made, once.
        response, data = self.request("POST", "/api/v1/statuses", params, headers={"Idempotency-Key": "move-1"})
        self.assertEqual(response.status, 200, data)
        _, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses")
        self.assertEqual([s["content"] for s in json.loads(data)], ["<p>@tom Wir schreiben Ihnen privat weiter.</p>"])

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
        self.assertTokenRecorded()

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
                     self.request("GET", "/api/v1/nothing-here")[0],
                     self.request("GET", "/api/v1/notifications", {"bogus": "1"})[0],
                     self.request("POST", "/api/v1/statuses", {"status": "Hallo"})[0]]
        self.assertEqual([r.status for r in responses], [200, 404, 422, 200])

        # Each request costs one of the token's, until a new window begins.
        counts = [self.assertRateLimitHeaders(r) for r in responses]
        self.assertEqual(counts[0][0], 299)
        for (before, before_reset), (after, after_reset) in zip(counts, counts[1:]):
            self.assertEqual(after, before - 1 if after_reset == before_reset else 299)

        # Without a token, the address has 300 of its own.
        response, _ = self.request("GET", "/api/v1/notifications", token="wrong")
        self.assertEqual(response.status, 401)
        self.assertEqual(self.assertRateLimitHeaders(response)[0], 299)

        # As Mastodon throttles: no Retry-After, the window's end in the
        # headers; a test may ask for a Retry-After as a proxy adds one.
        self.fault(path="/api/v1/notifications", kind="429")
        response, data = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 429)
        self.assertEqual(json.loads(data), {"error": "Too many requests"})
        self.assertIsNone(response.getheader("Retry-After"))
        self.assertEqual(response.getheader("X-RateLimit-Remaining"), "0")
        self.assertRateLimitHeaders(response)

        self.fault(path="/api/v1/notifications", kind="429", retry_after=30)
        start = time.time()
        response, _ = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 429)
        self.assertEqual(response.getheader("Retry-After"), "30")
        self.assertEqual(response.getheader("X-RateLimit-Limit"), "300")
        self.assertEqual(response.getheader("X-RateLimit-Remaining"), "0")

        self.fault(path="/api/v1/notifications", kind="429", reset_after=30,
                   retry_after=40, retry_after_format="http-date")
        response, _ = self.request("GET", "/api/v1/notifications")
        self.assertEqual(response.status, 429)
        retry = email.utils.parsedate_to_datetime(response.getheader("Retry-After")).timestamp()
        self.assertGreaterEqual(retry, int(start) + 40)
        self.assertLessEqual(retry, time.time() + 40)
        reset = parse_time(response.getheader("X-RateLimit-Reset")).timestamp()
        self.assertGreaterEqual(reset, int(start) + 30)
        self.assertLessEqual(reset, time.time() + 30)

        response, _ = self.request("GET", "/api/v1/instance")
        remaining, _ = self.assertRateLimitHeaders(response)
        self.assertGreater(remaining, 0)

    def test_an_image_on_janas_mention(self):
        statuses = {s["account"]["username"]: s for s in self.mentions()}
        self.assertEqual(statuses["tom"]["media_attachments"], [])
        self.assertEqual(statuses["emma"]["media_attachments"], [])
        media, = statuses["jana"]["media_attachments"]
        base = f"http://127.0.0.1:{self.port}/system/media_attachments/files/{media['id']}"
        self.assertEqual(media, {
            "id": media["id"], "type": "image",
            "url": f"{base}/original/router.png", "preview_url": f"{base}/small/router.png",
            "remote_url": None, "preview_remote_url": None, "text_url": None,
            "meta": {"original": {"width": 640, "height": 480, "size": "640x480", "aspect": 640 / 480},
                     "small": {"width": 400, "height": 300, "size": "400x300", "aspect": 400 / 300}},
            "description": "Router, dessen Leuchte rot blinkt",
            "blurhash": "UFBWY:8_0Jxu00%M%MRj00Rj%Mt7~qRjWBof"})
        self.assertTrue(media["id"].isdigit())

        # As a CDN serves it: no token needed, and none is refused.
        for url, size in ((media["preview_url"], media["meta"]["small"]),
                          (media["url"], media["meta"]["original"])):
            for token in (None, "wrong", TOKEN):
                response, data = self.request("GET", self.local_path(url), token=token)
                self.assertEqual(response.status, 200, url)
                self.assertEqual(response.getheader("Content-Type"), "image/png")
                self.assertEqual(png_size(data), (size["width"], size["height"]))
        self.assertIsNone(response.getheader("X-RateLimit-Limit"))

        for missing in (f"{base}/large/router.png", f"{base}/small/modem.png",
                        f"{base}/small/router.png/more", f"{base}/small",
                        base.replace(media["id"], "42") + "/small/router.png"):
            response, _ = self.request("GET", self.local_path(missing), token=None)
            self.assertEqual(response.status, 404, missing)
        response, _ = self.request("POST", self.local_path(media["url"]), token=None)
        self.assertEqual(response.status, 404)

        preview = self.local_path(media["preview_url"])
        media_records = [r for r in self.records() if r["path"].startswith("/system/")]
        self.assertEqual(media_records[0], {"method": "GET", "path": preview, "authorization": None, "query": {},
                                            "token_ok": False, "status": 200})
        self.assertEqual([r["token_ok"] for r in media_records[:3]], [False, False, True])
        self.assertEqual(len(media_records), 6 + 6)
        self.assertTokenRecorded()

    def test_faults_on_media(self):
        jana = next(s for s in self.mentions() if s["account"]["username"] == "jana")
        media, = jana["media_attachments"]
        preview = self.local_path(media["preview_url"])

        self.fault(path="/system/media_attachments/", kind="500")
        response, _ = self.request("GET", preview, token=None)
        self.assertEqual(response.status, 503)

        self.fault(path="/system/media_attachments/", kind="drop-before")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.request("GET", preview, token=None)

        self.fault(path=preview, kind="malformed")
        response, data = self.request("GET", preview, token=None)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("Content-Type"), "image/png")
        _, whole = self.request("GET", preview, token=None)
        self.assertTrue(whole.startswith(data))
        self.assertLess(len(data), len(whole))

        # Only the media's path: the API is untouched.
        self.fault(path=self.local_path(media["url"]), kind="404")
        self.assertEqual(self.request("GET", "/api/v1/notifications")[0].status, 200)
        self.assertEqual(self.request("GET", preview, token=None)[0].status, 200)
        self.assertEqual(self.request("GET", self.local_path(media["url"]), token=None)[0].status, 404)
        # The dropped request had no answer: status 0.
        self.assertEqual([r["status"] for r in self.records() if r["path"].startswith("/system/")],
                         [503, 0, 200, 200, 200, 404])

    def test_one_status_and_several(self):
        statuses = {s["account"]["username"]: s for s in self.mentions()}
        tom, emma, jana = statuses["tom"], statuses["emma"], statuses["jana"]

        for status in (tom, emma, jana):
            response, data = self.request("GET", f"/api/v1/statuses/{status['id']}")
            self.assertEqual(response.status, 200, data)
            self.assertEqual(json.loads(data), status)
        self.assertEqual(response.getheader("X-RateLimit-Limit"), "300")
        response, data = self.request("GET", "/api/v1/statuses/999")
        self.assertEqual(response.status, 404)
        self.assertEqual(json.loads(data), {"error": "Record not found"})
        response, _ = self.request("GET", f"/api/v1/statuses/{tom['id']}", token="wrong")
        self.assertEqual(response.status, 401)
        response, data = self.request("GET", f"/api/v1/statuses/{tom['id']}", {"pinned": "1"})
        self.assertEqual(response.status, 422)
        self.assertIn("pinned", json.loads(data)["error"])

        # In the order asked, each once, without the unknown ones.
        query = urllib.parse.urlencode([("id[]", i) for i in (jana["id"], "999", tom["id"], jana["id"])])
        response, data = self.request("GET", "/api/v1/statuses?" + query)
        self.assertEqual(response.status, 200, data)
        self.assertEqual(json.loads(data), [jana, tom])
        response, data = self.request("GET", "/api/v1/statuses", {"id[]": emma["id"]})
        self.assertEqual(json.loads(data), [emma])
        response, data = self.request("GET", "/api/v1/statuses")
        self.assertEqual((response.status, json.loads(data)), (200, []))
        response, data = self.request("GET", "/api/v1/statuses", {"id[]": tom["id"], "limit": "2"})
        self.assertEqual(response.status, 422)
        self.assertIn("limit", json.loads(data)["error"])
        # Posting is still posting.
        response, _ = self.request("POST", "/api/v1/statuses", {"status": "Hallo"})
        self.assertEqual(response.status, 200)

        several = [r for r in self.records() if r["path"] == "/api/v1/statuses" and r["method"] == "GET"]
        self.assertEqual(several[0]["query"], {"id[]": "\n".join((jana["id"], "999", tom["id"], jana["id"]))})
        self.assertEqual(several[1]["query"], {"id[]": emma["id"]})
        self.assertTokenRecorded()

    def test_a_customer_deletes_a_status(self):
        jana = next(s for s in self.mentions() if s["account"]["username"] == "jana")
        response, data = self.request("POST", "/api/v1/statuses",
                                      {"status": "@jana Wir schauen nach.", "in_reply_to_id": jana["id"],
                                       "visibility": "public"})
        reply = json.loads(data)
        # Jana answers first, so that her answer does not race the deletion.
        deadline = time.monotonic() + 10
        while len(self.mentions()) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        answer = self.mentions()[0]
        self.assertEqual(answer["in_reply_to_id"], reply["id"])

        self.assertEqual(self.delete_as_author(jana["id"]), 200)
        self.assertEqual([s["id"] for s in self.mentions()][0], answer["id"])
        self.assertNotIn(jana["id"], [s["id"] for s in self.mentions()])
        self.assertEqual(len(self.mentions()), 3)
        response, data = self.request("GET", f"/api/v1/statuses/{jana['id']}")
        self.assertEqual((response.status, json.loads(data)), (404, {"error": "Record not found"}))
        response, _ = self.request("GET", f"/api/v1/statuses/{jana['id']}/context")
        self.assertEqual(response.status, 404)
        _, data = self.request("GET", "/api/v1/statuses", {"id[]": jana["id"]})
        self.assertEqual(json.loads(data), [])
        _, data = self.request("GET", "/api/v1/accounts/101/statuses")
        self.assertEqual([s["id"] for s in json.loads(data)], [answer["id"]])
        # The reply stays, replying to nothing now, as Mastodon nullifies it.
        _, data = self.request("GET", f"/api/v1/statuses/{reply['id']}")
        self.assertIsNone(json.loads(data)["in_reply_to_id"])
        _, data = self.request("GET", f"/api/v1/statuses/{reply['id']}/context")
        self.assertEqual(json.loads(data)["ancestors"], [])
        # Nothing to reply to, nothing to delete twice.
        response, _ = self.request("POST", "/api/v1/statuses", {"status": "@jana Noch da?",
                                                                "in_reply_to_id": jana["id"]})
        self.assertEqual(response.status, 404)
        self.assertEqual(self.delete_as_author(jana["id"]), 404)
        self.assertEqual(self.delete_as_author("999"), 404)
        self.assertEqual(self.delete_as_author(int(reply["id"])), 400)
        self.assertEqual(self.delete_as_author(None), 400)

        # A new status never takes a deleted one's id.
        response, data = self.request("POST", "/api/v1/statuses", {"status": "Wartungsarbeiten."})
        self.assertGreater(int(json.loads(data)["id"]), int(reply["id"]))

    def test_a_conversation_loses_deleted_statuses(self):
        _, data = self.request("GET", "/api/v1/conversations")
        conversation, = json.loads(data)
        first = conversation["last_status"]
        response, data = self.request("POST", "/api/v1/statuses",
                                      {"status": "@tom Ist erstattet.", "in_reply_to_id": first["id"],
                                       "visibility": "direct"}, headers={"Idempotency-Key": "refund-1"})
        answer = json.loads(data)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            _, data = self.request("GET", f"/api/v1/statuses/{first['id']}/context")
            descendants = json.loads(data)["descendants"]
            if len(descendants) == 2:
                break
            time.sleep(0.1)
        self.assertEqual([s["id"] for s in descendants][0], answer["id"])
        thanks = descendants[1]
        self.assertEqual(thanks["account"]["username"], "tom")

        # Tom deletes his thanks: the conversation ends with support's answer again.
        self.assertEqual(self.delete_as_author(thanks["id"]), 200)
        _, data = self.request("GET", "/api/v1/conversations")
        conversation, = json.loads(data)
        self.assertEqual(conversation["last_status"]["id"], answer["id"])
        _, data = self.request("GET", f"/api/v1/statuses/{first['id']}/context")
        self.assertEqual([s["id"] for s in json.loads(data)["descendants"]], [answer["id"]])

        # Tom deletes his question: still his conversation.
        self.assertEqual(self.delete_as_author(first["id"]), 200)
        _, data = self.request("GET", "/api/v1/conversations")
        conversation, = json.loads(data)
        self.assertEqual(conversation["id"], first["id"])
        self.assertEqual(conversation["last_status"]["id"], answer["id"])
        self.assertEqual([a["username"] for a in conversation["accounts"]], ["tom"])

        # With nothing left, the conversation is gone, and the key posts anew.
        self.assertEqual(self.delete_as_author(answer["id"]), 200)
        _, data = self.request("GET", "/api/v1/conversations")
        self.assertEqual(json.loads(data), [])
        _, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses")
        self.assertEqual(json.loads(data), [])
        response, data = self.request("POST", "/api/v1/statuses", {"status": "@tom Ist erstattet.",
                                                                   "visibility": "direct"},
                                      headers={"Idempotency-Key": "refund-1"})
        self.assertEqual(response.status, 200, data)
        self.assertNotEqual(json.loads(data)["id"], answer["id"])
        self.assertEqual([s["visibility"] for s in self.mentions()], ["unlisted", "public"])

        # Deletions are no API requests: they are not recorded.
        self.assertNotIn("/_sandbox/delete", [r["path"] for r in self.records()])


class Audiences(SandboxCase):
    """Whom a status reaches: kept as the client gave it; without one, the
    account's default, public, for a reply too."""

    options = ["--seed-followers-only"]

    def own_statuses(self):
        response, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses")
        self.assertEqual(response.status, 200, data)
        return {s["id"]: s for s in json.loads(data)}

    def test_seeded_audiences(self):
        by_author = {s["account"]["username"]: s for s in self.mentions()}
        self.assertEqual(by_author["emma"]["visibility"], "unlisted")
        self.assertEqual(by_author["paula"]["visibility"], "private")
        self.assertEqual(by_author["jana"]["visibility"], "public")

    def test_a_reply_keeps_the_visibility_given(self):
        by_author = {s["account"]["username"]: s for s in self.mentions()}
        replies = {}
        for author, visibility in (("emma", "unlisted"), ("paula", "private"), ("jana", "direct")):
            response, data = self.request("POST", "/api/v1/statuses",
                                          {"status": f"@{author} Danke!", "visibility": visibility,
                                           "in_reply_to_id": by_author[author]["id"]})
            self.assertEqual(response.status, 200, data)
            status = json.loads(data)
            self.assertEqual(status["visibility"], visibility)
            replies[status["id"]] = visibility

        stored = self.own_statuses()
        self.assertEqual({i: stored[i]["visibility"] for i in replies}, replies)
        posts = [r for r in self.records() if r["method"] == "POST" and r["path"] == "/api/v1/statuses"]
        self.assertEqual([p["query"]["visibility"] for p in posts], ["unlisted", "private", "direct"])

    def test_without_a_visibility_a_reply_is_public(self):
        emma = next(s for s in self.mentions() if s["account"]["username"] == "emma")
        response, data = self.request("POST", "/api/v1/statuses",
                                      {"status": "@emma Ja.", "in_reply_to_id": emma["id"]})
        self.assertEqual(response.status, 200, data)
        reply = json.loads(data)
        self.assertEqual(reply["visibility"], "public")
        self.assertEqual(self.own_statuses()[reply["id"]]["visibility"], "public")
class Throttled(SandboxCase):
    """Mastodon's throttles, scaled down: 3 requests per token in windows
    of 2 seconds, 3 that page in 6, 3 new statuses in 72."""

    options = ["--rate-limit", "3", "--rate-period-s", "2"]

    def wait_for_window(self, period):
        """Starts at the beginning of a window, so that none ends midway."""
        time.sleep(period - time.time() % period + 0.05)

    def assertThrottled(self, response, data, limit, period):
        self.assertEqual(response.status, 429, data)
        self.assertEqual(json.loads(data), {"error": "Too many requests"})
        self.assertIsNone(response.getheader("Retry-After"))
        self.assertEqual(response.getheader("X-RateLimit-Limit"), str(limit))
        self.assertEqual(response.getheader("X-RateLimit-Remaining"), "0")
        reset = parse_time(response.getheader("X-RateLimit-Reset")).timestamp()
        self.assertEqual(reset % period, 0)
        self.assertGreater(reset, time.time() - 0.5)
        self.assertLessEqual(reset, time.time() + period)
        return reset

    def test_requests_per_token(self):
        self.wait_for_window(2)
        remaining = [int(self.request("GET", "/api/v1/instance")[0].getheader("X-RateLimit-Remaining"))
                     for _ in range(3)]
        self.assertEqual(remaining, [2, 1, 0])
        response, data = self.request("GET", "/api/v1/instance")
        reset = self.assertThrottled(response, data, 3, 2)

        time.sleep(max(0, reset - time.time()) + 0.05)
        response, _ = self.request("GET", "/api/v1/instance")
        self.assertEqual(response.status, 200)
        self.assertEqual([r["status"] for r in self.records()], [200, 200, 200, 429, 200])

    def test_requests_that_page(self):
        self.wait_for_window(6)
        for _ in range(2):
            self.assertEqual(self.request("GET", "/api/v1/notifications", {"max_id": "999999999999999999"})[0].status,
                             200)
        time.sleep(2.05)
        # A new window of the token's, but not of the paging one.
        response, _ = self.request("GET", "/api/v1/notifications", {"since_id": "1"})
        self.assertEqual(response.status, 200)
        self.assertEqual(response.getheader("X-RateLimit-Remaining"), "0")
        response, data = self.request("GET", "/api/v1/notifications", {"min_id": "1"})
        self.assertThrottled(response, data, 3, 6)
        # Requests that do not page go on.
        self.assertEqual(self.request("GET", "/api/v1/notifications")[0].status, 200)

    def test_new_statuses(self):
        # All four within one window of new statuses.
        if time.time() % 72 > 64:
            self.wait_for_window(72)
        posted = []
        for i in range(4):
            if i % 2 == 0:
                self.wait_for_window(2)
            response, data = self.request("POST", "/api/v1/statuses", {"status": f"Antwort {i}"})
            posted.append(response.status)
        self.assertEqual(posted[:3], [200, 200, 200])
        self.assertThrottled(response, data, 3, 72)
        _, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses")
        self.assertEqual(len(json.loads(data)), 3)

    def test_statuses_posted_elsewhere(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/post-as-support", body=json.dumps({"count": 45}),
                           headers={"Content-Type": "application/json"})
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()
        response, data = self.request("GET", f"/api/v1/accounts/{OWN_ACCOUNT_ID}/statuses", {"limit": "40"})
        self.assertEqual(len(json.loads(data)), 40)
        self.assertIn("rel=\"next\"", response.getheader("Link"))


class IdempotencyExpires(SandboxCase):
    """Mastodon keeps an Idempotency-Key for an hour; the sandbox lets that
    hour pass when asked."""

    def test_a_key_is_forgotten(self):
        params = {"status": "Wir melden uns."}
        first = json.loads(self.request("POST", "/api/v1/statuses", params, headers={"Idempotency-Key": "k"})[1])
        again = json.loads(self.request("POST", "/api/v1/statuses", params, headers={"Idempotency-Key": "k"})[1])
        self.assertEqual(again["id"], first["id"])

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/expire-idempotency", body="{}",
                           headers={"Content-Type": "application/json"})
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()
        later = json.loads(self.request("POST", "/api/v1/statuses", params, headers={"Idempotency-Key": "k"})[1])
        self.assertNotEqual(later["id"], first["id"])


class OldMastodon(SandboxCase):
    """A Mastodon before 4.3, which has no multiple statuses."""

    options = ["--no-pkce"]

    def test_no_multiple_statuses(self):
        status = self.mentions()[0]
        response, data = self.request("GET", "/api/v1/statuses", {"id[]": status["id"]})
        self.assertEqual(response.status, 404)
        self.assertEqual(json.loads(data), {"error": "Record not found"})
        response, data = self.request("GET", f"/api/v1/statuses/{status['id']}")
        self.assertEqual(response.status, 200)
        self.assertEqual(json.loads(data), status)


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

        # A refusal names the instance's limit.
        self.fault(path="/api/v1/statuses", kind="refuse")
        response, data = self.request("POST", "/api/v1/statuses", {"status": "Kurz."})
        self.assertEqual(response.status, 422)
        self.assertEqual(json.loads(data), {"error": "Validation failed: Text character limit of 280 exceeded"})

    def test_nonsense_options_are_refused(self):
        for option in (["--max-characters", "0"], ["--live-interval-ms", "-1"],
                       ["--telegram-token", "not-a-bot-token"], ["--telegram-token", "123:"],
                       ["--telegram-token", "123:abc/def"],
                       ["--telegram-webhook", "https://bot.wellenfunk.example/hook"]):
            result = subprocess.run([SANDBOX, "--token", TOKEN] + option,
                                    capture_output=True, text=True, timeout=10)
            self.assertEqual(result.returncode, 2, option)
            self.assertIn("usage", result.stderr)


class LiveCustomers(SandboxCase):
    options = ["--live-interval-ms", "100"]

    def oldest_notifications(self, count):
        _, data = self.request("GET", "/api/v1/notifications",
                               {"min_id": "0", "limit": str(count), "include_filtered": "true"})
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
        self.assertTokenRecorded()


class TelegramCase(SandboxCase):
    """Talks to the bot as a client of the Bot API does."""

    options = ["--telegram-token", BOT_TOKEN]

    def bot(self, method, params=None, body="query", token=BOT_TOKEN, timeout=10):
        """Calls a method with the parameters in the query, a form or a JSON
        body; returns the response and the decoded body."""
        path = f"/bot{token}/{method}"
        headers = {}
        data = None
        params = params or {}
        if body == "json":
            data = json.dumps(params)
            headers["Content-Type"] = "application/json"
        else:
            # Objects and arrays travel as JSON text in a form, as Telegram wants them.
            flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in params.items()}
            if body == "form":
                data = urllib.parse.urlencode(flat)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            elif flat:
                path += "?" + urllib.parse.urlencode(flat)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("POST" if data is not None else "GET", path, body=data, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        finally:
            connection.close()
        return response, json.loads(raw)

    def ok(self, method, params=None, body="query", **kwargs):
        response, reply = self.bot(method, params, body, **kwargs)
        self.assertEqual(response.status, 200, reply)
        self.assertEqual(set(reply), {"ok", "result"} | ({"description"} & set(reply)), reply)
        self.assertIs(reply["ok"], True)
        return reply["result"]

    def refused(self, status, description, method, params=None, body="query"):
        response, reply = self.bot(method, params, body)
        self.assertEqual(response.status, status, reply)
        self.assertEqual(reply, {"ok": False, "error_code": status, "description": description})

    def assertBotTokenRecorded(self):
        """The record has the path as it came, with the bot token."""
        self.assertTrue(any(r["path"].startswith((f"/bot{BOT_TOKEN}/", f"/file/bot{BOT_TOKEN}/"))
                            for r in self.records()))

    def wait_for_updates(self, offset, count=1):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            updates = self.ok("getUpdates", {"offset": offset})
            if len(updates) >= count:
                return updates
            time.sleep(0.05)
        self.fail(f"fewer than {count} updates from {offset}")


def utf16_slice(text, offset, length):
    units = text.encode("utf-16-le")
    return units[2 * offset:2 * (offset + length)].decode("utf-16-le")


class Telegram(TelegramCase):

    def test_envelope_and_get_me(self):
        me = self.ok("getMe")
        self.assertEqual(me, {"id": BOT_ID, "is_bot": True, "first_name": "Wellenfunk Hilfe",
                              "username": "WellenfunkHilfeBot", "can_join_groups": True,
                              "can_read_all_group_messages": False, "supports_inline_queries": False})
        response, _ = self.bot("getMe")
        self.assertEqual(response.getheader("Content-Type"), "application/json")
        # Method names match in any case, as on Telegram.
        self.assertEqual(self.ok("getme"), me)
        self.refused(404, "Not Found", "getChat", {"chat_id": SABINE})
        self.refused(404, "Not Found", "")
        # No Mastodon rate-limit headers on the Bot API.
        self.assertIsNone(response.getheader("X-RateLimit-Limit"))

    def test_wrong_token_is_refused_and_requests_are_recorded_as_sent(self):
        wrong = "7000000001:AAHsomeoneElsesToken"
        response, reply = self.bot("getMe", token=wrong)
        self.assertEqual(response.status, 401)
        self.assertEqual(reply, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        response, _ = self.bot("getMe", token="nonsense")
        self.assertEqual(response.status, 401)
        self.ok("getMe")
        self.ok("sendMessage", {"chat_id": SABINE, "text": "Wir prüfen das."}, body="form")
        # A token in a parameter, by mistake, is recorded as sent too.
        self.refused(400, "Bad Request: unknown parameter token", "getMe", {"token": BOT_TOKEN})
        self.refused(400, "Bad Request: message is too long", "sendMessage",
                     {"chat_id": SABINE, "text": BOT_TOKEN + "x" * 4096}, body="json")

        records = self.records()
        self.assertEqual([r["path"] for r in records],
                         [f"/bot{wrong}/getMe", "/botnonsense/getMe"] +
                         [f"/bot{BOT_TOKEN}/{m}" for m in ("getMe", "sendMessage", "getMe", "sendMessage")])
        self.assertEqual([r["bot_method"] for r in records],
                         ["getMe", "getMe", "getMe", "sendMessage", "getMe", "sendMessage"])
        self.assertEqual({r["authorization"] for r in records}, {None})
        self.assertEqual([r["token_ok"] for r in records], [False, False, True, True, True, True])
        self.assertEqual([r["status"] for r in records], [401, 401, 200, 200, 400, 400])
        self.assertEqual([r["method"] for r in records][2:4], ["GET", "POST"])
        self.assertEqual(records[3]["query"], {"chat_id": str(SABINE), "text": "Wir prüfen das."})
        self.assertEqual(records[4]["query"], {"token": BOT_TOKEN})
        self.assertEqual(records[5]["query"], {"chat_id": SABINE, "text": BOT_TOKEN + "x" * 4096})

    def test_seeded_updates(self):
        updates = self.ok("getUpdates")
        self.assertEqual([u["update_id"] for u in updates], list(range(FIRST_UPDATE, FIRST_UPDATE + SEEDED_UPDATES)))
        kinds = [next(k for k in u if k != "update_id") for u in updates]
        self.assertEqual(kinds, ["message"] * 6 + ["edited_message"])
        messages = [u[k] for u, k in zip(updates, kinds)]
        self.assertEqual([(m["chat"]["id"], m["message_id"]) for m in messages],
                         [(SABINE, 101), (LUKAS, 201), (LUKAS, 202), (GROUP, 2202), (GROUP, 2203), (GROUP, 2204),
                          (SABINE, 101)])
        now = time.time()
        for message in messages:
            self.assertLessEqual(abs(message["date"] - now), 3 * 3600)
            self.assertIsInstance(message["date"], int)
            self.assertFalse(message["from"]["is_bot"])
            self.assertNotIn("can_join_groups", message["from"])
        self.assertEqual(sorted(m["date"] for m in messages[:6]), [m["date"] for m in messages[:6]])

        sabine = messages[0]
        self.assertEqual(sabine["from"], {"id": SABINE, "is_bot": False, "first_name": "Sabine",
                                          "last_name": "Krüger", "username": "sabinek", "language_code": "de"})
        self.assertEqual(sabine["chat"], {"id": SABINE, "first_name": "Sabine", "last_name": "Krüger",
                                          "username": "sabinek", "type": "private"})
        self.assertIn("Rechnung", sabine["text"])
        self.assertNotIn("edit_date", sabine)
        self.assertEqual(messages[1]["from"]["username"], "lukas_h")

        group = {"id": GROUP, "title": "Wellenfunk Community", "type": "supergroup"}
        mention, other, reply = messages[3:6]
        self.assertEqual(mention["chat"], group)
        self.assertEqual(mention["from"]["id"], MEHMET)
        self.assertEqual(mention["from"]["username"], "mehmet_y")
        self.assertEqual(mention["from"]["last_name"], "Yılmaz")
        # UTF-16 code units, not characters or bytes: an emoji comes first.
        entity, = mention["entities"]
        self.assertEqual(entity["type"], "mention")
        self.assertEqual(utf16_slice(mention["text"], entity["offset"], entity["length"]), "@WellenfunkHilfeBot")
        self.assertNotEqual(entity["offset"], mention["text"].index("@WellenfunkHilfeBot"))
        self.assertNotIn("entities", other)
        self.assertNotIn("@WellenfunkHilfeBot", other["text"])
        self.assertNotIn("reply_to_message", other)
        self.assertEqual(reply["reply_to_message"]["message_id"], 2201)
        self.assertEqual(reply["reply_to_message"]["from"]["id"], BOT_ID)
        self.assertEqual(reply["reply_to_message"]["chat"], group)
        self.assertNotIn("reply_to_message", reply["reply_to_message"])

        edited = messages[6]
        self.assertEqual(edited["date"], sabine["date"])
        self.assertGreater(edited["edit_date"], sabine["date"])
        self.assertNotEqual(edited["text"], sabine["text"])

    def test_get_updates_confirms_with_the_offset(self):
        updates = self.ok("getUpdates", {"limit": 2})
        self.assertEqual([u["update_id"] for u in updates], [FIRST_UPDATE, FIRST_UPDATE + 1])
        # Without an offset nothing is confirmed.
        self.assertEqual(self.ok("getUpdates", {"limit": 1})[0]["update_id"], FIRST_UPDATE)

        updates = self.ok("getUpdates", {"offset": FIRST_UPDATE + 2, "limit": 3})
        self.assertEqual([u["update_id"] for u in updates], [FIRST_UPDATE + 2, FIRST_UPDATE + 3, FIRST_UPDATE + 4])
        # The earlier ones are forgotten now, even without an offset.
        self.assertEqual(self.ok("getUpdates")[0]["update_id"], FIRST_UPDATE + 2)
        self.assertEqual(self.ok("getUpdates", {"offset": FIRST_UPDATE})[0]["update_id"], FIRST_UPDATE + 2)
        # A negative offset keeps that many of the newest.
        self.assertEqual([u["update_id"] for u in self.ok("getUpdates", {"offset": -2})],
                         [FIRST_UPDATE + 5, FIRST_UPDATE + 6])
        self.assertEqual(len(self.ok("getUpdates")), 2)
        # Beyond the newest: nothing, at once without a timeout.
        self.assertEqual(self.ok("getUpdates", {"offset": FIRST_UPDATE + SEEDED_UPDATES}), [])
        self.assertEqual(self.ok("getUpdates"), [])
        info = self.ok("getWebhookInfo")
        self.assertEqual(info["pending_update_count"], 0)

        # allowed_updates filters and stays until changed.
        self.ok("sendMessage", {"chat_id": LUKAS, "text": "Ja, das geht."})
        self.assertEqual(self.ok("getUpdates", {"allowed_updates": ["edited_message"], "timeout": 0}), [])
        self.assertEqual(self.ok("getUpdates"), [])
        # An empty list allows every kind again.
        self.ok("getUpdates", {"allowed_updates": "[]"}, body="form")
        answer = self.wait_for_updates(0)
        self.assertEqual(answer[0]["update_id"], FIRST_UPDATE + SEEDED_UPDATES)
        self.refused(400, "Bad Request: can't parse allowed_updates JSON array", "getUpdates",
                     {"allowed_updates": "message"})
        self.refused(400, "Bad Request: offset must be an integer", "getUpdates", {"offset": "soon"})

    def poll_in_background(self, params):
        result = {}

        def poll():
            start = time.monotonic()
            try:
                result["response"], result["reply"] = self.bot("getUpdates", params, body="json", timeout=20)
            finally:
                result["seconds"] = time.monotonic() - start

        thread = threading.Thread(target=poll)
        thread.start()
        return thread, result

    def test_long_polling(self):
        after_seeded = FIRST_UPDATE + SEEDED_UPDATES

        # Nothing new: held for the timeout, then an empty list.
        start = time.monotonic()
        self.assertEqual(self.ok("getUpdates", {"offset": after_seeded, "timeout": 1}), [])
        self.assertGreaterEqual(time.monotonic() - start, 0.9)

        # Held until Sabine answers what the bot sent her.
        thread, result = self.poll_in_background({"offset": after_seeded, "timeout": 5})
        time.sleep(0.5)
        self.assertTrue(thread.is_alive(), "getUpdates answered without waiting")
        sent = self.ok("sendMessage", {"chat_id": SABINE, "text": "Wir haben die Differenz gutgeschrieben."},
                       body="json")
        thread.join(10)
        self.assertFalse(thread.is_alive())
        self.assertEqual(result["response"].status, 200, result.get("reply"))
        self.assertLess(result["seconds"], 4)
        update, = result["reply"]["result"]
        self.assertEqual(update["update_id"], after_seeded)
        answer = update["message"]
        self.assertEqual(answer["chat"]["id"], SABINE)
        self.assertEqual(answer["from"]["id"], SABINE)
        self.assertEqual(answer["message_id"], sent["message_id"] + 1)
        self.assertNotIn("reply_to_message", answer)

        # A second poller ends the first, as Telegram ends one of two bot instances.
        thread, result = self.poll_in_background({"offset": after_seeded + 1, "timeout": 5})
        time.sleep(0.3)
        self.assertTrue(thread.is_alive())
        start = time.monotonic()
        self.assertEqual(self.ok("getUpdates", {"offset": after_seeded + 1}), [])
        thread.join(10)
        self.assertLess(time.monotonic() - start, 2)
        self.assertEqual(result["response"].status, 409)
        self.assertEqual(result["reply"], {
            "ok": False, "error_code": 409,
            "description": "Conflict: terminated by other getUpdates request; "
                           "make sure that only one bot instance is running"})

        polls = [r for r in self.records() if r["bot_method"] == "getUpdates"]
        self.assertEqual([r["status"] for r in polls], [200, 200, 409, 200])
        self.assertEqual(polls[1]["query"], {"offset": after_seeded, "timeout": 5})

    def test_send_message(self):
        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "Wellenfunk Hilfe", "username": "WellenfunkHilfeBot"}
        sent = self.ok("sendMessage", {"chat_id": SABINE, "text": "Die Differenz ist die Routermiete. ^Mira",
                                       "reply_parameters": {"message_id": 101}, "parse_mode": "HTML",
                                       "disable_notification": True,
                                       "link_preview_options": {"is_disabled": True}}, body="json")
        self.assertEqual(sent["message_id"], 102)
        self.assertEqual(sent["from"], bot_user)
        self.assertEqual(sent["chat"]["id"], SABINE)
        self.assertEqual(sent["text"], "Die Differenz ist die Routermiete. ^Mira")
        self.assertLessEqual(abs(sent["date"] - time.time()), 60)
        # The message replied to as it is now, edited.
        self.assertEqual(sent["reply_to_message"]["message_id"], 101)
        self.assertIn("edit_date", sent["reply_to_message"])
        self.assertIn("RE-2024-204817", sent["reply_to_message"]["text"])

        # The old form, in a form.
        sent = self.ok("sendMessage", {"chat_id": str(LUKAS), "text": "Ja, der Vertrag zieht mit um.",
                                       "reply_to_message_id": "202"}, body="form")
        self.assertEqual(sent["reply_to_message"]["message_id"], 202)
        sent = self.ok("sendMessage", {"chat_id": LUKAS, "text": "Den Router nehmen Sie einfach mit.",
                                       "reply_parameters": {"message_id": 202, "chat_id": LUKAS}}, body="form")
        self.assertEqual(sent["reply_to_message"]["message_id"], 202)

        self.refused(400, "Bad Request: message is too long", "sendMessage",
                     {"chat_id": SABINE, "text": "ä" * 4097}, body="json")
        # Characters count, not bytes.
        self.assertEqual(len(self.ok("sendMessage", {"chat_id": SABINE, "text": "ä" * 4096}, body="json")["text"]),
                         4096)
        self.refused(400, "Bad Request: message text is empty", "sendMessage", {"chat_id": SABINE, "text": ""})
        self.refused(400, "Bad Request: message text is empty", "sendMessage", {"chat_id": SABINE, "text": "  "})
        self.refused(400, "Bad Request: message text is empty", "sendMessage", {"chat_id": SABINE})
        self.refused(400, "Bad Request: chat not found", "sendMessage", {"chat_id": 5551000999, "text": "Hallo"})
        self.refused(400, "Bad Request: chat not found", "sendMessage", {"chat_id": "@sabinek", "text": "Hallo"})
        self.refused(400, "Bad Request: chat_id is empty", "sendMessage", {"text": "Hallo"})
        self.refused(400, "Bad Request: message to be replied not found", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "reply_parameters": {"message_id": 999}}, body="json")
        # Lukas's message is not in Sabine's chat.
        self.refused(400, "Bad Request: message to be replied not found", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "reply_to_message_id": 201})
        sent = self.ok("sendMessage", {"chat_id": SABINE, "text": "Hallo",
                                       "reply_parameters": {"message_id": 999,
                                                            "allow_sending_without_reply": True}}, body="json")
        self.assertNotIn("reply_to_message", sent)
        self.refused(400, "Bad Request: unsupported parse_mode", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "parse_mode": "Textile"})
        self.refused(400, "Bad Request: can't parse reply_parameters JSON object", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "reply_parameters": "101"})

    def test_the_bot_cannot_write_first(self):
        # Mehmet, Petra and Jonas wrote in the group but never started the bot.
        for user in (MEHMET, PETRA, JONAS):
            self.refused(403, "Forbidden: bot can't initiate conversation with a user", "sendMessage",
                         {"chat_id": user, "text": "Wir schreiben Ihnen lieber privat."}, body="json")
        self.refused(403, "Forbidden: bot can't initiate conversation with a user", "sendMessage",
                     {"chat_id": str(MEHMET), "text": "Wir schreiben Ihnen lieber privat."}, body="form")
        # Sabine and Lukas did.
        for user in (SABINE, LUKAS):
            sent = self.ok("sendMessage", {"chat_id": user, "text": "Wir schreiben Ihnen lieber privat."})
            self.assertEqual(sent["chat"]["id"], user)
            self.assertEqual(sent["chat"]["type"], "private")
        # An id that is nobody's is no chat, and deleting is no writing.
        self.refused(400, "Bad Request: chat not found", "sendMessage", {"chat_id": 5551000107, "text": "Hallo"})
        self.refused(400, "Bad Request: chat not found", "deleteMessage", {"chat_id": MEHMET, "message_id": 1})

        # Only those written to answer.
        self.wait_for_updates(FIRST_UPDATE + SEEDED_UPDATES, 2)
        time.sleep(0.4)
        answers = self.ok("getUpdates", {"offset": FIRST_UPDATE + SEEDED_UPDATES})
        self.assertEqual(sorted(u["message"]["chat"]["id"] for u in answers), [SABINE, LUKAS])

    def test_group_customer_replies_to_the_bot(self):
        self.ok("getUpdates", {"offset": FIRST_UPDATE + SEEDED_UPDATES})
        sent = self.ok("sendMessage", {"chat_id": GROUP, "text": "@mehmet_y Wir messen Ihren Anschluss durch.",
                                       "reply_parameters": {"message_id": 2202}}, body="json")
        self.assertEqual(sent["chat"], {"id": GROUP, "title": "Wellenfunk Community", "type": "supergroup"})
        self.assertEqual(sent["message_id"], 2205)
        self.assertEqual(sent["reply_to_message"]["from"]["id"], MEHMET)
        self.assertEqual(sent["entities"], [{"offset": 0, "length": 9, "type": "mention"}])

        answer = self.wait_for_updates(0)[0]["message"]
        self.assertEqual(answer["from"]["id"], MEHMET)
        self.assertEqual(answer["chat"]["id"], GROUP)
        self.assertEqual(answer["reply_to_message"]["message_id"], sent["message_id"])
        self.assertEqual(answer["reply_to_message"]["from"]["id"], BOT_ID)

    def test_delete_message(self):
        self.assertIs(self.ok("deleteMessage", {"chat_id": GROUP, "message_id": 2203}, body="json"), True)
        ids = [u["update_id"] for u in self.ok("getUpdates")]
        self.assertNotIn(FIRST_UPDATE + 4, ids)
        self.assertEqual(len(ids), SEEDED_UPDATES - 1)
        self.refused(400, "Bad Request: message to delete not found", "deleteMessage",
                     {"chat_id": GROUP, "message_id": 2203})
        self.refused(400, "Bad Request: message can't be deleted", "deleteMessage",
                     {"chat_id": SABINE, "message_id": 101})
        self.refused(400, "Bad Request: chat not found", "deleteMessage", {"chat_id": 42, "message_id": 1})
        self.refused(400, "Bad Request: message identifier is not specified", "deleteMessage", {"chat_id": GROUP})

        # The bot's own, and then nobody answers it.
        sent = self.ok("sendMessage", {"chat_id": GROUP, "text": "Versehentlich gesendet."})
        self.assertIs(self.ok("deleteMessage", {"chat_id": GROUP, "message_id": sent["message_id"]}), True)
        self.refused(400, "Bad Request: message to be replied not found", "sendMessage",
                     {"chat_id": GROUP, "text": "Hallo", "reply_to_message_id": sent["message_id"]})
        time.sleep(0.5)
        self.assertEqual(len(self.ok("getUpdates")), SEEDED_UPDATES - 1)

    def test_unknown_parameters_are_refused(self):
        self.refused(400, "Bad Request: unknown parameter bogus", "getUpdates", {"bogus": "1"})
        self.refused(400, "Bad Request: unknown parameter reply_markup", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "reply_markup": {"inline_keyboard": []}}, body="json")
        self.refused(400, "Bad Request: unknown parameter reply_parameters.quote", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "reply_parameters": {"message_id": 101, "quote": "März"}},
                     body="json")
        self.refused(400, "Bad Request: unknown parameter link_preview_options.show", "sendMessage",
                     {"chat_id": SABINE, "text": "Hallo", "link_preview_options": {"show": False}}, body="form")
        self.refused(400, "Bad Request: unknown parameter offset", "getMe", {"offset": 1})

    def test_json_form_and_query_are_all_accepted(self):
        for body in ("json", "form", "query"):
            sent = self.ok("sendMessage", {"chat_id": GROUP, "text": f"Über {body}: Störung behoben.",
                                           "disable_notification": True,
                                           "reply_parameters": {"message_id": 2204}}, body=body)
            self.assertEqual(sent["text"], f"Über {body}: Störung behoben.")
            self.assertEqual(sent["reply_to_message"]["message_id"], 2204)
        updates = self.ok("getUpdates", {"offset": FIRST_UPDATE + 1, "limit": 1}, body="json")
        self.assertEqual([u["update_id"] for u in updates], [FIRST_UPDATE + 1])
        updates = self.ok("getUpdates", {"offset": str(FIRST_UPDATE + 2), "limit": "1"}, body="form")
        self.assertEqual([u["update_id"] for u in updates], [FIRST_UPDATE + 2])

        # Telegram takes multipart forms as well.
        boundary = "wellenfunk-boundary"
        parts = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                        for name, value in (("chat_id", str(LUKAS)), ("text", "Per Formular.")))
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", f"/bot{BOT_TOKEN}/sendMessage", body=(parts + f"--{boundary}--\r\n").encode(),
                           headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        response = connection.getresponse()
        reply = json.loads(response.read())
        connection.close()
        self.assertEqual(response.status, 200, reply)
        self.assertEqual(reply["result"]["chat"]["id"], LUKAS)

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", f"/bot{BOT_TOKEN}/getMe", body="[1]", headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        self.assertEqual(json.loads(response.read())["description"], "Bad Request: can't parse JSON object")
        connection.close()
        self.assertEqual(response.status, 400)
        self.assertBotTokenRecorded()

    def test_faults(self):
        sent_path = REDACTED_PATH + "sendMessage"

        self.fault(path=REDACTED_PATH + "getUpdates", kind="409")
        self.refused(409, "Conflict: terminated by other getUpdates request; make sure that only one bot "
                          "instance is running", "getUpdates")

        self.fault(path=sent_path, kind="429", retry_after=7)
        # Matched on the method: other methods are not affected.
        self.ok("getMe")
        response, reply = self.bot("sendMessage", {"chat_id": SABINE, "text": "Hallo"})
        self.assertEqual(response.status, 429)
        self.assertEqual(response.getheader("Retry-After"), "7")
        self.assertEqual(reply, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 7",
                                 "parameters": {"retry_after": 7}})

        self.fault(path=sent_path, kind="500")
        response, reply = self.bot("sendMessage", {"chat_id": SABINE, "text": "Hallo"})
        self.assertGreaterEqual(response.status, 500)
        self.assertEqual(reply["ok"], False)
        self.assertEqual(reply["error_code"], response.status)

        self.fault(path=sent_path, kind="404")
        self.refused(404, "Not Found", "sendMessage", {"chat_id": SABINE, "text": "Hallo"})

        self.fault(path=REDACTED_PATH + "getUpdates", kind="malformed")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", f"/bot{BOT_TOKEN}/getUpdates")
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        with self.assertRaises(ValueError):
            json.loads(response.read())
        connection.close()

        self.fault(path=sent_path, kind="drop-before")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.bot("sendMessage", {"chat_id": SABINE, "text": "Verloren"})
        # Dropped after the message was sent: it exists.
        self.fault(path=sent_path, kind="drop-after")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.bot("sendMessage", {"chat_id": LUKAS, "text": "Angekommen"})
        sent = self.ok("sendMessage", {"chat_id": LUKAS, "text": "Noch einmal"})
        self.assertEqual(sent["message_id"], 204)

        self.fault(path=REDACTED_PATH + "getMe", kind="slow", delay_ms=600)
        start = time.monotonic()
        self.ok("getMe")
        self.assertGreaterEqual(time.monotonic() - start, 0.5)

        self.fault(path=REDACTED_PATH + "getMe", kind="hold")
        with self.assertRaises(TimeoutError):
            self.bot("getMe", timeout=0.5)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/release", body="")
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()

        # A fault on the path with the real token never matches: faults are
        # asked for with the token redacted, although the record has it.
        self.fault(path=f"/bot{BOT_TOKEN}/getMe", kind="500")
        self.ok("getMe")
        self.assertBotTokenRecorded()

    def test_a_fault_lets_the_first_requests_through(self):
        self.fault(path=REDACTED_PATH + "sendMessage", kind="500", skip=1)
        # Other methods are not counted.
        self.ok("getMe")
        private = self.ok("sendMessage", {"chat_id": SABINE, "text": "Wir schreiben Ihnen hier weiter."})
        self.assertEqual(private["chat"]["id"], SABINE)
        response, reply = self.bot("sendMessage", {"chat_id": GROUP, "text": "Wir haben Ihnen privat geschrieben."})
        self.assertEqual(response.status, 500)
        self.assertEqual(reply, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
        # Only count times: the next goes through, and the failed one left no message behind.
        sent = self.ok("sendMessage", {"chat_id": GROUP, "text": "Wir haben Ihnen privat geschrieben."})
        self.assertEqual(sent["message_id"], 2205)
        self.assertEqual([r["status"] for r in self.records() if r["bot_method"] == "sendMessage"], [200, 500, 200])

    def test_a_refused_request_changes_nothing(self):
        self.fault(path=REDACTED_PATH + "sendMessage", kind="refuse")
        self.refused(400, "Bad Request: message is too long", "sendMessage",
                     {"chat_id": SABINE, "text": "Wir schreiben Ihnen hier weiter."})
        # Nothing was sent: the next message takes the id, and Sabine answers it only.
        sent = self.ok("sendMessage", {"chat_id": SABINE, "text": "Wir schreiben Ihnen hier weiter."})
        self.assertEqual(sent["message_id"], 102)

        self.fault(path=REDACTED_PATH + "deleteMessage", kind="refuse")
        self.refused(400, "Bad Request: message can't be deleted", "deleteMessage",
                     {"chat_id": GROUP, "message_id": 2202})
        time.sleep(0.6)
        updates = self.ok("getUpdates")
        self.assertIn((GROUP, 2202), [(u["message"]["chat"]["id"], u["message"]["message_id"])
                                      for u in updates if "message" in u])
        answers = [u["message"] for u in updates[SEEDED_UPDATES:]]
        self.assertEqual([(m["chat"]["id"], m["message_id"]) for m in answers], [(SABINE, 103)])
        self.assertEqual(len(updates), SEEDED_UPDATES + 1)

    def test_a_held_long_poll_answers_when_released(self):
        self.fault(path=REDACTED_PATH + "getUpdates", kind="hold")
        thread, result = self.poll_in_background({"offset": FIRST_UPDATE + SEEDED_UPDATES, "timeout": 1})
        time.sleep(1.6)
        self.assertTrue(thread.is_alive(), "the held answer went out")
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/release", body="")
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()
        thread.join(10)
        self.assertEqual(result["reply"], {"ok": True, "result": []})

    def test_mastodon_is_unchanged(self):
        response, data = self.request("GET", "/api/v1/notifications", {"include_filtered": "true"})
        self.assertEqual(response.status, 200)
        self.assertEqual(len(json.loads(data)), 3)
        response, _ = self.request("GET", f"/bot{BOT_TOKEN}/getMe", token=None)
        self.assertEqual(response.status, 200)
        self.assertEqual([r["path"] for r in self.records()], ["/api/v1/notifications", f"/bot{BOT_TOKEN}/getMe"])

    def download(self, path, token=BOT_TOKEN):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", f"/file/bot{token}/{path}")
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return response, data

    def test_a_photo_with_a_caption(self):
        updates = self.ok("getUpdates")
        photo = updates[2]["message"]
        self.assertEqual((updates[2]["update_id"], photo["chat"]["id"], photo["message_id"]),
                         (FIRST_UPDATE + 2, LUKAS, 202))
        self.assertEqual(photo["caption"], "Und falls ja: Nehme ich den Router einfach mit, oder schickt ihr mir "
                                           "einen neuen?")
        self.assertNotIn("text", photo)
        self.assertNotIn("entities", photo)
        self.assertNotIn("caption_entities", photo)
        self.assertEqual([(p["width"], p["height"]) for p in photo["photo"]], [(90, 68), (320, 240), (800, 600)])
        self.assertEqual(len({p["file_id"] for p in photo["photo"]}), 3)
        self.assertEqual(len({p["file_unique_id"] for p in photo["photo"]}), 3)
        for size in photo["photo"]:
            self.assertEqual(set(size), {"file_id", "file_unique_id", "file_size", "width", "height"})
        # The other messages have text, as before.
        self.assertIn("text", updates[1]["message"])
        self.assertNotIn("photo", updates[1]["message"])

        # Replied to, it is the photo still.
        sent = self.ok("sendMessage", {"chat_id": LUKAS, "text": "Den Router nehmen Sie mit.",
                                       "reply_parameters": {"message_id": 202}}, body="json")
        self.assertEqual(sent["reply_to_message"]["photo"], photo["photo"])
        self.assertEqual(sent["reply_to_message"]["caption"], photo["caption"])

        paths = []
        for size, body in zip(photo["photo"], ("query", "form", "json")):
            file = self.ok("getFile", {"file_id": size["file_id"]}, body=body)
            self.assertEqual(set(file), {"file_id", "file_unique_id", "file_size", "file_path"})
            self.assertEqual((file["file_id"], file["file_unique_id"], file["file_size"]),
                             (size["file_id"], size["file_unique_id"], size["file_size"]))
            self.assertRegex(file["file_path"], r"^photos/file_\d+\.png$")
            response, data = self.download(file["file_path"])
            self.assertEqual(response.status, 200)
            self.assertEqual(response.getheader("Content-Type"), "image/png")
            self.assertEqual(png_size(data), (size["width"], size["height"]))
            self.assertEqual(len(data), size["file_size"])
            paths.append(file["file_path"])
        self.assertEqual(len(set(paths)), 3)
        # Not the router of Mastodon's Jana.
        _, data = self.request("GET", "/api/v1/notifications")
        jana = next(n["status"] for n in json.loads(data) if n["account"]["username"] == "jana")
        _, router = self.request("GET", self.local_path(jana["media_attachments"][0]["url"]), token=None)
        self.assertNotEqual(self.download(paths[2])[1], router)

        self.refused(400, "Bad Request: invalid file_id", "getFile", {"file_id": "AgACAgIAAxkBAAnothing"})
        self.refused(400, "Bad Request: invalid file_id", "getFile")
        self.refused(400, "Bad Request: unknown parameter size", "getFile",
                     {"file_id": photo["photo"][0]["file_id"], "size": "large"})

        not_found = {"ok": False, "error_code": 404, "description": "Not Found"}
        for path, token in ((paths[0], "7000000001:AAHsomeoneElsesToken"), (paths[0], "nonsense"),
                            ("photos/file_9.png", BOT_TOKEN), ("photos", BOT_TOKEN), ("", BOT_TOKEN),
                            (photo["photo"][0]["file_id"], BOT_TOKEN)):
            response, data = self.download(path, token)
            self.assertEqual(response.status, 404, path)
            self.assertEqual(json.loads(data), not_found)

        downloads = [r for r in self.records() if r["path"].startswith("/file/")]
        self.assertEqual(downloads[0], {"method": "GET", "path": f"/file/bot{BOT_TOKEN}/" + paths[0],
                                        "authorization": None, "query": {}, "token_ok": True, "status": 200})
        self.assertEqual([r["path"] for r in downloads[:3]], [f"/file/bot{BOT_TOKEN}/" + p for p in paths])
        self.assertEqual(downloads[4]["path"], f"/file/bot7000000001:AAHsomeoneElsesToken/{paths[0]}")
        self.assertEqual([r["token_ok"] for r in downloads], [True] * 4 + [False, False] + [True] * 4)
        self.assertEqual([r["status"] for r in downloads], [200] * 4 + [404] * 6)
        for record in downloads:
            self.assertNotIn("bot_method", record)
        self.assertEqual([r["path"] for r in self.records() if r.get("bot_method") == "getFile"],
                         [f"/bot{BOT_TOKEN}/getFile"] * 6)

    def test_faults_on_downloads(self):
        photo = self.ok("getUpdates")[2]["message"]["photo"]
        path = self.ok("getFile", {"file_id": photo[1]["file_id"]})["file_path"]
        _, whole = self.download(path)

        self.fault(path="/file/bot<redacted>/photos/", kind="500")
        response, data = self.download(path)
        self.assertEqual(response.status, 500)
        self.assertEqual(json.loads(data), {"ok": False, "error_code": 500, "description": "Internal Server Error"})

        self.fault(path="/file/bot<redacted>/" + path, kind="drop-after")
        with self.assertRaises((http.client.RemoteDisconnected, http.client.IncompleteRead, ConnectionError)):
            self.download(path)

        self.fault(path="/file/bot<redacted>/", kind="malformed")
        response, data = self.download(path)
        self.assertEqual(response.status, 200)
        self.assertTrue(whole.startswith(data))
        self.assertLess(len(data), len(whole))

        self.fault(path=REDACTED_PATH + "getFile", kind="refuse")
        self.refused(400, "Bad Request: file is too big", "getFile", {"file_id": photo[2]["file_id"]})

        # getFile is no download, nor the other way round.
        self.fault(path="/file/bot<redacted>/", kind="404")
        self.ok("getFile", {"file_id": photo[1]["file_id"]})
        self.assertEqual(self.download(path)[0].status, 404)
        response, data = self.download(path)
        self.assertEqual((response.status, data), (200, whole))
        self.assertBotTokenRecorded()


def iban_is_valid(iban):
    digits = "".join(str(int(c, 36)) for c in (iban[4:] + iban[:4]).replace(" ", ""))
    return int(digits) % 97 == 1


class TelegramPersonalData(TelegramCase):
    """Customers who post personal data in the group, after the default
    seed, whose ids stay as they are."""

    options = TelegramCase.options + ["--seed-personal-data"]

    def test_group_members_post_personal_data(self):
        updates = self.ok("getUpdates")
        self.assertEqual([u["update_id"] for u in updates],
                         list(range(FIRST_UPDATE, FIRST_UPDATE + SEEDED_UPDATES + 2)))
        seeded = [u.get("message", u.get("edited_message")) for u in updates[:SEEDED_UPDATES]]
        self.assertEqual([(m["chat"]["id"], m["message_id"]) for m in seeded],
                         [(SABINE, 101), (LUKAS, 201), (LUKAS, 202), (GROUP, 2202), (GROUP, 2203), (GROUP, 2204),
                          (SABINE, 101)])

        sabine, mehmet = [u["message"] for u in updates[SEEDED_UPDATES:]]
        group = {"id": GROUP, "title": "Wellenfunk Community", "type": "supergroup"}
        self.assertEqual((sabine["chat"], sabine["message_id"]), (group, 2205))
        self.assertEqual((sabine["from"]["id"], sabine["from"]["username"]), (SABINE, "sabinek"))
        self.assertIn("0171 2345678", sabine["text"])
        self.assertIn("DE02 1203 0000 0000 2020 51", sabine["text"])
        self.assertTrue(iban_is_valid("DE02 1203 0000 0000 2020 51"))
        self.assertEqual((mehmet["chat"], mehmet["message_id"]), (group, 2206))
        self.assertEqual((mehmet["from"]["id"], mehmet["from"]["last_name"]), (MEHMET, "Yılmaz"))
        self.assertIn("mehmet.yilmaz@example.org", mehmet["text"])
        for message in (sabine, mehmet):
            entity, = message["entities"]
            self.assertEqual(utf16_slice(message["text"], entity["offset"], entity["length"]), "@WellenfunkHilfeBot")
            self.assertNotIn("reply_to_message", message)
        # Newer than the default seed, and not in the future.
        self.assertGreater(sabine["date"], max(m.get("edit_date", m["date"]) for m in seeded))
        self.assertGreater(mehmet["date"], sabine["date"])
        self.assertLessEqual(mehmet["date"], time.time())

        # Moving to private: the bot may write to Sabine, not to Mehmet, and
        # may delete both group messages.
        self.assertEqual(self.ok("sendMessage", {"chat_id": SABINE, "text": "Wir melden uns hier."})["chat"]["id"],
                         SABINE)
        self.refused(403, "Forbidden: bot can't initiate conversation with a user", "sendMessage",
                     {"chat_id": MEHMET, "text": "Wir melden uns hier."})
        for message_id in (2205, 2206):
            self.assertIs(self.ok("deleteMessage", {"chat_id": GROUP, "message_id": message_id}), True)
        self.assertEqual(len(self.ok("getUpdates", {"offset": FIRST_UPDATE})), SEEDED_UPDATES)

        # Mastodon's customer with her IBAN is there as before.
        _, data = self.request("GET", "/api/v1/notifications")
        self.assertIn("lena_k", [n["account"]["username"] for n in json.loads(data)])


class TelegramWebhook(TelegramCase):
    options = TelegramCase.options + ["--telegram-webhook", "https://bot.wellenfunk.example/telegram"]

    def test_webhook_blocks_get_updates_until_deleted(self):
        self.refused(409, "Conflict: can't use getUpdates method while webhook is active; "
                          "use deleteWebhook to delete the webhook first", "getUpdates")
        self.assertEqual(self.ok("getWebhookInfo"), {"url": "https://bot.wellenfunk.example/telegram",
                                                     "has_custom_certificate": False,
                                                     "pending_update_count": SEEDED_UPDATES})
        response, reply = self.bot("deleteWebhook")
        self.assertEqual(response.status, 200)
        self.assertEqual(reply, {"ok": True, "result": True, "description": "Webhook was deleted"})
        self.assertEqual(self.ok("getWebhookInfo"), {"url": "", "has_custom_certificate": False,
                                                     "pending_update_count": SEEDED_UPDATES})
        self.assertEqual(len(self.ok("getUpdates")), SEEDED_UPDATES)
        self.assertEqual(self.bot("deleteWebhook", {"drop_pending_updates": True})[1]["description"],
                         "Webhook is already deleted")
        self.assertEqual(self.ok("getUpdates"), [])
        self.assertEqual(self.ok("getWebhookInfo")["pending_update_count"], 0)


class TelegramOff(SandboxCase):

    def test_bot_paths_are_not_found(self):
        response, data = self.request("GET", f"/bot{BOT_TOKEN}/getMe", token=None)
        self.assertEqual(response.status, 404)
        self.assertEqual(json.loads(data), {"ok": False, "error_code": 404, "description": "Not Found"})
        self.assertEqual(self.records()[0]["path"], f"/bot{BOT_TOKEN}/getMe")
        self.assertFalse(self.records()[0]["token_ok"])

        response, data = self.request("GET", f"/file/bot{BOT_TOKEN}/photos/file_0.png", token=None)
        self.assertEqual(response.status, 404)
        self.assertEqual(json.loads(data), {"ok": False, "error_code": 404, "description": "Not Found"})
        self.assertEqual(self.records()[1]["path"], f"/file/bot{BOT_TOKEN}/photos/file_0.png")


class LiveCustomersWithTelegram(LiveCustomers):
    """Mastodon's customers write as without Telegram, and Telegram's
    customers write in every third turn alongside."""

    options = LiveCustomers.options + ["--telegram-token", BOT_TOKEN]

    def test_telegram_customers_write_in(self):
        updates = []
        deadline = time.monotonic() + 20
        while len(updates) < SEEDED_UPDATES + 4 and time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("GET", f"/bot{BOT_TOKEN}/getUpdates")
            updates = json.loads(connection.getresponse().read())["result"]
            connection.close()
            time.sleep(0.05)
        live = [u["message"] for u in updates[SEEDED_UPDATES:SEEDED_UPDATES + 4]]
        self.assertEqual(len(live), 4)
        self.assertEqual([u["update_id"] for u in updates], list(range(FIRST_UPDATE, FIRST_UPDATE + len(updates))))
        self.assertEqual([m["chat"]["id"] for m in live], [SABINE, GROUP, LUKAS, GROUP])
        self.assertEqual([m["from"]["id"] for m in live][:2], [SABINE, MEHMET])
        for message in (live[1], live[3]):
            entity, = message["entities"]
            self.assertEqual(utf16_slice(message["text"], entity["offset"], entity["length"]), "@WellenfunkHilfeBot")
        for message in (live[0], live[2]):
            self.assertNotIn("entities", message)
            self.assertNotIn("reply_to_message", message)


NEIGHBOURS = -1009876543210
BOT_ID = 7000000001


class TelegramChats(TelegramCase):
    """The bot's rights per group, privacy mode on, my_chat_member and files
    (tests/sandbox/README.md, "Telegram: chats, privacy mode and files")."""

    options = TelegramCase.options + ["--seed-telegram-chats"]

    def messages(self, chat):
        updates = self.ok("getUpdates", {"offset": FIRST_UPDATE})
        return [u.get("message") or u.get("edited_message") for u in updates
                if (u.get("message") or u.get("edited_message") or {}).get("chat", {}).get("id") == chat]

    def set_bot_member(self, chat, status, can_delete):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("POST", "/_sandbox/telegram/bot-member",
                           body=json.dumps({"chat_id": chat, "status": status, "can_delete_messages": can_delete}),
                           headers={"Content-Type": "application/json"})
        self.assertEqual(connection.getresponse().status, 204)
        connection.close()

    def test_rights_per_group(self):
        admin = self.ok("getChatMember", {"chat_id": GROUP, "user_id": BOT_ID})
        self.assertEqual((admin["status"], admin["can_delete_messages"], admin["user"]["id"]),
                         ("administrator", True, BOT_ID))
        member = self.ok("getChatMember", {"chat_id": NEIGHBOURS, "user_id": BOT_ID})
        self.assertEqual(member["status"], "member")
        self.assertNotIn("can_delete_messages", member)
        self.assertIs(self.ok("getMe")["can_read_all_group_messages"], False)

        petra, = self.messages(NEIGHBOURS)
        self.refused(400, "Bad Request: message can't be deleted", "deleteMessage",
                     {"chat_id": NEIGHBOURS, "message_id": petra["message_id"]})
        old, = [m for m in self.messages(GROUP) if "4711-0815" in m["text"]]
        self.assertIn("edit_date", old)
        self.assertLess(old["date"], time.time() - 48 * 3600)
        self.refused(400, "Bad Request: message can't be deleted", "deleteMessage",
                     {"chat_id": GROUP, "message_id": old["message_id"]})

        # Demoted, the bot hears of it, and may no longer delete.
        last = self.ok("getUpdates", {"offset": FIRST_UPDATE})[-1]["update_id"]
        self.set_bot_member(GROUP, "member", False)
        update, = self.wait_for_updates(last + 1)
        changed = update["my_chat_member"]
        self.assertEqual(changed["chat"]["id"], GROUP)
        self.assertEqual((changed["old_chat_member"]["status"], changed["new_chat_member"]["status"]),
                         ("administrator", "member"))
        self.assertEqual(changed["new_chat_member"]["user"]["id"], BOT_ID)
        self.assertEqual(self.ok("getChatMember", {"chat_id": GROUP, "user_id": BOT_ID})["status"], "member")
        self.refused(400, "Bad Request: message can't be deleted", "deleteMessage",
                     {"chat_id": GROUP, "message_id": 2202})
        # allowed_updates without my_chat_member leaves it out.
        self.set_bot_member(GROUP, "administrator", True)
        self.assertEqual(self.ok("getUpdates", {"offset": last + 2, "allowed_updates": ["message"]}), [])
        self.assertIs(self.ok("deleteMessage", {"chat_id": GROUP, "message_id": 2202}), True)
        self.assertBotTokenRecorded()

    def test_privacy_mode_on_keeps_the_talk_of_others_out(self):
        texts = [m["text"] for m in self.messages(NEIGHBOURS)]
        self.assertEqual(len(texts), 1)
        self.assertIn("@WellenfunkHilfeBot", texts[0])
        # Where the bot administers the group, it hears everything.
        self.assertIn("Hat noch jemand seit gestern Abend", str(self.messages(GROUP)))

    def test_files(self):
        kinds = {}
        for message in self.messages(5551000104):
            for kind in ("document", "voice", "audio", "video", "video_note", "sticker"):
                if kind in message:
                    kinds.setdefault(kind, []).append(message)
        self.assertEqual(sorted(kinds), ["audio", "document", "sticker", "video", "video_note", "voice"])
        document = kinds["document"][0]
        self.assertEqual(document["document"]["file_name"], "Mietvertrag_Gohlis.pdf")
        self.assertEqual(document["caption"], "Hier der Mietvertrag für die neue Wohnung.")
        self.assertEqual(kinds["voice"][0]["voice"]["duration"], 7)
        self.assertNotIn("caption", kinds["sticker"][0])
        self.assertEqual(kinds["sticker"][0]["sticker"]["emoji"], "👍")

        file = self.ok("getFile", {"file_id": document["document"]["file_id"]})
        self.assertEqual(file["file_path"], "documents/file_3.pdf")
        response, data = self.request("GET", f"/file/bot{BOT_TOKEN}/{file['file_path']}", token=None)
        self.assertEqual((response.status, len(data), response.getheader("Content-Type")),
                         (200, document["document"]["file_size"], "application/pdf"))
        too_big, = [m for m in kinds["document"] if m["document"]["file_size"] > 20 * 1024 * 1024]
        self.refused(400, "Bad Request: file is too big", "getFile", {"file_id": too_big["document"]["file_id"]})


class TelegramPrivacyOff(TelegramCase):
    options = TelegramCase.options + ["--seed-telegram-chats", "--telegram-privacy", "off"]

    def test_privacy_mode_off_brings_every_message(self):
        self.assertIs(self.ok("getMe")["can_read_all_group_messages"], True)
        updates = self.ok("getUpdates", {"offset": FIRST_UPDATE})
        texts = [u["message"]["text"] for u in updates
                 if "message" in u and u["message"]["chat"]["id"] == NEIGHBOURS]
        self.assertEqual(len(texts), 2)
        self.assertIn("Georg-Schumann-Straße", texts[1])


class NotificationPolicy(SandboxCase):
    """Mastodon 4.3's notification policy, conversations and statuses from elsewhere."""

    def test_private_mentions_are_filtered(self):
        response, data = self.request("GET", "/api/v1/notifications", {"types[]": "mention"})
        self.assertEqual(response.status, 200)
        self.assertEqual({n["status"]["visibility"] for n in json.loads(data)}, {"public", "unlisted"})
        _, data = self.request("GET", "/api/v1/notifications", {"types[]": "mention", "include_filtered": "true"})
        tom = [n for n in json.loads(data) if n["status"]["visibility"] == "direct"]
        self.assertEqual([n["account"]["username"] for n in tom], ["tom"])
        self.assertFalse([r for r in self.records() if "/notifications/requests" in r["path"]])

    def test_a_burst_of_direct_messages(self):
        status, last = self.post_json("/_sandbox/direct-burst", {"count": 3})
        self.assertEqual(status, 200)
        self.assertEqual(last["content"], "<p>@support Nachricht 3 von 3</p>")
        _, data = self.request("GET", "/api/v1/conversations")
        newest = json.loads(data)[0]
        self.assertEqual(newest["last_status"]["id"], last["id"])
        _, data = self.request("GET", f"/api/v1/statuses/{last['id']}/context")
        ancestors = json.loads(data)["ancestors"]
        self.assertEqual(len(ancestors), 2)
        _, data = self.request("GET", f"/api/v1/statuses/{ancestors[0]['id']}/context")
        self.assertEqual([s["id"] for s in json.loads(data)["descendants"]], [ancestors[1]["id"], last["id"]])
        # Filtered, all three, unless asked for.
        _, data = self.request("GET", "/api/v1/notifications", {"min_id": ancestors[0]["id"]})
        self.assertEqual(json.loads(data), [])

    def test_conversations_have_a_next_page_while_full(self):
        for _ in range(3):
            self.post_json("/_sandbox/direct-burst", {"count": 1})
        response, data = self.request("GET", "/api/v1/conversations", {"limit": "3"})
        self.assertEqual(len(json.loads(data)), 3)
        self.assertIn('rel="next"', response.getheader("Link"))
        next_url = response.getheader("Link").split(">")[0].lstrip("<")
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(next_url).query), limit="3")
        response, data = self.request("GET", "/api/v1/conversations", params)
        self.assertEqual([c["accounts"][0]["username"] for c in json.loads(data)], ["tom"])
        self.assertNotIn('rel="next"', response.getheader("Link"))
        self.assertIn('rel="prev"', response.getheader("Link"))

    def test_post_as_support(self):
        jana = next(s for s in self.mentions() if s["account"]["username"] == "jana")
        status, posted = self.post_json("/_sandbox/post-as-support",
                                        {"in_reply_to_id": jana["id"], "text": "Wir sehen nach.",
                                         "visibility": "unlisted"})
        self.assertEqual(status, 200)
        self.assertEqual((posted["account"]["id"], posted["visibility"]), ("1", "unlisted"))
        _, data = self.request("GET", "/api/v1/accounts/1/statuses")
        self.assertEqual(json.loads(data)[0]["in_reply_to_id"], jana["id"])
        self.assertEqual(self.post_json("/_sandbox/post-as-support",
                                        {"in_reply_to_id": "1", "text": "?"})[0], 404)
        # Nobody answers a post from elsewhere.
        time.sleep(0.5)
        self.assertEqual(len(self.mentions()), 3)


class SeededHistory(SandboxCase):
    options = ["--seed-mentions", "10", "--seed-mentions-days", "9"]

    def test_mentions_are_dated_over_the_days(self):
        times = [parse_time(s["created_at"]).timestamp() for s in self.mentions()
                 if s["account"]["username"].startswith("kunde")]
        self.assertEqual(len(times), 10)
        self.assertLess(min(times), time.time() - 8 * 24 * 60 * 60)
        self.assertGreater(max(times), time.time() - 60)


FACEBOOK_TOKEN = "EAAGsandboxOpsPageToken3kQ9"
PAGE_ID = "104700000000001"


class FacebookOps(SandboxCase):
    """Meta's rate limits, scaled down to 4 calls a minute, a revoked token,
    a permission taken away and a deleted page."""

    options = ["--facebook-token", FACEBOOK_TOKEN, "--facebook-call-limit", "4", "--facebook-window-s", "60"]

    def graph(self, method, path, params=None):
        response, data = self.request(method, "/v25.0" + path, params, token=FACEBOOK_TOKEN)
        return response, json.loads(data) if data else None

    def usage(self, response):
        usage = json.loads(response.getheader("X-Business-Use-Case-Usage"))
        self.assertEqual(list(usage), [PAGE_ID])
        self.assertEqual(len(usage[PAGE_ID]), 1)
        return usage[PAGE_ID][0]

    def control(self, path, body):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", "/_sandbox/facebook/" + path, body=json.dumps(body),
                               headers={"Content-Type": "application/json"})
            self.assertEqual(connection.getresponse().status, 204)
        finally:
            connection.close()

    def assertGraphError(self, response, body, status, code, subcode=None):
        self.assertEqual(response.status, status, body)
        error = body["error"]
        self.assertEqual(error["code"], code, error)
        self.assertEqual(error.get("error_subcode"), subcode, error)
        self.assertTrue(error["fbtrace_id"])
        return error["message"]

    def test_usage_rises_to_the_limit(self):
        counts = []
        for _ in range(4):
            response, body = self.graph("GET", "/me", {"fields": "id,name"})
            self.assertEqual(response.status, 200, body)
            self.assertEqual(json.loads(response.getheader("X-App-Usage"))["call_count"], 1)
            usage = self.usage(response)
            self.assertEqual(usage["type"], "pages")
            counts.append((usage["call_count"], usage["estimated_time_to_regain_access"]))
        self.assertEqual(counts, [(25, 0), (50, 0), (75, 0), (100, 1)])

        response, body = self.graph("GET", "/me", {"fields": "id,name"})
        message = self.assertGraphError(response, body, 400, 80001)
        self.assertTrue(message.startswith("(#80001) There have been too many calls to this Page account."))
        self.assertEqual(self.usage(response)["estimated_time_to_regain_access"], 1)

        # Messenger's calls count apart, and refuse with 80006 at their limit.
        for expected in (25, 50, 75, 100):
            response, _ = self.graph("GET", f"/{PAGE_ID}/conversations")
            self.assertEqual(self.usage(response), {"type": "messenger", "call_count": expected,
                                                    "total_cputime": expected // 2, "total_time": expected // 2,
                                                    "estimated_time_to_regain_access": 0 if expected < 100 else 1})
        response, body = self.graph("GET", f"/{PAGE_ID}/conversations")
        self.assertIn("too many messenger api calls", self.assertGraphError(response, body, 400, 80006))

        # The other codes Meta uses for a limit, as the test asks.
        self.control("limit", {"code": 32, "status": 403})
        response, body = self.graph("GET", "/me")
        self.assertEqual(self.assertGraphError(response, body, 403, 32), "(#32) Page request limit reached")
        self.control("limit", {"reset": True})
        response, _ = self.graph("GET", "/me")
        self.assertEqual(response.status, 200)

    def test_a_revoked_token(self):
        for subcode, start in ((460, "Error validating access token: The session has been invalidated"),
                               (463, "Error validating access token: Session has expired"),
                               (492, "User associated with the Page access token does not have"),
                               (0, "Error validating access token: The session is invalid")):
            self.control("token", {"revoked": True, "subcode": subcode})
            response, body = self.graph("GET", "/me")
            self.assertTrue(self.assertGraphError(response, body, 400, 190, subcode or None).startswith(start))
            self.assertEqual(body["error"]["type"], "OAuthException")
        self.control("token", {"revoked": False})
        self.assertEqual(self.graph("GET", "/me")[0].status, 200)

    def test_a_permission_taken_away(self):
        self.control("permission", {"name": "pages_messaging", "granted": False})
        self.assertEqual(self.graph("GET", "/me")[0].status, 200)
        response, body = self.graph("GET", f"/{PAGE_ID}/conversations")
        self.assertIn("requires the 'pages_messaging' permission", self.assertGraphError(response, body, 400, 10))
        response, body = self.graph("POST", f"/{PAGE_ID}/messages", {"message": "{}"})
        self.assertIn("Requires permission: pages_messaging", self.assertGraphError(response, body, 403, 200))

        self.control("permission", {"name": "pages_messaging", "granted": True})
        self.control("permission", {"name": "pages_read_engagement", "granted": False})
        response, body = self.graph("GET", "/me")
        self.assertIn("'pages_read_engagement'", self.assertGraphError(response, body, 400, 10))

    def test_a_deleted_page(self):
        self.control("page", {"deleted": True})
        response, body = self.graph("GET", "/me")
        message = self.assertGraphError(response, body, 400, 100, 33)
        self.assertTrue(message.startswith(f"Unsupported get request. Object with ID '{PAGE_ID}' does not exist"))
        self.assertEqual(body["error"]["type"], "GraphMethodException")
        self.control("page", {"deleted": False})
        self.assertEqual(self.graph("GET", "/me")[0].status, 200)


if __name__ == "__main__":
    if not os.access(SANDBOX, os.X_OK):
        print(f"FAIL: CONCIERGE_SANDBOX does not name the sandbox server ({SANDBOX!r})", file=sys.stderr)
        sys.exit(1)
    unittest.main(verbosity=2)
