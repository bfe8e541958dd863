/* concierge-facebook-moderation.c
 *
 * What a move to private can do for one comment, as the Graph API says
 * it of the comment itself: a private reply (one per comment, within 7
 * days of it) and hiding it. See "Private replies to comments" and the
 * Comment reference in the Graph API notes of the team.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"

/* Meta's limit for a private reply: "within 7 days from when the post or
 * comment was created". */
#define PRIVATE_REPLY_SECONDS (7 * 24 * 60 * 60)

static gboolean
json_true (JsonObject *object,
           const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

/**
 * concierge_facebook_read_move_options:
 * @comment: a comment as the Graph API answers it, with can_reply_privately,
 *   can_hide, created_time and private_reply_conversation
 * @now: seconds since the epoch
 *
 * Meta turns can_reply_privately off both once the comment has had its
 * private reply and after 7 days, and names neither; the conversation of
 * the reply and the comment's time tell which it is.
 */
void
concierge_facebook_read_move_options (JsonObject           *comment,
                                      gint64                now,
                                      ConciergeMoveOptions *options)
{
  gint64 created = concierge_facebook_parse_time (concierge_json_string (comment, "created_time"));

  options->private_reply_until = created ? created + PRIVATE_REPLY_SECONDS : 0;
  if (concierge_json_object (comment, "private_reply_conversation") != NULL)
    options->private_reply = CONCIERGE_MOVE_DONE_BEFORE;
  else if (created != 0 && now >= created + PRIVATE_REPLY_SECONDS)
    options->private_reply = CONCIERGE_MOVE_TOO_OLD;
  else if (json_true (comment, "can_reply_privately"))
    options->private_reply = CONCIERGE_MOVE_CAN;
  else
    options->private_reply = CONCIERGE_MOVE_CANNOT;

  options->hide = json_true (comment, "can_hide") ? CONCIERGE_MOVE_CAN : CONCIERGE_MOVE_CANNOT;
}

static void
comment_read_cb (GTask    *task,
                 JsonNode *root)
{
  ConciergeMoveOptions *options = g_new0 (ConciergeMoveOptions, 1);

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_free (options);
      concierge_facebook_return_unreadable (task);
      return;
    }
  concierge_facebook_read_move_options (json_node_get_object (root), g_get_real_time () / G_USEC_PER_SEC, options);
  g_task_return_pointer (task, options, g_free);
}

void
concierge_facebook_get_move_options_async (ConciergeChannel    *channel,
                                           const char          *thread_remote_id,
                                           const char          *message_remote_id,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_strdup_printf ("/%s", message_remote_id);

  g_task_set_source_tag (task, concierge_facebook_get_move_options_async);
  g_hash_table_insert (params, "fields", "id,created_time,can_hide,can_reply_privately,private_reply_conversation");
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, params, NULL, comment_read_cb);
}

gboolean
concierge_facebook_get_move_options_finish (ConciergeChannel      *channel,
                                            GAsyncResult          *result,
                                            ConciergeMoveOptions  *options,
                                            GError               **error)
{
  g_autofree ConciergeMoveOptions *answer = NULL;

  g_return_val_if_fail (g_task_is_valid (result, channel), FALSE);

  answer = g_task_propagate_pointer (G_TASK (result), error);
  if (answer == NULL)
    return FALSE;
  *options = *answer;
  return TRUE;
}
