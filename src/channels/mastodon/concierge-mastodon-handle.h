/* concierge-mastodon-handle.h
 *
 * How people write a Mastodon account: "@user@server", or "@user" on the
 * agent's own server, and https://server/@user as its profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *concierge_mastodon_handle_from_address (const char *address,
                                              gboolean    declared);
char *concierge_mastodon_handle_from_text    (const char *text);
char *concierge_mastodon_full_handle         (const char *handle,
                                              const char *server_url);
char *concierge_mastodon_profile_address     (const char *handle,
                                              const char *server_url);
char *concierge_mastodon_profile_link        (const char *handle,
                                              const char *server_url);

G_END_DECLS
