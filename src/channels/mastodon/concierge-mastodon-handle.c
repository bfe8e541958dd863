/* concierge-mastodon-handle.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "channels/concierge-web-address.h"
#include "concierge-mastodon-handle.h"

static gboolean
is_domain (const char *domain,
           gsize       length)
{
  if (length == 0 || length > 253 || memchr (domain, '.', length) == NULL ||
      domain[0] == '.' || domain[0] == '-' || domain[length - 1] == '.' || domain[length - 1] == '-')
    return FALSE;
  /* Bytes from 0x80 up are an internationalised name's letters. */
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (domain[i]) && domain[i] != '.' && domain[i] != '-' && (guchar) domain[i] < 0x80)
      return FALSE;
  return TRUE;
}

/* Mastodon's own names are letters, digits and underscores; other servers
 * of the fediverse also allow dots and dashes. */
static gboolean
is_mastodon_user (const char *user,
                  gsize       length)
{
  if (length == 0 || length > 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (user[i]) && user[i] != '_' && user[i] != '.' && user[i] != '-')
      return FALSE;
  return TRUE;
}

/* YouTube, TikTok, Medium and Threads write profiles as Mastodon does. */
static gboolean
is_other_network (const char *host)
{
  static const char * const hosts[] = {
    "youtube.com", "tiktok.com", "medium.com", "threads.net", "threads.com",
  };

  host = concierge_web_address_skip_prefix (concierge_web_address_skip_prefix (host, "www."), "m.");
  for (guint i = 0; i < G_N_ELEMENTS (hosts); i++)
    if (strcmp (host, hosts[i]) == 0)
      return TRUE;
  return FALSE;
}

/**
 * concierge_mastodon_handle_from_address:
 * @address: https://server/@user, or https://server/@user@home for an
 *   account of another server as that server shows it
 * @declared: whether the address is known to be a Mastodon profile;
 *   otherwise those of networks that write profiles alike are not
 *
 * Returns: (transfer full) (nullable): "@user@server", or %NULL for an
 *   address of no Mastodon profile
 */
char *
concierge_mastodon_handle_from_address (const char *address,
                                        gboolean    declared)
{
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *lower = NULL;
  const char *user, *at, *domain;
  gsize user_length;

  if (!concierge_web_address_split (address, &host, &path) || !g_str_has_prefix (path, "/@") ||
      !is_domain (host, strlen (host)) || (!declared && is_other_network (host)))
    return NULL;

  user = path + 2;
  at = strchr (user, '@');
  user_length = at != NULL ? (gsize) (at - user) : strlen (user);
  domain = at != NULL ? at + 1 : host;
  if (!is_mastodon_user (user, user_length) || !is_domain (domain, strlen (domain)))
    return NULL;

  lower = g_ascii_strdown (domain, -1);
  return g_strdup_printf ("@%.*s@%s", (int) user_length, user, lower);
}

/**
 * concierge_mastodon_handle_from_text:
 * @text: a handle as a person writes it, "@user@server" or "@user"
 *
 * Returns: (transfer full) (nullable): the handle, or %NULL when @text is
 *   none
 */
char *
concierge_mastodon_handle_from_text (const char *text)
{
  const char *user = text[0] == '@' ? text + 1 : text;
  const char *at = strchr (user, '@');

  if (!is_mastodon_user (user, at != NULL ? (gsize) (at - user) : strlen (user)) ||
      (at != NULL && !is_domain (at + 1, strlen (at + 1))))
    return NULL;
  return g_strdup_printf ("@%s", user);
}

/* A Mastodon account's user and server: from its handle, or for an
 * account of the agent's own server, from the server Concierge reaches it
 * through. */
static gboolean
user_and_domain (const char  *handle,
                 const char  *server_url,
                 char       **user,
                 char       **domain)
{
  const char *name = handle[0] == '@' ? handle + 1 : handle;
  const char *at = strchr (name, '@');
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;

  if (!is_mastodon_user (name, at != NULL ? (gsize) (at - name) : strlen (name)))
    return FALSE;

  if (at != NULL)
    {
      if (!is_domain (at + 1, strlen (at + 1)))
        return FALSE;
      *user = g_strndup (name, at - name);
      *domain = g_strdup (at + 1);
      return TRUE;
    }

  if (!concierge_web_address_split (server_url, &host, &path) || !is_domain (host, strlen (host)))
    return FALSE;
  *user = g_strdup (name);
  *domain = g_steal_pointer (&host);
  return TRUE;
}

/**
 * concierge_mastodon_full_handle:
 * @server_url: the server Concierge reaches the account through
 *
 * Returns: (transfer full) (nullable): "@user@server", which names the
 *   account anywhere, or %NULL when the handle does not tell it
 */
char *
concierge_mastodon_full_handle (const char *handle,
                                const char *server_url)
{
  g_autofree char *user = NULL;
  g_autofree char *domain = NULL;

  if (!user_and_domain (handle, server_url, &user, &domain))
    return NULL;
  return g_strdup_printf ("@%s@%s", user, domain);
}

/**
 * concierge_mastodon_profile_address:
 * @server_url: the server Concierge reaches the account through
 *
 * Returns: (transfer full) (nullable): https://server/@user, the address
 *   an address book keeps, or %NULL when the handle does not tell it
 */
char *
concierge_mastodon_profile_address (const char *handle,
                                    const char *server_url)
{
  g_autofree char *user = NULL;
  g_autofree char *domain = NULL;

  if (!user_and_domain (handle, server_url, &user, &domain))
    return NULL;
  return g_strdup_printf ("https://%s/@%s", domain, user);
}

/**
 * concierge_mastodon_profile_link:
 * @handle: "@user@server", or "@user" of the agent's own server
 * @server_url: the server Concierge reaches the account through
 *
 * Returns: (transfer full) (nullable): the address a browser opens the
 *   profile at, on the account's own server, or on the one Concierge
 *   reaches it through as that server shows it; %NULL when the handle
 *   does not tell it
 */
char *
concierge_mastodon_profile_link (const char *handle,
                                 const char *server_url)
{
  const char *name = handle[0] == '@' ? handle + 1 : handle;
  const char *at = strchr (name, '@');

  if (at != NULL)
    {
      g_autofree char *user = g_strndup (name, at - name);

      return g_strdup_printf ("https://%s/@%s", at + 1, user);
    }
  if (g_str_has_prefix (server_url, "https://") || g_str_has_prefix (server_url, "http://"))
    return g_strdup_printf ("%s%s@%s", server_url, g_str_has_suffix (server_url, "/") ? "" : "/", name);
  return NULL;
}
