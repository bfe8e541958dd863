/* concierge-telegram-handle.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-web-address.h"
#include "concierge-telegram-handle.h"

static gboolean
is_telegram_user (const char *user,
                  gsize       length)
{
  /* Paths of t.me that are no user. */
  static const char * const reserved[] = {
    "joinchat", "addstickers", "addemoji", "addtheme", "addlist", "share", "proxy", "socks",
    "login", "setlanguage", "confirmphone", "invoice", "boost",
  };

  if (length < 4 || length > 32 || !g_ascii_isalpha (user[0]))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (user[i]) && user[i] != '_')
      return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (reserved); i++)
    if (strlen (reserved[i]) == length && g_ascii_strncasecmp (user, reserved[i], length) == 0)
      return FALSE;
  return TRUE;
}

/**
 * concierge_telegram_handle_from_address:
 * @address: https://t.me/user, or the app's own tg://resolve?domain=user
 * @declared: whether the address is known to be a Telegram profile; its
 *   shape tells that anyway
 *
 * Returns: (transfer full) (nullable): "@user", or %NULL for an address
 *   of no Telegram profile
 */
char *
concierge_telegram_handle_from_address (const char *address,
                                        gboolean    declared)
{
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  const char *query = concierge_web_address_skip_prefix (address, "tg://resolve?");
  const char *site;

  if (query != address)
    {
      g_auto(GStrv) fields = g_strsplit (query, "&", -1);

      for (guint i = 0; fields[i] != NULL; i++)
        {
          const char *user = concierge_web_address_skip_prefix (fields[i], "domain=");

          if (user != fields[i] && is_telegram_user (user, strlen (user)))
            return g_strdup_printf ("@%s", user);
        }
      return NULL;
    }

  if (!concierge_web_address_split (address, &host, &path) || path[0] != '/')
    return NULL;
  site = concierge_web_address_skip_prefix (host, "www.");
  if (strcmp (site, "t.me") != 0 && strcmp (site, "telegram.me") != 0)
    return NULL;
  if (!is_telegram_user (path + 1, strlen (path + 1)))
    return NULL;
  return g_strdup_printf ("@%s", path + 1);
}

/**
 * concierge_telegram_handle_from_text:
 * @text: a handle as a person writes it, "@user"
 *
 * Returns: (transfer full) (nullable): the handle, or %NULL when @text is
 *   none
 */
char *
concierge_telegram_handle_from_text (const char *text)
{
  const char *user = text[0] == '@' ? text + 1 : text;

  return is_telegram_user (user, strlen (user)) ? g_strdup_printf ("@%s", user) : NULL;
}

/**
 * concierge_telegram_profile_address:
 *
 * Returns: (transfer full) (nullable): https://t.me/user, the address an
 *   address book keeps, or %NULL for a handle of no Telegram user
 */
char *
concierge_telegram_profile_address (const char *handle,
                                    const char *server_url)
{
  const char *name = handle[0] == '@' ? handle + 1 : handle;

  if (!is_telegram_user (name, strlen (name)))
    return NULL;
  return g_strdup_printf ("https://t.me/%s", name);
}

/**
 * concierge_telegram_profile_link:
 *
 * Returns: (transfer full): the address a browser opens the profile at
 */
char *
concierge_telegram_profile_link (const char *handle,
                                 const char *server_url)
{
  return g_strdup_printf ("https://t.me/%s", handle[0] == '@' ? handle + 1 : handle);
}
