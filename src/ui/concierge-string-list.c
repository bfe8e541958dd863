/* concierge-string-list.c
 *
 * A list of strings in the settings, such as the company's own data, its
 * customer number formats or the holidays: a row for each, with a button
 * that removes it, and under them an entry that adds one. The rows follow
 * the setting, whoever changes it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-string-list.h"
#include "concierge-ui.h"

struct _ConciergeStringList
{
  GObject               parent_instance;

  GtkListBox           *list;          /* unowned: it holds us */
  GSettings            *settings;
  char                 *key;
  char                 *placeholder;
  char                 *add_label;
  ConciergeStringCheck  check;
  GtkLabel             *problem_label; /* unowned, or NULL */
  gboolean              sorted;

  GtkStringList        *values;        /* as the setting has them */
  GtkWidget            *entry_row;     /* weak: the entry's row */
};

G_DEFINE_FINAL_TYPE (ConciergeStringList, concierge_string_list, G_TYPE_OBJECT)

static void
set_strings (ConciergeStringList *self,
             GPtrArray           *values)
{
  g_ptr_array_add (values, NULL);
  g_settings_set_strv (self->settings, self->key, (const char * const *) values->pdata);
  g_ptr_array_set_size (values, values->len - 1);
}

static GPtrArray *
get_strings (ConciergeStringList *self)
{
  g_auto(GStrv) strv = g_settings_get_strv (self->settings, self->key);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint k = 0; strv[k] != NULL; k++)
    g_ptr_array_add (values, g_strdup (strv[k]));
  return values;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
show_problem (ConciergeStringList *self,
              const char          *problem)
{
  if (self->problem_label == NULL)
    return;
  if (problem != NULL)
    gtk_label_set_text (self->problem_label, problem);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), problem != NULL);
}

static void
string_added_cb (AdwEntryRow         *row,
                 ConciergeStringList *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GPtrArray) values = NULL;

  if (value[0] == '\0')
    return;

  if (self->check != NULL)
    {
      g_autofree char *problem = NULL;

      if (!self->check (value, &problem))
        {
          show_problem (self, problem);
          return;
        }
      show_problem (self, NULL);
    }

  values = get_strings (self);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  if (!g_ptr_array_find_with_equal_func (values, value, g_str_equal, NULL))
    {
      g_ptr_array_add (values, g_steal_pointer (&value));
      if (self->sorted)
        g_ptr_array_sort (values, (GCompareFunc) compare_strings);
      set_strings (self, values);
      /* The next one can be typed at once, whichever way this one was
       * added. */
      gtk_widget_grab_focus (GTK_WIDGET (row));
    }
}

static void
add_clicked_cb (ConciergeStringList *self)
{
  if (self->entry_row != NULL)
    string_added_cb (ADW_ENTRY_ROW (self->entry_row), self);
}

static GtkWidget *
entry_row_new (ConciergeStringList *self)
{
  GtkWidget *row = adw_entry_row_new ();
  GtkWidget *add;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), self->placeholder);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (string_added_cb), self, 0);
  /* A button as well as Enter: the row says how to add. */
  add = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, self->add_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL, self->add_label, -1);
  g_signal_connect_object (add, "clicked", G_CALLBACK (add_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), add);
  g_set_weak_pointer (&self->entry_row, row);
  return row;
}

static GtkWidget *
value_row_new (ConciergeStringList *self,
               const char          *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *label = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  /* Translators: the tooltip and accessible name of a button that removes %s from a list */
  label = g_strdup_printf (_("Remove “%s”"), value);
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", self->key, value);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.remove-string");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/* The values' rows, then the entry's: the list is the values followed by
 * the list itself, which stands for the entry. */
static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ConciergeStringList *self = user_data;

  if (GTK_IS_STRING_OBJECT (item))
    return value_row_new (self, gtk_string_object_get_string (item));
  return entry_row_new (self);
}

static void
setting_changed_cb (ConciergeStringList *self)
{
  g_auto(GStrv) strv = g_settings_get_strv (self->settings, self->key);

  gtk_string_list_splice (self->values, 0, g_list_model_get_n_items (G_LIST_MODEL (self->values)),
                          (const char * const *) strv);
}

static void
undo_removal_cb (AdwToast            *toast,
                 ConciergeStringList *self)
{
  g_autoptr(GPtrArray) values = get_strings (self);

  g_ptr_array_add (values, g_strdup (g_object_get_data (G_OBJECT (toast), "value")));
  set_strings (self, values);
}

/**
 * concierge_string_list_remove:
 *
 * Removes @value from the setting, with a toast that brings it back.
 */
void
concierge_string_list_remove (ConciergeStringList *self,
                              const char          *value)
{
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;
  guint index;

  g_return_if_fail (CONCIERGE_IS_STRING_LIST (self));
  g_return_if_fail (value != NULL);

  values = get_strings (self);
  if (!g_ptr_array_find_with_equal_func (values, value, g_str_equal, &index))
    return;
  g_ptr_array_remove_index (values, index);
  set_strings (self, values);

  /* Translators: a toast; %s is what was removed from a list */
  text = g_strdup_printf (_("Removed “%s”"), value);
  toast = concierge_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "value", g_strdup (value), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_removal_cb), self, 0);
  concierge_widget_add_toast (GTK_WIDGET (self->list), toast);
}

/* Sorted, a list of dates reads in the order of the calendar. */
void
concierge_string_list_set_sorted (ConciergeStringList *self,
                                  gboolean             sorted)
{
  g_return_if_fail (CONCIERGE_IS_STRING_LIST (self));

  self->sorted = !!sorted;
}

const char *
concierge_string_list_get_key (ConciergeStringList *self)
{
  g_return_val_if_fail (CONCIERGE_IS_STRING_LIST (self), NULL);

  return self->key;
}

static void
concierge_string_list_finalize (GObject *object)
{
  ConciergeStringList *self = CONCIERGE_STRING_LIST (object);

  g_clear_weak_pointer (&self->entry_row);
  g_clear_object (&self->settings);
  g_clear_object (&self->values);
  g_free (self->key);
  g_free (self->placeholder);
  g_free (self->add_label);

  G_OBJECT_CLASS (concierge_string_list_parent_class)->finalize (object);
}

static void
concierge_string_list_class_init (ConciergeStringListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_string_list_finalize;
}

static void
concierge_string_list_init (ConciergeStringList *self)
{
}

/**
 * concierge_string_list_new:
 * @list: the list box that shows the strings; it keeps the returned
 *   object as long as it binds its model
 * @key: a setting of type "as"
 * @placeholder: the entry's title
 * @add_label: the tooltip and accessible name of the entry's add button
 * @check: (nullable): what a value must pass to be added
 * @problem_label: (nullable): where a value refused by @check says why
 *
 * Returns: (transfer full): the list
 */
ConciergeStringList *
concierge_string_list_new (GtkListBox           *list,
                           GSettings            *settings,
                           const char           *key,
                           const char           *placeholder,
                           const char           *add_label,
                           ConciergeStringCheck  check,
                           GtkLabel             *problem_label)
{
  ConciergeStringList *self;
  g_autofree char *signal = NULL;
  g_autoptr(GListStore) entry = NULL;

  g_return_val_if_fail (GTK_IS_LIST_BOX (list), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_STRING_LIST, NULL);
  self->list = list;
  self->settings = g_object_ref (settings);
  self->key = g_strdup (key);
  self->placeholder = g_strdup (placeholder);
  self->add_label = g_strdup (add_label);
  self->check = check;
  self->problem_label = problem_label;
  self->values = gtk_string_list_new (NULL);
  setting_changed_cb (self);

  signal = g_strconcat ("changed::", key, NULL);
  g_signal_connect_object (settings, signal, G_CALLBACK (setting_changed_cb), self, G_CONNECT_SWAPPED);

  entry = g_list_store_new (G_TYPE_OBJECT);
  g_list_store_append (entry, self);
  concierge_list_box_bind_models (list, G_LIST_MODEL (self->values), G_LIST_MODEL (entry), create_row, self);
  return self;
}
