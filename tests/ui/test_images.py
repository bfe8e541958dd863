#!/usr/bin/python3
"""A customer's picture, as an agent meets it: shown in the conversation
with its description as its name, still there after a restart without the
server, and the post marked once the customer deleted it on Mastodon."""

import json
import urllib.request

import uitest

TOKEN = "ui-images-token-Qm3Vx8Lp2Zr6Tn4Wc"
DESCRIPTION = "Router, dessen Leuchte rot blinkt"
DELETED = "The customer deleted this message on the platform. Only you still see it here."


def jana_status_id(sandbox):
    request = urllib.request.Request(sandbox.url + "/api/v1/notifications?types[]=mention",
                                     headers={"Authorization": "Bearer " + sandbox.token})
    for notification in json.load(urllib.request.urlopen(request, timeout=10)):
        if "Router blinkt rot" in notification["status"]["content"]:
            return notification["status"]["id"]
    uitest.fail("Jana's post is not among the sandbox's mentions")


def run(app, sandbox):
    app.keep_home = True
    app.wait_for_app()
    uitest.add_account(app, sandbox)

    # The picture arrives after the text, once it is downloaded; a screen
    # reader reads the customer's own description of it.
    uitest.open_thread(app, "Jana Becker")
    app.find(DESCRIPTION, role="image")
    print("Jana's picture is shown, named by its description")

    # Jana deletes her post; the agent opens her conversation again.
    sandbox.post("/_sandbox/delete", {"id": jana_status_id(sandbox)})
    uitest.open_thread(app, "Emma Walsh")
    uitest.open_thread(app, "Jana Becker")
    app.find(DELETED, role="label")
    app.find("@support Seit heute Morgen kein Internet, der Router blinkt rot.", role="label")
    print("the deleted post is marked, and its text stays for the agent")

    # Without the server, after a restart, both are still there.
    sandbox.stop()
    app.quit()
    second = uitest.App("en", home=app.home)
    try:
        second.wait_for_app()
        uitest.open_thread(second, "Jana Becker")
        second.find(DESCRIPTION, role="image")
        second.find(DELETED, role="label")
        for _, name in uitest.named(second.root):
            if name and name.startswith("The image is not downloaded yet"):
                uitest.fail("the picture was not kept for reading offline")
    finally:
        second.quit()
    print("offline after a restart: the picture and the mark are still there")


if __name__ == "__main__":
    uitest.require_environment()
    uitest.run_with_sandbox(run, TOKEN, prefix="concierge-images-")
