#!/usr/bin/python3
"""Takes the README screenshot of the real window: build-aux/dev screenshot."""

import subprocess
import sys
import time

import uitest


def main():
    out, language = sys.argv[1], sys.argv[2]
    app = uitest.App(language, {"GSETTINGS_BACKEND": "memory"})
    try:
        app.wait_for_app()
        app.find("Inbox" if language == "en" else "Posteingang")
        time.sleep(1.0)  # let the last frame land
        app.check_alive()
        subprocess.run(["import", "-window", "root", "-trim", "+repage", out], check=True)
    finally:
        app.quit()


if __name__ == "__main__":
    main()
