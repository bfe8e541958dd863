/* concierge-sandbox-facebook-feed.c
 *
 * The page's posts, visitor posts and comments, as the Graph API serves
 * them. See tests/sandbox/README.md, "Facebook: the Graph API".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-sandbox-facebook.h"

void
facebook_feed_seed (gboolean personal_data)
{
}

gboolean
facebook_feed_handle (GraphRequest *request)
{
  return FALSE;
}

gboolean
facebook_feed_control (SoupServerMessage *msg,
                       const char        *path)
{
  return FALSE;
}

gboolean
facebook_feed_lookup_comment (const char  *comment_id,
                              const char **from_id,
                              const char **from_name,
                              gint64      *created_time,
                              gboolean    *private_replied)
{
  return FALSE;
}

void
facebook_feed_set_private_replied (const char *comment_id)
{
}
