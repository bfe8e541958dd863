/* limited-vfs.h
 *
 * An SQLite VFS over the default one that answers SQLITE_FULL, as a full
 * disk does, once a write budget is spent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void limited_vfs_install    (void);
void limited_vfs_set_budget (gint64 bytes); /* -1: no limit */

G_END_DECLS
