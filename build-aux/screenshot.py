#!/usr/bin/python3
"""Takes the README screenshot of the real window on the demo workspace:
build-aux/dev screenshot."""

import os
import subprocess
import sys
import tempfile
import time

import uitest


def main():
    out, language = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as config:
        # GNOME's interface font, as the window looks on the desktop.
        os.makedirs(os.path.join(config, "gtk-4.0"))
        with open(os.path.join(config, "gtk-4.0", "settings.ini"), "w") as f:
            f.write("[Settings]\ngtk-font-name=Cantarell 11\n")
        # As in the demo: both platforms come from the sandbox, through the
        # real sync code.
        sandbox = uitest.Sandbox("screenshot-" + os.urandom(12).hex(), config, "--seed-personal-data",
                                 telegram_token="7000000001:" + os.urandom(12).hex())
        app = uitest.App(language, {"XDG_CONFIG_HOME": config})
        try:
            app.wait_for_app()
            uitest.add_account(app, sandbox)
            uitest.add_account(app, sandbox, "telegram")
            app.find("Support on Mastodon" if language == "en" else "Support auf Mastodon", role="label")
            app.find("Wellenfunk Hilfe on Telegram" if language == "en" else "Wellenfunk Hilfe auf Telegram",
                     role="label")
            inbox = app.find("Conversations" if language == "en" else "Unterhaltungen", role="list")
            names = app.wait_rows(inbox, lambda names: len(names) > 5 and
                                  any(n.startswith("Lena Krause") for n in names), "the demo conversations")
            # Lena's public post with her IBAN: the banner, the badge and the
            # marked data, all at once.
            inbox.querySelection().selectChild([i for i, n in enumerate(names) if n.startswith("Lena Krause")][0])
            time.sleep(1.5)  # let the last frame land
            app.check_alive()
            subprocess.run(["import", "-window", "root", "-trim", "+repage", out], check=True)
        finally:
            app.quit()
            sandbox.stop()


if __name__ == "__main__":
    main()
