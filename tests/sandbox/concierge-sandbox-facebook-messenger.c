/* concierge-sandbox-facebook-messenger.c
 *
 * The page's Messenger conversations and the Send API, as the Graph API serves
 * them. See tests/sandbox/README.md, "Facebook: the Graph API".
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-sandbox-facebook.h"

void
facebook_messenger_seed (gboolean personal_data)
{
}

gboolean
facebook_messenger_handle (GraphRequest *request)
{
  return FALSE;
}

gboolean
facebook_messenger_control (SoupServerMessage *msg,
                       const char        *path)
{
  return FALSE;
}
