/* concierge-conversation-view.c
 *
 * The conversation pane's content: the messages of the chosen thread, read
 * from the cache, under a bar that says who can read them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-reply-text.h"
#include "concierge-conversation-view-private.h"
#include "concierge-message-row.h"
#include "concierge-ui.h"

G_DEFINE_FINAL_TYPE (ConciergeConversationView, concierge_conversation_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_NOTE_MODE,
  PROP_REPLY_LANGUAGE,
  PROP_REPLY_ADDRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
setup_message_cb (GtkSignalListItemFactory  *factory,
                  GtkListItem               *item,
                  ConciergeConversationView *self)
{
  gtk_list_item_set_child (item, g_object_new (CONCIERGE_TYPE_MESSAGE_ROW, NULL));
  gtk_list_item_set_activatable (item, FALSE);
}

static void
bind_message_cb (GtkSignalListItemFactory  *factory,
                 GtkListItem               *item,
                 ConciergeConversationView *self)
{
  guint position = gtk_list_item_get_position (item);
  g_autoptr(ConciergeMessage) before = position > 0 ? g_list_model_get_item (G_LIST_MODEL (self->messages),
                                                                             position - 1) : NULL;

  ConciergeMessageRow *row = CONCIERGE_MESSAGE_ROW (gtk_list_item_get_child (item));
  ConciergeMessage *message = gtk_list_item_get_item (item);
  const char *platform = concierge_platform_name (self->thread ? concierge_thread_get_platform (self->thread) : NULL);

  concierge_message_row_set_message (row, message, before,
                                     self->thread ? concierge_thread_get_contact_name (self->thread) : "");
  concierge_message_row_set_images (row, concierge_message_get_images (message), self->store, self->textures,
                                    self->images_cancellable);
  concierge_message_row_set_attachments (row, concierge_message_get_attachments (message), self->store);
  concierge_message_row_set_moderation (row, message, _concierge_conversation_view_can_hide (self), platform);
}

/* A newly opened conversation starts at its latest message. */
static void
upper_changed_cb (GtkAdjustment             *adjustment,
                  GParamSpec                *pspec,
                  ConciergeConversationView *self)
{
  if (self->stick_to_bottom)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
}

static void
value_changed_cb (GtkAdjustment             *adjustment,
                  ConciergeConversationView *self)
{
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);

  self->stick_to_bottom = gtk_adjustment_get_value (adjustment) >= bottom - 1;
}

/* The language and form of address to reply in */

static void
set_reply_language (ConciergeConversationView *self,
                    ConciergeLanguage          language,
                    ConciergeAddress           address)
{
  concierge_composer_set_reply_language (self->composer, language, address);
  if (self->reply_language != language)
    {
      self->reply_language = language;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_LANGUAGE]);
    }
  if (self->reply_address != address)
    {
      self->reply_address = address;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPLY_ADDRESS]);
    }
}

/* What the agent chose for this customer, or else what their own messages
 * suggest; German customers are addressed formally until they show
 * otherwise. */
static void
update_reply_language (ConciergeConversationView *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) texts = NULL;
  ConciergeLanguage language = CONCIERGE_LANGUAGE_UNKNOWN;
  ConciergeAddress address = CONCIERGE_ADDRESS_UNKNOWN;

  if (self->contact != NULL)
    {
      language = concierge_contact_get_language (self->contact);
      address = concierge_contact_get_address (self->contact);
    }

  if (language == CONCIERGE_LANGUAGE_UNKNOWN || address == CONCIERGE_ADDRESS_UNKNOWN)
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->messages)); i++)
        {
          g_autoptr(ConciergeMessage) message = g_list_model_get_item (G_LIST_MODEL (self->messages), i);

          if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_IN)
            g_strv_builder_add (builder, concierge_message_get_body (message));
        }
      texts = g_strv_builder_end (builder);
      if (language == CONCIERGE_LANGUAGE_UNKNOWN)
        language = concierge_reply_guess_language ((const char * const *) texts);
      if (address == CONCIERGE_ADDRESS_UNKNOWN)
        address = concierge_reply_guess_address ((const char * const *) texts);
    }

  if (language == CONCIERGE_LANGUAGE_UNKNOWN)
    language = CONCIERGE_LANGUAGE_GERMAN;
  if (address == CONCIERGE_ADDRESS_UNKNOWN)
    address = CONCIERGE_ADDRESS_FORMAL;
  set_reply_language (self, language, address);
}

static void
contact_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergeConversationView *self;
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GError) error = NULL;

  contact = concierge_store_load_contact_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (contact == NULL && !g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND))
    g_warning ("Loading a customer failed: %s", error->message);

  self = user_data;
  g_set_object (&self->contact, contact);
  update_reply_language (self);
}

static void
load_contact (ConciergeConversationView *self)
{
  g_cancellable_cancel (self->contact_cancellable);
  g_clear_object (&self->contact_cancellable);
  g_clear_object (&self->contact);

  if (self->thread == NULL || self->store == NULL || concierge_thread_get_contact_id (self->thread) == 0)
    return;

  self->contact_cancellable = g_cancellable_new ();
  concierge_store_load_contact_async (self->store, concierge_thread_get_contact_id (self->thread),
                                      self->contact_cancellable, contact_loaded_cb, self);
}

/* The customer panel may have set the customer's language. */
static void
contact_changed_cb (ConciergeConversationView *self,
                    gint64                     contact_id)
{
  if (self->thread != NULL && (contact_id == 0 || contact_id == concierge_thread_get_contact_id (self->thread)))
    load_contact (self);
}

/* The agent's choice is kept with the customer. */
static void
choose_reply_language (ConciergeConversationView *self,
                       ConciergeLanguage          language,
                       ConciergeAddress           address)
{
  if (language == self->reply_language && address == self->reply_address)
    return;

  set_reply_language (self, language, address);
  if (self->store != NULL && self->contact != NULL)
    {
      concierge_store_set_contact_language_async (self->store, concierge_contact_get_id (self->contact),
                                                  language, address, NULL, NULL, NULL);
      load_contact (self);
    }
}

static void
messages_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergeConversationView *self;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  guint first = 0, n_old;

  messages = concierge_store_load_messages_finish (CONCIERGE_STORE (object), result, &error);
  if (messages == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading messages failed: %s", error->message);
      return;
    }

  self = user_data;
  self->stick_to_bottom = TRUE;

  /* Only from the first message that changed: the rows before it stay, and
   * so do the focus and what a screen reader is reading. */
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->messages));
  while (first < n_old && first < messages->len)
    {
      g_autoptr(ConciergeMessage) old = g_list_model_get_item (G_LIST_MODEL (self->messages), first);

      if (!concierge_message_row_shows_same (old, g_ptr_array_index (messages, first)))
        break;
      first++;
    }

  g_list_store_splice (self->messages, first, n_old - first,
                       messages->pdata + first, messages->len - first);
  update_reply_language (self);
}

static void
load_messages (ConciergeConversationView *self)
{
  g_cancellable_cancel (self->messages_cancellable);
  g_clear_object (&self->messages_cancellable);

  if (self->thread == NULL || self->store == NULL)
    return;

  self->messages_cancellable = g_cancellable_new ();
  concierge_store_load_messages_async (self->store, concierge_thread_get_id (self->thread),
                                       self->messages_cancellable, messages_loaded_cb, self);
}

ConciergeChannel *
_concierge_conversation_view_get_channel (ConciergeConversationView *self)
{
  if (self->sync == NULL || self->thread == NULL)
    return NULL;
  return concierge_sync_get_channel (self->sync, concierge_thread_get_account_id (self->thread));
}

/* How long the thread's platform still takes a reply, once it runs
 * short; NULL before, or without a window. */
static char *
dup_reply_window (ConciergeConversationView *self)
{
  ConciergeChannel *channel = _concierge_conversation_view_get_channel (self);
  ConciergeChannelCapabilities capabilities = { 0 };
  guint window;

  if (channel == NULL)
    return NULL;
  concierge_channel_get_capabilities (channel, &capabilities);
  window = concierge_channel_capabilities_reply_window (&capabilities, concierge_thread_get_visibility (self->thread));
  return concierge_describe_reply_window (window, concierge_thread_get_last_incoming_at (self->thread),
                                          g_get_real_time () / G_USEC_PER_SEC);
}

/* Public and private must be impossible to confuse: the banner says which
 * in words, stays at the top, and offers the way out of public. */
static void
update_banner (ConciergeConversationView *self)
{
  g_autofree char *subtitle = NULL;
  const char *platform = concierge_platform_name (concierge_thread_get_platform (self->thread));
  gboolean is_public = concierge_thread_get_visibility (self->thread) == CONCIERGE_VISIBILITY_PUBLIC;
  gboolean moved = concierge_thread_get_moved_to_id (self->thread) != 0;

  g_autofree char *reference = concierge_thread_dup_reference (self->thread);
  g_autofree char *window = NULL;

  if (is_public && moved)
    /* Translators: %s is a platform, like Mastodon, then the conversation's reference, like #42 */
    subtitle = g_strdup_printf (_("Public conversation on %s · %s. It went on in a private conversation."),
                                platform, reference);
  else if (is_public)
    /* Translators: %s is a platform, like Mastodon, then the conversation's reference, like #42 */
    subtitle = g_strdup_printf (_("Public conversation on %s · %s"), platform, reference);
  else
    /* Translators: %s is a platform, like Mastodon, then the conversation's reference, like #42 */
    subtitle = g_strdup_printf (_("Private conversation on %s · %s"), platform, reference);

  /* Beside the waiting time, how long the platform still takes a reply. */
  window = dup_reply_window (self);
  if (window != NULL)
    {
      g_autofree char *with_window = NULL;

      /* Translators: the conversation, as above, then how long the platform still takes a reply */
      with_window = g_strdup_printf (_("%s · %s"), subtitle, window);
      g_free (subtitle);
      subtitle = g_steal_pointer (&with_window);
    }

  concierge_banner_set_audience (self->banner, concierge_thread_get_audience (self->thread));
  concierge_banner_set_subtitle (self->banner, subtitle);
  if (is_public && moved)
    concierge_banner_set_button (self->banner, _("_Open Private Conversation"), "conversation.open-private");
  else if (is_public)
    concierge_banner_set_button (self->banner, _("_Move to Private"), "conversation.move-to-private");
  else
    concierge_banner_set_button (self->banner, NULL, NULL);

  /* Once moved, the way on is the private conversation, not a second move. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.move-to-private",
                                 is_public && !moved && _concierge_conversation_view_get_channel (self) != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.open-private", moved);
}

static void
move_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergeConversationView *self;
  g_autoptr(ConciergeMove) move = NULL;
  g_autoptr(GError) error = NULL;

  move = concierge_store_load_move_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (move == NULL && !g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND))
    g_warning ("Loading a move failed: %s", error->message);

  self = user_data;
  g_clear_pointer (&self->move, concierge_move_free);
  self->move = g_steal_pointer (&move);
  /* The public thread keeps the record of what happened to it; the private
   * one shows the steps only until they are done. */
  gtk_widget_set_visible (GTK_WIDGET (self->move_progress),
                          self->move != NULL &&
                          (self->move->public_thread_id == concierge_thread_get_id (self->thread) ||
                           !concierge_move_is_done (self->move)));
  if (self->move != NULL)
    concierge_move_progress_set_move (self->move_progress, self->move,
                                      concierge_platform_name (concierge_thread_get_platform (self->thread)),
                                      concierge_thread_get_id (self->thread));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.retry-move", self->move != NULL);
}

static void
load_move (ConciergeConversationView *self)
{
  g_cancellable_cancel (self->move_cancellable);
  g_clear_object (&self->move_cancellable);

  if (self->thread == NULL || self->store == NULL)
    return;

  self->move_cancellable = g_cancellable_new ();
  concierge_store_load_move_async (self->store, concierge_thread_get_id (self->thread), self->move_cancellable,
                                   move_loaded_cb, self);
}

/* New messages of the open thread arrive as a change of the thread. */
static void
threads_changed_cb (ConciergeConversationView *self,
                    GPtrArray                 *threads)
{
  for (guint i = 0; self->thread != NULL && i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);

      /* A step of the move shows on the other side of it too. */
      if (self->move != NULL && concierge_thread_get_id (thread) != concierge_thread_get_id (self->thread) &&
          (concierge_thread_get_id (thread) == self->move->public_thread_id ||
           concierge_thread_get_id (thread) == self->move->private_thread_id))
        load_move (self);

      if (concierge_thread_get_id (thread) == concierge_thread_get_id (self->thread))
        {
          g_set_object (&self->thread, thread);
          concierge_composer_set_thread (self->composer, thread);
          update_banner (self);
          load_messages (self);
          load_move (self);

          /* A message that arrives in the open conversation is read. */
          if (self->sync != NULL && concierge_thread_get_unread (thread) && gtk_widget_get_mapped (GTK_WIDGET (self)))
            concierge_sync_mark_read (self->sync, thread);
          return;
        }
    }
}

void
concierge_conversation_view_set_store (ConciergeConversationView *self,
                                       ConciergeStore            *store)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  g_signal_group_set_target (self->store_signals, store);
  concierge_composer_set_store (self->composer, store);
}

/**
 * concierge_conversation_view_set_sync:
 *
 * Replies go out through @sync's outbox.
 */
void
concierge_conversation_view_set_sync (ConciergeConversationView *self,
                                      ConciergeSync             *sync)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (CONCIERGE_IS_SYNC (sync));

  g_set_object (&self->sync, sync);
  concierge_composer_set_sync (self->composer, sync);
}

/**
 * concierge_conversation_view_focus_composer:
 *
 * Puts the cursor in the reply, when a conversation is open.
 */
void
concierge_conversation_view_focus_composer (ConciergeConversationView *self)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));

  if (self->thread != NULL)
    concierge_composer_focus_text (self->composer);
}

static void
deletions_checked_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!concierge_sync_check_deleted_finish (CONCIERGE_SYNC (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Could not check for deleted messages: %s", error->message);
}

/* Whether customers deleted messages shows as the agent opens the
 * conversation; nothing to wait for. */
static void
check_deleted (ConciergeConversationView *self)
{
  if (self->sync == NULL || self->thread == NULL)
    return;

  self->deleted_cancellable = g_cancellable_new ();
  concierge_sync_check_deleted_async (self->sync, self->thread, self->deleted_cancellable,
                                      deletions_checked_cb, NULL);
}

/* The messages of the thread left behind go, with their images and
 * whatever was still being read for them. */
static void
clear_messages (ConciergeConversationView *self)
{
  g_list_store_remove_all (self->messages);
  g_cancellable_cancel (self->images_cancellable);
  g_clear_object (&self->images_cancellable);
  self->images_cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->textures);
  g_cancellable_cancel (self->deleted_cancellable);
  g_clear_object (&self->deleted_cancellable);
}

/**
 * concierge_conversation_view_set_thread:
 * @thread: (nullable): the conversation to show
 *
 * Tells each part of the view the new conversation: the composer, the
 * messages, the move and the customer's language.
 */
void
concierge_conversation_view_set_thread (ConciergeConversationView *self,
                                        ConciergeThread           *thread)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (!thread || CONCIERGE_IS_THREAD (thread));

  if (thread != NULL && self->thread != NULL &&
      concierge_thread_get_id (thread) == concierge_thread_get_id (self->thread))
    return;

  /* GTK 4.8's list view trips over a focused row that goes with all the
   * others; the focus leaves first. */
  if (gtk_widget_get_root (GTK_WIDGET (self)) != NULL &&
      (gtk_widget_get_focus_child (GTK_WIDGET (self->list_view)) != NULL ||
       gtk_widget_has_focus (GTK_WIDGET (self->list_view))))
    gtk_root_set_focus (gtk_widget_get_root (GTK_WIDGET (self)), NULL);

  g_set_object (&self->thread, thread);
  concierge_composer_set_thread (self->composer, thread);
  clear_messages (self);
  g_clear_pointer (&self->move, concierge_move_free);
  gtk_widget_set_visible (GTK_WIDGET (self->move_progress), FALSE);

  if (thread == NULL)
    {
      g_cancellable_cancel (self->messages_cancellable);
      g_clear_object (&self->contact);
      set_reply_language (self, CONCIERGE_LANGUAGE_UNKNOWN, CONCIERGE_ADDRESS_UNKNOWN);
      concierge_stack_show (self->stack, "empty");
      return;
    }

  update_banner (self);
  concierge_stack_show (self->stack, "messages");
  if (self->sync != NULL && concierge_thread_get_unread (thread))
    concierge_sync_mark_read (self->sync, thread);
  load_messages (self);
  load_move (self);
  load_contact (self);
  check_deleted (self);
}

/**
 * concierge_conversation_view_set_note_mode:
 * @note_mode: whether the composer writes an internal note instead of a
 *   reply
 */
void
concierge_conversation_view_set_note_mode (ConciergeConversationView *self,
                                           gboolean                   note_mode)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));

  concierge_composer_set_note_mode (self->composer, note_mode);
}

/**
 * concierge_conversation_view_insert_reply:
 * @text: a saved reply's text, with its variables
 *
 * Puts a saved reply into the composer at the cursor, its variables
 * filled in for this customer. Those without a value stay, marked, for
 * the agent to fill in.
 */
void
concierge_conversation_view_insert_reply (ConciergeConversationView *self,
                                          const char                *text)
{
  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (text != NULL);

  concierge_composer_insert_reply (self->composer, text);
}

static void
concierge_conversation_view_get_property (GObject    *object,
                                          guint       prop_id,
                                          GValue     *value,
                                          GParamSpec *pspec)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (object);

  switch (prop_id)
    {
    case PROP_NOTE_MODE:
      g_value_set_boolean (value, concierge_composer_get_note_mode (self->composer));
      break;
    case PROP_REPLY_LANGUAGE:
      g_value_set_string (value, self->reply_language ? concierge_language_to_string (self->reply_language) : "");
      break;
    case PROP_REPLY_ADDRESS:
      g_value_set_string (value, self->reply_address ? concierge_address_to_string (self->reply_address) : "");
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_conversation_view_set_property (GObject      *object,
                                          guint         prop_id,
                                          const GValue *value,
                                          GParamSpec   *pspec)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (object);
  ConciergeLanguage language;
  ConciergeAddress address;

  switch (prop_id)
    {
    case PROP_NOTE_MODE:
      concierge_conversation_view_set_note_mode (self, g_value_get_boolean (value));
      break;
    case PROP_REPLY_LANGUAGE:
      if (concierge_language_from_string (g_value_get_string (value), &language))
        choose_reply_language (self, language, self->reply_address);
      break;
    case PROP_REPLY_ADDRESS:
      if (concierge_address_from_string (g_value_get_string (value), &address))
        choose_reply_language (self, self->reply_language, address);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
note_mode_changed_cb (ConciergeConversationView *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE_MODE]);
}

static void
concierge_conversation_view_dispose (GObject *object)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_cancellable_cancel (self->messages_cancellable);
  g_clear_object (&self->messages_cancellable);
  g_cancellable_cancel (self->move_cancellable);
  g_clear_object (&self->move_cancellable);
  g_cancellable_cancel (self->images_cancellable);
  g_clear_object (&self->images_cancellable);
  g_cancellable_cancel (self->deleted_cancellable);
  g_clear_object (&self->deleted_cancellable);
  g_clear_pointer (&self->textures, g_hash_table_unref);
  g_cancellable_cancel (self->contact_cancellable);
  g_clear_object (&self->contact_cancellable);
  g_clear_object (&self->contact);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  g_clear_object (&self->store_signals);
  g_clear_pointer (&self->move, concierge_move_free);
  g_clear_object (&self->thread);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  g_clear_object (&self->settings);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_CONVERSATION_VIEW);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (concierge_conversation_view_parent_class)->dispose (object);
}

static void
concierge_conversation_view_class_init (ConciergeConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_conversation_view_dispose;
  G_OBJECT_CLASS (klass)->get_property = concierge_conversation_view_get_property;
  G_OBJECT_CLASS (klass)->set_property = concierge_conversation_view_set_property;

  /* Whether the composer writes an internal note. */
  properties[PROP_NOTE_MODE] =
    g_param_spec_boolean ("note-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "de" or "en": the language to reply in, as chosen or guessed; empty
   * without a conversation, for the header's menu. */
  properties[PROP_REPLY_LANGUAGE] =
    g_param_spec_string ("reply-language", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* "formal" or "informal": how a German reply addresses the customer. */
  properties[PROP_REPLY_ADDRESS] =
    g_param_spec_string ("reply-address", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);

  g_type_ensure (CONCIERGE_TYPE_MESSAGE_ROW);
  g_type_ensure (CONCIERGE_TYPE_BANNER);
  g_type_ensure (CONCIERGE_TYPE_MOVE_PROGRESS);
  g_type_ensure (CONCIERGE_TYPE_COMPOSER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, banner);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, move_progress);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, list_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, composer);

  _concierge_conversation_view_class_actions_init (klass);
}

static void
concierge_conversation_view_init (ConciergeConversationView *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkListItemFactory *factory;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->messages = g_list_store_new (CONCIERGE_TYPE_MESSAGE);
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->images_cancellable = g_cancellable_new ();
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (BASE_ID);

  /* What changes in the cache: the open thread, its messages, its
   * customer. */
  self->store_signals = g_signal_group_new (CONCIERGE_TYPE_STORE);
  g_signal_group_connect_object (self->store_signals, "threads-changed", G_CALLBACK (threads_changed_cb), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->store_signals, "invalidated", G_CALLBACK (load_messages), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->store_signals, "contact-changed", G_CALLBACK (contact_changed_cb), self,
                                 G_CONNECT_SWAPPED);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_message_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_message_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->messages))));
  gtk_list_view_set_model (self->list_view, selection);

  adjustment = gtk_scrolled_window_get_vadjustment (self->scrolled_window);
  g_signal_connect_object (adjustment, "notify::upper", G_CALLBACK (upper_changed_cb), self, 0);
  g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (value_changed_cb), self, 0);
  g_signal_connect_object (self->composer, "notify::note-mode", G_CALLBACK (note_mode_changed_cb), self,
                           G_CONNECT_SWAPPED);
  _concierge_conversation_view_actions_init (self);
  concierge_stack_show (self->stack, "empty");
}
