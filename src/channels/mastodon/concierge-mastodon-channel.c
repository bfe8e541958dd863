/* concierge-mastodon-channel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "model/concierge-json.h"
#include "concierge-mastodon-channel-private.h"
#include "concierge-mastodon-status.h"

static void concierge_mastodon_channel_init (ConciergeChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeMastodon, concierge_mastodon, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_CHANNEL, concierge_mastodon_channel_init))

#define PAGE_LIMIT "40"

static void
concierge_mastodon_finalize (GObject *object)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (object);

  g_clear_object (&self->session);
  g_free (self->server_url);
  g_free (self->own_account_id);
  if (self->access_token != NULL)
    memset (self->access_token, 0, strlen (self->access_token));
  g_free (self->access_token);
  g_free (self->client_id);
  if (self->client_secret != NULL)
    memset (self->client_secret, 0, strlen (self->client_secret));
  g_free (self->client_secret);

  G_OBJECT_CLASS (concierge_mastodon_parent_class)->finalize (object);
}

static void
concierge_mastodon_class_init (ConciergeMastodonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_mastodon_finalize;
}

static void
concierge_mastodon_init (ConciergeMastodon *self)
{
}

/**
 * concierge_mastodon_new:
 * @session: the one session every channel shares
 * @own_account_id: (nullable): the agent's account id on the server, whose
 *   statuses are the agent's replies; asked from the server when %NULL or
 *   empty
 */
ConciergeMastodon *
concierge_mastodon_new (SoupSession *session,
                        gint64       account_id,
                        const char  *server_url,
                        const char  *own_account_id,
                        const char  *access_token)
{
  ConciergeMastodon *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_MASTODON, NULL);
  self->session = g_object_ref (session);
  self->account_id = account_id;
  self->server_url = g_strdup (server_url);
  self->own_account_id = own_account_id && own_account_id[0] ? g_strdup (own_account_id) : NULL;
  self->access_token = g_strdup (access_token);

  return self;
}

/**
 * concierge_mastodon_new_for_account:
 * @credentials: the account's, from the keyring
 *
 * Returns: (transfer full): the channel of an account that was added
 */
ConciergeChannel *
concierge_mastodon_new_for_account (SoupSession                *session,
                                    ConciergeAccount           *account,
                                    const ConciergeCredentials *credentials)
{
  ConciergeMastodon *self;

  g_return_val_if_fail (CONCIERGE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);

  self = concierge_mastodon_new (session, concierge_account_get_id (account),
                                 concierge_account_get_server_url (account),
                                 concierge_account_get_remote_user_id (account), credentials->access_token);
  /* Accounts signed in through the app know the app they were granted to,
   * which lets them revoke the token. */
  concierge_mastodon_set_client (self, credentials->client_id, credentials->client_secret);
  return CONCIERGE_CHANNEL (self);
}

/**
 * concierge_mastodon_set_client:
 * @client_id: (nullable): the app the access token was granted to
 * @client_secret: (nullable): its secret
 *
 * Mastodon revokes a token only when asked by the app it belongs to.
 */
void
concierge_mastodon_set_client (ConciergeMastodon *self,
                               const char        *client_id,
                               const char        *client_secret)
{
  g_return_if_fail (CONCIERGE_IS_MASTODON (self));

  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
  g_free (self->client_secret);
  self->client_secret = g_strdup (client_secret);
}

static void
get_json (GTask                         *task,
          const char                    *path,
          const char                    *query,
          ConciergeMastodonJsonCallback  callback)
{
  concierge_mastodon_request_json (task, SOUP_METHOD_GET, path, query, NULL, NULL, callback);
}

void
concierge_mastodon_return_unreadable (GTask *task)
{
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("The server sent an answer Concierge cannot read."));
}

/* Sending */

/* A status reaches only whom it mentions, and a reply without the
 * customer's handle would not reach them. */
static char *
status_text (ConciergeOutboxEntry *entry)
{
  g_autofree char *folded_text = NULL;
  g_autofree char *folded_handle = NULL;

  if (entry->recipient_handle == NULL || entry->recipient_handle[0] == '\0')
    return g_strdup (entry->text);

  folded_text = g_utf8_casefold (entry->text, -1);
  folded_handle = g_utf8_casefold (entry->recipient_handle, -1);
  if (strstr (folded_text, folded_handle) != NULL)
    return g_strdup (entry->text);

  return g_strdup_printf ("%s %s", entry->recipient_handle, entry->text);
}

static void
sent_cb (GTask    *task,
         JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  ConciergeMessage *message;
  GError *error = NULL;

  message = concierge_mastodon_message_from_status (root, self->own_account_id, NULL, &error);
  if (message == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, message, g_object_unref);
}

static void
concierge_mastodon_send_async (ConciergeChannel     *channel,
                               ConciergeOutboxEntry *entry,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_task_set_source_tag (task, concierge_mastodon_send_async);

  g_hash_table_insert (form, (gpointer) "status", status_text (entry));
  /* The reply reaches whom the customer's post reached: an unlisted
   * question stays out of the public timelines. */
  g_hash_table_insert (form, (gpointer) "visibility",
                       g_strdup (concierge_mastodon_visibility_for_audience (
                         concierge_audience_or_visibility (entry->audience, entry->visibility))));
  if (entry->in_reply_to_remote_id != NULL)
    g_hash_table_insert (form, (gpointer) "in_reply_to_id", g_strdup (entry->in_reply_to_remote_id));

  /* Mastodon answers a repeated key with the status it already made. */
  concierge_mastodon_request_json (task, SOUP_METHOD_POST, "/api/v1/statuses", NULL, form, entry->idempotency_key, sent_cb);
}

static ConciergeMessage *
concierge_mastodon_send_finish (ConciergeChannel  *channel,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
normalize_space (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (joined, "%s%s", joined->len ? " " : "", words[i]);

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* A send may reach the server a little before the entry's clock says. */
#define SENT_CLOCK_MARGIN 60

static void
own_statuses_cb (GTask    *task,
                 JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  ConciergeOutboxEntry *entry = g_task_get_task_data (task);
  g_autofree char *wanted = NULL;
  g_autofree char *text = NULL;
  g_autofree char *next_path = NULL;
  g_autofree char *next_query = NULL;
  gboolean older_reached = FALSE;
  JsonArray *statuses;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      concierge_mastodon_return_unreadable (task);
      return;
    }

  text = status_text (entry);
  wanted = normalize_space (text);
  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      JsonNode *status = json_array_get_element (statuses, i);
      g_autoptr(ConciergeMessage) message = NULL;
      g_autofree char *found = NULL;

      message = concierge_mastodon_message_from_status (status, self->own_account_id, NULL, NULL);
      if (message == NULL)
        continue;
      if (concierge_message_get_created_at (message) < entry->created_at - SENT_CLOCK_MARGIN)
        {
          older_reached = TRUE;
          continue;
        }
      if (g_strcmp0 (concierge_json_node_string (status, "in_reply_to_id"), entry->in_reply_to_remote_id) != 0)
        continue;

      found = normalize_space (concierge_message_get_body (message));
      if (g_str_equal (found, wanted))
        {
          g_task_return_pointer (task, g_steal_pointer (&message), g_object_unref);
          return;
        }
    }

  /* Newest first: the pages go back until the time the send was queued,
   * however many statuses the account posted since. */
  if (!older_reached && json_array_get_length (statuses) > 0 &&
      concierge_mastodon_next_page (task, &next_path, &next_query))
    {
      get_json (task, next_path, next_query, own_statuses_cb);
      return;
    }

  g_task_return_pointer (task, NULL, NULL);
}

/* Mastodon keeps idempotency keys for about an hour only, so after a
 * restart the app looks among its own statuses since the send was queued
 * first. */
static void
concierge_mastodon_find_sent_async (ConciergeChannel     *channel,
                                    ConciergeOutboxEntry *entry,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  ConciergeOutboxEntry *copy;

  g_task_set_source_tag (task, concierge_mastodon_find_sent_async);
  if (self->own_account_id == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("Concierge does not know this account’s own posts yet."));
      return;
    }

  copy = g_new0 (ConciergeOutboxEntry, 1);
  copy->text = g_strdup (entry->text);
  copy->recipient_handle = g_strdup (entry->recipient_handle);
  copy->in_reply_to_remote_id = g_strdup (entry->in_reply_to_remote_id);
  copy->created_at = entry->created_at;
  g_task_set_task_data (task, copy, (GDestroyNotify) concierge_outbox_entry_free);

  path = g_strdup_printf ("/api/v1/accounts/%s/statuses", self->own_account_id);
  get_json (task, path, "limit=" PAGE_LIMIT, own_statuses_cb);
}

static ConciergeMessage *
concierge_mastodon_find_sent_finish (ConciergeChannel  *channel,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Marking read */

static void
read_cb (GTask    *task,
         JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
}

static void
concierge_mastodon_mark_read_async (ConciergeChannel    *channel,
                                    const char          *thread_remote_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, concierge_mastodon_mark_read_async);

  /* Mastodon keeps a read state for direct conversations only. */
  if (!g_str_has_prefix (thread_remote_id, "conversation:"))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  path = g_strdup_printf ("/api/v1/conversations/%s/read", thread_remote_id + strlen ("conversation:"));
  concierge_mastodon_request_json (task, SOUP_METHOD_POST, path, NULL, NULL, NULL, read_cb);
}

/* Revoking */

static void
revoked_cb (GTask    *task,
            JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
}

static void
concierge_mastodon_revoke_async (ConciergeChannel    *channel,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = NULL;

  g_task_set_source_tag (task, concierge_mastodon_revoke_async);

  /* A token added on the command line came from an app Concierge does not
   * know; only that app may revoke it. */
  if (self->client_id == NULL || self->client_secret == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                               _("This token was not issued to Concierge, so only the app it came from can "
                                 "revoke it."));
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "client_secret", self->client_secret);
  g_hash_table_insert (form, "token", self->access_token);
  concierge_mastodon_request_json (task, SOUP_METHOD_POST, "/oauth/revoke", NULL, form, NULL, revoked_cb);
}

/* Images and deleted posts */

static void
concierge_mastodon_fetch_image_async (ConciergeChannel    *channel,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);

  /* Media lives on the server or its file host, which take no token. */
  concierge_channel_download_image_async (channel, self->session, source, cancellable, callback, user_data);
}

static GBytes *
concierge_mastodon_fetch_image_finish (ConciergeChannel  *channel,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  return concierge_channel_download_image_finish (channel, result, error);
}

typedef struct
{
  GStrv      ids;
  GPtrArray *deleted;
  guint      next;   /* asked one by one, on a server without the batch */
} FindDeleted;

static void
find_deleted_free (FindDeleted *find)
{
  g_strfreev (find->ids);
  g_ptr_array_unref (find->deleted);
  g_free (find);
}

static void
return_deleted (GTask *task)
{
  FindDeleted *find = g_task_get_task_data (task);

  g_ptr_array_add (find->deleted, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (find->deleted, NULL), (GDestroyNotify) g_strfreev);
}

static void
step_root_cb (GTask    *step,
              JsonNode *root)
{
  g_task_return_pointer (step, json_node_ref (root), (GDestroyNotify) json_node_unref);
}

static void ask_next_status (GTask *task);

static void
status_asked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL && !g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A post that is gone answers 404. */
  if (root == NULL)
    {
      g_ptr_array_add (find->deleted, g_strdup (find->ids[find->next]));
      g_clear_error (&error);
    }
  find->next++;
  ask_next_status (task);
}

static void
ask_next_status (GTask *task)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GTask) step = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (find->ids[find->next] == NULL)
    {
      return_deleted (task);
      return;
    }

  step = g_task_new (self, g_task_get_cancellable (task), status_asked_cb, g_object_ref (task));
  escaped = g_uri_escape_string (find->ids[find->next], NULL, FALSE);
  path = g_strdup_printf ("/api/v1/statuses/%s", escaped);
  get_json (step, path, NULL, step_root_cb);
}

static void
statuses_asked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *statuses;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    {
      /* A server before Mastodon 4.3 has no batch: ask one by one. */
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
        {
          g_clear_error (&error);
          ask_next_status (task);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent a post Concierge cannot read."));
      return;
    }

  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      const char *id = concierge_json_node_string (json_array_get_element (statuses, i), "id");

      if (id != NULL)
        g_hash_table_add (present, (gpointer) id);
    }

  /* The batch leaves out what is gone. */
  for (guint i = 0; find->ids[i] != NULL; i++)
    if (!g_hash_table_contains (present, find->ids[i]))
      g_ptr_array_add (find->deleted, g_strdup (find->ids[i]));
  return_deleted (task);
}

/* Mastodon allows 40 ids in one batch. */
#define MAX_IDS_ASKED 40

static void
concierge_mastodon_find_deleted_async (ConciergeChannel    *channel,
                                       const char * const  *message_remote_ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GString) query = g_string_new (NULL);
  FindDeleted *find;
  GTask *step;

  g_task_set_source_tag (task, concierge_mastodon_find_deleted_async);

  for (guint i = 0; message_remote_ids[i] != NULL && i < MAX_IDS_ASKED; i++)
    {
      g_strv_builder_add (ids, message_remote_ids[i]);
      if (query->len > 0)
        g_string_append_c (query, '&');
      g_string_append (query, "id%5B%5D=");
      g_string_append_uri_escaped (query, message_remote_ids[i], NULL, FALSE);
    }

  find = g_new0 (FindDeleted, 1);
  find->ids = g_strv_builder_end (ids);
  find->deleted = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, find, (GDestroyNotify) find_deleted_free);

  if (find->ids[0] == NULL)
    {
      return_deleted (task);
      return;
    }

  step = g_task_new (channel, cancellable, statuses_asked_cb, g_steal_pointer (&task));
  get_json (step, "/api/v1/statuses", query->str, step_root_cb);
  g_object_unref (step);
}

static GStrv
concierge_mastodon_find_deleted_finish (ConciergeChannel  *channel,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What Mastodon can do */

static const char *
concierge_mastodon_get_cursor_stream (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON_CURSOR_STREAM;
}

/* Mastodon lets an account hide nothing of another's: it can only block
 * or report. Hiding and removing stay off. */
static void
concierge_mastodon_get_capabilities (ConciergeChannel             *channel,
                                     ConciergeChannelCapabilities *capabilities)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);

  capabilities->can_hide = FALSE;
  capabilities->can_remove_for_personal_data = FALSE;
  capabilities->can_reply_privately = TRUE;
  capabilities->has_idempotency = TRUE;
  capabilities->reply_window_seconds = 0;
  capabilities->max_length = self->max_characters ? self->max_characters : DEFAULT_MAX_CHARACTERS;
  /* The family "statuses" of Mastodon's RateLimiter. */
  capabilities->posts_limit = 300;
  capabilities->posts_limit_seconds = 3 * 60 * 60;
}

static guint
concierge_mastodon_get_retry_after (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON (channel)->retry_after;
}

static gboolean
concierge_mastodon_has_more (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON (channel)->more;
}

static void
concierge_mastodon_set_first_sync_threads (ConciergeChannel *channel,
                                           guint             threads)
{
  CONCIERGE_MASTODON (channel)->first_sync_threads = threads;
}

static void
concierge_mastodon_channel_init (ConciergeChannelInterface *iface)
{
  iface->has_more = concierge_mastodon_has_more;
  iface->set_first_sync_threads = concierge_mastodon_set_first_sync_threads;
  iface->get_cursor_stream = concierge_mastodon_get_cursor_stream;
  iface->get_capabilities = concierge_mastodon_get_capabilities;
  iface->get_retry_after = concierge_mastodon_get_retry_after;
  iface->fetch_async = concierge_mastodon_fetch_async;
  iface->fetch_finish = concierge_mastodon_fetch_finish;
  iface->send_async = concierge_mastodon_send_async;
  iface->send_finish = concierge_mastodon_send_finish;
  iface->find_sent_async = concierge_mastodon_find_sent_async;
  iface->find_sent_finish = concierge_mastodon_find_sent_finish;
  iface->mark_read_async = concierge_mastodon_mark_read_async;
  iface->mark_read_finish = concierge_channel_finish_boolean_task;
  iface->fetch_image_async = concierge_mastodon_fetch_image_async;
  iface->fetch_image_finish = concierge_mastodon_fetch_image_finish;
  iface->find_deleted_async = concierge_mastodon_find_deleted_async;
  iface->find_deleted_finish = concierge_mastodon_find_deleted_finish;
  iface->revoke_async = concierge_mastodon_revoke_async;
  iface->revoke_finish = concierge_channel_finish_boolean_task;
}
