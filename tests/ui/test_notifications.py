#!/usr/bin/python3
"""Notifications, through python3-dbusmock's notification daemon on the
test's own session bus: a customer who has waited three quarters of the
first-answer target is announced before the target runs out, and the
notification opens the conversation, in a new window after the first was
closed; with the window closed, Concierge keeps running and announces a
customer's new private message. Preferences starts it at login, in the
background."""

import os
import subprocess
import sys
import time

import dbus

import uitest

WORKSPACE = os.path.join(os.path.dirname(__file__), "..", "data", "inbox-workspace.json")
ALWAYS_OPEN = "[" + ", ".join(f"(byte {day}, uint16 0, uint16 1440)" for day in range(1, 8)) + "]"
TOKEN = "ui-notify-token-Lm5Qx2Wd8Rk3Vz7Nb1Jt"


def start_daemon():
    """The mock daemon on the test bus: the private session of
    ./build-aux/dev test starts one; otherwise this does."""
    bus = dbus.SessionBus()
    daemon = None
    if not bus.name_has_owner("org.freedesktop.Notifications"):
        daemon = subprocess.Popen([sys.executable, "-m", "dbusmock", "--template", "notification_daemon"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + uitest.TIMEOUT
    while not bus.name_has_owner("org.freedesktop.Notifications"):
        if time.monotonic() > deadline:
            uitest.fail("the mock notification daemon did not start")
        time.sleep(0.1)
    mock = dbus.Interface(bus.get_object("org.freedesktop.Notifications", "/org/freedesktop/Notifications"),
                          "org.freedesktop.DBus.Mock")
    # As if just started: the ids it gives count from 1 again.
    mock.Reset()
    mock.ClearCalls()
    return daemon, mock


def notifications(mock):
    """Each Notify call, as (its id, summary, body); ids count from 1."""
    calls = mock.GetMethodCalls("Notify")
    shown, next_id = [], 1
    for _, args in calls:
        if args[1]:
            shown.append((int(args[1]), str(args[3]), str(args[4])))
        else:
            shown.append((next_id, str(args[3]), str(args[4])))
            next_id += 1
    return shown


def wait_notification(mock, predicate, what):
    deadline = time.monotonic() + uitest.TIMEOUT
    while time.monotonic() < deadline:
        for shown in notifications(mock):
            if predicate(shown):
                return shown
        time.sleep(0.2)
    uitest.fail(f"no notification {what}; there were {notifications(mock)!r}")


def selected_row(inbox):
    for i in range(inbox.childCount):
        item = inbox.getChildAtIndex(i)
        if item is not None and item.getState().contains(uitest.STATE_SELECTED):
            return next((item.getChildAtIndex(j).name for j in range(item.childCount)
                         if item.getChildAtIndex(j) is not None and item.getChildAtIndex(j).name), "")
    return None


def close_window(app):
    app.click(app.find_button("Close"))
    uitest.wait_until(lambda: "Concierge" not in app.window_names(), "the window to close")
    time.sleep(1)
    app.check_alive()


def waiting_customer(mock):
    """A customer at three quarters of the first-answer target is announced
    before it runs out; the notification opens the conversation, in a new
    window once the first was closed."""
    # 200 minutes of 250, open all week: past three quarters, not yet late.
    app = uitest.App("en", workspace=WORKSPACE,
                     settings={"business-hours": ALWAYS_OPEN, "first-response-target": "250"})
    try:
        app.wait_for_app()
        shown = wait_notification(mock, lambda n: n[1] == "1 customer has waited longer than 187 minutes",
                                  "about the customer who waited 200 minutes")
        if shown[2] != "Jana 🌻":
            uitest.fail(f"the notification does not name the customer: {shown!r}")
        print("a customer near the target is announced before it runs out:", shown[1])

        close_window(app)
        print("with the window closed, Concierge keeps running")

        mock.EmitSignal("org.freedesktop.Notifications", "ActionInvoked", "us", [dbus.UInt32(shown[0]), "default"])
        app.find_window("Concierge")
        inbox = app.find("Conversations", role="list")
        uitest.wait_until(lambda: (selected_row(inbox) or "").startswith("Jana 🌻, Private on Telegram"),
                          "the waiting conversation chosen")
        print("the notification opens the conversation in a new window")

        # Warned once per wait, not every half minute.
        if len([n for n in notifications(mock) if "waited longer" in n[1]]) != 1:
            uitest.fail(f"the same wait was announced again: {notifications(mock)!r}")

        autostart_entry(app)
    finally:
        app.quit()


def private_message(mock):
    """With the window closed, a customer's new private message is
    announced."""
    def run(app, sandbox):
        app.wait_for_app()
        uitest.add_account(app, sandbox)
        close_window(app)
        shown = wait_notification(mock, lambda n: n[1].startswith("New private message from "),
                                  "about a new private message")
        print("a new private message is announced with the window closed:", shown[1])

    uitest.run_with_sandbox(run, TOKEN, "--live-interval-ms", "700", prefix="concierge-notify-")


def app_on_bus(app):
    return uitest.find_app(app.process.pid)


def autostart_entry(app):
    """Preferences writes the autostart entry, which starts Concierge with
    --background, and removes it."""
    autostart = os.path.join(app.home.name, "config", "autostart")
    app.click(app.find("Main Menu", role="push button"))
    app.click(app.find("Preferences", role="menu item"))
    app.find_window("Preferences")
    app.click(app.find("General", role="page tab"))
    app.click(app.find("Start at Login", role="check box"))
    uitest.wait_until(lambda: os.path.isdir(autostart) and os.listdir(autostart), "the autostart entry")
    entry = os.path.join(autostart, os.listdir(autostart)[0])
    with open(entry) as f:
        exec_line = next(line for line in f if line.startswith("Exec="))
    if exec_line.strip() != f"Exec={os.path.realpath(app.binary)} --background":
        uitest.fail(f"the autostart entry starts something else: {exec_line!r}")
    app.click(app.find("Start at Login", role="check box"))
    uitest.wait_until(lambda: not os.path.exists(entry), "the autostart entry gone")
    print("Preferences writes and removes the autostart entry:", exec_line.strip())


def start_in_background():
    """Started at login, Concierge runs without a window until it is opened."""
    app = uitest.App("en", workspace=WORKSPACE, offline=True, arguments=["--background"])
    try:
        time.sleep(3)
        app.check_alive()
        shown = app_on_bus(app)
        if shown is not None and shown.childCount != 0:
            uitest.fail("--background opened a window")
        print("--background starts Concierge without a window")
        subprocess.run([app.binary], env=app.env, timeout=30, check=True)
        app.wait_for_app()
        app.find("Conversations", role="list")
        print("starting Concierge again opens its window")
    finally:
        app.quit()


def main():
    daemon, mock = start_daemon()
    try:
        waiting_customer(mock)
        mock.Reset()
        mock.ClearCalls()
        private_message(mock)
        start_in_background()
    finally:
        if daemon is not None:
            daemon.terminate()
            daemon.wait()


if __name__ == "__main__":
    main()
