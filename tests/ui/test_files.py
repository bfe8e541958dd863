#!/usr/bin/python3
"""Files in a Telegram conversation, as an agent sees them against the
sandbox: Lukas sent documents, a voice message, audio, video and a
sticker. Each is a row under its message with its name and size; the
small rental contract was downloaded for offline reading and has an Open
button, while the 24 MB router logs are larger than the download limit
and say so."""

import os
import subprocess
import tempfile
import time

import uitest

TOKEN = "ui-files-token-Vb7Kq2Mz9Lc4Rt1"
BOT_TOKEN = "7000000001:ui-files-bot-Hs6Wd3Np8Fj2"
# Between a size and its unit, as GLib writes it.
NBSP = "\u00a0"


def main():
    uitest.run_with_sandbox(run, TOKEN, "--seed-telegram-chats", "--reply-delay-ms", "600000",
                            prefix="concierge-files-", telegram_token=BOT_TOKEN)
    copies_go_at_start()


def copies_go_at_start():
    """A document opened in another app was written to the cache folder; the
    next start deletes such copies, so that a customer forgotten since does
    not stay behind in them."""
    home = tempfile.TemporaryDirectory(prefix="concierge-files-")
    copy = os.path.join(home.name, "cache", "concierge", "files", "7", "Mietvertrag_Gohlis.pdf")
    os.makedirs(os.path.dirname(copy))
    with open(copy, "wb") as f:
        f.write(b"%PDF-1.4 Mietvertrag")
    second = uitest.App("en", home=home)
    try:
        second.wait_for_app()
        uitest.wait_until(lambda: not os.path.exists(os.path.dirname(os.path.dirname(copy))),
                          "the copies of opened documents to be deleted")
    finally:
        second.quit()
        home.cleanup()
    print("the copies of documents opened in another app are deleted when the app starts")


def run(app, sandbox):
    app.wait_for_app()
    uitest.add_account(app, sandbox, "telegram")
    uitest.open_thread(app, "Lukas Hoffmann")

    app.find("Router-Protokolle.zip", role="label")
    app.find(f"25.2{NBSP}MB — Larger than the download limit", role="label")
    print("a document larger than the limit says so, with its size")

    app.find("Mietvertrag_Gohlis.pdf", role="label")
    app.find(f"48.2{NBSP}kB", role="label")
    contract = app.find(f"Document, Mietvertrag_Gohlis.pdf, 48.2{NBSP}kB", role="panel")
    app.find_button("Open", within=contract)
    app.find("Voice message", role="label")
    print("a downloaded document has its name, its size and an Open button")

    screenshot = os.environ.get("CONCIERGE_FILES_SCREENSHOT")
    if screenshot:
        time.sleep(1.5)  # let the last frame land
        subprocess.run(["import", "-window", "root", "-trim", "+repage", screenshot], check=True)


if __name__ == "__main__":
    main()
