"""A small AT-SPI client that speaks D-Bus itself, with a timeout on every call.

libatspi (under pyatspi) answers some calls from a cache that it fills with
GetItems when it first meets an app, and waits for some answers with no
limit of its own: twice a UI test hung there until meson killed it. Here
every call has its own timeout; a call that reads is sent once more when
it times out, and one that acts (a click, typed text, a key) waits once more
for its answer instead of acting twice. A call that still has no answer
fails the test and names the call.

GTK 4.8's answer to GetChildAtIndex on an app's root is wrong past the last
visible window: it refers to a hidden window with no accessible of its own,
which aborts the app under G_DEBUG=fatal-warnings. An app's windows are
therefore always read with GetChildren, which lists only the visible ones.

The nodes offer the part of pyatspi's Accessible that the tests use, under
the same names.
"""

import sys

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi, Gio, GLib  # noqa: E402

# Long enough for a busy app under AddressSanitizer to answer, short enough
# that a test which cannot go on says so long before meson's timeout.
CALL_TIMEOUT_MS = 8000

STATE_VISIBLE = Atspi.StateType.VISIBLE
STATE_SENSITIVE = Atspi.StateType.SENSITIVE
STATE_FOCUSED = Atspi.StateType.FOCUSED
STATE_SELECTED = Atspi.StateType.SELECTED
STATE_CHECKED = Atspi.StateType.CHECKED
STATE_PRESSED = Atspi.StateType.PRESSED
ROLE_APPLICATION = Atspi.Role.APPLICATION

KEY_PRESS = Atspi.KeySynthType.PRESS
KEY_RELEASE = Atspi.KeySynthType.RELEASE
KEY_SYM = Atspi.KeySynthType.SYM
KEY_LOCKMODIFIERS = Atspi.KeySynthType.LOCKMODIFIERS
KEY_UNLOCKMODIFIERS = Atspi.KeySynthType.UNLOCKMODIFIERS
WINDOW_COORDS = Atspi.CoordType.WINDOW
MOUSE_B1C = "b1c"

REGISTRY = "org.a11y.atspi.Registry"
# The desktop's path in the registry, and every app's root's in the app.
DESKTOP_PATH = "/org/a11y/atspi/accessible/root"
DEVICE_EVENT_CONTROLLER_PATH = "/org/a11y/atspi/registry/deviceeventcontroller"

ACCESSIBLE = "org.a11y.atspi.Accessible"


class CallTimeout(Exception):
    """An AT-SPI call that had no answer, twice."""


_bus = None


def bus():
    """The accessibility bus, which the session bus's org.a11y.Bus names."""
    global _bus
    if _bus is None:
        session = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        address = session.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None,
                                    GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE, CALL_TIMEOUT_MS,
                                    None).unpack()[0]
        _bus = Gio.DBusConnection.new_for_address_sync(
            address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
            None, None)
    return _bus


def use_bus(connection):
    """Talks to @connection from now on (the helpers' own test uses a bus of
    its own)."""
    global _bus
    _bus = connection


def _timed_out(error):
    return error.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT)


def _describe(name, path, interface, method):
    return f"{interface}.{method} on {path} of {name}"


def read(name, path, interface, method, parameters=None, reply_type=None, timeout_ms=None):
    """A call that changes nothing: sent once more if it times out."""
    timeout_ms = timeout_ms or CALL_TIMEOUT_MS
    for attempt in (1, 2):
        try:
            reply = bus().call_sync(name, path, interface, method, parameters,
                                    GLib.VariantType(reply_type) if reply_type else None,
                                    Gio.DBusCallFlags.NONE, timeout_ms, None)
            return reply.unpack() if reply is not None else None
        except GLib.Error as error:
            if not _timed_out(error):
                raise
            if attempt == 1:
                print(f"atspi: no answer to {_describe(name, path, interface, method)} within "
                      f"{timeout_ms} ms; asking again", file=sys.stderr)
    raise CallTimeout(f"no answer to {_describe(name, path, interface, method)} within {timeout_ms} ms, twice")


def act(name, path, interface, method, parameters=None, reply_type=None, timeout_ms=None):
    """A call that acts: sent once, and its answer waited for twice as long
    as a read's, in two turns, since acting again could click twice."""
    timeout_ms = timeout_ms or CALL_TIMEOUT_MS
    context = GLib.MainContext.default()
    outcome = {}

    def done(connection, result):
        try:
            outcome["reply"] = connection.call_finish(result)
        except GLib.Error as error:
            outcome["error"] = error

    def waited():
        outcome["waited"] = True
        return GLib.SOURCE_REMOVE

    cancellable = Gio.Cancellable()
    bus().call(name, path, interface, method, parameters,
               GLib.VariantType(reply_type) if reply_type else None,
               Gio.DBusCallFlags.NONE, 2 * timeout_ms + 1000, cancellable, done)
    for attempt in (1, 2):
        outcome.pop("waited", None)
        source = GLib.timeout_add(timeout_ms, waited)
        while "reply" not in outcome and "error" not in outcome and "waited" not in outcome:
            context.iteration(True)
        if "waited" not in outcome:
            GLib.source_remove(source)
            break
        if attempt == 1:
            print(f"atspi: no answer to {_describe(name, path, interface, method)} within "
                  f"{timeout_ms} ms; waiting once more", file=sys.stderr)
    else:
        cancellable.cancel()
        raise CallTimeout(f"no answer to {_describe(name, path, interface, method)} "
                          f"within {timeout_ms} ms, twice")
    if "error" in outcome:
        raise outcome["error"]
    reply = outcome["reply"]
    return reply.unpack() if reply is not None else None


def read_all(calls, timeout_ms=None):
    """Many reads, each (name, path, interface, method, parameters,
    reply type), sent together so that their round trips overlap: a list
    of their answers, or of the GLib.Error each got (from an object that
    has gone, say). Those that time out are asked once more, as by read()."""
    timeout_ms = timeout_ms or CALL_TIMEOUT_MS
    context = GLib.MainContext.default()
    results = [None] * len(calls)
    pending = list(range(len(calls)))

    def done(connection, result, outcome_index):
        outcome, index = outcome_index
        try:
            reply = connection.call_finish(result)
            outcome[index] = reply.unpack() if reply is not None else None
        except GLib.Error as error:
            outcome[index] = error

    for attempt in (1, 2):
        outcome = {}
        for index in pending:
            name, path, interface, method, parameters, reply_type = calls[index]
            bus().call(name, path, interface, method, parameters,
                       GLib.VariantType(reply_type) if reply_type else None,
                       Gio.DBusCallFlags.NONE, timeout_ms, None, done, (outcome, index))
        while len(outcome) < len(pending):
            context.iteration(True)
        late = [index for index in pending
                if isinstance(outcome[index], GLib.Error) and _timed_out(outcome[index])]
        for index in pending:
            if index not in late:
                results[index] = outcome[index]
        if not late:
            return results
        first = calls[late[0]]
        if attempt == 1:
            print(f"atspi: no answer to {len(late)} calls, as {_describe(*first[:4])}, within "
                  f"{timeout_ms} ms; asking again", file=sys.stderr)
        pending = late
    raise CallTimeout(f"no answer to {len(pending)} calls, as {_describe(*first[:4])}, "
                      f"within {timeout_ms} ms, twice")


def _get(name, path, interface, prop):
    return read(name, path, "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", (interface, prop)), "(v)")[0]


class StateSet:
    def __init__(self, words):
        self.bits = words[0] | (words[1] << 32) if len(words) == 2 else 0

    def contains(self, state):
        return bool(self.bits & (1 << int(state)))


class Extents:
    def __init__(self, x, y, width, height):
        self.x, self.y, self.width, self.height = x, y, width, height


class _Interface:
    def __init__(self, node, interface):
        self.node = node
        self.interface = interface

    def _read(self, method, parameters=None, reply_type=None):
        return read(self.node.bus_name, self.node.path, self.interface, method, parameters, reply_type)

    def _act(self, method, parameters=None, reply_type=None):
        return act(self.node.bus_name, self.node.path, self.interface, method, parameters, reply_type)

    def _get(self, prop):
        return _get(self.node.bus_name, self.node.path, self.interface, prop)


class Action(_Interface):
    @property
    def nActions(self):
        return self._get("NActions")

    def getName(self, index):
        return self._read("GetName", GLib.Variant("(i)", (index,)), "(s)")[0]

    def doAction(self, index):
        return self._act("DoAction", GLib.Variant("(i)", (index,)), "(b)")[0]


class Text(_Interface):
    @property
    def characterCount(self):
        return self._get("CharacterCount")

    def getText(self, start, end):
        return self._read("GetText", GLib.Variant("(ii)", (start, end)), "(s)")[0]


class EditableText(Text):
    def setTextContents(self, text):
        return self._act("SetTextContents", GLib.Variant("(s)", (text,)), "(b)")[0]

    def insertText(self, position, text, length):
        return self._act("InsertText", GLib.Variant("(isi)", (position, text, length)), "(b)")[0]


class Selection(_Interface):
    def selectChild(self, index):
        return self._act("SelectChild", GLib.Variant("(i)", (index,)), "(b)")[0]


class Component(_Interface):
    def getExtents(self, coord_type):
        return Extents(*self._read("GetExtents", GLib.Variant("(u)", (int(coord_type),)), "((iiii))")[0])


class Value(_Interface):
    @property
    def currentValue(self):
        return self._get("CurrentValue")

    @currentValue.setter
    def currentValue(self, value):
        act(self.node.bus_name, self.node.path, "org.freedesktop.DBus.Properties", "Set",
            GLib.Variant("(ssv)", (self.interface, "CurrentValue", GLib.Variant("d", float(value)))))


class Node:
    """One accessible object, by its bus name and object path. A node that
    has gone answers with a GLib.Error, as with pyatspi."""

    def __init__(self, bus_name, path):
        self.bus_name = bus_name
        self.path = path
        self._interfaces = None

    def __eq__(self, other):
        return isinstance(other, Node) and (self.bus_name, self.path) == (other.bus_name, other.path)

    def __hash__(self):
        return hash((self.bus_name, self.path))

    def __repr__(self):
        return f"<Node {self.bus_name} {self.path}>"

    @staticmethod
    def _from_ref(ref):
        name, path = ref
        # GTK's and the registry's way of saying "none".
        if not name or path == "/org/a11y/atspi/null":
            return None
        return Node(name, path)

    def _read(self, method, parameters=None, reply_type=None):
        return read(self.bus_name, self.path, ACCESSIBLE, method, parameters, reply_type)

    @property
    def name(self):
        return _get(self.bus_name, self.path, ACCESSIBLE, "Name")

    @property
    def description(self):
        return _get(self.bus_name, self.path, ACCESSIBLE, "Description")

    @property
    def parent(self):
        return Node._from_ref(_get(self.bus_name, self.path, ACCESSIBLE, "Parent"))

    def children(self):
        """Every child, asked for in one call."""
        return Node._from_refs(self._read("GetChildren", None, "(a(so))")[0])

    @staticmethod
    def _from_refs(refs):
        return [node for node in map(Node._from_ref, refs) if node is not None]

    def children_call(self):
        """The call for read_all() that reads children()."""
        return (self.bus_name, self.path, ACCESSIBLE, "GetChildren", None, "(a(so))")

    def name_call(self):
        """The call for read_all() that reads the name."""
        return (self.bus_name, self.path, "org.freedesktop.DBus.Properties", "Get",
                GLib.Variant("(ss)", (ACCESSIBLE, "Name")), "(v)")

    @property
    def childCount(self):
        if self.is_root():
            return len(self.children())
        return _get(self.bus_name, self.path, ACCESSIBLE, "ChildCount")

    def getChildAtIndex(self, index):
        if self.is_root():
            found = self.children()
            return found[index] if 0 <= index < len(found) else None
        return Node._from_ref(self._read("GetChildAtIndex", GLib.Variant("(i)", (index,)), "((so))")[0])

    def is_root(self):
        """Whether this is the desktop or an app's root, whose children are
        read only through GetChildren (see the module's comment)."""
        return self.path == DESKTOP_PATH

    def getRoleName(self):
        """The role's name as libatspi gives it (GTK's own GetRoleName
        names some roles otherwise: "group" for a panel)."""
        return Atspi.role_get_name(self.getRole())

    def getRole(self):
        return self._read("GetRole", None, "(u)")[0]

    def getState(self):
        return StateSet(self._read("GetState", None, "(au)")[0])

    def get_process_id(self):
        return read("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                    "GetConnectionUnixProcessID", GLib.Variant("(s)", (self.bus_name,)), "(u)")[0]

    def interfaces(self):
        if self._interfaces is None:
            self._interfaces = set(self._read("GetInterfaces", None, "(as)")[0])
        return self._interfaces

    def _query(self, kind, interface):
        if f"org.a11y.atspi.{interface}" not in self.interfaces():
            raise NotImplementedError(f"{self!r} has no {interface} interface")
        return kind(self, f"org.a11y.atspi.{interface}")

    def queryAction(self):
        return self._query(Action, "Action")

    def queryText(self):
        return self._query(Text, "Text")

    def queryEditableText(self):
        return self._query(EditableText, "EditableText")

    def querySelection(self):
        return self._query(Selection, "Selection")

    def queryComponent(self):
        return self._query(Component, "Component")

    def queryValue(self):
        return self._query(Value, "Value")


def tree(root, depth=60):
    """@root and every node below it, depth first, as a walk visits them:
    read level by level, with the calls of a level sent together. A node
    that goes while it is read is left out with what is below it."""
    below = {}
    level = [root]
    for _ in range(depth):
        if not level:
            break
        answers = read_all([node.children_call() for node in level])
        following = []
        for node, answer in zip(level, answers):
            below[node] = [] if isinstance(answer, GLib.Error) else Node._from_refs(answer[0])
            following += below[node]
        level = following

    order = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(below.get(node, [])))
    return order


def names(nodes):
    """The nodes' names, read together; None for a node that has gone."""
    return [None if isinstance(answer, GLib.Error) else answer[0]
            for answer in read_all([node.name_call() for node in nodes])]


def desktop():
    return Node(REGISTRY, DESKTOP_PATH)


def generate_keyboard_event(keyval, keystring, synth_type):
    """Presses, releases or types a key where the focus is, through the
    registry, as libatspi would."""
    act(REGISTRY, DEVICE_EVENT_CONTROLLER_PATH, "org.a11y.atspi.DeviceEventController", "GenerateKeyboardEvent",
        GLib.Variant("(isu)", (keyval, keystring or "", int(synth_type))))


def generate_mouse_event(x, y, name):
    act(REGISTRY, DEVICE_EVENT_CONTROLLER_PATH, "org.a11y.atspi.DeviceEventController", "GenerateMouseEvent",
        GLib.Variant("(iis)", (x, y, name)))
