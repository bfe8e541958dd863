/* concierge-web-address.h
 *
 * Reading the web addresses of people's profiles, as the platforms'
 * handles need it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean    concierge_web_address_split       (const char  *address,
                                               char       **host,
                                               char       **path);
const char *concierge_web_address_skip_prefix (const char  *value,
                                               const char  *prefix);

G_END_DECLS
