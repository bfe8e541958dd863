/* concierge-composer.c
 *
 * Where the agent writes a reply or an internal note: the text with its
 * draft, the variables of saved replies, the spelling, and who reads it.
 * Sending it is in concierge-composer-send.c.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-reply-text.h"
#include "concierge-composer-private.h"
#include "concierge-saved-reply-popover.h"
#include "concierge-spell-checker.h"
#include "concierge-ui.h"

G_DEFINE_FINAL_TYPE (ConciergeComposer, concierge_composer, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_NOTE_MODE,
  PROP_CAN_SEND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Spelling is checked in the language of the reply; without its
 * dictionary the agent is told, rather than seeing nothing marked. */
static void
update_spelling (ConciergeComposer *self)
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

static ConciergeChannel *
thread_channel (ConciergeComposer *self)
{
  if (self->sync == NULL || self->thread == NULL)
    return NULL;
  return concierge_sync_get_channel (self->sync, concierge_thread_get_account_id (self->thread));
}

static void update_posts_limit (ConciergeComposer *self);
static void update_sending (ConciergeComposer *self);

/* Whom the reply reaches: the audience of the post it answers, where the
 * platform has audiences, else public or private. */
static const char *
describe_readers (ConciergeThread *thread)
{
  if (concierge_thread_get_visibility (thread) != CONCIERGE_VISIBILITY_PUBLIC)
    return _("Private reply: only the customer reads it");

  switch (concierge_thread_get_audience (thread))
    {
    case CONCIERGE_AUDIENCE_UNLISTED:
      return _("Unlisted reply: everyone can read it, but it is not shown in public timelines");
    case CONCIERGE_AUDIENCE_FOLLOWERS:
      return _("Followers-only reply: this account’s followers read it");
    case CONCIERGE_AUDIENCE_PUBLIC:
    case CONCIERGE_AUDIENCE_DIRECT:
    case CONCIERGE_AUDIENCE_UNKNOWN:
    default:
      return _("Public reply: everyone can read it");
    }
}

/* The composer says who reads the reply, right where it is written, and
 * when it cannot go out yet. */
static void
update_audience_label (ConciergeComposer *self)
{
  ConciergeChannel *channel;

  if (self->thread == NULL)
    return;

  update_posts_limit (self);
  gtk_widget_set_visible (GTK_WIDGET (self->note_image), self->note_mode);
  if (self->note_mode)
    {
      gtk_label_set_text (self->audience_label, _("Internal note: only your team sees it, and it is never sent"));
      return;
    }

  channel = thread_channel (self);

  if (channel != NULL)
    {
      ConciergeChannelCapabilities capabilities = { 0 };
      const char *who = describe_readers (self->thread);
      g_autofree char *window = NULL;
      gboolean closed = FALSE;

      /* The platform takes replies only for a while after the customer
       * wrote: said where the reply is written, once it runs short. */
      concierge_channel_get_capabilities (channel, &capabilities);
      window = concierge_describe_reply_window_state (&capabilities, concierge_thread_get_visibility (self->thread),
                                                      concierge_thread_get_last_incoming_at (self->thread),
                                                      g_get_real_time () / G_USEC_PER_SEC, &closed);
      if (self->window_closed != closed)
        {
          self->window_closed = closed;
          update_sending (self);
        }
      if (window != NULL)
        {
          /* Translators: who reads the reply, then how long the platform still takes it */
          g_autofree char *text = g_strdup_printf (_("%s · %s"), who, window);

          gtk_label_set_text (self->audience_label, text);
        }
      else
        gtk_label_set_text (self->audience_label, who);
    }
  else
    {
      self->window_closed = FALSE;
      /* Translators: who reads the reply, from the texts above */
      g_autofree char *text = g_strdup_printf (_("%s. This account is not connected, so the reply waits "
                                                 "in the outbox until it is."),
                                               describe_readers (self->thread));

      gtk_label_set_text (self->audience_label, text);
    }
}

typedef struct
{
  ConciergeComposer *self;
  gint64             account_id;
  guint              limit;
  guint              seconds;
} PostsCount;

static void
posts_counted_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autofree PostsCount *count = user_data;
  ConciergeComposer *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gssize posted;

  /* Cancelled, too, when the composer went: it may be gone. */
  posted = concierge_store_count_posts_since_finish (CONCIERGE_STORE (object), result, &error);
  if (posted < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Counting the account’s posts failed: %s", error->message);
      return;
    }

  self = count->self;
  if (self->thread == NULL || self->note_mode || concierge_thread_get_account_id (self->thread) != count->account_id)
    return;
  text = concierge_describe_posts_limit (concierge_platform_name (concierge_thread_get_platform (self->thread)),
                                         count->limit, count->seconds, (guint) posted);
  if (text != NULL)
    gtk_label_set_text (self->posts_limit_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->posts_limit_label), text != NULL);
}

/* A platform that takes only so many posts from an account in a while
 * refuses the reply once they are made: the composer says so before. */
static void
update_posts_limit (ConciergeComposer *self)
{
  ConciergeChannelCapabilities capabilities = { 0 };
  ConciergeChannel *channel = thread_channel (self);
  PostsCount *count;

  if (channel != NULL)
    concierge_channel_get_capabilities (channel, &capabilities);
  if (self->store == NULL || self->note_mode || channel == NULL || capabilities.posts_limit == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->posts_limit_label), FALSE);
      return;
    }

  count = g_new0 (PostsCount, 1);
  count->self = self;
  count->account_id = concierge_thread_get_account_id (self->thread);
  count->limit = capabilities.posts_limit;
  count->seconds = capabilities.posts_limit_seconds;
  concierge_store_count_posts_since_async (self->store, count->account_id,
                                           g_get_real_time () / G_USEC_PER_SEC - capabilities.posts_limit_seconds,
                                           self->cancellable, posts_counted_cb, count);
}

static guint
max_length (ConciergeComposer *self)
{
  ConciergeChannelCapabilities capabilities = { .max_length = 0 };
  ConciergeChannel *channel = thread_channel (self);

  if (channel != NULL)
    concierge_channel_get_capabilities (channel, &capabilities);

  return capabilities.max_length;
}

char *
_concierge_composer_dup_text (ConciergeComposer *self)
{
  return concierge_text_view_dup_text (self->text_view);
}

/* Variables left in the text are marked; a reply never goes out with
 * one. */
static void
mark_variables (ConciergeComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
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
save_draft_now (ConciergeComposer *self)
{
  g_autofree char *text = NULL;

  g_clear_handle_id (&self->draft_timeout_id, g_source_remove);
  if (self->store == NULL || self->draft_thread_id == 0)
    return;

  /* A note half written is a draft as well. */
  text = _concierge_composer_dup_text (self);
  concierge_store_save_draft_async (self->store, self->draft_thread_id, text, NULL, NULL, NULL);
}

static gboolean
draft_timeout_cb (gpointer data)
{
  ConciergeComposer *self = data;

  self->draft_timeout_id = 0;
  save_draft_now (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_draft_save (ConciergeComposer *self)
{
  if (self->loading_draft || self->draft_thread_id == 0)
    return;
  g_clear_handle_id (&self->draft_timeout_id, g_source_remove);
  self->draft_timeout_id = g_timeout_add (DRAFT_DELAY_MS, draft_timeout_cb, self);
}

static void
composer_set_text (ConciergeComposer *self,
                   const char        *text)
{
  self->loading_draft = TRUE;
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), text, -1);
  self->loading_draft = FALSE;
}

static void
draft_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ConciergeComposer *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *current = NULL;

  /* Cancelled, too, when the composer went: it may be gone. */
  text = concierge_store_load_draft_finish (CONCIERGE_STORE (object), result, &error);
  if (text == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading a draft failed: %s", error->message);
      return;
    }

  self = user_data;

  /* The agent may have started typing meanwhile, or moved on. */
  current = _concierge_composer_dup_text (self);
  if (self->thread != NULL && concierge_thread_get_id (self->thread) == self->draft_thread_id &&
      current[0] == '\0' && text[0] != '\0')
    composer_set_text (self, text);
}

static void
update_sending (ConciergeComposer *self)
{
  g_autofree char *text = _concierge_composer_dup_text (self);
  g_autofree char *counter = NULL;
  glong length = g_utf8_strlen (text, -1);
  guint limit = max_length (self);
  gboolean too_long = limit > 0 && length > limit;
  gboolean can_send;

  if (self->template_text != NULL && !g_str_equal (self->template_text, text))
    _concierge_composer_hide_template_warning (self);

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

  /* A note goes in whatever the platform's window says. */
  can_send = self->sync != NULL && self->thread != NULL && length > 0 && !too_long &&
             (self->note_mode || !self->window_closed);
  if (self->can_send != can_send)
    {
      self->can_send = can_send;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_SEND]);
    }
}

/**
 * concierge_composer_show_error:
 * @text: says what went wrong, in words for the agent
 */
void
concierge_composer_show_error (ConciergeComposer *self,
                               const char        *text)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));
  g_return_if_fail (text != NULL);

  gtk_label_set_text (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

void
_concierge_composer_hide_template_warning (ConciergeComposer *self)
{
  g_clear_pointer (&self->template_text, g_free);
  gtk_revealer_set_reveal_child (self->template_revealer, FALSE);
  /* A closed revealer's buttons still count as shown to screen readers,
   * and would stand beside a dialog's buttons of the same name. */
  gtk_widget_set_visible (GTK_WIDGET (self->template_revealer), FALSE);
}

static void
saved_reply_popover_show_cb (ConciergeComposer *self)
{
  concierge_saved_reply_popover_set_preferred (self->saved_reply_popover, self->reply_language,
                                               self->reply_address);
}

static void
saved_reply_chosen_cb (ConciergeComposer   *self,
                       ConciergeSavedReply *reply)
{
  concierge_composer_insert_reply (self, concierge_saved_reply_get_text (reply));
}

/**
 * concierge_composer_set_note_mode:
 * @note_mode: whether the composer writes an internal note instead of a
 *   reply
 */
void
concierge_composer_set_note_mode (ConciergeComposer *self,
                                  gboolean           note_mode)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  note_mode = !!note_mode;
  if (self->note_mode == note_mode)
    return;

  self->note_mode = note_mode;
  if (note_mode)
    gtk_widget_add_css_class (GTK_WIDGET (self->text_view), "note");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->text_view), "note");
  gtk_button_set_label (self->send_button, note_mode ? _("_Add Note") : _("_Send"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->send_button),
                               note_mode ? _("Add Note (Ctrl+Enter)") : _("Send (Ctrl+Enter)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  note_mode ? _("Internal Note") : _("Reply"), -1);
  _concierge_composer_hide_template_warning (self);
  update_audience_label (self);
  update_sending (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTE_MODE]);
}

/**
 * concierge_composer_insert_reply:
 * @text: a saved reply's text, with its variables
 *
 * Puts a saved reply into the composer at the cursor, its variables
 * filled in for this customer. Those without a value stay, marked, for
 * the agent to fill in.
 */
void
concierge_composer_insert_reply (ConciergeComposer *self,
                                 const char        *text)
{
  GtkTextBuffer *buffer;
  g_autofree char *ticket = NULL;
  g_autofree char *agent = NULL;
  g_autofree char *filled = NULL;
  ConciergeReplyVariables variables = { NULL, };

  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));
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

  buffer = gtk_text_view_get_buffer (self->text_view);
  gtk_text_buffer_insert_at_cursor (buffer, filled, -1);
  g_free (self->inserted_reply);
  self->inserted_reply = _concierge_composer_dup_text (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}
/**
 * concierge_composer_set_reply_language:
 *
 * The language and form of address of the reply: spelling is checked in
 * that language, and saved replies in it come first.
 */
void
concierge_composer_set_reply_language (ConciergeComposer *self,
                                       ConciergeLanguage  language,
                                       ConciergeAddress   address)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  self->reply_address = address;
  if (self->reply_language != language)
    {
      self->reply_language = language;
      update_spelling (self);
    }
}

gboolean
concierge_composer_get_note_mode (ConciergeComposer *self)
{
  g_return_val_if_fail (CONCIERGE_IS_COMPOSER (self), FALSE);

  return self->note_mode;
}

/**
 * concierge_composer_get_can_send:
 *
 * Whether there is a reply or a note to send, and a way to send it.
 */
gboolean
concierge_composer_get_can_send (ConciergeComposer *self)
{
  g_return_val_if_fail (CONCIERGE_IS_COMPOSER (self), FALSE);

  return self->can_send;
}

/**
 * concierge_composer_focus_text:
 *
 * Puts the cursor in the text.
 */
void
concierge_composer_focus_text (ConciergeComposer *self)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}

gboolean
concierge_composer_text_has_focus (ConciergeComposer *self)
{
  g_return_val_if_fail (CONCIERGE_IS_COMPOSER (self), FALSE);

  return gtk_widget_has_focus (GTK_WIDGET (self->text_view));
}

/**
 * concierge_composer_choose_saved_reply:
 *
 * Opens the list of saved replies, when a conversation is open.
 */
void
concierge_composer_choose_saved_reply (ConciergeComposer *self)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  if (self->thread != NULL)
    gtk_menu_button_popup (self->saved_reply_button);
}

void
concierge_composer_set_store (ConciergeComposer *self,
                              ConciergeStore    *store)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  concierge_saved_reply_popover_set_store (self->saved_reply_popover, store);
}

/**
 * concierge_composer_set_sync:
 *
 * Replies go out through @sync's outbox.
 */
void
concierge_composer_set_sync (ConciergeComposer *self,
                             ConciergeSync     *sync)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));
  g_return_if_fail (CONCIERGE_IS_SYNC (sync));

  g_set_object (&self->sync, sync);
  g_signal_group_set_target (self->sync_signals, sync);
  update_audience_label (self);
  update_sending (self);
}

/**
 * concierge_composer_set_thread:
 * @thread: (nullable): the open conversation
 *
 * The draft of the conversation the agent leaves is kept, and the one of
 * @thread comes back. The same conversation again, as the cache changed
 * it, only says anew who reads the reply.
 */
void
concierge_composer_set_thread (ConciergeComposer *self,
                               ConciergeThread   *thread)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));
  g_return_if_fail (!thread || CONCIERGE_IS_THREAD (thread));

  if (thread != NULL && self->thread != NULL &&
      concierge_thread_get_id (thread) == concierge_thread_get_id (self->thread))
    {
      g_set_object (&self->thread, thread);
      update_audience_label (self);
      return;
    }

  /* The draft of the thread the agent leaves is kept at once. */
  if (self->draft_timeout_id != 0)
    save_draft_now (self);
  self->draft_thread_id = 0;
  composer_set_text (self, "");
  g_clear_pointer (&self->inserted_reply, g_free);
  _concierge_composer_hide_template_warning (self);
  concierge_composer_set_note_mode (self, FALSE);

  g_set_object (&self->thread, thread);
  if (thread == NULL)
    return;

  update_audience_label (self);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  update_sending (self);
  self->draft_thread_id = concierge_thread_get_id (thread);
  if (self->store != NULL)
    concierge_store_load_draft_async (self->store, self->draft_thread_id, self->cancellable, draft_loaded_cb,
                                      self);
}

static void
concierge_composer_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ConciergeComposer *self = CONCIERGE_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_NOTE_MODE:
      g_value_set_boolean (value, self->note_mode);
      break;
    case PROP_CAN_SEND:
      g_value_set_boolean (value, self->can_send);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_composer_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ConciergeComposer *self = CONCIERGE_COMPOSER (object);

  switch (prop_id)
    {
    case PROP_NOTE_MODE:
      concierge_composer_set_note_mode (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_composer_dispose (GObject *object)
{
  ConciergeComposer *self = CONCIERGE_COMPOSER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* What the agent wrote is kept, also when the window closes. */
  if (self->draft_timeout_id != 0)
    save_draft_now (self);
  if (self->sync_signals != NULL)
    g_signal_group_set_target (self->sync_signals, NULL);
  g_clear_object (&self->sync_signals);
  g_clear_object (&self->thread);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  g_clear_object (&self->settings);
  g_clear_object (&self->spell_checker);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_COMPOSER);

  G_OBJECT_CLASS (concierge_composer_parent_class)->dispose (object);
}

static void
concierge_composer_finalize (GObject *object)
{
  ConciergeComposer *self = CONCIERGE_COMPOSER (object);

  g_free (self->inserted_reply);
  g_free (self->template_text);

  G_OBJECT_CLASS (concierge_composer_parent_class)->finalize (object);
}

static void
concierge_composer_class_init (ConciergeComposerClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_composer_dispose;
  G_OBJECT_CLASS (klass)->finalize = concierge_composer_finalize;
  G_OBJECT_CLASS (klass)->get_property = concierge_composer_get_property;
  G_OBJECT_CLASS (klass)->set_property = concierge_composer_set_property;

  /* Whether the composer writes an internal note. */
  properties[PROP_NOTE_MODE] =
    g_param_spec_boolean ("note-mode", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether there is something to send, and a way to send it. */
  properties[PROP_CAN_SEND] =
    g_param_spec_boolean ("can-send", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (G_OBJECT_CLASS (klass), N_PROPS, properties);

  g_type_ensure (CONCIERGE_TYPE_SAVED_REPLY_POPOVER);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-composer.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, audience_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, text_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, note_image);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, template_revealer);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, saved_reply_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, saved_reply_popover);
  gtk_widget_class_bind_template_callback (widget_class, saved_reply_chosen_cb);
  gtk_widget_class_bind_template_callback (widget_class, saved_reply_popover_show_cb);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, template_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, counter_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, send_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, error_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, spelling_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeComposer, posts_limit_label);
}

static void
concierge_composer_init (ConciergeComposer *self)
{
  GtkTextBuffer *buffer;
  GtkEventController *shortcuts;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (BASE_ID);
  buffer = gtk_text_view_get_buffer (self->text_view);

  /* The sync says when an account connects, and with it who reads the
   * reply and how long it may be. */
  self->sync_signals = g_signal_group_new (CONCIERGE_TYPE_SYNC);
  g_signal_group_connect_object (self->sync_signals, "state-changed", G_CALLBACK (update_sending), self,
                                 G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->sync_signals, "accounts-changed", G_CALLBACK (update_audience_label), self,
                                 G_CONNECT_SWAPPED);

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
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), shortcuts);

  g_signal_connect_object (buffer, "changed", G_CALLBACK (update_sending), self, G_CONNECT_SWAPPED);
  /* The guard's marks; underlined too, since a colour alone tells nothing
   * to some. */
  gtk_text_buffer_create_tag (buffer, "personal-data",
                              "background", "#f6d32d", "foreground", "#241f31", "background-full-height", FALSE,
                              "underline", PANGO_UNDERLINE_ERROR, NULL);
  /* Variables still to fill in, as a saved reply left them. */
  gtk_text_buffer_create_tag (buffer, "variable",
                              "background", "#99c1f1", "foreground", "#241f31", "weight", PANGO_WEIGHT_BOLD, NULL);
  self->spell_checker = concierge_spell_checker_new (self->text_view);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->text_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Reply"), -1);
  update_sending (self);
}
