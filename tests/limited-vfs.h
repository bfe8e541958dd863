/* limited-vfs.h
 *
 * An SQLite VFS over the default one that answers SQLITE_FULL, as a full
 * disk does, once a write budget is spent, and counts the bytes SQLite
 * reads: the pages a query needed beyond those it had in its cache.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void limited_vfs_install    (void);
void limited_vfs_set_budget (gint64 bytes); /* -1: no limit */
gint64 limited_vfs_get_read (void);

G_END_DECLS
