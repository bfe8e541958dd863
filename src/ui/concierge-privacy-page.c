/* concierge-privacy-page.c
 *
 * Preferences → Privacy: the company's own data, which is no customer's;
 * its customer number formats; how long cached conversations stay; and
 * the damaged caches the app moved aside.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "privacy/concierge-detector.h"
#include "concierge-privacy-page.h"
#include "concierge-string-list.h"
#include "concierge-ui.h"

struct _ConciergePrivacyPage
{
  AdwPreferencesPage   parent_instance;

  ConciergeStore      *store;
  GSettings           *settings;
  GCancellable        *cancellable;
  ConciergeStringList *allowed;
  ConciergeStringList *patterns;
  GListStore          *damaged;  /* of ConciergeDamagedItem */

  /* Template widgets */
  GtkListBox          *allowed_list;
  GtkListBox          *pattern_list;
  GtkLabel            *pattern_error;
  GtkSwitch           *retention_switch;
  GtkSpinButton       *retention_spin;
  AdwPreferencesGroup *damaged_group;
  GtkListBox          *damaged_list;
};

G_DEFINE_FINAL_TYPE (ConciergePrivacyPage, concierge_privacy_page, ADW_TYPE_PREFERENCES_PAGE)

static GtkWindow *
get_window (ConciergePrivacyPage *self)
{
  return GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self)));
}

/* A pattern that is no regular expression is refused with the reason. */
static gboolean
check_pattern (const char  *value,
               char       **problem)
{
  g_autoptr(ConciergeDetector) detector = concierge_detector_new ();
  const char *one[] = { value, NULL };
  g_autoptr(GError) error = NULL;

  if (concierge_detector_set_patterns (detector, one, &error))
    return TRUE;
  *problem = g_strdup (error->message);
  return FALSE;
}

static void
remove_string_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergePrivacyPage *self = CONCIERGE_PRIVACY_PAGE (widget);
  const char *key, *value;

  g_variant_get (parameter, "(&s&s)", &key, &value);
  if (g_str_equal (key, concierge_string_list_get_key (self->allowed)))
    concierge_string_list_remove (self->allowed, value);
  else if (g_str_equal (key, concierge_string_list_get_key (self->patterns)))
    concierge_string_list_remove (self->patterns, value);
}

/* Retention: off is 0 days; the spin button keeps its number while off,
 * so that switching on again brings it back. */
static void
show_retention (ConciergePrivacyPage *self)
{
  int days = g_settings_get_int (self->settings, "retention-days");

  if (days > 0)
    gtk_spin_button_set_value (self->retention_spin, days);
  gtk_switch_set_active (self->retention_switch, days > 0);
}

static void
retention_changed_cb (ConciergePrivacyPage *self)
{
  int days = gtk_switch_get_active (self->retention_switch)
               ? gtk_spin_button_get_value_as_int (self->retention_spin) : 0;

  if (days != g_settings_get_int (self->settings, "retention-days"))
    g_settings_set_int (self->settings, "retention-days", days);
}

/* Damaged caches: files the app moved aside, which may still hold
 * customers' data; the agent can delete them. */

/* A damaged cache, as an item of the list's model */
#define CONCIERGE_TYPE_DAMAGED_ITEM (concierge_damaged_item_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeDamagedItem, concierge_damaged_item, CONCIERGE, DAMAGED_ITEM, GObject)

struct _ConciergeDamagedItem
{
  GObject                parent_instance;

  ConciergeDamagedCache *cache;
};

G_DEFINE_FINAL_TYPE (ConciergeDamagedItem, concierge_damaged_item, G_TYPE_OBJECT)

static void
concierge_damaged_item_finalize (GObject *object)
{
  g_clear_pointer (&CONCIERGE_DAMAGED_ITEM (object)->cache, concierge_damaged_cache_free);

  G_OBJECT_CLASS (concierge_damaged_item_parent_class)->finalize (object);
}

static void
concierge_damaged_item_class_init (ConciergeDamagedItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_damaged_item_finalize;
}

static void
concierge_damaged_item_init (ConciergeDamagedItem *self)
{
}

static GtkWidget *
damaged_row_new (gpointer item,
                 gpointer user_data)
{
  ConciergeDamagedCache *cache = CONCIERGE_DAMAGED_ITEM (item)->cache;
  g_autofree char *when = concierge_format_date_time (cache->moved_at);
  /* Translators: %s is a date and time, as in "1 December 2026, 10:15" */
  g_autofree char *title = g_strdup_printf (_("Moved aside on %s"), when);
  g_autofree char *size = g_format_size (cache->size);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *delete = gtk_button_new_with_mnemonic (_("_Delete…"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
  gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (delete, "destructive-action");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "preferences.delete-damaged");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (delete), "s", cache->path);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
  return row;
}

static void
damaged_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergePrivacyPage *self;
  g_autoptr(GPtrArray) caches = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gpointer *found = NULL;
  gsize n;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  caches = concierge_store_list_damaged_finish (result, &error);
  if (caches == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Listing damaged caches failed: %s", error->message);
      return;
    }

  self = user_data;
  found = g_ptr_array_steal (caches, &n);
  items = g_ptr_array_new_full (n, g_object_unref);
  for (gsize i = 0; i < n; i++)
    {
      ConciergeDamagedItem *item = g_object_new (CONCIERGE_TYPE_DAMAGED_ITEM, NULL);

      item->cache = found[i];
      g_ptr_array_add (items, item);
    }
  g_list_store_splice (self->damaged, 0, g_list_model_get_n_items (G_LIST_MODEL (self->damaged)),
                       items->pdata, items->len);
  gtk_widget_set_visible (GTK_WIDGET (self->damaged_group), items->len > 0);
}

static void
update_damaged (ConciergePrivacyPage *self)
{
  g_autofree char *path = concierge_store_default_path ();

  concierge_store_list_damaged_async (path, self->cancellable, damaged_listed_cb, self);
}

/* A deletion goes through, and into the audit log, when Preferences
 * closes meanwhile. */
typedef struct
{
  ConciergeStore *store;
  char           *name;
} DamagedDeletion;

static void
damaged_deletion_free (DamagedDeletion *deletion)
{
  g_object_unref (deletion->store);
  g_free (deletion->name);
  g_free (deletion);
}

static void
damaged_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergePrivacyPage *self = concierge_caller_get_widget (caller);
  DamagedDeletion *deletion = concierge_caller_get_data (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_store_delete_damaged_finish (result, &error))
    {
      if (self != NULL)
        concierge_show_message (get_window (self), _("Could Not Delete the Damaged Cache"), error->message);
      return;
    }

  /* The audit log keeps that it went: its file name holds when it was
   * moved aside, and nothing of anyone's. */
  concierge_store_log_async (deletion->store, CONCIERGE_AUDIT_PURGE, 0, "damaged cache", deletion->name, NULL, NULL,
                             NULL);
  if (self == NULL)
    return;
  concierge_widget_add_toast (GTK_WIDGET (self), concierge_toast_new (_("Damaged cache deleted")));
  update_damaged (self);
}

static void
delete_damaged_response_cb (AdwMessageDialog     *dialog,
                            const char           *response,
                            ConciergePrivacyPage *self)
{
  g_autofree char *cache_path = concierge_store_default_path ();
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  DamagedDeletion *deletion;

  if (!g_str_equal (response, "delete"))
    return;
  deletion = g_new0 (DamagedDeletion, 1);
  deletion->store = g_object_ref (self->store);
  deletion->name = g_path_get_basename (path);
  concierge_store_delete_damaged_async (cache_path, path, NULL, damaged_deleted_cb,
                                        concierge_caller_new (self, self->cancellable, deletion,
                                                              (GDestroyNotify) damaged_deletion_free));
}

static void
delete_damaged_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergePrivacyPage *self = CONCIERGE_PRIVACY_PAGE (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (get_window (self), _("Delete the Damaged Cache?"),
                                                       _("It may hold conversations and customers’ personal "
                                                         "data. Deleting it cannot be undone.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_variant_dup_string (parameter, NULL), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_damaged_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
concierge_privacy_page_dispose (GObject *object)
{
  ConciergePrivacyPage *self = CONCIERGE_PRIVACY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->allowed);
  g_clear_object (&self->patterns);
  g_clear_object (&self->damaged);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (concierge_privacy_page_parent_class)->dispose (object);
}

static void
concierge_privacy_page_class_init (ConciergePrivacyPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_privacy_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-privacy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, allowed_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, pattern_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, pattern_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, retention_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, damaged_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergePrivacyPage, damaged_list);

  gtk_widget_class_install_action (widget_class, "preferences.remove-string", "(ss)", remove_string_action);
  gtk_widget_class_install_action (widget_class, "preferences.delete-damaged", "s", delete_damaged_action);
}

static void
concierge_privacy_page_init (ConciergePrivacyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->damaged = g_list_store_new (CONCIERGE_TYPE_DAMAGED_ITEM);
  gtk_list_box_bind_model (self->damaged_list, G_LIST_MODEL (self->damaged), damaged_row_new, NULL, NULL);
}

ConciergePrivacyPage *
concierge_privacy_page_new (ConciergeStore *store,
                            GSettings      *settings)
{
  ConciergePrivacyPage *self;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CONCIERGE_TYPE_PRIVACY_PAGE, NULL);
  self->store = g_object_ref (store);
  self->settings = g_object_ref (settings);
  self->allowed = concierge_string_list_new (self->allowed_list, settings, "privacy-allowed",
                                             _("Add Data, for Example Your Hotline"), _("Add Data"), NULL, NULL);
  self->patterns = concierge_string_list_new (self->pattern_list, settings, "customer-number-patterns",
                                              _("Add a Format, for Example WF-\\d{8}"), _("Add Format"),
                                              check_pattern, self->pattern_error);

  show_retention (self);
  g_signal_connect_swapped (self->retention_switch, "notify::active", G_CALLBACK (retention_changed_cb), self);
  g_signal_connect_swapped (self->retention_spin, "value-changed", G_CALLBACK (retention_changed_cb), self);
  update_damaged (self);
  return self;
}
