#!/usr/bin/python3
"""A stand-in for a web browser, which tests register as the handler of
http URLs: it opens the sandbox's authorization page, posts the decision
and follows the redirect to the loopback address the application listens
on, so that the application receives the code.

    oauth-browser.py URL

CONCIERGE_TEST_BROWSER_LOG     a file to append each URL asked for to, a line each
CONCIERGE_TEST_BROWSER_DECISION  "approve" (the default), "deny", "none" to
                               only log the URL, as a person who never answers,
                               or "approve-without-following" to approve and
                               log the address the sandbox redirects to instead
                               of opening it, as a browser on another computer
CONCIERGE_TEST_BROWSER_PAGE    where to write the page that the sandbox answers
                               the decision with for urn:ietf:wg:oauth:2.0:oob

Codes and tokens never reach the output: errors name what failed, not the
addresses, which may carry a code."""

import html.parser
import http.client
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 30


class AuthorizationForm(html.parser.HTMLParser):
    """The first form on the page: its action, its hidden inputs and the
    values of its decision buttons."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}
        self.decisions = []
        self.in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attrs.get("action") or ""
            self.in_form = True
        elif not self.in_form:
            return
        elif tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "button" and attrs.get("name") == "decision":
            self.decisions.append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Leaves the sandbox's redirect to us, to tell it from a page."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fail(message):
    print(f"oauth-browser: {message}", file=sys.stderr)
    sys.exit(1)


def open_url(opener, url, data=None):
    """The status, headers and body; an error status is an answer too."""
    try:
        with opener.open(url, data=data, timeout=TIMEOUT) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        try:
            return error.code, error.headers, error.read()
        finally:
            error.close()


def main():
    if len(sys.argv) != 2:
        fail("usage: oauth-browser.py URL")
    url = sys.argv[1]

    log = os.environ.get("CONCIERGE_TEST_BROWSER_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as file:
            file.write(url + "\n")

    decision = os.environ.get("CONCIERGE_TEST_BROWSER_DECISION") or "approve"
    if decision == "none":
        return
    follow = decision != "approve-without-following"
    if not follow:
        decision = "approve"

    sandbox = urllib.request.build_opener(NoRedirect)
    try:
        status, headers, body = open_url(sandbox, url)
    except (urllib.error.URLError, OSError) as error:
        fail(f"cannot open the authorization page: {error}")
    if status != 200:
        fail(f"the authorization page answered {status}")

    form = AuthorizationForm()
    form.feed(body.decode("utf-8", "replace"))
    if form.action is None:
        fail("the authorization page has no form")
    if decision not in form.decisions:
        fail(f"the authorization page has no {decision!r} button")
    fields = dict(form.fields, decision=decision)
    action = urllib.parse.urljoin(url, form.action)

    # The answer carries the code: from here on, no address is printed.
    try:
        status, headers, body = open_url(sandbox, action, urllib.parse.urlencode(fields).encode())
    except (urllib.error.URLError, OSError) as error:
        fail(f"cannot post the decision: {error}")

    if status in (301, 302, 303, 307, 308):
        location = urllib.parse.urljoin(action, headers.get("Location", ""))
        if not follow:
            if log:
                with open(log, "a", encoding="utf-8") as file:
                    file.write(location + "\n")
            return
        if urllib.parse.urlsplit(location).scheme not in ("http", "https"):
            fail("the decision redirects to an address that is not http")
        # Whatever the application answers is its page to show, an error
        # included; only not reaching it is the browser's failure.
        try:
            open_url(urllib.request.build_opener(), location)
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
            # Only the reason: some messages quote the address.
            reason = getattr(error, "reason", None) or type(error).__name__
            fail(f"cannot open the redirect: {reason}")
    elif status == 200:
        page = os.environ.get("CONCIERGE_TEST_BROWSER_PAGE")
        if page:
            # Whole or not at all, for a test that waits for the file.
            with open(page + ".part", "w", encoding="utf-8") as file:
                file.write(body.decode("utf-8", "replace"))
            os.replace(page + ".part", page)
    else:
        fail(f"the decision was answered with {status}")


if __name__ == "__main__":
    main()
