/* concierge-forget-dialog.c
 *
 * The question before a customer is forgotten on this computer: it names
 * what goes with them, and that nothing on the platforms does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-forget-dialog.h"

struct _ConciergeForgetDialog
{
  AdwMessageDialog parent_instance;
};

G_DEFINE_FINAL_TYPE (ConciergeForgetDialog, concierge_forget_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* "3 conversations with 25 messages and 2 images" */
static char *
describe_summary (const ConciergeContactSummary *summary)
{
  g_autofree char *conversations = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conversation", "%u conversations",
                                                                 summary->threads), summary->threads);
  g_autofree char *messages = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages",
                                                            summary->messages), summary->messages);
  g_autofree char *images = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u image", "%u images",
                                                          summary->images), summary->images);
  g_autofree char *accounts = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u account", "%u accounts",
                                                            summary->identities), summary->identities);
  g_autoptr(GString) body = g_string_new (NULL);

  if (summary->images > 0)
    g_string_append_printf (body,
                            /* Translators: "This removes 3 conversations with 25 messages and 2 images, the profile and its 2 accounts from this computer." */
                            _("This removes %s with %s and %s, the profile and its %s from this computer."),
                            conversations, messages, images, accounts);
  else
    g_string_append_printf (body,
                            /* Translators: "This removes 3 conversations with 25 messages, the profile and its 2 accounts from this computer." */
                            _("This removes %s with %s, the profile and its %s from this computer."),
                            conversations, messages, accounts);
  if (summary->notes > 0)
    {
      g_string_append_c (body, ' ');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "Your team's %u internal note goes too.",
                                                 "Your team's %u internal notes go too.", summary->notes),
                              summary->notes);
    }
  if (summary->drafts + summary->outbox > 0)
    {
      guint unsent = summary->drafts + summary->outbox;

      g_string_append_c (body, ' ');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "%u reply not yet sent is discarded.",
                                                 "%u replies not yet sent are discarded.", unsent), unsent);
    }
  g_string_append_c (body, ' ');
  g_string_append (body, _("Nothing is deleted on the platforms. New messages from this person will arrive "
                           "as a new customer. This cannot be undone."));
  return g_string_free (g_steal_pointer (&body), FALSE);
}

static void
concierge_forget_dialog_class_init (ConciergeForgetDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-forget-dialog.ui");
}

static void
concierge_forget_dialog_init (ConciergeForgetDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * concierge_forget_dialog_new:
 * @name: the customer's name
 * @summary: what the cache holds of them
 *
 * Returns: the question whether to forget the customer; its response
 *   "forget" says yes
 */
ConciergeForgetDialog *
concierge_forget_dialog_new (GtkWindow                     *parent,
                             const char                    *name,
                             const ConciergeContactSummary *summary)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (summary != NULL, NULL);

  /* Translators: %s is the customer's name */
  heading = g_strdup_printf (_("Forget %s?"), name);
  body = describe_summary (summary);
  return g_object_new (CONCIERGE_TYPE_FORGET_DIALOG, "transient-for", parent, "heading", heading, "body", body,
                       NULL);
}
