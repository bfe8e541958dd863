/* concierge-telegram-handle.h
 *
 * How people write a Telegram account: "@user", and https://t.me/user as
 * its profile.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *concierge_telegram_handle_from_address (const char *address,
                                              gboolean    declared);
char *concierge_telegram_handle_from_text    (const char *text);
char *concierge_telegram_profile_address     (const char *handle,
                                              const char *server_url);
char *concierge_telegram_profile_link        (const char *handle,
                                              const char *server_url);

G_END_DECLS
