/* concierge-saved-replies-page.c
 *
 * Preferences → Saved Replies: a row for each, to change or delete it,
 * and sharing them with the team through a file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "store/concierge-saved-replies.h"
#include "concierge-saved-replies-page.h"
#include "concierge-saved-reply-dialog.h"
#include "concierge-ui.h"

struct _ConciergeSavedRepliesPage
{
  AdwPreferencesPage  parent_instance;

  ConciergeStore     *store;
  GSignalGroup       *store_signals;
  GCancellable       *cancellable;
  GListStore         *replies;  /* as the page shows them */
  GListStore         *none;     /* an item while there are none */
  GtkNativeDialog    *chooser;  /* for an import or export */

  /* Template widgets */
  GtkListBox         *reply_list;
};

G_DEFINE_FINAL_TYPE (ConciergeSavedRepliesPage, concierge_saved_replies_page, ADW_TYPE_PREFERENCES_PAGE)

static GtkWindow *
get_window (ConciergeSavedRepliesPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

static void
show_toast (ConciergeSavedRepliesPage *self,
            const char                *text)
{
  concierge_widget_add_toast (GTK_WIDGET (self), concierge_toast_new (text));
}

/* Returns: (transfer full) (nullable): the reply as the page shows it */
static ConciergeSavedReply *
find_saved_reply (ConciergeSavedRepliesPage *self,
                  gint64                     id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->replies)); i++)
    {
      g_autoptr(ConciergeSavedReply) reply = g_list_model_get_item (G_LIST_MODEL (self->replies), i);

      if (concierge_saved_reply_get_id (reply) == id)
        return g_steal_pointer (&reply);
    }
  return NULL;
}

static GtkWidget *
reply_button_new (const char *icon_name,
                  const char *label,
                  const char *action_name,
                  gint64      id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  return button;
}

static GtkWidget *
empty_row_new (void)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No saved replies yet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add one below, or import the file your team shares."));
  return row;
}

/* The row of a saved reply, or the one that says there are none */
static GtkWidget *
create_row (gpointer item,
               gpointer user_data)
{
  ConciergeSavedReply *reply = item;
  const char *title = concierge_saved_reply_get_title (reply);
  gint64 id = concierge_saved_reply_get_id (reply);
  g_autofree char *subtitle = NULL;
  g_autofree char *edit = NULL;
  g_autofree char *delete = NULL;
  GtkWidget *row;

  if (!CONCIERGE_IS_SAVED_REPLY (item))
    return empty_row_new ();

  /* Translators: a saved reply's language and form of address, as in "German · formal" */
  subtitle = g_strdup_printf (_("%s · %s"), concierge_language_name (concierge_saved_reply_get_language (reply)),
                              concierge_address_name (concierge_saved_reply_get_address (reply)));
  /* Translators: the tooltips and accessible names of a saved reply's buttons; %s is its title */
  edit = g_strdup_printf (_("Edit “%s”"), title);
  delete = g_strdup_printf (_("Delete “%s”"), title);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             reply_button_new ("document-edit-symbolic", edit, "preferences.edit-saved-reply", id));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             reply_button_new ("user-trash-symbolic", delete, "preferences.delete-saved-reply", id));
  return row;
}

static void
saved_replies_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  ConciergeSavedRepliesPage *self;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  replies = concierge_store_load_saved_replies_finish (CONCIERGE_STORE (object), result, &error);
  if (replies == NULL)
    return;

  self = user_data;
  g_list_store_splice (self->replies, 0, g_list_model_get_n_items (G_LIST_MODEL (self->replies)),
                       replies->pdata, replies->len);
  concierge_list_store_set_placeholder (self->none, replies->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.export-saved-replies", replies->len > 0);
}

static void
update_saved_replies (ConciergeSavedRepliesPage *self)
{
  concierge_store_load_saved_replies_async (self->store, self->cancellable, saved_replies_loaded_cb, self);
}

static void
saved_reply_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeSavedRepliesPage *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (concierge_store_save_saved_reply_finish (CONCIERGE_STORE (object), result, &error) == 0 && self != NULL)
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The saved reply could not be saved: %s"), error->message);

      show_toast (self, text);
    }
}

static void
save_saved_reply (ConciergeSavedRepliesPage *self,
                  ConciergeSavedReply       *reply)
{
  /* What the agent wrote is saved when Preferences closes meanwhile. */
  concierge_store_save_saved_reply_async (self->store, reply, NULL, saved_reply_saved_cb,
                                          concierge_caller_new (self, self->cancellable, NULL, NULL));
}

static void
reply_dialog_response_cb (ConciergeSavedReplyDialog *dialog,
                          const char                *response,
                          ConciergeSavedRepliesPage *self)
{
  if (g_str_equal (response, "save"))
    save_saved_reply (self, concierge_saved_reply_dialog_get_reply (dialog));
}

static void
present_reply_dialog (ConciergeSavedRepliesPage *self,
                      ConciergeSavedReply       *reply)
{
  ConciergeSavedReplyDialog *dialog = concierge_saved_reply_dialog_new (get_window (self), reply);

  g_signal_connect_object (dialog, "response", G_CALLBACK (reply_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_saved_reply_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  present_reply_dialog (CONCIERGE_SAVED_REPLIES_PAGE (widget), NULL);
}

static void
edit_saved_reply_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ConciergeSavedRepliesPage *self = CONCIERGE_SAVED_REPLIES_PAGE (widget);
  g_autoptr(ConciergeSavedReply) reply = find_saved_reply (self, g_variant_get_int64 (parameter));

  if (reply != NULL)
    present_reply_dialog (self, reply);
}

/* Undo adds the reply again, as it was. */
static void
undo_delete_cb (AdwToast                  *toast,
                ConciergeSavedRepliesPage *self)
{
  ConciergeSavedReply *deleted = g_object_get_data (G_OBJECT (toast), "reply");
  g_autoptr(ConciergeSavedReply) again = NULL;

  again = concierge_saved_reply_new (concierge_saved_reply_get_title (deleted),
                                     concierge_saved_reply_get_text (deleted),
                                     concierge_saved_reply_get_language (deleted),
                                     concierge_saved_reply_get_address (deleted));
  save_saved_reply (self, again);
}

static void
saved_reply_deleted_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeSavedRepliesPage *self = concierge_caller_get_widget (caller);
  ConciergeSavedReply *reply = concierge_caller_get_data (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (!concierge_store_delete_saved_reply_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (self != NULL)
        {
          /* Translators: %s says why */
          text = g_strdup_printf (_("The saved reply could not be deleted: %s"), error->message);
          show_toast (self, text);
        }
      return;
    }
  if (self == NULL)
    return;

  /* Translators: a toast; %s is a saved reply's title */
  text = g_strdup_printf (_("Deleted “%s”"), concierge_saved_reply_get_title (reply));
  toast = concierge_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "reply", g_object_ref (reply), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, 0);
  concierge_widget_add_toast (GTK_WIDGET (self), toast);
}

static void
delete_saved_reply_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConciergeSavedRepliesPage *self = CONCIERGE_SAVED_REPLIES_PAGE (widget);
  ConciergeSavedReply *reply = find_saved_reply (self, g_variant_get_int64 (parameter));

  if (reply == NULL)
    return;

  concierge_store_delete_saved_reply_async (self->store, concierge_saved_reply_get_id (reply), NULL,
                                            saved_reply_deleted_cb,
                                            concierge_caller_new (self, self->cancellable, reply, g_object_unref));
}

/* Importing and exporting */

/* An import or export the agent started goes through when Preferences
 * closes meanwhile; its caller's data is the count of replies in the
 * file. */
static ConciergeCaller *
sharing_new (ConciergeSavedRepliesPage *self,
             guint                      count)
{
  return concierge_caller_new (self, self->cancellable, GUINT_TO_POINTER (count), NULL);
}

static GtkNativeDialog *
file_chooser_new (ConciergeSavedRepliesPage *self,
                  const char                *title,
                  GtkFileChooserAction       action,
                  const char                *accept_label)
{
  return concierge_file_chooser_new (&self->chooser, get_window (self), title, action, accept_label,
                                     _("Saved Replies (JSON)"), "application/json", "json");
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConciergeCaller) sharing = user_data;
  ConciergeSavedRepliesPage *self = concierge_caller_get_widget (sharing);
  guint count = GPOINTER_TO_UINT (concierge_caller_get_data (sharing));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int added;

  added = concierge_store_import_saved_replies_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (added < 0)
    {
      concierge_show_message (get_window (self), _("Could Not Import Saved Replies"), error->message);
      return;
    }

  if (count == 0)
    text = g_strdup (_("The file holds no saved replies"));
  else if (added == 0)
    text = g_strdup (_("Every saved reply in the file is here already"));
  else if ((guint) added == count)
    /* Translators: a toast after an import */
    text = g_strdup_printf (g_dngettext (NULL, "Imported %d saved reply", "Imported %d saved replies", added),
                            added);
  else
    /* Translators: a toast after an import that skipped the saved replies already here */
    text = g_strdup_printf (g_dngettext (NULL, "Imported %d saved reply; the others were here already",
                                         "Imported %d saved replies; the others were here already", added),
                            added);
  show_toast (self, text);
}

static void
import_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergeSavedRepliesPage *self;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  replies = concierge_saved_replies_read_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (replies == NULL)
    {
      concierge_show_message (get_window (self), _("Could Not Import Saved Replies"), error->message);
      return;
    }

  concierge_store_import_saved_replies_async (self->store, replies, NULL, imported_cb,
                                              sharing_new (self, replies->len));
}

static void
import_chosen_cb (GtkNativeDialog           *chooser,
                  int                        response,
                  ConciergeSavedRepliesPage *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);

  if (file != NULL)
    concierge_saved_replies_read_async (file, self->cancellable, import_read_cb, self);
}

static void
import_saved_replies_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  ConciergeSavedRepliesPage *self = CONCIERGE_SAVED_REPLIES_PAGE (widget);
  GtkNativeDialog *chooser;

  chooser = file_chooser_new (self, _("Import Saved Replies"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConciergeCaller) sharing = user_data;
  ConciergeSavedRepliesPage *self = concierge_caller_get_widget (sharing);
  guint count = GPOINTER_TO_UINT (concierge_caller_get_data (sharing));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!concierge_saved_replies_write_finish (result, &error))
    {
      if (self != NULL)
        concierge_show_message (get_window (self), _("Could Not Export Saved Replies"), error->message);
      return;
    }
  if (self == NULL)
    return;

  /* Translators: a toast after an export */
  text = g_strdup_printf (g_dngettext (NULL, "Exported %u saved reply", "Exported %u saved replies", count), count);
  show_toast (self, text);
}

static void
export_chosen_cb (GtkNativeDialog           *chooser,
                  int                        response,
                  ConciergeSavedRepliesPage *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);
  g_autoptr(GPtrArray) replies = NULL;
  guint n;

  if (file == NULL)
    return;

  n = g_list_model_get_n_items (G_LIST_MODEL (self->replies));
  replies = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (replies, g_list_model_get_item (G_LIST_MODEL (self->replies), i));
  concierge_saved_replies_write_async (file, replies, NULL, exported_cb, sharing_new (self, n));
}

static void
export_saved_replies_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  ConciergeSavedRepliesPage *self = CONCIERGE_SAVED_REPLIES_PAGE (widget);
  GtkNativeDialog *chooser;
  g_autofree char *name = NULL;

  chooser = file_chooser_new (self, _("Export Saved Replies"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
  /* Translators: the name the file of saved replies gets at first */
  name = g_strdup_printf ("%s.json", _("Saved Replies"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

static void
concierge_saved_replies_page_dispose (GObject *object)
{
  ConciergeSavedRepliesPage *self = CONCIERGE_SAVED_REPLIES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->store_signals != NULL)
    g_signal_group_set_target (self->store_signals, NULL);
  g_clear_object (&self->store_signals);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->replies);
  g_clear_object (&self->none);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (concierge_saved_replies_page_parent_class)->dispose (object);
}

static void
concierge_saved_replies_page_class_init (ConciergeSavedRepliesPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_saved_replies_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-saved-replies-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeSavedRepliesPage, reply_list);

  gtk_widget_class_install_action (widget_class, "preferences.add-saved-reply", NULL, add_saved_reply_action);
  gtk_widget_class_install_action (widget_class, "preferences.edit-saved-reply", "x", edit_saved_reply_action);
  gtk_widget_class_install_action (widget_class, "preferences.delete-saved-reply", "x", delete_saved_reply_action);
  gtk_widget_class_install_action (widget_class, "preferences.import-saved-replies", NULL,
                                   import_saved_replies_action);
  gtk_widget_class_install_action (widget_class, "preferences.export-saved-replies", NULL,
                                   export_saved_replies_action);
}

static void
concierge_saved_replies_page_init (ConciergeSavedRepliesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->replies = g_list_store_new (CONCIERGE_TYPE_SAVED_REPLY);
  self->none = g_list_store_new (G_TYPE_OBJECT);
  concierge_list_box_bind_models (self->reply_list, G_LIST_MODEL (self->replies), G_LIST_MODEL (self->none),
                                  create_row, self);
  self->store_signals = g_signal_group_new (CONCIERGE_TYPE_STORE);
  g_signal_group_connect_swapped (self->store_signals, "saved-replies-changed", G_CALLBACK (update_saved_replies),
                                  self);
  /* Nothing to export until the replies are read. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.export-saved-replies", FALSE);
}

ConciergeSavedRepliesPage *
concierge_saved_replies_page_new (ConciergeStore *store)
{
  ConciergeSavedRepliesPage *self;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);

  self = g_object_new (CONCIERGE_TYPE_SAVED_REPLIES_PAGE, NULL);
  self->store = g_object_ref (store);
  g_signal_group_set_target (self->store_signals, store);
  update_saved_replies (self);
  return self;
}
