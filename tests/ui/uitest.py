"""Starting Concierge under the test display and reading it through AT-SPI.

The UI tests find widgets the way a screen-reader user would: by the names a
person reads. GTK 4.8 never sets the SHOWING state, so visibility means VISIBLE.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time

import pyatspi

TIMEOUT = 30.0


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

    def __init__(self, language="en", extra_env=None):
        self.binary = require_environment()
        self.home = tempfile.TemporaryDirectory(prefix="concierge-ui-")
        env = dict(os.environ)
        for name in ("DATA", "CONFIG", "CACHE", "STATE"):
            path = os.path.join(self.home.name, name.lower())
            os.makedirs(path)
            env[f"XDG_{name}_HOME"] = path
        env["GSETTINGS_BACKEND"] = "memory"
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
        self.process = subprocess.Popen([self.binary], env=env)
        self.root = None

    def check_alive(self):
        code = self.process.poll()
        if code is not None:
            fail(f"concierge exited with status {code} while the test waited for it")

    def wait_for_app(self):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            self.check_alive()
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                candidate = desktop.getChildAtIndex(i)
                try:
                    if candidate is not None and candidate.get_process_id() == self.process.pid \
                       and candidate.childCount > 0:
                        self.root = candidate
                        return candidate
                except Exception:
                    continue
            time.sleep(0.2)
        fail("the Concierge window did not appear on the accessibility bus")

    def find(self, name, role=None, timeout=TIMEOUT):
        """Wait for a visible accessible with this name (and role name)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            for node in walk(self.root or self.wait_for_app()):
                if node.name == name and (role is None or node.getRoleName() == role) \
                   and node.getState().contains(pyatspi.STATE_VISIBLE):
                    return node
            time.sleep(0.2)
        fail(f"nothing named {name!r}" + (f" with role {role!r}" if role else "") +
             " is visible. The window shows:\n" + dump(self.root))

    def click(self, node):
        """Click a button or menu item. A GtkMenuButton's own node has no
        action; the button inside it does."""
        target = node
        while target is not None:
            try:
                action = target.queryAction()
                for i in range(action.nActions):
                    if action.getName(i) == "click":
                        action.doAction(i)
                        return
            except NotImplementedError:
                pass
            target = target.getChildAtIndex(0) if target.childCount else None
        fail(f"{node.name!r} cannot be clicked")

    def windows(self):
        return [self.root.getChildAtIndex(i) for i in range(self.root.childCount)]

    def find_window(self, name, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            for window in self.windows():
                if window is not None and window.name == name:
                    return window
            time.sleep(0.2)
        fail(f"no window named {name!r} opened; the app has: " +
             ", ".join(repr(w.name) for w in self.windows() if w is not None))

    def wait_window_gone(self, name, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if not any(w is not None and w.name == name for w in self.windows()):
                return
            time.sleep(0.2)
        fail(f"the window {name!r} did not close")

    def press_escape(self):
        pyatspi.Registry.generateKeyboardEvent(0xff1b, None, pyatspi.KEY_SYM)

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
        self.home.cleanup()


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    for i in range(node.childCount):
        yield from walk(node.getChildAtIndex(i), depth + 1)


def dump(root):
    lines = []

    def visit(node, depth):
        if node is None or depth > 40:
            return
        lines.append(f"{'  ' * depth}{node.getRoleName()} {node.name!r}")
        for i in range(node.childCount):
            visit(node.getChildAtIndex(i), depth + 1)

    visit(root, 0)
    return "\n".join(lines)
