/* concierge-composer-send.c
 *
 * What happens when the agent sends: a note stays with the team; a reply
 * goes out only without variables left in it, not as a template, and, in
 * public, only without personal data or with the agent's recorded yes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-reply-text.h"
#include "privacy/concierge-detector.h"
#include "concierge-composer-private.h"
#include "concierge-ui.h"

/* What was written is where it belongs now: the composer starts afresh. */
static void
composer_clear (ConciergeComposer *self)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), "", -1);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_clear_pointer (&self->inserted_reply, g_free);
}

static void
queued_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeComposer *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gboolean queued = concierge_sync_queue_reply_finish (CONCIERGE_SYNC (object), result, &error);

  /* The reply is in the outbox, or not, whether or not the composer is still
   * there to say so. */
  if (self == NULL)
    return;
  if (!queued)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your reply could not be saved: %s"), error->message);

      concierge_composer_show_error (self, text);
      return;
    }

  /* It is in the outbox now; what happens next shows on the message. */
  composer_clear (self);
}

static void
queue_reply (ConciergeComposer *self,
             const char        *text)
{
  concierge_sync_queue_reply_async (self->sync, concierge_thread_get_id (self->thread), text, NULL,
                                    queued_cb, concierge_caller_new (self, self->cancellable, NULL, NULL));
}

/* The guard: a public reply with personal data in it. A reply the agent
 * confirmed goes out when the composer goes meanwhile. */

typedef struct
{
  ConciergeComposer *self;  /* only while its cancellable is not cancelled */
  GCancellable      *self_cancellable;
  ConciergeSync     *sync;
  gint64             thread_id;
  char              *text;
  char              *kinds;
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
        concierge_composer_show_error (guarded->self, text);
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
  ConciergeComposer *self = guarded->self;

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
  ConciergeComposer *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gint64 private_id;

  private_id = concierge_sync_queue_private_finish (CONCIERGE_SYNC (object), result, &error);
  if (self == NULL)
    return;
  if (private_id == 0)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your message could not be saved: %s"), error->message);

      concierge_composer_show_error (self, text);
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
  ConciergeComposer *self = guarded->self;
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
      gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
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
mark_composer (ConciergeComposer *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
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
send_checked (ConciergeComposer *self,
              char              *text)
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
  ConciergeComposer *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  gboolean added = concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error);

  if (self == NULL)
    return;
  if (!added)
    {
      /* Translators: %s is the reason */
      g_autofree char *text = g_strdup_printf (_("Your note could not be saved: %s"), error->message);

      concierge_composer_show_error (self, text);
      return;
    }

  composer_clear (self);
  concierge_composer_set_note_mode (self, FALSE);
}

static void
warn_template (ConciergeComposer *self,
               const char        *text,
               const char        *why)
{
  g_free (self->template_text);
  self->template_text = g_strdup (text);
  gtk_label_set_text (self->template_label, why);
  gtk_widget_set_visible (GTK_WIDGET (self->template_revealer), TRUE);
  gtk_revealer_set_reveal_child (self->template_revealer, TRUE);
}

typedef struct
{
  ConciergeComposer *self; /* only until the check is cancelled */
  gint64             thread_id;
  char              *text;
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
  ConciergeComposer *self = check->self;
  g_autoptr(GError) error = NULL;
  gboolean found;

  /* Cancelled, too, when the composer went: it may be gone. */
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

/**
 * concierge_composer_send:
 *
 * Sends the reply, or adds the note: a reply only once it has no
 * variables left, does not sound like a template and passes the guard.
 */
void
concierge_composer_send (ConciergeComposer *self)
{
  g_autofree char *text = NULL;
  g_autoptr(GArray) variables = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *inserted = NULL;
  TemplateCheck *check;

  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  text = _concierge_composer_dup_text (self);
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

      concierge_composer_show_error (self, message);
      gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);

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

/**
 * concierge_composer_send_anyway:
 *
 * Sends what the template warning is about, past the warning: the guard
 * still applies.
 */
void
concierge_composer_send_anyway (ConciergeComposer *self)
{
  char *text;

  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  text = g_steal_pointer (&self->template_text);
  _concierge_composer_hide_template_warning (self);
  if (text != NULL)
    send_checked (self, text);
}

/**
 * concierge_composer_edit_template:
 *
 * Back to the text, away from the template warning.
 */
void
concierge_composer_edit_template (ConciergeComposer *self)
{
  g_return_if_fail (CONCIERGE_IS_COMPOSER (self));

  _concierge_composer_hide_template_warning (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->text_view));
}
