/* concierge-settings-schema.h
 *
 * Whether the installed GSettings schema can be used, asked before
 * anything opens it: the window and the command line both ask.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

gboolean concierge_settings_schema_check (GError **error);

G_END_DECLS
