#!/usr/bin/python3
"""Given a page token, the sandbox serves the Facebook page's feed and
comments as the Graph API does: field expansion, cursor paging, the
comments edge with its filter and order, comments made as the page, hiding
where Meta allows it, and deleted comments that no longer exist."""

import json
import os
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_sandbox import SandboxCase, png_size  # noqa: E402

PAGE_TOKEN = "EAAGm0PX4ZCpsBAFeedTokenOfTheSandbox"
PAGE_ID = "104700000000001"
VERSION = "/v25.0"


class FacebookFeed(SandboxCase):
    options = ["--facebook-token", PAGE_TOKEN]

    def graph(self, method, path, params=None, status=200):
        response, data = self.request(method, VERSION + path, params, token=PAGE_TOKEN)
        answer = json.loads(data)
        self.assertEqual(response.status, status, answer)
        return answer

    def error(self, method, path, params=None):
        answer = self.graph(method, path, params, status=400)
        self.assertEqual(set(answer), {"error"})
        return answer["error"]

    def feed(self, **params):
        return self.graph("GET", f"/{PAGE_ID}/feed", params)

    def all_comments(self, post_id):
        return self.graph("GET", f"/{post_id}/comments",
                          {"filter": "stream", "order": "reverse_chronological",
                           "fields": "id,message,from,parent,can_hide,can_reply_privately,is_hidden,created_time"})

    def control(self, **body):
        status, answer = self.post_json("/_sandbox/facebook/comment", body)
        self.assertEqual(status, 200, answer)
        return answer

    def post_with(self, text):
        for post in self.feed(limit=10)["data"]:
            if post.get("message", "").startswith(text):
                return post["id"]
        self.fail(f"no post starts with {text!r}")

    def comment_with(self, post_id, text):
        for comment in self.all_comments(post_id)["data"]:
            if comment["message"].startswith(text):
                return comment
        self.fail(f"no comment starts with {text!r}")

    def test_feed_pages_with_cursors_and_answers_only_the_fields_asked_for(self):
        first = self.feed(limit=2, fields="id,from{name}")
        self.assertEqual(len(first["data"]), 2)
        for post in first["data"]:
            self.assertEqual(set(post), {"id", "from"})
            self.assertEqual(set(post["from"]), {"name"})
            self.assertTrue(post["id"].startswith(PAGE_ID + "_"))
        # Lena's visitor post is the newest.
        self.assertEqual(first["data"][0]["from"]["name"], "Lena Hoffmann")
        self.assertEqual(set(first["paging"]["cursors"]), {"before", "after"})
        next_url = urllib.parse.urlsplit(first["paging"]["next"])
        self.assertEqual(next_url.path, f"{VERSION}/{PAGE_ID}/feed")
        self.assertNotIn("access_token", next_url.query)
        self.assertIn(("after", first["paging"]["cursors"]["after"]), urllib.parse.parse_qsl(next_url.query))

        last = self.feed(limit=2, fields="id", after=first["paging"]["cursors"]["after"])
        self.assertEqual(len(last["data"]), 1)
        self.assertNotIn("next", last["paging"])

        # Without fields: created_time, message and id, as the reference's sample.
        default = self.feed(limit=1)["data"][0]
        self.assertEqual(set(default), {"created_time", "message", "id"})
        self.assertRegex(default["created_time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$")

    def test_limits_and_unknown_fields_are_refused(self):
        self.assertEqual(self.error("GET", f"/{PAGE_ID}/feed", {"limit": "101"})["code"], 100)
        error = self.error("GET", f"/{PAGE_ID}/feed", {"fields": "id,reactions_of_the_moon"})
        self.assertEqual(error["code"], 100)
        self.assertIn("nonexisting field (reactions_of_the_moon)", error["message"])

    def test_nested_comments_with_modifiers(self):
        feed = self.feed(limit=3, fields="id,comments.filter(stream).order(reverse_chronological).limit(2)"
                                         "{id,message,parent{id}}")
        maintenance = feed["data"][1]
        comments = maintenance["comments"]
        self.assertEqual(len(comments["data"]), 2)
        self.assertEqual(comments["data"][0]["message"], "So sieht mein Router gerade aus, ist das normal?")
        next_url = urllib.parse.urlsplit(comments["paging"]["next"])
        self.assertEqual(next_url.path, f"{VERSION}/{maintenance['id']}/comments")
        query = dict(urllib.parse.parse_qsl(next_url.query))
        self.assertEqual((query["filter"], query["order"]), ("stream", "reverse_chronological"))
        rest = self.graph("GET", f"/{maintenance['id']}/comments", query)
        self.assertEqual(len(rest["data"]), 2)
        self.assertEqual([c["message"][:8] for c in rest["data"]], ["Hab ich ", "Hallo Jo"])

    def test_filter_and_order_of_comments(self):
        post_id = self.post_with("Heute Nacht")
        top = self.graph("GET", f"/{post_id}/comments")["data"]
        # toplevel and chronological by default, with Meta's default fields.
        self.assertEqual([c["from"]["name"] for c in top], ["Jonas Weber", "Murat Yılmaz", "Sabine Krüger"])
        self.assertEqual(set(top[0]), {"created_time", "from", "message", "id"})
        stream = self.all_comments(post_id)["data"]
        self.assertEqual(len(stream), 5)
        times = [c["created_time"] for c in stream]
        self.assertEqual(times, sorted(times, reverse=True))
        jonas = top[0]["id"]
        replies = [c for c in stream if "parent" in c]
        self.assertEqual({c["parent"]["id"] for c in replies}, {jonas})
        self.assertEqual(len(self.graph("GET", f"/{jonas}/comments")["data"]), 2)

    def test_can_hide_and_can_reply_privately(self):
        tariffs = self.post_with("Neue Tarife")
        klaus = self.comment_with(tariffs, "Wann kommt Glasfaser")
        petra = self.comment_with(tariffs, "Meine Rechnung")
        self.assertFalse(klaus["can_reply_privately"], "9 days old")
        self.assertTrue(petra["can_reply_privately"])
        self.assertTrue(petra["can_hide"])
        page_reply = self.comment_with(self.post_with("Heute Nacht"), "Hallo Jonas")
        self.assertEqual(page_reply["from"]["id"], PAGE_ID)
        self.assertFalse(page_reply["can_hide"])
        self.assertFalse(page_reply["can_reply_privately"])

    def test_hide_and_show_again(self):
        petra = self.comment_with(self.post_with("Neue Tarife"), "Meine Rechnung")
        self.assertEqual(self.graph("POST", f"/{petra['id']}", {"is_hidden": "true"}), {"success": True})
        self.assertTrue(self.comment_with(self.post_with("Neue Tarife"), "Meine Rechnung")["is_hidden"])
        self.assertTrue(self.control(action="get", id=petra["id"])["is_hidden"])
        self.assertEqual(self.graph("POST", f"/{petra['id']}", {"is_hidden": "false"}), {"success": True})
        self.assertFalse(self.control(action="get", id=petra["id"])["is_hidden"])

    def test_what_cannot_be_hidden_is_refused(self):
        page_reply = self.comment_with(self.post_with("Heute Nacht"), "Hallo Jonas")
        error = self.error("POST", f"/{page_reply['id']}", {"is_hidden": "true"})
        self.assertEqual(error["code"], 100)
        self.assertEqual(error["type"], "OAuthException")
        # A comment under a visitor's post.
        visitor_post = self.feed(limit=1)["data"][0]["id"]
        added = self.control(action="add", object_id=visitor_post, **{"from": "Jonas Weber"},
                             message="Bei mir auch!")
        self.assertEqual(self.error("POST", f"/{added['id']}", {"is_hidden": "true"})["code"], 100)
        self.assertFalse(self.control(action="get", id=added["id"])["is_hidden"])

    def test_the_page_comments_and_answers(self):
        post_id = self.post_with("Heute Nacht")
        jonas_reply = self.comment_with(post_id, "Hab ich gemacht")
        made = self.graph("POST", f"/{jonas_reply['id']}/comments", {"message": "Schön, dass es wieder geht!"})
        self.assertEqual(set(made), {"id"})
        comment = self.graph("GET", f"/{made['id']}", {"fields": "id,from,parent,message"})
        # An answer to a reply stands under the same top-level comment.
        self.assertEqual(comment["parent"]["id"], jonas_reply["parent"]["id"])
        self.assertEqual(comment["from"], {"name": "Wellenfunk", "id": PAGE_ID})
        self.assertEqual(self.error("POST", f"/{post_id}/comments", {"message": ""})["code"], 100)

    def test_a_deleted_comment_no_longer_exists(self):
        post_id = self.post_with("Heute Nacht")
        murat = self.comment_with(post_id, "Danke für die Info")
        self.control(action="edit", id=murat["id"], message="Danke, alles gut!")
        edited = self.graph("GET", f"/{murat['id']}", {"fields": "message,created_time"})
        self.assertEqual(edited, {"message": "Danke, alles gut!", "created_time": murat["created_time"]})
        self.control(action="delete", id=murat["id"])
        error = self.error("GET", f"/{murat['id']}", {"fields": "id"})
        self.assertEqual((error["code"], error["error_subcode"]), (100, 33))
        self.assertEqual(error["type"], "GraphMethodException")
        self.assertNotIn(murat["id"], [c["id"] for c in self.all_comments(post_id)["data"]])

    def test_a_picture_comes_from_the_cdn_without_a_token(self):
        comment = self.graph("GET", f"/{self.comment_with(self.post_with('Heute Nacht'), 'So sieht')['id']}",
                             {"fields": "attachment"})
        attachment = comment["attachment"]
        self.assertEqual(attachment["type"], "photo")
        image = attachment["media"]["image"]
        response, data = self.request("GET", self.local_path(image["src"]) + "?" +
                                      urllib.parse.urlsplit(image["src"]).query, token=None)
        self.assertEqual(response.status, 200)
        self.assertEqual(png_size(data), (image["width"], image["height"]))

    def test_the_token_is_checked(self):
        response, data = self.request("GET", f"{VERSION}/{PAGE_ID}/feed", token="EAAGwrong")
        self.assertEqual(json.loads(data)["error"]["code"], 190)


class FacebookFeedPersonalData(SandboxCase):
    options = ["--facebook-token", PAGE_TOKEN, "--seed-personal-data"]

    def test_a_refund_to_an_iban(self):
        response, data = self.request("GET", f"{VERSION}/{PAGE_ID}/feed",
                                      {"fields": "comments.filter(stream){message}"}, token=PAGE_TOKEN)
        messages = [c["message"] for p in json.loads(data)["data"] for c in p.get("comments", {}).get("data", [])]
        self.assertTrue(any("DE89 3704 0044 0532 0130 00" in m for m in messages), messages)


if __name__ == "__main__":
    unittest.main()
