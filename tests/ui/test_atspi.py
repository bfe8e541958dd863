#!/usr/bin/python3
"""The UI tests' accessibility calls never hang: against an accessible
object on the session bus that answers late or never, a read is asked
again once and an action is waited for once more but never sent twice, a
call without any answer fails and names the call, and an app's windows
are never asked for by their place."""

import os
import subprocess
import sys
import time

from gi.repository import Gio, GLib

import atspi
import uitest

INTERFACE_XML = """
<node>
  <interface name="org.a11y.atspi.Accessible">
    <method name="GetChildren"><arg direction="out" type="a(so)"/></method>
    <method name="GetChildAtIndex"><arg direction="in" type="i"/><arg direction="out" type="(so)"/></method>
    <method name="GetRole"><arg direction="out" type="u"/></method>
    <method name="GetInterfaces"><arg direction="out" type="as"/></method>
  </interface>
  <interface name="org.a11y.atspi.Action">
    <method name="DoAction"><arg direction="in" type="i"/><arg direction="out" type="b"/></method>
  </interface>
  <interface name="Test.Record">
    <method name="Calls"><arg direction="out" type="as"/></method>
  </interface>
</node>
"""

# How late the server answers each call, by its method and the how-manyth
# call of that method it is; a call left out is answered at once, and None
# means never.
DELAYS = {
    ("GetRole", 1): 1.5,          # the first read times out, the second is answered
    ("DoAction", 1): 1.5,         # the action is answered in the second wait
    ("GetChildAtIndex", 1): None,  # never answered, nor asked again
    ("GetChildAtIndex", 2): None,
}
TIMEOUT_MS = 1000


def serve():
    """The accessible object: prints its bus name, then answers as DELAYS says."""
    connection = Gio.DBusConnection.new_for_address_sync(
        os.environ["DBUS_SESSION_BUS_ADDRESS"],
        Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
    info = Gio.DBusNodeInfo.new_for_xml(INTERFACE_XML)
    calls = []

    def answer(invocation, method):
        if method == "GetChildren":
            invocation.return_value(GLib.Variant("(a(so))", ([(connection.get_unique_name(), "/window")],)))
        elif method == "GetRole":
            invocation.return_value(GLib.Variant("(u)", (int(atspi.ROLE_APPLICATION),)))
        elif method == "GetInterfaces":
            invocation.return_value(GLib.Variant("(as)", (["org.a11y.atspi.Accessible", "org.a11y.atspi.Action"],)))
        elif method == "DoAction":
            invocation.return_value(GLib.Variant("(b)", (True,)))
        elif method == "Calls":
            invocation.return_value(GLib.Variant("(as)", (calls,)))
        return GLib.SOURCE_REMOVE

    def method_call(connection, sender, path, interface, method, parameters, invocation):
        calls.append(method)
        delay = DELAYS.get((method, calls.count(method)), 0)
        if delay is None:
            return  # never answered
        if delay:
            GLib.timeout_add(int(delay * 1000), answer, invocation, method)
        else:
            answer(invocation, method)

    for interface in info.interfaces:
        connection.register_object("/org/a11y/atspi/accessible/root", interface, method_call, None, None)
    print(connection.get_unique_name(), flush=True)
    GLib.MainLoop().run()


def main():
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        uitest.fail("no session bus: run the UI tests through ./build-aux/dev test")
    server = subprocess.Popen([sys.executable, __file__, "--serve"], stdout=subprocess.PIPE, text=True)
    try:
        name = server.stdout.readline().strip()
        if not name.startswith(":"):
            uitest.fail(f"the test's accessible object did not start: {name!r}")
        check(name)
    finally:
        server.kill()
        server.wait()


def recorded(name):
    return atspi.read(name, atspi.DESKTOP_PATH, "Test.Record", "Calls", None, "(as)")[0]


def check(name):
    atspi.use_bus(Gio.bus_get_sync(Gio.BusType.SESSION, None))
    atspi.CALL_TIMEOUT_MS = TIMEOUT_MS
    root = atspi.Node(name, atspi.DESKTOP_PATH)

    if root.getRole() != atspi.ROLE_APPLICATION:
        uitest.fail("the read asked again did not return the answer")
    if recorded(name).count("GetRole") != 2:
        uitest.fail(f"a read that timed out was not asked exactly once more: {recorded(name)!r}")
    print("a read without an answer in time is asked once more, and the second answer counts")

    if root.queryAction().doAction(0) is not True:
        uitest.fail("the late answer to an action was lost")
    if recorded(name).count("DoAction") != 1:
        uitest.fail(f"an action that was answered late was sent again: {recorded(name)!r}")
    print("an action answered late is waited for once more and sent only once")

    started = time.monotonic()
    try:
        atspi.read(name, atspi.DESKTOP_PATH, atspi.ACCESSIBLE, "GetChildAtIndex", GLib.Variant("(i)", (0,)), "((so))")
        uitest.fail("a call that is never answered returned")
    except atspi.CallTimeout as error:
        if "GetChildAtIndex" not in str(error):
            uitest.fail(f"the failure does not name the call: {error}")
    waited = time.monotonic() - started
    if not 2 * TIMEOUT_MS / 1000 <= waited < 60:
        uitest.fail(f"a call that is never answered failed after {waited:.1f} s, "
                    f"not after two timeouts of {TIMEOUT_MS} ms")
    print("a call that is never answered fails after two timeouts and names the call")

    calls_before = recorded(name).count("GetChildAtIndex")
    window = root.getChildAtIndex(0)
    if window is None or window.path != "/window":
        uitest.fail(f"the app's first window was not found: {window!r}")
    if root.getChildAtIndex(1) is not None:
        uitest.fail("a window past the last one was found")
    if recorded(name).count("GetChildAtIndex") != calls_before:
        uitest.fail("an app's window was asked for by its place")
    print("an app's windows are read in one list, never by their place")


if __name__ == "__main__":
    if sys.argv[1:] == ["--serve"]:
        serve()
    else:
        main()
