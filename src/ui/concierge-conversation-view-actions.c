/* concierge-conversation-view-actions.c
 *
 * What the agent does in a conversation: send, send again, write a note,
 * insert a saved reply, and move a public conversation to private.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "privacy/concierge-detector.h"
#include "concierge-conversation-view-private.h"
#include "concierge-move-dialog.h"
#include "concierge-ui.h"

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  concierge_composer_send (self->composer);
}

static void
send_anyway_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  concierge_composer_send_anyway (self->composer);
}

static void
edit_template_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  concierge_composer_edit_template (self->composer);
}

static void
write_note_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (self->thread == NULL)
    return;
  concierge_conversation_view_set_note_mode (self, TRUE);
  concierge_composer_focus_text (self->composer);
}

static void
insert_saved_reply_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  concierge_composer_choose_saved_reply (self->composer);
}

static void
resend_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (self->sync == NULL || self->thread == NULL)
    return;

  concierge_sync_resend_async (self->sync, concierge_thread_get_account_id (self->thread),
                               g_variant_get_int64 (parameter), NULL, NULL, NULL);
}

static void
leave_composer_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (concierge_composer_text_has_focus (self->composer))
    gtk_widget_grab_focus (GTK_WIDGET (self->list_view));
}

/* Moving to private */

typedef struct
{
  ConciergeConversationView *self;             /* only while its cancellable is not cancelled */
  GCancellable              *self_cancellable;
  ConciergeThread           *thread;
  gint64                     move_id;  /* a move that changes course, or 0 */
  gint64                     account_id;
  ConciergeMovePlan          plan;
  char                      *kinds;
  char                      *invitation;
  gboolean                   ask_contact_threads;
} Moving;

static void
moving_free (Moving *moving)
{
  g_object_unref (moving->self_cancellable);
  g_object_unref (moving->thread);
  g_free (moving->kinds);
  g_free (moving->invitation);
  g_free (moving);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Moving, moving_free)

static void
show_move_error (ConciergeConversationView *self,
                 const GError              *error)
{
  /* Translators: %s is the reason */
  g_autofree char *text = g_strdup_printf (_("The conversation could not be moved: %s"), error->message);

  concierge_composer_show_error (self->composer, text);
}

static void
move_started_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GError) error = NULL;

  move = concierge_sync_start_move_finish (CONCIERGE_SYNC (object), result, &error);
  if (self == NULL)
    return;
  if (move == NULL)
    {
      show_move_error (self, error);
      return;
    }

  /* The agent goes on where nobody else reads along; the steps show there
   * too. */
  if (move->private_thread_id != 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "win.show-thread", "x", move->private_thread_id);
}

static void
moved_publicly_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_sync_move_publicly_finish (CONCIERGE_SYNC (object), result, &error) && self != NULL)
    show_move_error (self, error);
}

static void
move_response_cb (ConciergeMoveDialog *dialog,
                  const char          *response,
                  Moving              *moving)
{
  ConciergeConversationView *self = moving->self;
  g_autofree char *private_text = NULL;
  g_autofree char *public_text = NULL;

  if (g_cancellable_is_cancelled (moving->self_cancellable))
    response = "cancel";
  if (g_str_equal (response, "move") && self->sync != NULL && moving->move_id != 0)
    {
      public_text = concierge_move_dialog_dup_public_text (dialog);
      concierge_sync_move_publicly_async (self->sync, moving->account_id, moving->move_id, public_text, NULL,
                                          moved_publicly_cb,
                                          concierge_caller_new (self, self->cancellable, NULL, NULL));
    }
  else if (g_str_equal (response, "move") && self->sync != NULL)
    {
      private_text = concierge_move_dialog_dup_private_text (dialog);
      public_text = concierge_move_dialog_dup_public_text (dialog);
      concierge_sync_start_move_async (self->sync, concierge_thread_get_id (moving->thread), private_text,
                                       public_text, concierge_move_dialog_get_post_action (dialog), NULL,
                                       move_started_cb, concierge_caller_new (self, self->cancellable, NULL, NULL));
    }
  moving_free (moving);
}

static void
show_move_dialog (Moving *moving)
{
  ConciergeConversationView *self = moving->self;
  ConciergeMoveDialog *dialog;

  dialog = concierge_move_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), &moving->plan,
                                      self->settings);
  g_signal_connect (dialog, "response", G_CALLBACK (move_response_cb), moving);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* No API tells whom a bot may write to first: a private chat with them
 * in the cache says it may. */
static void
contact_threads_loaded_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(Moving) moving = user_data;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  gint64 account_id = concierge_thread_get_account_id (moving->thread);

  /* Cancelled, too, when the view went: it may be gone. */
  threads = concierge_store_load_contact_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (threads == NULL)
    {
      show_move_error (moving->self, error);
      return;
    }

  for (guint i = 0; i < threads->len && !moving->plan.reachable; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);

      moving->plan.reachable = concierge_thread_get_account_id (thread) == account_id &&
                               concierge_thread_get_visibility (thread) == CONCIERGE_VISIBILITY_PRIVATE &&
                               !g_str_has_prefix (concierge_thread_get_remote_id (thread), "pending:");
    }
  show_move_dialog (g_steal_pointer (&moving));
}

/* What the account can do for the customer of @public_thread. */
static Moving *
moving_new (ConciergeConversationView    *self,
            ConciergeThread              *public_thread,
            ConciergeChannel             *channel,
            ConciergeChannelCapabilities *capabilities)
{
  g_autofree char *reference = NULL;
  Moving *moving;
  guint kinds;

  concierge_channel_get_capabilities (channel, capabilities);
  kinds = concierge_thread_get_personal_data (public_thread);

  moving = g_new0 (Moving, 1);
  moving->self = self;
  moving->self_cancellable = g_object_ref (self->cancellable);
  moving->thread = g_object_ref (public_thread);
  moving->account_id = concierge_thread_get_account_id (public_thread);
  moving->kinds = kinds ? concierge_detector_describe_kinds (kinds) : NULL;
  reference = g_strdup_printf ("case-%" G_GINT64_FORMAT, concierge_thread_get_id (public_thread));
  moving->invitation = concierge_channel_dup_invitation (channel, reference);
  moving->plan.platform = concierge_platform_name (concierge_thread_get_platform (public_thread));
  moving->plan.customer = concierge_thread_get_contact_name (public_thread);
  moving->plan.kinds = moving->kinds;
  moving->plan.personal_data = kinds;
  moving->plan.language = self->reply_language;
  moving->plan.address = self->reply_address;
  moving->plan.invitation = moving->invitation;
  moving->plan.reachable = capabilities->can_reply_privately && !capabilities->private_needs_customer_first;
  /* Only personal data is ever hidden or removed, never criticism. */
  if (kinds == 0)
    moving->plan.post_action = CONCIERGE_POST_KEEP;
  else if (capabilities->can_hide)
    moving->plan.post_action = CONCIERGE_POST_HIDE;
  else if (capabilities->can_remove_for_personal_data)
    moving->plan.post_action = CONCIERGE_POST_REMOVE;
  return moving;
}

/* Whether the customer can be written to privately decides what the
 * dialog offers. */
static void
find_private_path (Moving *moving)
{
  ConciergeConversationView *self = moving->self;

  if (moving->ask_contact_threads)
    concierge_store_load_contact_threads_async (self->store, concierge_thread_get_contact_id (moving->thread),
                                                self->cancellable, contact_threads_loaded_cb, moving);
  else
    show_move_dialog (moving);
}

static void
removal_known_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Moving *moving = user_data;
  g_autoptr(GError) error = NULL;
  ConciergeRemoval removal;

  removal = concierge_channel_get_removal_finish (CONCIERGE_CHANNEL (object), result, &error);
  if (g_cancellable_is_cancelled (moving->self_cancellable))
    {
      moving_free (moving);
      return;
    }

  /* Unasked, the dialog promises no more than it did: removal where the
   * account may, and the flow says so if it may not. */
  if (error != NULL)
    g_debug ("Could not ask whether the post can be removed: %s", error->message);
  moving->plan.removal = removal;
  if (removal != CONCIERGE_REMOVAL_ALLOWED)
    moving->plan.post_action = CONCIERGE_POST_KEEP;
  find_private_path (moving);
}

/* The oldest of the customer's messages that the move would remove, or 0
 * when none would be. */
static gint64
oldest_post_to_remove (ConciergeConversationView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  gint64 oldest = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConciergeMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);
      gint64 created_at = concierge_message_get_created_at (message);

      if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN &&
          concierge_message_get_personal_data (message) != NULL &&
          concierge_message_get_remote_id (message) != NULL &&
          (oldest == 0 || created_at < oldest))
        oldest = created_at;
    }
  return oldest;
}

/* The customer's post a move answers privately, as the store chooses it
 * (find_post_to_answer): their latest with personal data, or else their
 * latest. */
static const char *
post_to_answer (ConciergeConversationView *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  const char *found = NULL;
  gboolean found_personal = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConciergeMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);
      gboolean personal = concierge_message_get_personal_data (message) != NULL;

      if (concierge_message_get_direction (message) != CONCIERGE_DIRECTION_IN ||
          concierge_message_get_remote_id (message) == NULL || concierge_message_get_deleted_at (message) != 0 ||
          (found_personal && !personal))
        continue;
      /* The list runs oldest first: a later one of the same kind wins. */
      found = concierge_message_get_remote_id (message);
      found_personal = personal;
    }
  return found;
}

static void
move_options_known_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Moving *moving = user_data;
  g_autoptr(GError) error = NULL;

  if (g_cancellable_is_cancelled (moving->self_cancellable))
    {
      moving_free (moving);
      return;
    }

  /* Unasked, the dialog promises nothing the platform may refuse: no
   * private reply, and the post stays. */
  if (!concierge_channel_get_move_options_finish (CONCIERGE_CHANNEL (object), result, &moving->plan.options,
                                                  &error))
    {
      g_debug ("Could not ask what a move can do for the post: %s", error->message);
      moving->plan.options.private_reply = CONCIERGE_MOVE_CANNOT;
      moving->plan.options.hide = CONCIERGE_MOVE_CANNOT;
    }
  moving->plan.reachable = moving->plan.options.private_reply == CONCIERGE_MOVE_CAN;
  if (moving->plan.post_action == CONCIERGE_POST_HIDE && moving->plan.options.hide != CONCIERGE_MOVE_CAN)
    moving->plan.post_action = CONCIERGE_POST_KEEP;
  show_move_dialog (moving);
}

static void
move_to_private_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);
  ConciergeChannel *channel = _concierge_conversation_view_get_channel (self);
  ConciergeChannelCapabilities capabilities = { 0 };
  Moving *moving;
  gint64 oldest;

  if (channel == NULL || self->thread == NULL ||
      concierge_thread_get_visibility (self->thread) != CONCIERGE_VISIBILITY_PUBLIC)
    return;

  moving = moving_new (self, self->thread, channel, &capabilities);
  moving->ask_contact_threads = capabilities.can_reply_privately && capabilities.private_needs_customer_first;

  /* Where the private message answers the post itself, what the platform
   * allows for that post decides what the dialog promises. */
  moving->plan.replies_to_post = capabilities.private_reply_once && post_to_answer (self) != NULL;
  if (moving->plan.replies_to_post)
    {
      concierge_channel_get_move_options_async (channel, concierge_thread_get_remote_id (self->thread),
                                                post_to_answer (self), self->cancellable, move_options_known_cb,
                                                moving);
      return;
    }

  /* Whether the account may remove the post here and now, before the
   * dialog promises it. */
  oldest = oldest_post_to_remove (self);
  if (moving->plan.post_action == CONCIERGE_POST_REMOVE && oldest != 0)
    concierge_channel_get_removal_async (channel, concierge_thread_get_remote_id (self->thread), oldest,
                                         self->cancellable, removal_known_cb, moving);
  else
    find_private_path (moving);
}

static void
public_thread_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  ConciergeConversationView *self;
  ConciergeChannel *channel;
  ConciergeChannelCapabilities capabilities = { 0 };
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  Moving *moving;

  /* Cancelled, too, when the view went: it may be gone. */
  threads = concierge_store_load_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  channel = _concierge_conversation_view_get_channel (self);
  if (threads == NULL)
    {
      show_move_error (self, error);
      return;
    }
  if (threads->len == 0 || channel == NULL || self->move == NULL)
    return;

  moving = moving_new (self, g_ptr_array_index (threads, 0), channel, &capabilities);
  moving->move_id = self->move->id;
  moving->plan.reachable = FALSE;
  moving->plan.post_action = self->move->post_action;
  show_move_dialog (moving);
}

/* The platform refused the private message: the public reply asks the
 * customer to write privately instead, after the same preview. The move
 * shows in its private thread too, so the public one is read first. */
static void
move_publicly_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (self->store == NULL || self->move == NULL)
    return;

  concierge_store_load_threads_async (self->store, &self->move->public_thread_id, 1, G_PRIORITY_DEFAULT,
                                      self->cancellable, public_thread_loaded_cb, self);
}

static void
retry_move_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (self->sync == NULL || self->move == NULL)
    return;

  concierge_sync_retry_move_async (self->sync, self->move->account_id, self->move->id, NULL, NULL, NULL);
}

static void
open_private_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);
  gint64 private_id = self->thread ? concierge_thread_get_moved_to_id (self->thread) : 0;

  if (private_id == 0 && self->move != NULL)
    private_id = self->move->private_thread_id;
  if (private_id != 0)
    gtk_widget_activate_action (widget, "win.show-thread", "x", private_id);
}

void
_concierge_conversation_view_class_actions_init (ConciergeConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "conversation.send", NULL, send_action);
  gtk_widget_class_install_action (widget_class, "conversation.resend", "x", resend_action);
  gtk_widget_class_install_action (widget_class, "conversation.leave-composer", NULL, leave_composer_action);
  gtk_widget_class_install_action (widget_class, "conversation.move-to-private", NULL, move_to_private_action);
  gtk_widget_class_install_action (widget_class, "conversation.retry-move", NULL, retry_move_action);
  gtk_widget_class_install_action (widget_class, "conversation.move-publicly", NULL, move_publicly_action);
  gtk_widget_class_install_action (widget_class, "conversation.open-private", NULL, open_private_action);
  gtk_widget_class_install_action (widget_class, "conversation.send-anyway", NULL, send_anyway_action);
  gtk_widget_class_install_action (widget_class, "conversation.edit-template", NULL, edit_template_action);
  gtk_widget_class_install_action (widget_class, "conversation.write-note", NULL, write_note_action);
  gtk_widget_class_install_action (widget_class, "conversation.insert-saved-reply", NULL,
                                   insert_saved_reply_action);
  gtk_widget_class_install_property_action (widget_class, "conversation.note-mode", "note-mode");
  _concierge_conversation_view_class_hide_actions_init (klass);
}

static void
can_send_changed_cb (ConciergeConversationView *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.send",
                                 concierge_composer_get_can_send (self->composer));
}

void
_concierge_conversation_view_actions_init (ConciergeConversationView *self)
{
  g_signal_connect_object (self->composer, "notify::can-send", G_CALLBACK (can_send_changed_cb), self,
                           G_CONNECT_SWAPPED);
  can_send_changed_cb (self);
}
