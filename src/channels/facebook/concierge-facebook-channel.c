/* concierge-facebook-channel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "channels/concierge-channel-moderation.h"
#include "concierge-facebook-channel-private.h"

/* The Send API's limit for a message's text. */
#define MAX_TEXT_LENGTH 2000

static void concierge_facebook_channel_init (ConciergeChannelInterface *iface);
static void concierge_facebook_moderation_init (ConciergeModerationInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeFacebook, concierge_facebook, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_CHANNEL, concierge_facebook_channel_init)
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_MODERATION, concierge_facebook_moderation_init))

static void
concierge_facebook_finalize (GObject *object)
{
  ConciergeFacebook *self = CONCIERGE_FACEBOOK (object);

  g_clear_object (&self->session);
  g_free (self->api_url);
  g_free (self->page_id);
  concierge_facebook_forget_token (&self->token);
  concierge_facebook_forget_token (&self->page_token);
  g_clear_pointer (&self->last_incoming, g_hash_table_unref);
  g_clear_pointer (&self->conversations, g_hash_table_unref);

  G_OBJECT_CLASS (concierge_facebook_parent_class)->finalize (object);
}

enum
{
  PROP_0,
  /* Whether Meta approved the app for its Human Agent permission, as the
   * agent says. */
  PROP_REPLY_WINDOW_EXTENSION,
};

static void
concierge_facebook_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  if (prop_id == PROP_REPLY_WINDOW_EXTENSION)
    g_value_set_boolean (value, CONCIERGE_FACEBOOK (object)->human_agent);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
concierge_facebook_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  if (prop_id == PROP_REPLY_WINDOW_EXTENSION)
    CONCIERGE_FACEBOOK (object)->human_agent = g_value_get_boolean (value);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
}

static void
concierge_facebook_class_init (ConciergeFacebookClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = concierge_facebook_finalize;
  object_class->get_property = concierge_facebook_get_property;
  object_class->set_property = concierge_facebook_set_property;
  g_object_class_install_property (object_class, PROP_REPLY_WINDOW_EXTENSION,
                                   g_param_spec_boolean ("reply-window-extension", NULL, NULL, FALSE,
                                                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

static void
concierge_facebook_init (ConciergeFacebook *self)
{
  self->last_incoming = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->conversations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * concierge_facebook_new:
 * @api_url: (nullable): the Graph API's address; %NULL for Meta's
 * @page_id: (nullable): the page's id; %NULL while the token is checked
 * @token: a page token, or a System User's token that may read the page's
 */
ConciergeFacebook *
concierge_facebook_new (SoupSession *session,
                        gint64       account_id,
                        const char  *api_url,
                        const char  *page_id,
                        const char  *token)
{
  ConciergeFacebook *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (token != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_FACEBOOK, NULL);
  self->session = g_object_ref (session);
  self->account_id = account_id;
  self->api_url = g_strdup (api_url && api_url[0] ? api_url : CONCIERGE_FACEBOOK_GRAPH_URL);
  /* An address typed with a slash at its end. */
  if (g_str_has_suffix (self->api_url, "/"))
    self->api_url[strlen (self->api_url) - 1] = '\0';
  self->page_id = g_strdup (page_id ? page_id : "me");
  self->token = g_strdup (token);

  return self;
}

/**
 * concierge_facebook_new_for_account:
 * @credentials: the account's, from the keyring
 *
 * Returns: (transfer full): the channel of a page that was added
 */
ConciergeChannel *
concierge_facebook_new_for_account (SoupSession                *session,
                                    ConciergeAccount           *account,
                                    const ConciergeCredentials *credentials)
{
  g_return_val_if_fail (CONCIERGE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (credentials != NULL, NULL);

  return CONCIERGE_CHANNEL (concierge_facebook_new (session, concierge_account_get_id (account),
                                                    concierge_account_get_server_url (account),
                                                    concierge_account_get_remote_user_id (account),
                                                    credentials->access_token));
}

/* Sending */

static void
concierge_facebook_send_async (ConciergeChannel     *channel,
                               ConciergeOutboxEntry *entry,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_facebook_send_async);
  if (entry->visibility == CONCIERGE_VISIBILITY_PUBLIC)
    concierge_facebook_send_comment (task, entry);
  /* A move's private message answers the customer's comment: Meta's
   * private reply, which needs no open window. */
  else if (entry->private_reply_to_remote_id != NULL)
    concierge_facebook_send_private_reply (task, entry->private_reply_to_remote_id, entry->text);
  else
    concierge_facebook_send_message (task, entry);
}

static void
concierge_facebook_find_sent_async (ConciergeChannel     *channel,
                                    ConciergeOutboxEntry *entry,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_facebook_find_sent_async);
  if (entry->visibility == CONCIERGE_VISIBILITY_PUBLIC)
    g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                             _("Concierge cannot tell whether this comment reached Facebook."));
  else
    concierge_facebook_find_sent_message (task, entry);
}

static ConciergeMessage *
concierge_facebook_send_finish (ConciergeChannel  *channel,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading */

/* Meta keeps no read state for comments, and Messenger's "seen" is a
 * message of its own that the customer would see; nothing is sent. */
static void
concierge_facebook_mark_read_async (ConciergeChannel    *channel,
                                    const char          *thread_remote_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_facebook_mark_read_async);
  g_task_return_boolean (task, TRUE);
}

/* Pictures and files come from Meta's content servers at signed
 * addresses, which need no token. */
static void
concierge_facebook_fetch_image_async (ConciergeChannel    *channel,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  concierge_channel_download_image_async (channel, CONCIERGE_FACEBOOK (channel)->session, source, cancellable,
                                          callback, user_data);
}

static void
concierge_facebook_fetch_file_async (ConciergeChannel    *channel,
                                     const char          *source,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  concierge_channel_download_file_async (channel, CONCIERGE_FACEBOOK (channel)->session, source, cancellable,
                                         callback, user_data);
}

static GBytes *
concierge_facebook_fetch_image_finish (ConciergeChannel  *channel,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  return concierge_channel_download_image_finish (channel, result, error);
}

/* A System User's page token is revoked in Meta Business Suite, not by
 * the app that holds it: removing the account forgets it. */
static void
concierge_facebook_revoke_async (ConciergeChannel    *channel,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_set_source_tag (task, concierge_facebook_revoke_async);
  g_task_return_boolean (task, TRUE);
}

/* What Facebook can do */

static const char *
concierge_facebook_get_cursor_stream (ConciergeChannel *channel)
{
  return CONCIERGE_FACEBOOK_CURSOR_STREAM;
}

static void
concierge_facebook_get_capabilities (ConciergeChannel             *channel,
                                     ConciergeChannelCapabilities *capabilities)
{
  capabilities->can_hide = TRUE;
  capabilities->can_remove_for_personal_data = FALSE;
  capabilities->can_reply_privately = TRUE;
  capabilities->private_needs_customer_first = FALSE;
  /* The Graph API takes no idempotency key: a send cut off is asked
   * about before it goes out again. */
  capabilities->has_idempotency = FALSE;
  /* Meta refuses a second private reply to a comment (error 10900). */
  capabilities->private_reply_once = TRUE;
  /* Messenger's windows: 24 hours after the customer's last message, and
   * 7 days with the human-agent tag where Meta allows it; comments have
   * none. */
  capabilities->reply_window_seconds = CONCIERGE_FACEBOOK_STANDARD_WINDOW;
  capabilities->reply_window_private_only = TRUE;
  capabilities->reply_window_extended_seconds = CONCIERGE_FACEBOOK_HUMAN_AGENT_WINDOW;
  capabilities->reply_window_extension_allowed = CONCIERGE_FACEBOOK (channel)->human_agent;
  capabilities->max_length = MAX_TEXT_LENGTH;
}

static char *
concierge_facebook_dup_notice (ConciergeChannel *channel)
{
  if (CONCIERGE_FACEBOOK (channel)->human_agent)
    return g_strdup (_("Meta’s Human Agent permission: yes. Messenger answers go out for 7 days after the "
                       "customer’s last message."));
  return g_strdup (_("Meta’s Human Agent permission: no. Messenger answers go out only within 24 hours of the "
                     "customer’s last message."));
}

static guint
concierge_facebook_get_retry_after (ConciergeChannel *channel)
{
  return CONCIERGE_FACEBOOK (channel)->retry_after;
}

static gboolean
concierge_facebook_has_more (ConciergeChannel *channel)
{
  return CONCIERGE_FACEBOOK (channel)->more;
}

static void
concierge_facebook_set_first_sync_threads (ConciergeChannel *channel,
                                           guint             threads)
{
  CONCIERGE_FACEBOOK (channel)->first_sync_threads = threads;
}

static void
concierge_facebook_channel_init (ConciergeChannelInterface *iface)
{
  iface->get_cursor_stream = concierge_facebook_get_cursor_stream;
  iface->get_capabilities = concierge_facebook_get_capabilities;
  iface->get_retry_after = concierge_facebook_get_retry_after;
  iface->dup_notice = concierge_facebook_dup_notice;
  iface->has_more = concierge_facebook_has_more;
  iface->fetch_async = concierge_facebook_fetch_async;
  iface->fetch_finish = concierge_facebook_fetch_finish;
  iface->send_async = concierge_facebook_send_async;
  iface->send_finish = concierge_facebook_send_finish;
  iface->find_sent_async = concierge_facebook_find_sent_async;
  iface->find_sent_finish = concierge_facebook_send_finish;
  iface->mark_read_async = concierge_facebook_mark_read_async;
  iface->mark_read_finish = concierge_channel_finish_boolean_task;
  iface->fetch_image_async = concierge_facebook_fetch_image_async;
  iface->fetch_image_finish = concierge_facebook_fetch_image_finish;
  iface->fetch_file_async = concierge_facebook_fetch_file_async;
  iface->fetch_file_finish = concierge_facebook_fetch_image_finish;
  iface->revoke_async = concierge_facebook_revoke_async;
  iface->revoke_finish = concierge_channel_finish_boolean_task;
  iface->hide_async = concierge_facebook_hide_async;
  iface->hide_finish = concierge_channel_finish_boolean_task;
  iface->unhide_async = concierge_facebook_unhide_async;
  iface->unhide_finish = concierge_channel_finish_boolean_task;
  iface->find_deleted_async = concierge_facebook_find_deleted_async;
  iface->find_deleted_finish = concierge_facebook_find_deleted_finish;
  iface->set_first_sync_threads = concierge_facebook_set_first_sync_threads;
}

static void
concierge_facebook_moderation_init (ConciergeModerationInterface *iface)
{
  iface->get_move_options_async = concierge_facebook_get_move_options_async;
  iface->get_move_options_finish = concierge_facebook_get_move_options_finish;
}
