/* concierge-saved-reply-dialog.c
 *
 * Writing a saved reply, or changing one: its title, its text with the
 * variables that the composer fills in, the language it is in and the
 * form of address it uses.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "store/concierge-saved-replies.h"
#include "concierge-saved-reply-dialog.h"
#include "concierge-ui.h"

struct _ConciergeSavedReplyDialog
{
  AdwMessageDialog     parent_instance;

  ConciergeSavedReply *reply;

  /* Template widgets */
  AdwEntryRow         *title_row;
  GtkToggleButton     *german_button;
  GtkToggleButton     *english_button;
  GtkToggleButton     *formal_button;
  GtkToggleButton     *informal_button;
  GtkTextView         *text_view;
  GtkLabel            *hint_label;
  GtkLabel            *length_error;
};

G_DEFINE_FINAL_TYPE (ConciergeSavedReplyDialog, concierge_saved_reply_dialog, ADW_TYPE_MESSAGE_DIALOG)

static char *
dup_title (ConciergeSavedReplyDialog *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
}

/* Saving needs a title and a text, neither longer than a team's file
 * may hold. */
static void
changed_cb (ConciergeSavedReplyDialog *self)
{
  g_autofree char *title = dup_title (self);
  g_autofree char *text = concierge_text_view_dup_text (self->text_view);
  gboolean too_long = g_utf8_strlen (title, -1) > CONCIERGE_SAVED_REPLY_MAX_LENGTH ||
                      g_utf8_strlen (text, -1) > CONCIERGE_SAVED_REPLY_MAX_LENGTH;

  if (too_long)
    {
      /* Translators: %u is 10000 */
      g_autofree char *error = g_strdup_printf (_("The title and the text may have %u characters each at most."),
                                                CONCIERGE_SAVED_REPLY_MAX_LENGTH);

      gtk_label_set_text (self->length_error, error);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->length_error), too_long);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save",
                                           title[0] != '\0' && text[0] != '\0' && !too_long);
}

/**
 * concierge_saved_reply_dialog_new:
 * @reply: (nullable): the reply to change, or %NULL to write a new one
 */
ConciergeSavedReplyDialog *
concierge_saved_reply_dialog_new (GtkWindow           *parent,
                                  ConciergeSavedReply *reply)
{
  ConciergeSavedReplyDialog *self;

  g_return_val_if_fail (reply == NULL || CONCIERGE_IS_SAVED_REPLY (reply), NULL);

  self = g_object_new (CONCIERGE_TYPE_SAVED_REPLY_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self),
                                  reply ? _("Edit Saved Reply") : _("New Saved Reply"));
  if (reply != NULL)
    {
      self->reply = concierge_saved_reply_copy (reply);
      gtk_editable_set_text (GTK_EDITABLE (self->title_row), concierge_saved_reply_get_title (reply));
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->text_view), concierge_saved_reply_get_text (reply),
                                -1);
      gtk_toggle_button_set_active (concierge_saved_reply_get_language (reply) == CONCIERGE_LANGUAGE_ENGLISH
                                    ? self->english_button : self->german_button, TRUE);
      gtk_toggle_button_set_active (concierge_saved_reply_get_address (reply) == CONCIERGE_ADDRESS_INFORMAL
                                    ? self->informal_button : self->formal_button, TRUE);
    }
  else
    self->reply = concierge_saved_reply_new ("", "", CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL);

  changed_cb (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->title_row));
  return self;
}

/**
 * concierge_saved_reply_dialog_get_reply:
 *
 * Returns: (transfer none): the reply as the dialog shows it: a copy of
 *   the one it changes, with the changes, or a new one whose id is 0
 */
ConciergeSavedReply *
concierge_saved_reply_dialog_get_reply (ConciergeSavedReplyDialog *self)
{
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (CONCIERGE_IS_SAVED_REPLY_DIALOG (self), NULL);

  title = dup_title (self);
  text = concierge_text_view_dup_text (self->text_view);
  concierge_saved_reply_set_title (self->reply, title);
  concierge_saved_reply_set_text (self->reply, text);
  concierge_saved_reply_set_language (self->reply, gtk_toggle_button_get_active (self->english_button)
                                                   ? CONCIERGE_LANGUAGE_ENGLISH : CONCIERGE_LANGUAGE_GERMAN);
  concierge_saved_reply_set_address (self->reply, gtk_toggle_button_get_active (self->informal_button)
                                                  ? CONCIERGE_ADDRESS_INFORMAL : CONCIERGE_ADDRESS_FORMAL);
  return self->reply;
}

static void
concierge_saved_reply_dialog_dispose (GObject *object)
{
  ConciergeSavedReplyDialog *self = CONCIERGE_SAVED_REPLY_DIALOG (object);

  g_clear_object (&self->reply);

  G_OBJECT_CLASS (concierge_saved_reply_dialog_parent_class)->dispose (object);
}

static void
concierge_saved_reply_dialog_class_init (ConciergeSavedReplyDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_saved_reply_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-saved-reply-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, title_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, german_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, english_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, formal_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, informal_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, text_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, hint_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedReplyDialog, length_error);
}

static void
concierge_saved_reply_dialog_init (ConciergeSavedReplyDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Translators: keep the words in braces as they are: the composer
   * replaces them */
  gtk_label_set_text (self->hint_label, _("When you insert the reply, Concierge fills in {customer.first_name}, "
                                          "{customer.name}, {agent.name}, {thread.platform} and {ticket}."));
  g_signal_connect_object (self->title_row, "changed", G_CALLBACK (changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_text_view_get_buffer (self->text_view), "changed", G_CALLBACK (changed_cb), self,
                           G_CONNECT_SWAPPED);
}
