/* concierge-merge-dialog.c
 *
 * Merging a customer with another one the agent searches for: by name,
 * email address, phone or customer number. The customer panel makes one
 * each time it is asked for, and merges whom the agent chose.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "concierge-merge-dialog.h"
#include "concierge-ui.h"

struct _ConciergeMergeDialog
{
  AdwMessageDialog  parent_instance;

  ConciergeStore   *store;
  gint64            contact_id;
  GCancellable     *cancellable;   /* the search under way */
  GListStore       *results;       /* of ConciergeContact */

  /* Template widgets */
  GtkSearchEntry   *search_entry;
  GtkStack         *results_stack;
  GtkListBox       *results_list;
};

G_DEFINE_FINAL_TYPE (ConciergeMergeDialog, concierge_merge_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* "Mastodon, Telegram": where a customer has accounts */
static char *
describe_platforms (ConciergeContact *contact)
{
  GListModel *identities = concierge_contact_get_identities (contact);
  g_autoptr(GString) platforms = g_string_new (NULL);
  guint n = g_list_model_get_n_items (identities);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ConciergeIdentity) identity = g_list_model_get_item (identities, i);
      const char *name = concierge_platform_name (concierge_identity_get_platform (identity));

      if (strstr (platforms->str, name) != NULL)
        continue;
      if (platforms->len > 0)
        g_string_append (platforms, ", ");
      g_string_append (platforms, name);
    }
  return g_string_free (g_steal_pointer (&platforms), FALSE);
}

/**
 * concierge_merge_candidate_new:
 * @reason: (nullable): why the customer may be the same person
 *
 * Returns: a customer who may be merged: avatar, name, and why or where
 *   beneath
 */
GtkWidget *
concierge_merge_candidate_new (ConciergeContact *contact,
                               const char       *reason)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *name = gtk_label_new (concierge_contact_get_name (contact));
  GtkWidget *detail = gtk_label_new (NULL);
  g_autofree char *platforms = describe_platforms (contact);
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (CONCIERGE_IS_CONTACT (contact), NULL);

  if (reason != NULL && platforms[0] != '\0')
    /* Translators: why two customers may be one, then where the other has accounts: "Same name on another platform · Telegram" */
    subtitle = g_strdup_printf (_("%s · %s"), reason, platforms);
  gtk_label_set_text (GTK_LABEL (detail), subtitle ? subtitle : reason ? reason : platforms);
  gtk_widget_set_visible (detail, gtk_label_get_text (GTK_LABEL (detail))[0] != '\0');
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_wrap (GTK_LABEL (name), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
  gtk_widget_add_css_class (detail, "caption");
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (text), name);
  gtk_box_append (GTK_BOX (text), detail);
  gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), adw_avatar_new (32, concierge_contact_get_name (contact), TRUE));
  gtk_box_append (GTK_BOX (box), text);
  return box;
}

/* A customer the search found */
static GtkWidget *
create_result_row (gpointer item,
                   gpointer user_data)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_add_css_class (row, "panel-row");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), concierge_merge_candidate_new (item, NULL));
  return row;
}

/* Cancelled when the dialog went, before it can be touched. */
static void
found_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConciergeMergeDialog *self;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = concierge_store_search_contacts_finish (CONCIERGE_STORE (object), result, &error);
  if (results == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Searching customers failed: %s", error->message);
      return;
    }

  self = user_data;
  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       results->pdata, results->len);
  concierge_stack_show (self->results_stack, results->len > 0 ? "results" : "none");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "merge", FALSE);
}

static void
search_changed_cb (ConciergeMergeDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  concierge_store_search_contacts_async (self->store, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)),
                                         self->contact_id, self->cancellable, found_cb, self);
}

static void
row_selected_cb (ConciergeMergeDialog *self,
                 GtkListBoxRow        *row)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "merge", row != NULL);
}

static void
row_activated_cb (ConciergeMergeDialog *self)
{
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "merge");
}

static void
concierge_merge_dialog_show (GtkWidget *widget)
{
  ConciergeMergeDialog *self = CONCIERGE_MERGE_DIALOG (widget);

  GTK_WIDGET_CLASS (concierge_merge_dialog_parent_class)->show (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
concierge_merge_dialog_dispose (GObject *object)
{
  ConciergeMergeDialog *self = CONCIERGE_MERGE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* The list empties as the dialog goes, when its responses are gone. */
  if (self->results != NULL)
    g_signal_handlers_disconnect_by_data (self->results_list, self);
  g_clear_object (&self->results);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (concierge_merge_dialog_parent_class)->dispose (object);
}

static void
concierge_merge_dialog_class_init (ConciergeMergeDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_merge_dialog_dispose;
  widget_class->show = concierge_merge_dialog_show;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-merge-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeMergeDialog, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMergeDialog, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeMergeDialog, results_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
}

static void
concierge_merge_dialog_init (ConciergeMergeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->results = g_list_store_new (CONCIERGE_TYPE_CONTACT);
  gtk_list_box_bind_model (self->results_list, G_LIST_MODEL (self->results), create_result_row, NULL, NULL);
}

/**
 * concierge_merge_dialog_new:
 * @contact: the customer the one chosen is merged into
 *
 * Returns: a dialog that lists every other customer until the agent
 *   searches
 */
ConciergeMergeDialog *
concierge_merge_dialog_new (GtkWindow        *parent,
                            ConciergeStore   *store,
                            ConciergeContact *contact)
{
  ConciergeMergeDialog *self;

  g_return_val_if_fail (GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);
  g_return_val_if_fail (CONCIERGE_IS_CONTACT (contact), NULL);

  self = g_object_new (CONCIERGE_TYPE_MERGE_DIALOG, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->contact_id = concierge_contact_get_id (contact);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (self),
                                  /* Translators: %s is the customer's name */
                                  _("Choose who is the same person as %s. Their conversations and accounts "
                                    "come here, and the merge can be undone."),
                                  concierge_contact_get_name (contact));
  search_changed_cb (self);
  return self;
}

/**
 * concierge_merge_dialog_ref_chosen:
 *
 * Returns: (transfer full) (nullable): the customer chosen in the list
 */
ConciergeContact *
concierge_merge_dialog_ref_chosen (ConciergeMergeDialog *self)
{
  GtkListBoxRow *row;

  g_return_val_if_fail (CONCIERGE_IS_MERGE_DIALOG (self), NULL);

  row = gtk_list_box_get_selected_row (self->results_list);
  if (row == NULL || self->results == NULL)
    return NULL;
  return g_list_model_get_item (G_LIST_MODEL (self->results), gtk_list_box_row_get_index (row));
}
