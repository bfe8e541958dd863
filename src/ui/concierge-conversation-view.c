/* concierge-conversation-view.c
 *
 * The conversation pane's content: the messages of the chosen thread, read
 * from the cache, under a bar that says who can read them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-sync.h"
#include "model/concierge-reply-text.h"
#include "privacy/concierge-detector.h"
#include "concierge-banner.h"
#include "concierge-conversation-view.h"
#include "concierge-message-row.h"
#include "concierge-move-dialog.h"
#include "concierge-move-progress.h"
#include "concierge-saved-reply-popover.h"
#include "concierge-spell-checker.h"
#include "concierge-ui.h"

struct _ConciergeConversationView
{
  GtkWidget         parent_instance;

  ConciergeStore   *store;
  ConciergeSync    *sync;
  ConciergeThread  *thread;
  GListStore       *messages;
  GCancellable     *cancellable;    /* until the view goes */
  GCancellable     *messages_cancellable;
  GSettings        *settings;       /* the company's own data, for the guard */
  ConciergeMove    *move;           /* the thread's latest move, or NULL */
  GCancellable     *move_cancellable;
  GHashTable       *textures;       /* image id → GdkTexture, of this thread */
  GCancellable     *images_cancellable;
  GCancellable     *deleted_cancellable;
  GCancellable     *contact_cancellable;
  ConciergeContact *contact;        /* the thread's customer, once loaded */
  ConciergeLanguage reply_language; /* chosen, or guessed from the customer */
  ConciergeAddress  reply_address;
  char             *inserted_reply; /* a saved reply as inserted, filled in */
  char             *template_text;  /* what the template warning is about */
  gint64            draft_thread_id;
  guint             draft_timeout_id;
  guint             stick_to_bottom : 1;
  guint             note_mode : 1;
  guint             loading_draft : 1;

  /* Template widgets */
  GtkStack         *stack;
  ConciergeBanner  *banner;
  ConciergeMoveProgress *move_progress;
  GtkScrolledWindow *scrolled_window;
  GtkListView      *list_view;
  GtkLabel         *composer_label;
  GtkImage         *composer_image;
  GtkRevealer      *template_revealer;
  GtkMenuButton    *saved_reply_button;
  ConciergeSavedReplyPopover *saved_reply_popover;
  GtkLabel         *template_label;
  GtkTextView      *composer_text;
  GtkLabel         *counter_label;
  GtkButton        *send_button;
  GtkLabel         *composer_error;
  GtkLabel         *spelling_label;
  ConciergeSpellChecker *spell_checker;
};

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

  concierge_message_row_set_message (row, message, before,
                                     self->thread ? concierge_thread_get_contact_name (self->thread) : "");
  concierge_message_row_set_images (row, concierge_message_get_images (message), self->store, self->textures,
                                    self->images_cancellable);
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

/* Spelling is checked in the language of the reply; without its
 * dictionary the agent is told, rather than seeing nothing marked. */
static void
update_spelling (ConciergeConversationView *self)
{
  const char *language = concierge_language_to_string (self->reply_language);
  gboolean missing;

  concierge_spell_checker_set_language (self->spell_checker, language);
  missing = language != NULL && !concierge_spell_checker_get_available (self->spell_checker);
  if (missing)
    gtk_label_set_text (self->spelling_label,
                        self->reply_language == CONCIERGE_LANGUAGE_ENGLISH
                        ? _("Spelling is not checked: no English dictionary is installed.")
                        : _("Spelling is not checked: no German dictionary is installed."));
  gtk_widget_set_visible (GTK_WIDGET (self->spelling_label), missing);
}

static void
set_reply_language (ConciergeConversationView *self,
                    ConciergeLanguage          language,
                    ConciergeAddress           address)
{
  if (self->reply_language != language)
    {
      self->reply_language = language;
      update_spelling (self);
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

/* The composer says who reads the reply, right where it is written, and
 * when it cannot go out yet. */
static ConciergeChannel *thread_channel (ConciergeConversationView *self);

static void
update_composer_label (ConciergeConversationView *self)
{
  ConciergeChannel *channel;
  gboolean is_public;

  if (self->thread == NULL)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->composer_image), self->note_mode);
  if (self->note_mode)
    {
      gtk_label_set_text (self->composer_label, _("Internal note: only your team sees it, and it is never sent"));
      return;
    }

  is_public = concierge_thread_get_visibility (self->thread) == CONCIERGE_VISIBILITY_PUBLIC;
  channel = thread_channel (self);

  if (channel != NULL)
    {
      ConciergeChannelCapabilities capabilities = { 0 };
      const char *who = is_public ? _("Public reply: everyone can read it")
                                  : _("Private reply: only the customer reads it");
      g_autofree char *window = NULL;

      /* The platform takes replies only for a while after the customer
       * wrote: said where the reply is written, once it runs short. */
      concierge_channel_get_capabilities (channel, &capabilities);
      window = concierge_describe_reply_window (capabilities.reply_window_seconds,
                                                concierge_thread_get_last_incoming_at (self->thread),
                                                g_get_real_time () / G_USEC_PER_SEC);
      if (window != NULL)
        {
          /* Translators: who reads the reply, then how long the platform still takes it */
          g_autofree char *text = g_strdup_printf (_("%s · %s"), who, window);

          gtk_label_set_text (self->composer_label, text);
        }
      else
        gtk_label_set_text (self->composer_label, who);
    }
  else
    gtk_label_set_text (self->composer_label,
                        is_public ? _("Public reply: everyone can read it. This account is not connected, "
                                      "so the reply waits in the outbox until it is.")
                                  : _("Private reply: only the customer reads it. This account is not connected, "
                                      "so the reply waits in the outbox until it is."));
}

static ConciergeChannel *
thread_channel (ConciergeConversationView *self)
{
  if (self->sync == NULL || self->thread == NULL)
    return NULL;
  return concierge_sync_get_channel (self->sync, concierge_thread_get_account_id (self->thread));
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

  concierge_banner_set_title (self->banner, is_public ? _("Public — everyone can read your reply")
                                                      : _("Private — only the customer reads your reply"));
  concierge_banner_set_subtitle (self->banner, subtitle);
  concierge_banner_set_icon_name (self->banner, is_public ? "concierge-public-symbolic" : "concierge-private-symbolic");
  if (is_public && moved)
    concierge_banner_set_button (self->banner, _("_Open Private Conversation"), "conversation.open-private");
  else if (is_public)
    concierge_banner_set_button (self->banner, _("_Move to Private"), "conversation.move-to-private");
  else
    concierge_banner_set_button (self->banner, NULL, NULL);
  gtk_widget_remove_css_class (GTK_WIDGET (self->banner), is_public ? "private" : "public");
  gtk_widget_add_css_class (GTK_WIDGET (self->banner), is_public ? "public" : "private");

  update_composer_label (self);
  /* Once moved, the way on is the private conversation, not a second move. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.move-to-private",
                                 is_public && !moved && thread_channel (self) != NULL);
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

/* The composer */

static guint
max_length (ConciergeConversationView *self)
{
  ConciergeChannelCapabilities capabilities = { .max_length = 0 };
  ConciergeChannel *channel = thread_channel (self);

  if (channel != NULL)
    concierge_channel_get_capabilities (channel, &capabilities);

  return capabilities.max_length;
}

static char *
composer_get_text (ConciergeConversationView *self)
{
  return concierge_text_view_dup_text (self->composer_text);
}

static void hide_template_warning (ConciergeConversationView *self);

/* Variables left in the text are marked; a reply never goes out with
 * one. */
static void
mark_variables (ConciergeConversationView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_text);
  g_autoptr(GArray) spans = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  gtk_text_buffer_remove_tag_by_name (buffer, "variable", &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  spans = concierge_reply_find_variables (text);
  for (guint i = 0; i < spans->len; i++)
    {
      ConciergeTextSpan *span = &g_array_index (spans, ConciergeTextSpan, i);

      gtk_text_buffer_get_iter_at_offset (buffer, &start, span->start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, span->end);
      gtk_text_buffer_apply_tag_by_name (buffer, "variable", &start, &end);
    }
}

/* Drafts: what the agent writes is kept a moment after each change, and
 * when they move on to another thread. */
#define DRAFT_DELAY_MS 600

static void
save_draft_now (ConciergeConversationView *self)
{
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->draft_timeout_id, g_source_remove);
  if (self->store == NULL || self->draft_thread_id == 0)
    return;

  /* A note half written is a draft as well. */
  text = composer_get_text (self);
  concierge_store_save_draft_async (self->store, self->draft_thread_id, text, NULL, NULL, NULL);
}

static gboolean
draft_timeout_cb (gpointer data)
{
  ConciergeConversationView *self = data;

  self->draft_timeout_id = 0;
  save_draft_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_draft_save (ConciergeConversationView *self)
{
  if (self->loading_draft || self->draft_thread_id == 0)
    return;
  g_clear_handle_id (&self->draft_timeout_id, g_source_remove);
  self->draft_timeout_id = g_timeout_add (DRAFT_DELAY_MS, draft_timeout_cb, self);
}

static void
composer_set_text (ConciergeConversationView *self,
                   const char                *text)
{
  self->loading_draft = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_text), text, -1);
  self->loading_draft = FALSE;
}

static void
draft_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ConciergeConversationView *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;

  /* Cancelled, too, when the view went: it may be gone. */
  text = concierge_store_load_draft_finish (CONCIERGE_STORE (object), result, &error);
  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading a draft failed: %s", error->message);
      return;
    }

  self = user_data;

  /* The agent may have started typing meanwhile, or moved on. */
  current = composer_get_text (self);
  if (self->thread != NULL && concierge_thread_get_id (self->thread) == self->draft_thread_id &&
      current[0] == '\0' && text[0] != '\0')
    composer_set_text (self, text);
}

static void
update_composer (ConciergeConversationView *self)
{
  g_autofree char *text = composer_get_text (self);
  g_autofree char *counter = NULL;
  glong length = g_utf8_strlen (text, -1);
  guint limit = max_length (self);
  gboolean too_long = limit > 0 && length > limit;

  if (self->template_text != NULL && !g_str_equal (self->template_text, text))
    hide_template_warning (self);

  /* A note never goes to the platform: no limit applies. */
  if (self->note_mode)
    limit = 0, too_long = FALSE;
  mark_variables (self);
  schedule_draft_save (self);

  if (limit > 0)
    /* Translators: characters written, of the platform's limit */
    counter = g_strdup_printf (_("%ld of %u"), length, limit);
  else
    counter = g_strdup_printf ("%ld", length);
  gtk_label_set_text (self->counter_label, counter);
  if (too_long)
    gtk_widget_add_css_class (GTK_WIDGET (self->counter_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->counter_label), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "conversation.send",
                                 self->sync != NULL && self->thread != NULL && length > 0 && !too_long);
}

/* @text: says what went wrong, in words for the agent */
static void
composer_show_error (ConciergeConversationView *self,
                     const char                *text)
{
  gtk_label_set_text (self->composer_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->composer_error), TRUE);
}

/* What was written is where it belongs now: the composer starts afresh. */
static void
composer_clear (ConciergeConversationView *self)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->composer_text), "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->composer_error), FALSE);
  g_clear_pointer (&self->inserted_reply, g_free);
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gboolean queued = concierge_sync_queue_reply_finish (CONCIERGE_SYNC (object), result, &error);

  /* The reply is in the outbox, or not, whether or not the view is still
   * there to say so. */
  if (self == NULL)
    return;
  if (!queued)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your reply could not be saved: %s"), error->message);

      composer_show_error (self, text);
      return;
    }

  /* It is in the outbox now; what happens next shows on the message. */
  composer_clear (self);
}

static void
queue_reply (ConciergeConversationView *self,
             const char                *text)
{
  concierge_sync_queue_reply_async (self->sync, concierge_thread_get_id (self->thread), text, NULL,
                                    queued_cb, concierge_caller_new (self, self->cancellable, NULL, NULL));
}

/* The guard: a public reply with personal data in it. A reply the agent
 * confirmed goes out when the view goes meanwhile. */

typedef struct
{
  ConciergeConversationView *self;             /* only while its cancellable is not cancelled */
  GCancellable              *self_cancellable;
  ConciergeSync             *sync;
  gint64                     thread_id;
  char                      *text;
  char                      *kinds;
} Guarded;

static void
guarded_free (Guarded *guarded)
{
  g_object_unref (guarded->self_cancellable);
  g_object_unref (guarded->sync);
  g_free (guarded->text);
  g_free (guarded->kinds);
  g_free (guarded);
}

static void
override_logged_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Guarded *guarded = user_data;
  g_autoptr(GError) error = NULL;

  /* Without its record in the audit log, it does not go out. */
  if (!concierge_store_log_finish (CONCIERGE_STORE (object), result, &error))
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your reply was not sent, since the audit log could not "
                                                 "record it: %s"), error->message);

      if (!g_cancellable_is_cancelled (guarded->self_cancellable))
        composer_show_error (guarded->self, text);
    }
  else
    concierge_sync_queue_reply_async (guarded->sync, guarded->thread_id, guarded->text, NULL, queued_cb,
                                      concierge_caller_new (guarded->self, guarded->self_cancellable, NULL, NULL));
  guarded_free (guarded);
}

static void
override_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      Guarded          *guarded)
{
  ConciergeConversationView *self = guarded->self;

  if (!g_str_equal (response, "send") || g_cancellable_is_cancelled (guarded->self_cancellable))
    {
      guarded_free (guarded);
      return;
    }

  concierge_store_log_async (self->store, CONCIERGE_AUDIT_OVERRIDE, guarded->thread_id,
                             "personal data in a public reply", guarded->kinds, NULL, override_logged_cb, guarded);
}

static void
sent_privately_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gint64 private_id;

  private_id = concierge_sync_queue_private_finish (CONCIERGE_SYNC (object), result, &error);
  if (self == NULL)
    return;
  if (private_id == 0)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your message could not be saved: %s"), error->message);

      composer_show_error (self, text);
      return;
    }

  /* The conversation goes on where nobody else reads it. */
  composer_clear (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.show-thread", "x", private_id);
}

static void
guard_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   Guarded          *guarded)
{
  ConciergeConversationView *self = guarded->self;
  AdwMessageDialog *confirm;

  if (g_cancellable_is_cancelled (guarded->self_cancellable))
    {
      guarded_free (guarded);
      return;
    }

  if (g_str_equal (response, "private"))
    {
      concierge_sync_queue_private_async (guarded->sync, guarded->thread_id, guarded->text, NULL,
                                          sent_privately_cb,
                                          concierge_caller_new (self, self->cancellable, NULL, NULL));
      guarded_free (guarded);
      return;
    }

  if (!g_str_equal (response, "public"))
    {
      /* Back to the text, where the data is marked. */
      gtk_widget_grab_focus (GTK_WIDGET (self->composer_text));
      guarded_free (guarded);
      return;
    }

  /* A second, deliberate yes, which the audit log keeps. */
  confirm = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                        _("Send Personal Data Publicly?"), NULL));
  adw_message_dialog_format_body (confirm,
                                  /* Translators: %s is the kinds of personal data, as in "IBAN, phone number" */
                                  _("Everyone will read the %s in your reply, and a public post can be copied "
                                    "before it is deleted. The audit log will record that you sent it anyway."),
                                  guarded->kinds);
  adw_message_dialog_add_responses (confirm, "cancel", _("_Cancel"), "send", _("_Send Publicly"), NULL);
  adw_message_dialog_set_response_appearance (confirm, "send", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (confirm, "cancel");
  adw_message_dialog_set_close_response (confirm, "cancel");
  g_signal_connect (confirm, "response", G_CALLBACK (override_response_cb), guarded);
  gtk_window_present (GTK_WINDOW (confirm));
}

/* Marks what the detector finds in the composer, and says what it is;
 * NULL when there is nothing. */
static char *
mark_composer (ConciergeConversationView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->composer_text);
  g_autoptr(ConciergeDetector) detector = concierge_detector_new_for_settings (self->settings);
  g_autoptr(GArray) findings = NULL;
  g_autofree char *text = NULL;
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gtk_text_buffer_remove_tag_by_name (buffer, "personal-data", &start, &end);
  findings = concierge_detector_scan (detector, text);
  for (guint k = 0; k < findings->len; k++)
    {
      const ConciergeFinding *finding = &g_array_index (findings, ConciergeFinding, k);

      gtk_text_buffer_get_iter_at_offset (buffer, &start, finding->start);
      gtk_text_buffer_get_iter_at_offset (buffer, &end, finding->end);
      gtk_text_buffer_apply_tag_by_name (buffer, "personal-data", &start, &end);
    }
  return concierge_detector_describe (findings);
}

/* Past the template warning: the guard, then the outbox. */
static void
send_checked (ConciergeConversationView *self,
              char                      *text)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autofree char *kinds = NULL;
  AdwMessageDialog *dialog;
  Guarded *guarded;

  if (self->sync == NULL || self->thread == NULL || text[0] == '\0')
    {
      g_free (text);
      return;
    }

  /* Everyone reads a public reply: personal data in it stops it, and the
   * agent sees why. */
  if (concierge_thread_get_visibility (self->thread) != CONCIERGE_VISIBILITY_PUBLIC ||
      (kinds = mark_composer (self)) == NULL)
    {
      queue_reply (self, text);
      g_free (text);
      return;
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                                       _("Personal Data in a Public Reply"), NULL));
  adw_message_dialog_format_body (dialog,
                                  /* Translators: %s is a platform, then the kinds of personal data, as in
                                   * "IBAN, phone number" */
                                  _("Everyone on %s can read this reply, and it contains: %s. Send it to the "
                                    "customer privately instead, or edit it so that no personal data goes out "
                                    "in public."),
                                  concierge_platform_name (concierge_thread_get_platform (self->thread)), kinds);
  adw_message_dialog_add_responses (dialog, "edit", _("_Edit"), "public", _("Send _Publicly…"),
                                    "private", _("Send P_rivately Instead"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "public", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "private", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "private");
  adw_message_dialog_set_close_response (dialog, "edit");

  guarded = g_new0 (Guarded, 1);
  guarded->self = self;
  guarded->self_cancellable = g_object_ref (self->cancellable);
  guarded->sync = g_object_ref (self->sync);
  guarded->thread_id = concierge_thread_get_id (self->thread);
  guarded->text = text;
  guarded->kinds = g_steal_pointer (&kinds);
  g_signal_connect (dialog, "response", G_CALLBACK (guard_response_cb), guarded);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
note_added_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeConversationView *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gboolean added = concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error);

  if (self == NULL)
    return;
  if (!added)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your note could not be saved: %s"), error->message);

      composer_show_error (self, text);
      return;
    }

  composer_clear (self);
  concierge_conversation_view_set_note_mode (self, FALSE);
}

static void
warn_template (ConciergeConversationView *self,
               const char                *text,
               const char                *why)
{
  g_free (self->template_text);
  self->template_text = g_strdup (text);
  gtk_label_set_text (self->template_label, why);
  gtk_widget_set_visible (GTK_WIDGET (self->template_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->template_revealer, TRUE);
}

static void
hide_template_warning (ConciergeConversationView *self)
{
  g_clear_pointer (&self->template_text, g_free);
  gtk_revealer_set_reveal_child (self->template_revealer, FALSE);
  /* A closed revealer's buttons still count as shown to screen readers,
   * and would stand beside a dialog's buttons of the same name. */
  gtk_widget_set_visible (GTK_WIDGET (self->template_revealer), FALSE);
}

typedef struct
{
  ConciergeConversationView *self; /* only until the check is cancelled */
  gint64                     thread_id;
  char                      *text;
} TemplateCheck;

static void
template_check_free (TemplateCheck *check)
{
  g_free (check->text);
  g_free (check);
}

static void
sent_elsewhere_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  TemplateCheck *check = user_data;
  ConciergeConversationView *self = check->self;
  g_autoptr(GError) error = NULL;
  gboolean found;

  /* Cancelled, too, when the view went: it may be gone. */
  found = concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      template_check_free (check);
      return;
    }
  if (error != NULL)
    g_warning ("Looking for the same reply failed: %s", error->message);

  /* The agent may have moved on meanwhile: nothing is sent elsewhere. */
  if (self->thread != NULL && concierge_thread_get_id (self->thread) == check->thread_id)
    {
      if (found)
        warn_template (self, check->text,
                       _("You sent the same words to another customer today. A sentence of your own for this "
                         "customer shows that a person read their message."));
      else
        send_checked (self, g_steal_pointer (&check->text));
    }
  template_check_free (check);
}

static gint64
start_of_today (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);
  g_autofree char *text = composer_get_text (self);
  g_autoptr(GArray) variables = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *inserted = NULL;
  TemplateCheck *check;

  if (self->store == NULL || self->thread == NULL || text[0] == '\0')
    return;

  /* A note stays here, for the team: no guard, no outbox. */
  if (self->note_mode)
    {
      concierge_store_add_note_async (self->store, concierge_thread_get_id (self->thread), text, NULL,
                                      note_added_cb, concierge_caller_new (self, self->cancellable, NULL, NULL));
      return;
    }

  variables = concierge_reply_find_variables (text);
  if (variables->len > 0)
    {
      ConciergeTextSpan *span = &g_array_index (variables, ConciergeTextSpan, 0);
      g_autofree char *name = g_utf8_substring (text, span->start, span->end);
      /* Translators: %s is a saved reply's variable, as in {customer.first_name} */
      g_autofree char *message = g_strdup_printf (_("Replace %s with what it stands for before you send the "
                                                    "reply."), name);

      composer_show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->composer_text));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->composer_error), FALSE);

  /* A saved reply that goes out as it was inserted sounds like one. */
  normal = concierge_reply_normalize (text);
  inserted = self->inserted_reply ? concierge_reply_normalize (self->inserted_reply) : NULL;
  if (inserted != NULL && g_str_equal (normal, inserted))
    {
      warn_template (self, text,
                     _("This saved reply goes out just as it was inserted. A sentence of your own for this "
                       "customer shows that a person read their message."));
      return;
    }

  check = g_new0 (TemplateCheck, 1);
  check->self = self;
  check->thread_id = concierge_thread_get_id (self->thread);
  check->text = g_steal_pointer (&text);
  concierge_store_find_sent_elsewhere_async (self->store, check->thread_id, check->text, start_of_today (),
                                             self->cancellable, sent_elsewhere_cb, check);
}

static void
send_anyway_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);
  char *text = g_steal_pointer (&self->template_text);

  hide_template_warning (self);
  if (text != NULL)
    send_checked (self, text);
}

static void
edit_template_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  hide_template_warning (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_text));
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
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_text));
}

static void
insert_saved_reply_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);

  if (self->thread != NULL)
    gtk_menu_button_popup (self->saved_reply_button);
}

static void
saved_reply_popover_show_cb (ConciergeConversationView *self)
{
  concierge_saved_reply_popover_set_preferred (self->saved_reply_popover, self->reply_language,
                                               self->reply_address);
}

static void
saved_reply_chosen_cb (ConciergeConversationView *self,
                       ConciergeSavedReply       *reply)
{
  concierge_conversation_view_insert_reply (self, concierge_saved_reply_get_text (reply));
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

  if (gtk_widget_has_focus (GTK_WIDGET (self->composer_text)))
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

  composer_show_error (self, text);
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

static void
move_to_private_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (widget);
  ConciergeChannel *channel = thread_channel (self);
  ConciergeChannelCapabilities capabilities = { 0 };
  Moving *moving;

  if (channel == NULL || self->thread == NULL ||
      concierge_thread_get_visibility (self->thread) != CONCIERGE_VISIBILITY_PUBLIC)
    return;

  moving = moving_new (self, self->thread, channel, &capabilities);
  if (capabilities.can_reply_privately && capabilities.private_needs_customer_first)
    concierge_store_load_contact_threads_async (self->store, concierge_thread_get_contact_id (self->thread),
                                                self->cancellable, contact_threads_loaded_cb, moving);
  else
    show_move_dialog (moving);
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
  channel = thread_channel (self);
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
  concierge_saved_reply_popover_set_store (self->saved_reply_popover, store);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (threads_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "invalidated", G_CALLBACK (load_messages), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "contact-changed", G_CALLBACK (contact_changed_cb), self, G_CONNECT_SWAPPED);
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
  update_composer_label (self);
  g_signal_connect_object (sync, "state-changed", G_CALLBACK (update_composer), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "accounts-changed", G_CALLBACK (update_composer_label), self, G_CONNECT_SWAPPED);
  update_composer (self);
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
    gtk_widget_grab_focus (GTK_WIDGET (self->composer_text));
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

  /* The draft of the thread the agent leaves is kept at once. */
  if (self->draft_timeout_id != 0)
    save_draft_now (self);
  self->draft_thread_id = 0;
  composer_set_text (self, "");
  g_clear_pointer (&self->inserted_reply, g_free);
  hide_template_warning (self);
  concierge_conversation_view_set_note_mode (self, FALSE);

  g_set_object (&self->thread, thread);
  g_list_store_remove_all (self->messages);
  g_clear_pointer (&self->move, concierge_move_free);
  g_cancellable_cancel (self->images_cancellable);
  g_clear_object (&self->images_cancellable);
  self->images_cancellable = g_cancellable_new ();
  g_hash_table_remove_all (self->textures);
  g_cancellable_cancel (self->deleted_cancellable);
  g_clear_object (&self->deleted_cancellable);
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
  gtk_widget_set_visible (GTK_WIDGET (self->composer_error), FALSE);
  if (self->sync != NULL && concierge_thread_get_unread (thread))
    concierge_sync_mark_read (self->sync, thread);
  update_composer (self);
  load_messages (self);
  load_move (self);
  load_contact (self);
  self->draft_thread_id = concierge_thread_get_id (thread);
  if (self->store != NULL)
    concierge_store_load_draft_async (self->store, self->draft_thread_id, self->cancellable, draft_loaded_cb,
                                      self);

  /* Whether customers deleted messages shows as the agent opens the
   * conversation; nothing to wait for. */
  if (self->sync != NULL)
    {
      self->deleted_cancellable = g_cancellable_new ();
      concierge_sync_check_deleted_async (self->sync, thread, self->deleted_cancellable,
                                          deletions_checked_cb, NULL);
    }
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

  note_mode = !!note_mode;
  if (self->note_mode == note_mode)
    return;

  self->note_mode = note_mode;
  if (note_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->composer_text), "note");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->composer_text), "note");
  gtk_button_set_label (self->send_button, note_mode ? _("_Add Note") : _("_Send"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button),
                               note_mode ? _("Add Note (Ctrl+Enter)") : _("Send (Ctrl+Enter)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->composer_text), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  note_mode ? _("Internal Note") : _("Reply"), -1);
  hide_template_warning (self);
  update_composer_label (self);
  update_composer (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE_MODE]);
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
  GtkTextBuffer *buffer;
  g_autofree char *ticket = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *filled = NULL;
  ConciergeReplyVariables variables = { NULL, };

  g_return_if_fail (CONCIERGE_IS_CONVERSATION_VIEW (self));
  g_return_if_fail (text != NULL);

  if (self->thread == NULL)
    return;

  ticket = concierge_thread_dup_reference (self->thread);
  agent = concierge_agent_name (self->settings);
  variables.customer_name = concierge_thread_get_contact_name (self->thread);
  variables.agent_name = agent;
  variables.platform = concierge_platform_name (concierge_thread_get_platform (self->thread));
  variables.ticket = ticket;
  filled = concierge_reply_fill_variables (text, &variables);

  buffer = gtk_text_view_get_buffer (self->composer_text);
  gtk_text_buffer_insert_at_cursor (buffer, filled, -1);
  g_free (self->inserted_reply);
  self->inserted_reply = composer_get_text (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->composer_text));
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
      g_value_set_boolean (value, self->note_mode);
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
  /* What the agent wrote is kept, also when the window closes. */
  if (self->draft_timeout_id != 0)
    save_draft_now (self);
  g_clear_pointer (&self->move, concierge_move_free);
  g_clear_object (&self->thread);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  g_clear_object (&self->settings);
  g_clear_object (&self->spell_checker);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_CONVERSATION_VIEW);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (concierge_conversation_view_parent_class)->dispose (object);
}

static void
concierge_conversation_view_finalize (GObject *object)
{
  ConciergeConversationView *self = CONCIERGE_CONVERSATION_VIEW (object);

  g_free (self->inserted_reply);
  g_free (self->template_text);

  G_OBJECT_CLASS (concierge_conversation_view_parent_class)->finalize (object);
}

static void
concierge_conversation_view_class_init (ConciergeConversationViewClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_conversation_view_dispose;
  G_OBJECT_CLASS (klass)->finalize = concierge_conversation_view_finalize;
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
  g_type_ensure (CONCIERGE_TYPE_SAVED_REPLY_POPOVER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-conversation-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, banner);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, move_progress);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, list_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, composer_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, composer_text);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, composer_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, template_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, saved_reply_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, saved_reply_popover);
  gtk_widget_class_bind_template_callback (widget_class, saved_reply_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, saved_reply_popover_show_cb);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, template_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, counter_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, send_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, composer_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergeConversationView, spelling_label);

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
}

static void
concierge_conversation_view_init (ConciergeConversationView *self)
{
  g_autoptr(GtkSelectionModel) selection = NULL;
  GtkListItemFactory *factory;
  GtkEventController *shortcuts;
  GtkAdjustment *adjustment;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->messages = g_list_store_new (CONCIERGE_TYPE_MESSAGE);
  self->textures = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->images_cancellable = g_cancellable_new ();
  self->cancellable = g_cancellable_new ();

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
  /* The text view would take Enter for a new line; these keys are caught
   * before it sees them. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Return, GDK_CONTROL_MASK),
                                                   gtk_keyval_trigger_new (GDK_KEY_KP_Enter, GDK_CONTROL_MASK)),
                      gtk_named_action_new ("conversation.send")));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
    gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                      gtk_named_action_new ("conversation.leave-composer")));
  gtk_widget_add_controller (GTK_WIDGET (self->composer_text), shortcuts);

  g_signal_connect_object (gtk_text_view_get_buffer (self->composer_text), "changed",
                           G_CALLBACK (update_composer), self, G_CONNECT_SWAPPED);
  /* The guard's marks; underlined too, since a colour alone tells nothing
   * to some. */
  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->composer_text), "personal-data",
                              "background", "#f6d32d", "foreground", "#241f31", "background-full-height", FALSE,
                              "underline", PANGO_UNDERLINE_ERROR, NULL);
  /* Variables still to fill in, as a saved reply left them. */
  gtk_text_buffer_create_tag (gtk_text_view_get_buffer (self->composer_text), "variable",
                              "background", "#99c1f1", "foreground", "#241f31", "weight", PANGO_WEIGHT_BOLD, NULL);
  self->settings = g_settings_new (BASE_ID);
  self->spell_checker = concierge_spell_checker_new (self->composer_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->composer_text),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reply"), -1);
  update_composer (self);
  concierge_stack_show (self->stack, "empty");
}
