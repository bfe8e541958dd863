/* test-leaks.h
 *
 * Whether a secret stayed where it belongs. The sandbox records requests
 * as they came, token included, which proves which token the app used;
 * these look where the app itself writes: its log, its files and its
 * settings.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Keeps every message logged from now on, debug messages included, and
 * whatever goes through g_printerr(). Call once, before anything logs:
 * GLib takes one log writer per process. Messages are still shown as
 * without it; debug messages only if G_MESSAGES_DEBUG asks for them. */
void  test_capture_log       (void);

/* Whether @needle occurs in the file at @path, NUL bytes and all; a
 * missing file holds nothing. */
gboolean test_file_holds     (const char *path,
                              const char *needle);

/* Everything kept since test_capture_log(). */
char *test_captured_log      (void);

/* Fails the test unless @secret is absent from the log kept since
 * test_capture_log(), from every file under @dir except @except (the
 * sandbox's record, say, or NULL), from the app's own data and cache
 * folders, and from the values of the app's settings. */
void  test_assert_never_written (const char *secret,
                                 const char *dir,
                                 const char *except);

G_END_DECLS
