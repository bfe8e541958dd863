"""Starting Concierge under the test display and reading it through AT-SPI.

The UI tests find widgets the way a screen-reader user would: by the names a
person reads. GTK 4.8 never sets the SHOWING state, so visibility means VISIBLE.
The accessibility calls go through atspi.py, where each has a timeout.
"""

import contextlib
import faulthandler
import glob
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from gi.repository import GLib

import atspi
from atspi import (KEY_LOCKMODIFIERS, KEY_PRESS, KEY_RELEASE, KEY_SYM, KEY_UNLOCKMODIFIERS,  # noqa: F401
                   MOUSE_B1C, STATE_CHECKED, STATE_FOCUSED, STATE_PRESSED, STATE_SELECTED, STATE_SENSITIVE,
                   STATE_VISIBLE,
                   WINDOW_COORDS)

# G_DEBUG=fatal-warnings is meant for the app, not for this process.
GLib.log_set_always_fatal(GLib.LogLevelFlags.LEVEL_ERROR | GLib.LogLevelFlags.LEVEL_CRITICAL)

# Every accessibility call has a timeout of its own (atspi.py); should
# anything else hang, the test still says where before meson kills it (the
# shortest UI test timeout is 120 s).
faulthandler.dump_traceback_later(110, exit=False)

TIMEOUT = 30.0

# A GtkButton clicked through its accessible action shows itself pressed
# for 250 ms (ACTIVATE_TIMEOUT in gtkbutton.c) and is clicked only then; a
# button that is not realized yet, on a page still being switched to, is
# not clicked at all. Roles of the GtkButton family:
BUTTON_ROLES = ("push button", "toggle button", "page tab")
BUTTON_ACTIVATE_DELAY = 0.3


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def require_environment():
    """Fail, saying what is missing, when the harness did not set things up."""
    missing = [name for name in ("DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
               if not os.environ.get(name)]
    if missing:
        fail("missing " + " and ".join(missing) +
             ": run the UI tests through ./build-aux/dev test, which starts Xvfb and a D-Bus session")
    binary = os.environ.get("CONCIERGE_BIN", "")
    if not os.access(binary, os.X_OK):
        fail(f"the installed concierge binary is missing ({binary!r}): "
             "run ./build-aux/dev test, which installs the build into build/prefix first")
    return binary


class App:
    """One running Concierge process in a throw-away profile."""

    def __init__(self, language="en", extra_env=None, workspace=None, cache_bytes=None,
                 offline=False, home=None, log=None, settings=None, arguments=()):
        """workspace: a workspace JSON to fill the profile's cache from;
        cache_bytes: the raw content of the cache file instead;
        offline: run the app with no network at all;
        home: the profile of an earlier App, to start again on it;
        log: a file that gets the app's output;
        settings: GSettings keys and their values in GVariant text, set
        before the app starts;
        arguments: for the app's command line."""
        self.binary = require_environment()
        self.keep_home = home is not None
        self.home = home or tempfile.TemporaryDirectory(prefix="concierge-ui-")
        env = dict(os.environ)
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            path = os.path.join(self.home.name, name.lower())
            os.makedirs(path, exist_ok=True)
            env[f"XDG_{name}_HOME"] = path
        self.cache_path = os.path.join(env["XDG_DATA_HOME"], "concierge", "cache.sqlite")
        if workspace is not None:
            filler = os.environ.get("DEMO_WORKSPACE_BIN", "")
            if not os.access(filler, os.X_OK):
                fail(f"the demo-workspace tool is missing ({filler!r}): run ./build-aux/dev test")
            subprocess.run([filler, workspace, self.cache_path], check=True, stdout=subprocess.DEVNULL)
        if cache_bytes is not None:
            os.makedirs(os.path.dirname(self.cache_path), exist_ok=True)
            with open(self.cache_path, "wb") as f:
                f.write(cache_bytes)
        env["GSETTINGS_BACKEND"] = "memory"
        if settings:
            directory = os.path.join(env["XDG_CONFIG_HOME"], "glib-2.0", "settings")
            os.makedirs(directory, exist_ok=True)
            with open(os.path.join(directory, "keyfile"), "w") as f:
                f.write("[io/github/conciergedesk/Concierge]\n")
                f.writelines(f"{key}={value}\n" for key, value in settings.items())
            env["GSETTINGS_BACKEND"] = "keyfile"
        env["GDK_BACKEND"] = "x11"
        env["GSK_RENDERER"] = "cairo"
        env["GTK_A11Y"] = "atspi"
        if language == "de":
            env["LANGUAGE"] = "de"
            env["LANG"] = "C.UTF-8"
        else:
            env["LANGUAGE"] = "en"
            env["LANG"] = "C.UTF-8"
        env.update(extra_env or {})
        command = [self.binary, *arguments]
        if offline:
            # A network namespace of its own has no interface but loopback
            # down: nothing can be reached, as on a train without signal.
            if subprocess.run(["unshare", "--net", "true"], capture_output=True).returncode != 0:
                fail("cannot cut the network for the offline test: "
                     "`unshare --net` needs root or user namespaces")
            command = ["unshare", "--net", self.binary, *arguments]
            # The X server's abstract socket belongs to the old namespace;
            # "unix:" makes Xlib use the socket file.
            if env.get("DISPLAY", "").startswith(":"):
                env["DISPLAY"] = "unix" + env["DISPLAY"]
        self.env = env
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        self.root = None

    def read_cache(self):
        """The cache file's bytes and its WAL's: all that is on disk of it."""
        data = b""
        for path in (self.cache_path, self.cache_path + "-wal"):
            if os.path.exists(path):
                with open(path, "rb") as f:
                    data += f.read()
        return data

    def saved_settings(self):
        """What the keyfile settings backend wrote, as text."""
        keyfile = os.path.join(self.home.name, "config", "glib-2.0", "settings", "keyfile")
        with open(keyfile, encoding="utf-8") as f:
            return f.read()

    def check_alive(self):
        code = self.process.poll()
        if code is not None:
            fail(f"concierge exited with status {code} while the test waited for it")

    def wait_for_app(self):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            candidate = find_app(self.process.pid)
            if candidate is not None and readable(lambda: candidate.childCount > 0):
                self.root = candidate
                return candidate
            time.sleep(0.2)
        fail("the Concierge window did not appear on the accessibility bus")

    def find(self, name, role=None, timeout=TIMEOUT):
        """Wait for a visible accessible with this name (and role name)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            nodes = atspi.tree(self.root or self.wait_for_app())
            for node, node_name in zip(nodes, atspi.names(nodes)):
                if node_name == name and readable(lambda: (role is None or node.getRoleName() == role)
                                                  and node.getState().contains(STATE_VISIBLE)):
                    return node
            time.sleep(0.2)
        fail(f"nothing named {name!r}" + (f" with role {role!r}" if role else "") +
             " is visible. The window shows:\n" + dump(self.root))

    def click(self, node):
        """Click a button or menu item, or flip a switch. A GtkMenuButton's
        own node has no action; the button inside it does. A switch's
        action is called "toggle"."""
        target = node
        while target is not None:
            try:
                action = target.queryAction()
                for i in range(action.nActions):
                    if action.getName(i) in ("click", "toggle"):
                        action.doAction(i)
                        if readable(lambda: target.getRoleName() in BUTTON_ROLES):
                            # Once the delay has passed, any answer from the
                            # app comes after the click.
                            time.sleep(BUTTON_ACTIVATE_DELAY)
                            readable(lambda: target.getState())
                        return
            except NotImplementedError:
                pass
            target = target.getChildAtIndex(0) if target.childCount else None
        fail(f"{node.name!r} cannot be clicked")

    def find_button(self, label, timeout=TIMEOUT, within=None):
        """A button by the words on it, in @within (a window, say) or
        anywhere. AdwMessageDialog's buttons in libadwaita 1.2 repeat their
        label in their name, so look at the label inside."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            nodes = atspi.tree(within or self.root or self.wait_for_app())
            labelled = {node for node, name in zip(nodes, atspi.names(nodes)) if name == label}
            for node in nodes:
                if (node in labelled or any(child in labelled for child in children(node))) and \
                   readable(lambda: node.getRoleName() == "push button" and node.getState().contains(STATE_VISIBLE)):
                    return node
            time.sleep(0.2)
        fail(f"no button {label!r} is visible. The app shows:\n" + dump(self.root))

    def windows(self):
        """The windows shown now, with their names; one that closes while it
        is read is left out."""
        found = []
        for window in children(self.root or self.wait_for_app()):
            try:
                found.append((window.name, window))
            except GLib.Error:
                continue
        return found

    def window_names(self):
        return [name for name, _ in self.windows()]

    def find_window(self, name, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            window = next((window for window_name, window in self.windows() if window_name == name), None)
            if window is not None:
                return window
            time.sleep(0.2)
        fail(f"no window named {name!r} opened; the app has: " + ", ".join(map(repr, self.window_names())))

    def wait_window_gone(self, name, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if name not in self.window_names():
                return
            time.sleep(0.2)
        fail(f"the window {name!r} did not close")

    def insert_text(self, node, text):
        editable = node.queryEditableText()
        editable.setTextContents("")
        editable.insertText(0, text, len(text.encode("utf-8")))

    def rows(self, list_node):
        """The accessible names of a GtkListView's rows."""
        names = []
        for item in children(list_node):
            if not readable(lambda: item.getState().contains(STATE_VISIBLE)):
                continue
            for child in children(item):
                name = readable(lambda: child.name)
                if name:
                    names.append(name)
        return names

    def wait_rows(self, list_node, predicate, what, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            names = self.rows(list_node)
            if predicate(names):
                return names
            time.sleep(0.2)
        fail(f"the list never showed {what}; it shows: {self.rows(list_node)!r}")

    def press_escape(self):
        self.press_key(0xff1b)

    def press_key(self, keysym):
        """Presses a key where the focus is, as a person would."""
        atspi.generate_keyboard_event(keysym, None, KEY_SYM)

    def wait_exit(self, timeout=TIMEOUT):
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            fail("the app did not exit")

    def quit(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if not self.keep_home:
            self.home.cleanup()


class Sandbox:
    """The sandbox platform server, playing Mastodon on 127.0.0.1."""

    def __init__(self, token, directory, *arguments, telegram_token=None):
        binary = os.environ.get("CONCIERGE_SANDBOX", "")
        if not os.access(binary, os.X_OK):
            fail(f"the sandbox server is missing ({binary!r}): run ./build-aux/dev test")
        self.record = os.path.join(directory, "record.jsonl")
        self.token = token
        self.telegram_token = telegram_token
        telegram = ["--telegram-token", telegram_token] if telegram_token else []
        self.process = subprocess.Popen([binary, "--token", token, "--reply-delay-ms", "500",
                                         "--record", self.record, *telegram, *arguments],
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            fail(f"the sandbox did not start: {line!r}")
        self.url = line[len("listening on "):].strip()

    def post(self, path, body):
        request = urllib.request.Request(self.url + path, data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"}, method="POST")
        urllib.request.urlopen(request, timeout=10).read()

    def requests(self):
        with open(self.record, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def posts_with(self, text):
        return [r for r in self.requests()
                if r["method"] == "POST" and r["path"] == "/api/v1/statuses"
                and text in r.get("query", {}).get("status", "")]

    def statuses_with(self, text):
        request = urllib.request.Request(self.url + "/api/v1/accounts/1/statuses?limit=40",
                                         headers={"Authorization": "Bearer " + self.token})
        statuses = json.load(urllib.request.urlopen(request, timeout=10))
        return [s for s in statuses if text in s["content"]]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def show_output(log, log_path):
    """Prints the end of the app's output, for a test that failed."""
    log.flush()
    with open(log_path, encoding="utf-8", errors="replace") as f:
        print("The app's output:\n" + f.read()[-4000:], file=sys.stderr)


def assert_never_written(token, app, log_path, what="token"):
    """The app wrote @token into none of its files in its profile's data
    folder, nor into its output in @log_path."""
    for place in [log_path] + glob.glob(os.path.join(app.home.name, "data", "concierge", "*")):
        with open(place, "rb") as f:
            if token.encode() in f.read():
                fail(f"the {what} was written to {os.path.basename(place)}")
    print(f"the {what} the app used is in none of its files or its output")


@contextlib.contextmanager
def logged_app(directory, *arguments, **keywords):
    """An App (made with @arguments and @keywords) whose output goes to
    app.log in @directory and is shown when the block fails; it quits after
    the block."""
    log_path = os.path.join(directory, "app.log")
    with open(log_path, "w") as log:
        app = App(*arguments, log=log, **keywords)
        try:
            yield app
        except BaseException:
            show_output(log, log_path)
            raise
        finally:
            app.quit()


def run_with_sandbox(run, token, *arguments, prefix="concierge-ui-", telegram_token=None):
    """Runs run(app, sandbox) with the app in English and the sandbox
    started with @arguments; shows the app's output when it fails."""
    work = tempfile.TemporaryDirectory(prefix=prefix)
    sandbox = Sandbox(token, work.name, *arguments, telegram_token=telegram_token)
    try:
        with logged_app(work.name, "en") as app:
            run(app, sandbox)
    finally:
        sandbox.stop()
        work.cleanup()


def find_app(pid):
    """The accessible root of the app with this process id, if it is on the
    accessibility bus yet."""
    for candidate in children(atspi.desktop()):
        if readable(lambda: candidate.get_process_id() == pid):
            return candidate
    return None


def wait_until(predicate, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    fail(f"timed out waiting for {what}")


def open_thread(app, customer):
    """Chooses the first conversation with @customer in the inbox."""
    inbox = app.find("Conversations", role="list")
    names = app.wait_rows(inbox, lambda names: any(n.startswith(customer) for n in names),
                          f"a conversation with {customer}")
    inbox.querySelection().selectChild([i for i, n in enumerate(names) if n.startswith(customer)][0])


def add_account(app, sandbox, platform="mastodon"):
    """Adds the sandbox's account the way an administrator would."""
    if platform == "telegram":
        command = ["account", "add", "telegram", "--api-url", sandbox.url, "--token-stdin",
                   "--name", "Wellenfunk Hilfe"]
        token = sandbox.telegram_token
    else:
        command = ["account", "add", "mastodon", "--server", sandbox.url, "--token-stdin", "--name", "Support"]
        token = sandbox.token
    result = subprocess.run([app.binary, *command], input=token, env=app.env,
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        fail(f"adding the account failed: {result.stderr}")
    return result.stdout + result.stderr


def choose_file(app, title, path, accept):
    """Types @path where the file chooser takes a file's name or place, as
    a person does, and accepts. @accept is the chooser's button: "Export"
    saves, anything else opens."""
    chooser = app.find_window(title)
    if accept == "Export":
        field = app.find("Name:", role="text")
    else:
        # Typing a slash opens the chooser's location field; GTK 4.8 leaves
        # it without a name, so it is the field that has the focus.
        app.find_button(accept, within=chooser)
        app.press_key(0x2f)  # "/"
        field = None
        deadline = time.monotonic() + TIMEOUT
        while field is None and time.monotonic() < deadline:
            field = next((node for node in walk(chooser) if readable(lambda: node.getRoleName() == "text" and
                          node.getState().contains(STATE_FOCUSED))), None)
            time.sleep(0.2)
        if field is None:
            fail("typing / opened no location field in the file chooser")
    app.insert_text(field, path)
    app.click(app.find_button(accept, within=chooser))
    app.wait_window_gone(title)


def readable(predicate):
    """What @predicate says of a node, or False for one that has gone (a
    dialog that closed, a row that left its list while it was read)."""
    try:
        return predicate()
    except GLib.Error:
        return False


def children(node):
    """A node's children, all asked for in one call; none for a node that
    has gone."""
    try:
        return node.children()
    except GLib.Error:
        return []


def walk(node):
    """@node and every node below it, depth first."""
    if node is not None:
        yield from atspi.tree(node)


def named(node):
    """(node, name) for @node and every node below it, depth first, the
    names read together; a node gone meanwhile has the name None."""
    nodes = atspi.tree(node)
    return list(zip(nodes, atspi.names(nodes)))


def dump(root):
    lines = []

    def visit(node, depth):
        if node is None or depth > 40:
            return
        lines.append(f"{'  ' * depth}{readable(node.getRoleName) or '?'} {readable(lambda: node.name)!r}")
        for child in children(node):
            visit(child, depth + 1)

    visit(root, 0)
    return "\n".join(lines)
