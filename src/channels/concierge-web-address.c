/* concierge-web-address.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-web-address.h"

/**
 * concierge_web_address_split:
 * @address: "https://host/path#fragment", or http://
 * @host: (out): the host in lower case
 * @path: (out): the path without a trailing slash
 *
 * Returns: %FALSE for an address of another scheme, or with a query, which
 *   makes it something other than a profile
 */
gboolean
concierge_web_address_split (const char  *address,
                             char       **host,
                             char       **path)
{
  const char *rest, *path_start;
  gsize host_length, path_length;

  if (g_ascii_strncasecmp (address, "https://", 8) == 0)
    rest = address + 8;
  else if (g_ascii_strncasecmp (address, "http://", 7) == 0)
    rest = address + 7;
  else
    return FALSE;

  host_length = strcspn (rest, "/?#");
  path_start = rest + host_length;
  path_length = strcspn (path_start, "?#");
  if (path_start[path_length] == '?')
    return FALSE;
  if (path_length > 0 && path_start[path_length - 1] == '/')
    path_length--;

  *host = g_ascii_strdown (rest, host_length);
  *path = g_strndup (path_start, path_length);
  return TRUE;
}

/**
 * concierge_web_address_skip_prefix:
 *
 * Returns: @value after @prefix, in any case, or @value itself when it
 *   does not start with @prefix
 */
const char *
concierge_web_address_skip_prefix (const char *value,
                                   const char *prefix)
{
  gsize length = strlen (prefix);

  return g_ascii_strncasecmp (value, prefix, length) == 0 ? value + length : value;
}
