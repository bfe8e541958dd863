/* concierge-hide-dialog.c
 *
 * Before a customer's post is hidden: the agent chooses the reason,
 * personal data, spam or abuse, and none is chosen for them. Criticism
 * is not among them, and the dialog says why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-hide-dialog.h"

struct _ConciergeHideDialog
{
  AdwMessageDialog parent_instance;

  gint64           message_id;

  /* Template widgets */
  GtkToggleButton *personal_data_check;
  GtkToggleButton *spam_check;
  GtkToggleButton *abuse_check;
};

G_DEFINE_FINAL_TYPE (ConciergeHideDialog, concierge_hide_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
reason_toggled_cb (ConciergeHideDialog *self)
{
  ConciergeHideReason reason;

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "hide",
                                           concierge_hide_dialog_get_reason (self, &reason));
}

ConciergeHideDialog *
concierge_hide_dialog_new (GtkWindow *parent,
                           gint64     message_id)
{
  ConciergeHideDialog *self = g_object_new (CONCIERGE_TYPE_HIDE_DIALOG, "transient-for", parent, NULL);

  self->message_id = message_id;
  return self;
}

gint64
concierge_hide_dialog_get_message_id (ConciergeHideDialog *self)
{
  g_return_val_if_fail (CONCIERGE_IS_HIDE_DIALOG (self), 0);

  return self->message_id;
}

/**
 * concierge_hide_dialog_get_reason:
 * @reason: (out): the reason chosen
 *
 * Returns: whether the agent chose one
 */
gboolean
concierge_hide_dialog_get_reason (ConciergeHideDialog *self,
                                  ConciergeHideReason *reason)
{
  g_return_val_if_fail (CONCIERGE_IS_HIDE_DIALOG (self), FALSE);

  if (gtk_toggle_button_get_active (self->personal_data_check))
    *reason = CONCIERGE_HIDE_PERSONAL_DATA;
  else if (gtk_toggle_button_get_active (self->spam_check))
    *reason = CONCIERGE_HIDE_SPAM;
  else if (gtk_toggle_button_get_active (self->abuse_check))
    *reason = CONCIERGE_HIDE_ABUSE;
  else
    return FALSE;
  return TRUE;
}

static void
concierge_hide_dialog_class_init (ConciergeHideDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-hide-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeHideDialog, personal_data_check);
  gtk_widget_class_bind_template_child (widget_class, ConciergeHideDialog, spam_check);
  gtk_widget_class_bind_template_child (widget_class, ConciergeHideDialog, abuse_check);
}

static void
concierge_hide_dialog_init (ConciergeHideDialog *self)
{
  GtkToggleButton *checks[3];

  gtk_widget_init_template (GTK_WIDGET (self));

  checks[0] = self->personal_data_check;
  checks[1] = self->spam_check;
  checks[2] = self->abuse_check;
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    g_signal_connect_object (checks[i], "toggled", G_CALLBACK (reason_toggled_cb), self, G_CONNECT_SWAPPED);
  reason_toggled_cb (self);
}
