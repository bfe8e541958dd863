#!/usr/bin/python3
"""Moving a Facebook comment to private the Meta way, and hiding only for
reasons, as an agent does it against the sandbox's Graph API. Andrea
posted her IBAN under the page's post: the move's preview says that a
private reply goes to her comment and until when, and that the comment
is then hidden; without a public answer, the move sends the private reply
to the comment and hides it, once each. A comment's Hide… asks for a
reason, offers no "criticism" and says why; the hidden comment shows its
reason in the thread, and the audit log or the thread shows it again with
one click. Where Facebook does not let the page hide a comment, Hide… says
so and queues nothing; a hide that Facebook refuses says why under the
comment, until a later try succeeds."""

import subprocess
import time

import atspi
import uitest

TOKEN = "ui-facebook-moderation-unused"
PAGE_TOKEN = "EAAGm0PX4ZCpsBAUiModerationPageTokenOfTheSandbox"
PAGE_ID = "104700000000001"
IBAN = "DE89 3704 0044 0532 0130 00"


def main():
    uitest.run_with_sandbox(run, TOKEN, "--facebook-token", PAGE_TOKEN, "--seed-personal-data",
                            "--reply-delay-ms", "600000", prefix="concierge-facebook-moderation-")


def add_page(app, sandbox):
    result = subprocess.run([app.binary, "account", "add", "facebook", "--page-id", PAGE_ID, "--api-url",
                             sandbox.url, "--token-stdin"], input=PAGE_TOKEN + "\n", env=app.env,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        uitest.fail(f"adding the page failed: {result.stderr}")


def graph_posts(sandbox, suffix, param=None, value=None):
    """Graph POSTs that Meta took, whose path ends with @suffix."""
    return [r for r in sandbox.requests()
            if r["method"] == "POST" and r.get("graph_path", "").endswith(suffix) and r["status"] == 200
            and (param is None or value in r["query"].get(param, ""))]


def hide_tries(sandbox):
    """Every hide or show of a comment that reached the Graph API, taken or not."""
    return [r for r in sandbox.requests()
            if r["method"] == "POST" and "is_hidden" in r.get("query", {})]


def hide_as_spam(app):
    app.click(app.find_button("Hide…"))
    dialog = app.find_window("Hide This Post?")
    app.click(app.find_button("Spam", within=dialog))
    app.click(app.find_button("Hide Post", within=dialog))
    app.wait_window_gone("Hide This Post?")


def find_all(app, predicate, role=None, within=None):
    """Every visible accessible whose name @predicate takes, with @role."""
    nodes = atspi.tree(within or app.root)
    return [node for node, name in zip(nodes, atspi.names(nodes))
            if name is not None and predicate(name) and
            uitest.readable(lambda: (role is None or node.getRoleName() == role) and
                            node.getState().contains(uitest.STATE_VISIBLE))]


def find_where(app, predicate, role=None, within=None, what="it"):
    """Waits for a visible accessible whose name @predicate takes."""
    deadline = time.monotonic() + uitest.TIMEOUT
    while time.monotonic() < deadline:
        app.check_alive()
        found = find_all(app, predicate, role, within)
        if found:
            return found[0]
        time.sleep(0.2)
    uitest.fail(f"{what} is not visible. The window shows:\n" + uitest.dump(within or app.root))


def run(app, sandbox):
    app.wait_for_app()
    add_page(app, sandbox)

    # The move, the Meta way.
    uitest.open_thread(app, "Andrea Wolf")
    app.click(app.find_button("Move to Private"))
    dialog = app.find_window("Move to a Private Conversation?")
    find_where(app, lambda name: name.startswith("Facebook allows one private reply to this comment, until ") and
               name.endswith("It opens a conversation in Messenger."), role="label", what="the private reply's limit")
    app.find("Then Concierge hides the comment, with “personal data” as the reason in the audit log. Its "
             "author and their friends still see it.", role="label")
    print("the preview says that a private reply goes to the comment, until when, and that it is hidden")

    # Only privately: the public answer is the agent's choice.
    app.click(app.find("Also answer in public", role="check box"))
    app.click(app.find_button("Move to Private", within=dialog))
    app.wait_window_gone("Move to a Private Conversation?")
    uitest.wait_until(lambda: graph_posts(sandbox, "", "is_hidden", "true"), "the comment to be hidden")
    replies = graph_posts(sandbox, PAGE_ID + "/messages", "recipient", "comment_id")
    hides = graph_posts(sandbox, "", "is_hidden", "true")
    if len(replies) != 1 or len(hides) != 1:
        uitest.fail(f"not one private reply and one hide: {replies!r} {hides!r}")
    comment = hides[0]["graph_path"].split("/")[-1]
    if comment not in replies[0]["query"]["recipient"]:
        uitest.fail(f"the private reply did not go to the hidden comment: {replies[0]!r}")
    if graph_posts(sandbox, "/comments"):
        uitest.fail("the move answered in public, which the agent did not want")
    for request in graph_posts(sandbox, "/comments"):
        if IBAN.replace(" ", "") in str(request).replace(" ", ""):
            uitest.fail("the IBAN went out in public")
    print("the move sent one private reply to the comment and hid it once, without a public answer")

    # The hidden comment says so in the thread, with its reason.
    uitest.open_thread(app, "Andrea Wolf")
    app.find("Hidden: Personal data. Only the author, their friends and you still see it.", role="label")
    print("the thread shows the comment as hidden, for personal data")

    # A comment older than 7 days gets no private reply, and the preview says why.
    uitest.open_thread(app, "Klaus Becker")
    app.click(app.find_button("Move to Private"))
    dialog = app.find_window("Move to a Private Conversation?")
    app.find("No private reply: the comment is older than 7 days, and Facebook allows a private reply only "
             "within 7 days of a comment. The public reply asks the customer to write privately instead.",
             role="label")
    app.click(app.find_button("Cancel", within=dialog))
    app.wait_window_gone("Move to a Private Conversation?")
    print("the preview of a comment older than 7 days says why no private reply goes")

    # Hiding asks for a reason, and criticism is none.
    uitest.open_thread(app, "Klaus Becker")
    app.click(app.find_button("Hide…"))
    dialog = app.find_window("Hide This Post?")
    app.find("Criticism is not a reason to hide a post: hidden criticism looks like censorship, and the author "
             "and their friends still see it. Answer it instead.", role="label")
    for reason in ("Personal data", "Spam", "Abuse or insults"):
        app.find_button(reason, within=dialog)
    if find_all(app, lambda name: "riticism" in name, role="push button", within=dialog):
        uitest.fail("criticism is offered as a reason to hide a post")
    spam = app.find_button("Spam", within=dialog)
    hide = app.find_button("Hide Post", within=dialog)
    if hide.getState().contains(uitest.STATE_SENSITIVE):
        uitest.fail("the post can be hidden before a reason is chosen")
    app.click(spam)
    app.click(app.find_button("Hide Post", within=dialog))
    app.wait_window_gone("Hide This Post?")
    uitest.wait_until(lambda: len(graph_posts(sandbox, "", "is_hidden", "true")) == 2, "the second comment hidden")
    app.find("Hidden: Spam. Only the author, their friends and you still see it.", role="label")
    print("hiding asks for a reason, never criticism, and the thread shows the reason")

    # Shown again with one click from the audit log.
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Audit Log", role="menu item"))
    window = app.find_window("Audit Log")
    app.find_button("Show Again", within=window)
    buttons = find_all(app, lambda name: name.replace("_", "").startswith("Show Again"), role="push button",
                       within=window)
    if len(buttons) != 2:
        uitest.fail(f"not one Show Again for each hidden post: {len(buttons)}")
    app.click(buttons[0])
    uitest.wait_until(lambda: graph_posts(sandbox, "", "is_hidden", "false"), "the post shown again")
    app.press_escape()
    app.wait_window_gone("Audit Log")
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Audit Log", role="menu item"))
    window = app.find_window("Audit Log")
    find_where(app, lambda name: name.startswith("Showed a hidden post again, conversation #"), role="list item",
               within=window, what="the log's entry of it")
    print("the audit log shows a hidden post again with one click, and logs it")

    # And from the thread, with one click on the hidden comment.
    app.press_escape()
    app.wait_window_gone("Audit Log")
    uitest.open_thread(app, "Andrea Wolf")
    app.click(app.find_button("Show Again"))
    uitest.wait_until(lambda: len(graph_posts(sandbox, "", "is_hidden", "false")) == 2, "the comment shown again")
    shown = graph_posts(sandbox, "", "is_hidden", "false")[-1]
    if not shown["graph_path"].endswith(comment):
        uitest.fail(f"not Andrea's comment was shown again: {shown!r}")
    app.find_button("Hide…")
    print("the thread shows a hidden comment again with one click, and offers to hide it again")

    # A comment the page may not hide: Hide… explains, and nothing goes out.
    tried = len(hide_tries(sandbox))
    sandbox.post("/_sandbox/facebook/comment", {"action": "edit", "id": comment, "can_hide": False})
    app.click(app.find_button("Hide…"))
    dialog = app.find_window("This Post Cannot Be Hidden")
    app.find("Facebook does not let the page hide this post. A page cannot hide its own posts or those of its "
             "admins, and on some platforms not the comments under a visitor’s post. Answer it instead, or ask the "
             "customer to remove it.", role="label")
    app.click(app.find_button("Close", within=dialog))
    app.wait_window_gone("This Post Cannot Be Hidden")
    time.sleep(2)
    if find_all(app, lambda name: name == "Hide This Post?"):
        uitest.fail("the reasons were offered for a comment that cannot be hidden")
    if len(hide_tries(sandbox)) != tried:
        uitest.fail(f"a hide went out for a comment that cannot be hidden: {hide_tries(sandbox)[tried:]!r}")
    app.find_button("Hide…")
    print("Hide… on a comment that cannot be hidden explains why, and queues nothing")

    # Facebook refuses the hide: the comment says why, and a later try clears it.
    sandbox.post("/_sandbox/facebook/comment", {"action": "edit", "id": comment, "can_hide": True})
    sandbox.post("/_sandbox/facebook/permission", {"name": "pages_manage_engagement", "granted": False})
    hide_as_spam(app)
    refused = ("Facebook did not hide this post: The page’s token lacks the permission “pages_manage_engagement”. "
               "Add it to the System User’s token in Meta Business Suite and paste the new token.")
    app.find(refused, role="label")
    app.find_button("Hide…")
    print("a hide that Facebook refused says why under the comment, with Hide… to try again")

    sandbox.post("/_sandbox/facebook/permission", {"name": "pages_manage_engagement", "granted": True})
    hide_as_spam(app)
    uitest.wait_until(lambda: len(graph_posts(sandbox, comment, "is_hidden", "true")) == 2, "the comment hidden again")
    app.find("Hidden: Spam. Only the author, their friends and you still see it.", role="label")
    uitest.wait_until(lambda: not find_all(app, lambda name: name.startswith("Facebook did not hide")),
                      "the refusal to go")
    print("a later hide that succeeds clears the refusal")


if __name__ == "__main__":
    main()
