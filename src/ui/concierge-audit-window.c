/* concierge-audit-window.c
 *
 * The audit log as a reviewer reads it: who did what to a customer's data,
 * why and when, newest first; and the same log as a CSV file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "concierge-audit-window.h"
#include "concierge-item.h"
#include "concierge-ui.h"

struct _ConciergeAuditWindow
{
  AdwWindow        parent_instance;

  ConciergeStore  *store;
  ConciergeSync   *sync;           /* sends what the window queues, or NULL */
  GCancellable    *loading;        /* the load under way */
  GCancellable    *cancellable;    /* until the window goes */
  GPtrArray       *entries;        /* as the list shows them, or NULL */
  GListStore      *items;          /* of ConciergeItem: the entries that have their row */
  guint            filled;         /* entries that have their row */
  guint            fill_id;
  GtkNativeDialog *chooser;

  /* Template widgets */
  AdwToastOverlay *toast_overlay;
  GtkStack        *stack;
  AdwStatusPage   *error_page;
  GtkLabel        *summary;
  GtkListBox      *entry_list;
};

G_DEFINE_FINAL_TYPE (ConciergeAuditWindow, concierge_audit_window, ADW_TYPE_WINDOW)

/* A long log gets its rows a batch at a time, with frames in between. */
#define ROWS_PER_BATCH 100

static const char *
action_icon_name (ConciergeAuditAction action)
{
  switch (action)
    {
    case CONCIERGE_AUDIT_HIDE:
      return "view-conceal-symbolic";
    case CONCIERGE_AUDIT_FORGET:
      return "concierge-customer-symbolic";
    case CONCIERGE_AUDIT_MOVE:
      return "concierge-private-symbolic";
    case CONCIERGE_AUDIT_REMOVE:
      return "user-trash-symbolic";
    case CONCIERGE_AUDIT_OVERRIDE:
      return "dialog-warning-symbolic";
    case CONCIERGE_AUDIT_PURGE:
      return "edit-clear-all-symbolic";
    case CONCIERGE_AUDIT_UNHIDE:
      return "view-reveal-symbolic";
    default:
      return "document-open-recent-symbolic";
    }
}

/* The store keeps the reasons Concierge gives itself as fixed English
 * words; an agent's own reason stays as they wrote it. */
static char *
describe_reason (const char *reason)
{
  int days;

  if (reason == NULL || reason[0] == '\0')
    return g_strdup (_("No reason given"));
  if (g_str_equal (reason, "personal data"))
    return g_strdup (C_("audit reason", "Personal data"));
  if (g_str_equal (reason, "spam"))
    return g_strdup (C_("audit reason", "Spam"));
  if (g_str_equal (reason, "abuse"))
    return g_strdup (C_("audit reason", "Abuse"));
  if (g_str_equal (reason, "personal data in a public reply"))
    return g_strdup (C_("audit reason", "Personal data in a public reply"));
  if (g_str_equal (reason, "the customer's request to be forgotten"))
    return g_strdup (C_("audit reason", "The customer asked to be forgotten"));
  if (g_str_equal (reason, "damaged cache"))
    return g_strdup (C_("audit reason", "Damaged cache"));
  if (sscanf (reason, "resolved more than %d days ago", &days) == 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Resolved more than %d day ago",
                                         "Resolved more than %d days ago", days), days);
  return g_strdup (reason);
}

static char *
describe_detail (const char *detail)
{
  guint threads, messages, images, notes;

  if (g_strcmp0 (detail, "no private channel") == 0)
    /* Translators: in the audit log, after the reason a conversation was moved */
    return g_strdup (_("asked publicly to write privately"));
  /* What a forget or purge removed, as the store counts it */
  if (detail != NULL &&
      sscanf (detail, "%u conversations, %u messages, %u images, %u notes", &threads, &messages, &images,
              &notes) == 4)
    {
      g_autofree char *t = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u conversation", "%u conversations",
                                                         threads), threads);
      g_autofree char *m = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message", "%u messages",
                                                         messages), messages);
      g_autofree char *i = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u picture", "%u pictures",
                                                         images), images);
      g_autofree char *n = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u note", "%u notes", notes), notes);

      /* Translators: in the audit log, what was deleted: "3 conversations, 25 messages, 2 pictures, 0 notes" */
      return g_strdup_printf (_("%s, %s, %s, %s"), t, m, i, n);
    }
  return g_strdup (detail);
}

/* Why, and what it concerned where the entry says. */
static char *
describe_why (const ConciergeAuditEntry *entry)
{
  g_autofree char *reason = describe_reason (entry->reason);
  g_autofree char *detail = describe_detail (entry->detail);

  if (detail == NULL || detail[0] == '\0')
    return g_steal_pointer (&reason);
  /* Translators: in the audit log: the reason, then what it concerned, as in
   * "Personal data in a public reply — IBAN, phone number" */
  return g_strdup_printf (_("%1$s — %2$s"), reason, detail);
}

static GtkWidget *
dim_label_new (const char *text,
               float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

/* Two lines: what, and in which conversation, beside when; why beside
 * who. The log's text is only ever text, never markup. */
static GtkWidget *
entry_row_new (gpointer item,
               gpointer user_data)
{
  const ConciergeAuditEntry *entry = concierge_item_get_data (item);
  const char *what = concierge_audit_action_describe (entry->action);
  g_autofree char *why = describe_why (entry);
  g_autofree char *when = concierge_format_date_time (entry->at);
  g_autofree char *reference = NULL;
  g_autofree char *name = NULL;
  GtkWidget *row, *grid, *icon, *heading, *label;

  if (entry->thread_id != 0)
    reference = g_strdup_printf ("#%" G_GINT64_FORMAT, entry->thread_id);

  grid = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 3);
  gtk_widget_add_css_class (grid, "audit-entry");

  /* The row's name says what the icon shows. */
  icon = g_object_new (GTK_TYPE_IMAGE, "icon-name", action_icon_name (entry->action),
                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, "valign", GTK_ALIGN_CENTER, NULL);
  gtk_grid_attach (GTK_GRID (grid), icon, 0, 0, 1, 2);

  heading = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_hexpand (heading, TRUE);
  label = gtk_label_new (what);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_valign (label, GTK_ALIGN_BASELINE);
  gtk_box_append (GTK_BOX (heading), label);
  if (reference != NULL)
    {
      /* One word, which a narrow window must not break into digits. */
      label = dim_label_new (reference, 0);
      gtk_label_set_wrap (GTK_LABEL (label), FALSE);
      gtk_widget_set_valign (label, GTK_ALIGN_BASELINE);
      gtk_widget_add_css_class (label, "numeric");
      gtk_box_append (GTK_BOX (heading), label);
    }
  gtk_grid_attach (GTK_GRID (grid), heading, 1, 0, 1, 1);

  label = dim_label_new (why, 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_grid_attach (GTK_GRID (grid), label, 1, 1, 1, 1);

  label = dim_label_new (when, 1);
  gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (GTK_GRID (grid), label, 2, 0, 1, 1);

  label = dim_label_new (entry->actor, 1);
  gtk_widget_add_css_class (label, "caption");
  gtk_grid_attach (GTK_GRID (grid), label, 2, 1, 1, 1);

  /* A post hidden for a reason is shown again with one click, from its
   * entry, while it is hidden. */
  if (entry->action == CONCIERGE_AUDIT_HIDE && entry->still_hidden && entry->account_id != 0)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Show _Again"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "pill");
      gtk_widget_add_css_class (button, "small");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xx)", entry->account_id, entry->message_id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "audit.unhide");
      gtk_grid_attach (GTK_GRID (grid), button, 3, 0, 1, 2);
    }

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);

  if (reference != NULL)
    /* Translators: an audit log entry's accessible name: what, in which
     * conversation, who, when and why, as in "Hid a post, conversation #12,
     * by mira, 1 December 2026, 10:15. Why: Personal data" */
    name = g_strdup_printf (_("%1$s, conversation %2$s, by %3$s, %4$s. Why: %5$s"), what, reference,
                            entry->actor, when, why);
  else
    /* Translators: an audit log entry's accessible name: what, who, when and
     * why, as in "Purged old conversations, by mira, 1 December 2026, 10:15.
     * Why: No reason given" */
    name = g_strdup_printf (_("%1$s, by %2$s, %3$s. Why: %4$s"), what, entry->actor, when, why);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  return row;
}

static gboolean
fill_cb (gpointer data)
{
  ConciergeAuditWindow *self = data;
  guint end = MIN (self->filled + ROWS_PER_BATCH, self->entries->len);

  concierge_item_store_append_part (self->items, self->entries, self->filled, end);
  self->filled = end;

  if (self->filled < self->entries->len)
    return G_SOURCE_CONTINUE;
  self->fill_id = 0;
  return G_SOURCE_REMOVE;
}

static void
show_entries (ConciergeAuditWindow *self,
              GPtrArray            *entries)
{
  g_autofree char *summary = NULL;

  g_clear_handle_id (&self->fill_id, g_source_remove);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_list_store_remove_all (self->items);

  self->entries = g_ptr_array_ref (entries);
  self->filled = 0;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export", entries->len > 0);
  if (entries->len == 0)
    {
      concierge_stack_show (self->stack, "empty");
      return;
    }

  /* Translators: above the audit log */
  summary = g_strdup_printf (g_dngettext (NULL, "%u entry, newest first. Entries name kinds of personal data, "
                                                "never the data itself.",
                                          "%u entries, newest first. Entries name kinds of personal data, "
                                          "never the data itself.", entries->len),
                             entries->len);
  gtk_label_set_text (self->summary, summary);
  fill_cb (self);
  if (self->filled < entries->len)
    self->fill_id = g_idle_add (fill_cb, self);
  concierge_stack_show (self->stack, "entries");
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  ConciergeAuditWindow *self;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *description = NULL;

  /* Cancelled, too, when the window went: it may be gone. */
  entries = concierge_store_load_audit_log_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  g_clear_object (&self->loading);

  if (entries != NULL)
    {
      show_entries (self, entries);
      return;
    }

  /* What the list showed before is no longer known to be the log. */
  g_clear_handle_id (&self->fill_id, g_source_remove);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export", FALSE);

  /* A status page's description is markup; the reason is not. */
  escaped = g_markup_escape_text (error->message, -1);
  /* Translators: %s says why */
  description = g_strdup_printf (_("Concierge could not read the audit log from its cache on this computer. Try "
                                   "again in a moment; if it still fails, restart Concierge. The error was: %s"),
                                 escaped);
  adw_status_page_set_description (self->error_page, description);
  concierge_stack_show (self->stack, "error");
}

/**
 * concierge_audit_window_reload:
 *
 * Reads the log again, so that it shows what happened since it was opened.
 */
void
concierge_audit_window_reload (ConciergeAuditWindow *self)
{
  g_return_if_fail (CONCIERGE_IS_AUDIT_WINDOW (self));

  if (self->store == NULL)
    return;

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  self->loading = g_cancellable_new ();

  /* The entries already shown stay until the new ones are read. */
  if (self->entries == NULL)
    concierge_stack_show (self->stack, "loading");
  concierge_store_load_audit_log_async (self->store, self->loading, loaded_cb, self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  concierge_audit_window_reload (CONCIERGE_AUDIT_WINDOW (widget));
}

/* Exporting */

/* An export the agent started is written when the window closes
 * meanwhile. */
typedef struct
{
  guint                 count;
  char                 *name;  /* the file's, as the agent chose it */
} Export;

static void
export_free (Export *export)
{
  g_free (export->name);
  g_free (export);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeAuditWindow *self = concierge_caller_get_widget (caller);
  Export *export = concierge_caller_get_data (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (self != NULL)
        concierge_show_message (GTK_WINDOW (self), _("Could Not Export the Audit Log"), error->message);
      return;
    }
  if (self == NULL)
    return;

  /* Translators: a toast after an export; %s is the file's name */
  text = g_strdup_printf (g_dngettext (NULL, "Exported %u entry to “%s”", "Exported %u entries to “%s”",
                                       export->count),
                          export->count, export->name);
  adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (text));
}

static void
export_chosen_cb (GtkNativeDialog      *chooser,
                  int                   response,
                  ConciergeAuditWindow *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);
  g_autoptr(GBytes) bytes = NULL;
  Export *export;
  char *csv;

  if (file == NULL || self->entries == NULL)
    return;

  csv = concierge_audit_log_to_csv (self->entries, NULL);
  bytes = g_bytes_new_take (csv, strlen (csv));
  export = g_new0 (Export, 1);
  export->count = self->entries->len;
  export->name = g_file_get_basename (file);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_NONE, NULL, exported_cb,
                                      concierge_caller_new (self, self->cancellable, export,
                                                            (GDestroyNotify) export_free));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConciergeAuditWindow *self = CONCIERGE_AUDIT_WINDOW (widget);
  GtkNativeDialog *chooser;
  g_autofree char *name = NULL;

  chooser = concierge_file_chooser_new (&self->chooser, GTK_WINDOW (self), _("Export Audit Log"),
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("Spreadsheets (CSV)"),
                                        "text/csv", "csv");
  /* Translators: the name the file of the audit log gets at first */
  name = g_strdup_printf ("%s.csv", _("Audit Log"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

static void
concierge_audit_window_dispose (GObject *object)
{
  ConciergeAuditWindow *self = CONCIERGE_AUDIT_WINDOW (object);

  g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->fill_id, g_source_remove);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);

  gtk_widget_dispose_template (GTK_WIDGET (object), CONCIERGE_TYPE_AUDIT_WINDOW);
  g_clear_object (&self->items);

  G_OBJECT_CLASS (concierge_audit_window_parent_class)->dispose (object);
}

static void
unhidden_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeAuditWindow *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!concierge_sync_hide_finish (CONCIERGE_SYNC (object), result, &error))
    {
      if (self == NULL)
        return;
      /* Translators: a toast; %s is the reason */
      text = g_strdup_printf (_("The post could not be shown again: %s"), error->message);
    }
  else if (self == NULL)
    return;
  else
    text = g_strdup (_("The post is shown again as soon as the account is online. The log notes it then."));
  adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (text));
}

static void
unhide_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ConciergeAuditWindow *self = CONCIERGE_AUDIT_WINDOW (widget);
  gint64 account_id, message_id;

  if (self->sync == NULL)
    return;
  g_variant_get (parameter, "(xx)", &account_id, &message_id);
  concierge_sync_unhide_async (self->sync, account_id, message_id, NULL, unhidden_cb,
                               concierge_caller_new (self, self->cancellable, NULL, NULL));
}

static void
concierge_audit_window_class_init (ConciergeAuditWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_audit_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-audit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeAuditWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConciergeAuditWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeAuditWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, ConciergeAuditWindow, summary);
  gtk_widget_class_bind_template_child (widget_class, ConciergeAuditWindow, entry_list);

  gtk_widget_class_install_action (widget_class, "audit.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "audit.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "audit.unhide", "(xx)", unhide_action);

  /* As a dialog closes, and as GNOME's windows close. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
concierge_audit_window_init (ConciergeAuditWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->items = g_list_store_new (CONCIERGE_TYPE_ITEM);
  gtk_list_box_bind_model (self->entry_list, G_LIST_MODEL (self->items), entry_row_new, NULL, NULL);

  self->cancellable = g_cancellable_new ();
  /* Nothing to export until the log is read. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "audit.export", FALSE);
}

/**
 * concierge_audit_window_new:
 *
 * @sync: (nullable): which shows a hidden post again from its entry
 *
 * Returns: (transfer none): a window that reads the audit log of @store
 */
GtkWindow *
concierge_audit_window_new (GtkWindow      *parent,
                            ConciergeStore *store,
                            ConciergeSync  *sync)
{
  ConciergeAuditWindow *self;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);

  self = g_object_new (CONCIERGE_TYPE_AUDIT_WINDOW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->sync = sync ? g_object_ref (sync) : NULL;
  concierge_audit_window_reload (self);

  return GTK_WINDOW (self);
}
