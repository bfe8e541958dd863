/* concierge-facebook-page.c
 *
 * The first step of every fetch asks for the page itself. It is one call
 * of the many a fetch makes, and the one that says plainly what keeps the
 * page from syncing: a revoked token (190), a permission taken away (10,
 * naming it), or a page that is gone (100, subcode 33), before the feed's
 * and Messenger's calls fail for the same reason in their own words.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"

static void
page_cb (GTask    *task,
         JsonNode *root)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  JsonObject *page = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  const char *id = concierge_json_string (page, "id");

  if (id == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }
  if (!g_str_equal (id, self->page_id))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                               _("The token in the keyring belongs to another Facebook page. Add this "
                                 "page’s token in Preferences → Accounts."));
      return;
    }
  concierge_facebook_fetch_step_done (task);
}

/**
 * concierge_facebook_fetch_page:
 * @task: a fetch's
 *
 * Checks that the page is there and its token good, then goes on.
 */
void
concierge_facebook_fetch_page (GTask *task)
{
  ConciergeFacebook *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_strdup_printf ("/%s", self->page_id);

  g_hash_table_insert (params, (char *) "fields", (char *) "id,name");
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, params, NULL, page_cb);
}
