/* concierge-conversation-view-hide.c
 *
 * Hiding a customer's post for a reason the agent chooses, where the
 * platform lets the page hide it, and showing it again with one click.
 * Both go through the outbox.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-conversation-view-private.h"
#include "concierge-hide-dialog.h"
#include "concierge-ui.h"

/* Whether the thread's posts can be hidden: a public thread on a platform
 * that hides posts. */
gboolean
_concierge_conversation_view_can_hide (ConciergeConversationView *self)
{
  ConciergeChannel *channel = _concierge_conversation_view_get_channel (self);
  ConciergeChannelCapabilities capabilities = { 0 };

  if (channel == NULL || concierge_thread_get_visibility (self->thread) != CONCIERGE_VISIBILITY_PUBLIC)
    return FALSE;
  concierge_channel_get_capabilities (channel, &capabilities);
  return capabilities.can_hide;
}

static void
hidden_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_sync_hide_finish (CONCIERGE_SYNC (object), result, &error) && self != NULL)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("The post could not be hidden or shown: %s"), error->message);

      concierge_composer_show_error (self->composer, text);
    }
}

static void
hide_response_cb (ConciergeHideDialog       *dialog,
                  const char                *response,
                  ConciergeConversationView *self)
{
  ConciergeHideReason reason;

  if (!g_str_equal (response, "hide") || self->sync == NULL || self->thread == NULL ||
      !concierge_hide_dialog_get_reason (dialog, &reason))
    return;
  concierge_sync_hide_async (self->sync, concierge_thread_get_account_id (self->thread),
                             concierge_hide_dialog_get_message_id (dialog), reason, NULL, hidden_cb,
                             concierge_caller_new (self, self->cancellable, NULL, NULL));
}

static void
show_hide_dialog (ConciergeConversationView *self,
                  gint64                     message_id)
{
  ConciergeHideDialog *dialog;

  dialog = concierge_hide_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), message_id);
  g_signal_connect_object (dialog, "response", G_CALLBACK (hide_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The platform's answer decides between the reasons and an explanation:
 * a hide it refuses for this post is not queued at all. Unasked, as
 * offline, the outbox sends it once the platform can be reached. */
static void
hide_options_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  gint64 *ids = concierge_caller_get_data (caller); /* thread, message */
  gint64 message_id = ids[1];
  ConciergeMoveOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;

  /* The agent may have gone on to another thread meanwhile. */
  if (self == NULL || self->thread == NULL || concierge_thread_get_id (self->thread) != ids[0])
    return;
  if (!concierge_channel_get_move_options_finish (CONCIERGE_CHANNEL (object), result, &options, &error))
    g_debug ("Could not ask whether the post can be hidden: %s", error->message);
  else if (options.hide != CONCIERGE_MOVE_CAN)
    {
      /* Translators: %s is the platform, as in "Facebook" */
      body = g_strdup_printf (_("%s does not let the page hide this post. A page cannot hide its own posts or "
                                "those of its admins, and on some platforms not the comments under a visitor’s "
                                "post. Answer it instead, or ask the customer to remove it."),
                              concierge_platform_name (concierge_thread_get_platform (self->thread)));
      concierge_show_message (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                              _("This Post Cannot Be Hidden"), body);
      return;
    }
  show_hide_dialog (self, message_id);
}

static ConciergeMessage *
find_message (ConciergeConversationView *self,
              gint64                     message_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConciergeMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

      if (concierge_message_get_id (message) == message_id)
        return g_steal_pointer (&message);
    }
  return NULL;
}

static void
hide_post_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);
  gint64 message_id = g_variant_get_int64 (parameter);
  g_autoptr(ConciergeMessage) message = NULL;
  gint64 *ids;

  if (self->sync == NULL || self->thread == NULL || !_concierge_conversation_view_can_hide (self))
    return;

  message = find_message (self, message_id);
  if (message == NULL || concierge_message_get_remote_id (message) == NULL)
    return;
  ids = g_new (gint64, 2);
  ids[0] = concierge_thread_get_id (self->thread);
  ids[1] = message_id;
  concierge_channel_get_move_options_async (_concierge_conversation_view_get_channel (self),
                                            concierge_thread_get_remote_id (self->thread),
                                            concierge_message_get_remote_id (message), self->cancellable,
                                            hide_options_cb,
                                            concierge_caller_new (self, self->cancellable, ids, g_free));
}

/* One click: showing a post again destroys nothing. */
static void
unhide_post_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (self->sync == NULL || self->thread == NULL)
    return;
  concierge_sync_unhide_async (self->sync, concierge_thread_get_account_id (self->thread),
                               g_variant_get_int64 (parameter), NULL, hidden_cb,
                               concierge_caller_new (self, self->cancellable, NULL, NULL));
}

void
_concierge_conversation_view_class_hide_actions_init (ConciergeConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "conversation.hide-post", "x", hide_post_action);
  gtk_widget_class_install_action (widget_class, "conversation.unhide-post", "x", unhide_post_action);
}
