#!/usr/bin/python3
"""Files in a Telegram conversation, as an agent sees them against the
sandbox: Lukas sent documents, a voice message, audio, video and a
sticker. Each is a row under its message with its name and size; the
small rental contract was downloaded for offline reading and has an Open
button, while the 24 MB router logs are larger than the download limit
and say so."""

import os
import subprocess
import time

import uitest

TOKEN = "ui-files-token-Vb7Kq2Mz9Lc4Rt1"
BOT_TOKEN = "7000000001:ui-files-bot-Hs6Wd3Np8Fj2"
# Between a size and its unit, as GLib writes it.
NBSP = "\u00a0"


def main():
    uitest.run_with_sandbox(run, TOKEN, "--seed-telegram-chats", "--reply-delay-ms", "600000",
                            prefix="concierge-files-", telegram_token=BOT_TOKEN)


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
