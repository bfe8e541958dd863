/* concierge-facebook-comment.c
 *
 * Posts and comments as the Graph API has them
 * (developers.facebook.com/docs/graph-api/reference/comment), and the
 * page's moderation of customers' comments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-json.h"
#include "concierge-facebook-channel-private.h"
#include "concierge-facebook-comment.h"

/* Comments asked about in one find_deleted: each is a request of its own. */
#define MAX_IDS_ASKED 20

static void
set_unreadable (GError **error)
{
  g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                       _("Facebook sent a post or comment Concierge cannot read."));
}

static gboolean
boolean_member (JsonObject *object,
                const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN &&
         json_node_get_boolean (node);
}

/* Who wrote it: a person, or the page itself. Without the permission
 * pages_read_user_content Meta leaves a person's "from" out. */
static ConciergeMessage *
new_message (JsonObject  *object,
             const char  *page_id,
             const char  *body)
{
  JsonObject *from = concierge_json_object (object, "from");
  const char *from_id = concierge_json_string (from, "id");
  const char *name = concierge_json_string (from, "name");
  gboolean own = g_strcmp0 (from_id, page_id) == 0;
  g_autoptr(ConciergeMessage) message = NULL;

  message = concierge_message_new (concierge_json_string (object, "id"),
                                   own ? CONCIERGE_DIRECTION_OUT : CONCIERGE_DIRECTION_IN, body,
                                   concierge_facebook_parse_time (concierge_json_string (object, "created_time")));
  concierge_message_set_audience (message, CONCIERGE_AUDIENCE_PUBLIC);
  if (!own)
    {
      /* Someone Meta does not name is someone of their own, not one
       * customer with all other unnamed ones. */
      g_autofree char *unnamed = g_strdup_printf ("unnamed:%s", concierge_json_string (object, "id"));
      g_autoptr(ConciergeIdentity) author =
        concierge_identity_new (CONCIERGE_FACEBOOK_ID, NULL, from_id ? from_id : unnamed, NULL,
                                name && name[0] ? name : _("Facebook user"));

      concierge_message_set_author (message, author);
    }
  return g_steal_pointer (&message);
}

/* A comment's attachment is one StoryAttachment: a photo, a sticker, an
 * animation or a video, each with a picture in media.image, or a shared
 * link, whose address is what counts.
 * https://developers.facebook.com/docs/graph-api/reference/story-attachment */
static ConciergeImage *
attachment_picture (JsonObject *attachment)
{
  JsonObject *image = concierge_json_object (concierge_json_object (attachment, "media"), "image");
  const char *source = concierge_json_string (image, "src");

  if (source == NULL)
    return NULL;
  return concierge_image_new (source, concierge_json_string (attachment, "description"),
                              (guint) CLAMP (concierge_json_int (image, "width"), 0, G_MAXUINT16),
                              (guint) CLAMP (concierge_json_int (image, "height"), 0, G_MAXUINT16));
}

/**
 * concierge_facebook_message_from_comment:
 * @comment: a Comment node, with id, message, created_time, from and
 *   attachment and is_hidden where asked for
 * @page_id: the page's id: its own comments are its replies
 *
 * Returns: (transfer full): the comment as a message, hidden where the
 *   page hid it, with its picture
 */
ConciergeMessage *
concierge_facebook_message_from_comment (JsonObject  *comment,
                                         const char  *page_id,
                                         GError     **error)
{
  JsonObject *attachment = concierge_json_object (comment, "attachment");
  g_autoptr(ConciergeImage) picture = attachment ? attachment_picture (attachment) : NULL;
  const char *link = concierge_json_string (attachment, "url");
  g_autoptr(GString) body = g_string_new (concierge_json_string (comment, "message"));
  ConciergeMessage *message;

  if (concierge_json_string (comment, "id") == NULL ||
      concierge_facebook_parse_time (concierge_json_string (comment, "created_time")) == 0)
    {
      set_unreadable (error);
      return NULL;
    }

  if (picture == NULL && link != NULL && (g_str_has_prefix (link, "https://") || g_str_has_prefix (link, "http://")))
    g_string_append_printf (body, "%s%s", body->len > 0 ? "\n" : "", link);
  concierge_channel_clean_text (body->str);

  message = new_message (comment, page_id, g_strstrip (body->str));
  if (picture != NULL)
    concierge_message_add_image (message, picture);
  if (boolean_member (comment, "is_hidden"))
    concierge_message_set_taken_down (message, CONCIERGE_TAKEN_DOWN_HIDDEN);
  return message;
}

/**
 * concierge_facebook_message_from_post:
 * @post: a Post node of the page's feed
 *
 * Returns: (transfer full): the post as a message: a visitor's is the
 *   customer's, the page's own what its comments answer. A post without
 *   text is shown by its address.
 */
ConciergeMessage *
concierge_facebook_message_from_post (JsonObject  *post,
                                      const char  *page_id,
                                      GError     **error)
{
  const char *text = concierge_json_string (post, "message");
  g_autofree char *body = NULL;

  if (concierge_json_string (post, "id") == NULL ||
      concierge_facebook_parse_time (concierge_json_string (post, "created_time")) == 0)
    {
      set_unreadable (error);
      return NULL;
    }
  body = g_strdup (text && text[0] ? text : concierge_json_string (post, "permalink_url"));
  if (body == NULL)
    body = g_strdup ("");
  concierge_channel_clean_text (body);
  return new_message (post, page_id, g_strstrip (body));
}

/* Hiding */

typedef struct
{
  char     *comment_id;
  gboolean  hidden;
} Hide;

static void
hide_free (Hide *hide)
{
  g_free (hide->comment_id);
  g_free (hide);
}

static void
hidden_cb (GTask    *task,
           JsonNode *root)
{
  JsonObject *answer = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonNode *success = answer ? json_object_get_member (answer, "success") : NULL;

  if (success == NULL || !JSON_NODE_HOLDS_VALUE (success) || !json_node_get_boolean (success))
    concierge_facebook_return_unreadable (task);
  else
    g_task_return_boolean (task, TRUE);
}

/* Meta refuses to hide some comments (the page's own, its admins', those
 * under a visitor's post); can_hide says so before the agent is told
 * only "refused". A comment already as wanted, after an attempt cut
 * off, is done. */
static void
comment_read_cb (GTask    *task,
                 JsonNode *root)
{
  Hide *hide = g_task_get_task_data (task);
  JsonObject *comment = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *path = NULL;

  if (comment == NULL)
    {
      concierge_facebook_return_unreadable (task);
      return;
    }
  if (json_object_has_member (comment, "is_hidden") && boolean_member (comment, "is_hidden") == hide->hidden)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!boolean_member (comment, "can_hide"))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               hide->hidden
                                 ? _("Facebook does not let the page hide this comment. A page cannot hide its "
                                     "own comments, those of its admins, or comments under a visitor’s post.")
                                 : _("Facebook does not let the page show this comment again."));
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, (gpointer) "is_hidden", (gpointer) (hide->hidden ? "true" : "false"));
  path = g_strdup_printf ("/%s", hide->comment_id);
  concierge_facebook_request_json (task, SOUP_METHOD_POST, path, form, NULL, hidden_cb);
}

static void
set_hidden_async (ConciergeChannel    *channel,
                  const char          *comment_id,
                  gboolean             hidden,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *path = g_strdup_printf ("/%s", comment_id);
  Hide *hide = g_new0 (Hide, 1);

  g_task_set_source_tag (task, source_tag);
  hide->comment_id = g_strdup (comment_id);
  hide->hidden = hidden;
  g_task_set_task_data (task, hide, (GDestroyNotify) hide_free);

  g_hash_table_insert (query, (gpointer) "fields", (gpointer) "id,can_hide,is_hidden");
  concierge_facebook_request_json (task, SOUP_METHOD_GET, path, query, NULL, comment_read_cb);
}

/**
 * concierge_facebook_hide_async:
 * @comment_id: a customer's comment
 *
 * Hides the comment: its author and their friends still see it, everyone
 * else no longer does. POST /COMMENT-ID with is_hidden=true.
 */
void
concierge_facebook_hide_async (ConciergeChannel    *channel,
                               const char          *comment_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  set_hidden_async (channel, comment_id, TRUE, concierge_facebook_hide_async, cancellable, callback, user_data);
}

/**
 * concierge_facebook_unhide_async:
 *
 * Shows a hidden comment to everyone again: is_hidden=false.
 */
void
concierge_facebook_unhide_async (ConciergeChannel    *channel,
                                 const char          *comment_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  set_hidden_async (channel, comment_id, FALSE, concierge_facebook_unhide_async, cancellable, callback, user_data);
}

/* Deleted comments */

typedef struct
{
  GStrv      ids;
  guint      next;
  GPtrArray *deleted;
} FindDeleted;

static void
find_deleted_free (FindDeleted *find)
{
  g_strfreev (find->ids);
  g_ptr_array_unref (find->deleted);
  g_free (find);
}

static void
step_root_cb (GTask    *step,
              JsonNode *root)
{
  g_task_return_boolean (step, TRUE);
}

static void ask_next (GTask *task);

/* Comments and posts have ids of numbers, "POST-ID_COMMENT-ID";
 * Messenger's messages, "m_…", are not in the feed, and Meta names no
 * way to see that one was unsent. */
static gboolean
is_feed_id (const char *id)
{
  const char *p = id;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p) || (*p == '_' && g_ascii_isdigit (p[1])))
    p++;
  return *p == '\0';
}

/* A comment its author deleted is an object that "does not exist": error
 * 100 with subcode 33. Any other error ends the search. */
static void
asked_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!concierge_facebook_error_is_gone (error))
        {
          g_task_return_error (task, error);
          return;
        }
      g_error_free (error);
      g_ptr_array_add (find->deleted, g_strdup (find->ids[find->next]));
    }
  find->next++;
  ask_next (task);
}

static void
ask_next (GTask *task)
{
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *path = NULL;
  GTask *step;

  if (find->ids[find->next] == NULL)
    {
      g_ptr_array_add (find->deleted, NULL);
      g_task_return_pointer (task, g_ptr_array_steal (find->deleted, NULL), (GDestroyNotify) g_strfreev);
      return;
    }

  /* One request each: Meta no longer lets new apps ask for several ids
   * at once (?ids=), from Graph API v27 on. */
  query = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (query, (gpointer) "fields", (gpointer) "id");
  path = g_strdup_printf ("/%s", find->ids[find->next]);
  step = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task), asked_cb, g_object_ref (task));
  concierge_facebook_request_json (step, SOUP_METHOD_GET, path, query, NULL, step_root_cb);
  g_object_unref (step);
}

/**
 * concierge_facebook_find_deleted_async:
 * @comment_ids: comments and visitor posts the cache has
 *
 * Asks for each whether it still exists; the Graph API names no deleted
 * comments in the feed, which simply leaves them out.
 */
void
concierge_facebook_find_deleted_async (ConciergeChannel    *channel,
                                       const char * const  *comment_ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  FindDeleted *find = g_new0 (FindDeleted, 1);

  g_task_set_source_tag (task, concierge_facebook_find_deleted_async);
  for (guint i = 0, asked = 0; comment_ids[i] != NULL && asked < MAX_IDS_ASKED; i++)
    if (is_feed_id (comment_ids[i]))
      {
        g_strv_builder_add (ids, comment_ids[i]);
        asked++;
      }
  find->ids = g_strv_builder_end (ids);
  find->deleted = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, find, (GDestroyNotify) find_deleted_free);
  ask_next (task);
}

GStrv
concierge_facebook_find_deleted_finish (ConciergeChannel  *channel,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
