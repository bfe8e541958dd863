/* concierge-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "model/concierge-business-hours.h"
#include "interchange/concierge-vcard.h"
#include "concierge-audit-window.h"
#include "concierge-conversation-view.h"
#include "concierge-customer-view.h"
#include "concierge-inbox-list.h"
#include "concierge-ui.h"
#include "concierge-window.h"

struct _ConciergeWindow
{
  AdwApplicationWindow  parent_instance;

  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  AdwFlap              *flap;
  GtkWidget            *inbox_pane;
  GtkWidget            *conversation_pane;
  AdwHeaderBar         *conversation_header_bar;
  GtkMenuButton        *snooze_button;
  GtkMenuButton        *language_button;
  GtkWidget            *customer_pane;
  ConciergeInboxList   *inbox_list;
  ConciergeConversationView *conversation_view;
  ConciergeCustomerView *customer_view;
  GtkListBox           *account_list;

  ConciergeSync        *sync;
  ConciergeStore       *store;
  GListStore           *accounts;      /* of ConciergeAccount, as the sidebar lists them */
  GHashTable           *account_rows;  /* account id → AdwActionRow */
  GtkWindow            *audit_window;  /* weak */
  guint                 ready_timeout_id;
  gulong                ready_handler_id;
  gint64                show_thread_id;  /* to choose once the inbox is ready */
  gboolean              complaint;       /* the chosen thread is tagged so */
  GtkNativeDialog      *chooser;         /* importing or exporting customers */
  GCancellable         *cancellable;     /* until the window goes */
};

G_DEFINE_FINAL_TYPE (ConciergeWindow, concierge_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_COMPLAINT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkWidget *account_row_new (gpointer item,
                                   gpointer user_data);

static void
concierge_window_update_title_buttons (ConciergeWindow *self)
{
  gboolean customer_beside;

  g_assert (CONCIERGE_IS_WINDOW (self));

  /* The window controls belong at the right edge. While the customer panel
   * stands beside the conversation, they are in the panel's header bar. */
  customer_beside = adw_flap_get_reveal_flap (self->flap) && !adw_flap_get_folded (self->flap);
  adw_header_bar_set_show_end_title_buttons (self->conversation_header_bar, !customer_beside);
}

static void
selected_thread_changed_cb (ConciergeWindow *self)
{
  ConciergeThread *thread = concierge_inbox_list_get_selected_thread (self->inbox_list);

  concierge_conversation_view_set_thread (self->conversation_view, thread);
  concierge_customer_view_set_thread (self->customer_view, thread);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resolve", thread != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.snooze", thread != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.mark-pending", thread != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-snooze-menu", thread != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.complaint", thread != NULL);
  if (self->complaint != (thread != NULL && concierge_thread_is_complaint (thread)))
    {
      self->complaint = !self->complaint;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLAINT]);
    }

  /* On a narrow window, choosing a conversation opens it. */
  if (thread != NULL && adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->flap));
}

/* Another part of the window opens a thread: a private one it started,
 * for example, or one from the customer's history. */
static void
concierge_window_show_thread_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  concierge_inbox_list_reveal_thread (self->inbox_list, g_variant_get_int64 (parameter));
}

/* Statuses. A thread that leaves the view makes way for the next one,
 * which the inbox chooses. */

static void
status_set_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeWindow *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_store_set_thread_status_finish (CONCIERGE_STORE (object), result, &error) && self != NULL)
    {
      /* Translators: a toast; %s is the reason */
      g_autofree char *text = g_strdup_printf (_("The conversation’s status could not be saved: %s"),
                                               error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (text));
    }
}

static void
set_status (ConciergeWindow       *self,
            ConciergeThreadStatus  status,
            gint64                 snooze_until)
{
  ConciergeThread *thread = concierge_inbox_list_get_selected_thread (self->inbox_list);

  if (thread == NULL || self->store == NULL)
    return;

  concierge_store_set_thread_status_async (self->store, concierge_thread_get_id (thread), status, snooze_until,
                                           NULL, status_set_cb,
                                           concierge_caller_new (self, self->cancellable, NULL, NULL));
}

static void
tag_set_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeWindow *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error) && self != NULL)
    {
      /* Translators: a toast; %s is the reason */
      g_autofree char *text = g_strdup_printf (_("The conversation could not be marked: %s"), error->message);

      adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (text));
    }
}

/* Complaints count in the customer's profile. */
static void
set_complaint (ConciergeWindow *self,
               gboolean         complaint)
{
  ConciergeThread *thread = concierge_inbox_list_get_selected_thread (self->inbox_list);

  if (thread == NULL || self->store == NULL || self->complaint == complaint)
    return;

  self->complaint = complaint;
  concierge_store_set_thread_tag_async (self->store, concierge_thread_get_id (thread), "complaint", complaint,
                                        NULL, tag_set_cb, concierge_caller_new (self, self->cancellable, NULL, NULL));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLAINT]);
}

static void
concierge_window_resolve_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  set_status (CONCIERGE_WINDOW (widget), CONCIERGE_THREAD_RESOLVED, 0);
}

static void
concierge_window_mark_pending_action (GtkWidget  *widget,
                                      const char *action_name,
                                      GVariant   *parameter)
{
  set_status (CONCIERGE_WINDOW (widget), CONCIERGE_THREAD_PENDING, 0);
}

/* When the team is back after @from: the first business moment from
 * then, or 08:00 that day where no day is open. */
static gint64
next_opening (ConciergeWindow *self,
              GDateTime       *from)
{
  g_autoptr(ConciergeResponseTargets) targets = concierge_response_targets_new_for_settings (self->settings);
  g_autoptr(GDateTime) morning = NULL;
  gint64 opening = concierge_business_hours_deadline (targets->hours, g_date_time_to_unix (from), 0);

  if (opening != G_MAXINT64)
    return opening;
  morning = g_date_time_add_hours (from, 8);
  return g_date_time_to_unix (morning);
}

static void
concierge_window_snooze_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);
  const char *until = g_variant_get_string (parameter, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) day = NULL;

  if (g_str_equal (until, "hour"))
    set_status (self, CONCIERGE_THREAD_SNOOZED, g_date_time_to_unix (now) + 3600);
  else if (g_str_equal (until, "tomorrow"))
    {
      day = g_date_time_add_days (midnight, 1);
      set_status (self, CONCIERGE_THREAD_SNOOZED, next_opening (self, day));
    }
  else if (g_str_equal (until, "next-week"))
    {
      day = g_date_time_add_days (midnight, 8 - g_date_time_get_day_of_week (now));
      set_status (self, CONCIERGE_THREAD_SNOOZED, next_opening (self, day));
    }
}

static void
concierge_window_show_snooze_menu_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->flap));
  gtk_menu_button_popup (self->snooze_button);
}

static void
concierge_window_next_thread_action (GtkWidget  *widget,
                                     const char *action_name,
                                     GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  concierge_inbox_list_select_next (self->inbox_list, g_str_equal (action_name, "win.previous-thread") ? -1 : 1);
}

static void
concierge_window_reply_action (GtkWidget  *widget,
                               const char *action_name,
                               GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->flap));
  concierge_conversation_view_focus_composer (self->conversation_view);
}

/* From anywhere in the window: the reply is where the saved one goes. */
static void
concierge_window_insert_saved_reply_action (GtkWidget  *widget,
                                            const char *action_name,
                                            GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->flap));
  gtk_widget_activate_action (GTK_WIDGET (self->conversation_view), "conversation.insert-saved-reply", NULL);
}

static void
concierge_window_search_action (GtkWidget  *widget,
                                const char *action_name,
                                GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
  concierge_inbox_list_focus_search (self->inbox_list);
}

static void
concierge_window_show_inbox_action (GtkWidget  *widget,
                                    const char *action_name,
                                    GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->inbox_pane);
}

static void
concierge_window_show_conversation_action (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->flap));
}

static void
concierge_window_toggle_customer_action (GtkWidget  *widget,
                                         const char *action_name,
                                         GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_reveal_flap (self->flap));
}

/* Built anew each time, and gone when closed. GtkApplication's own help
 * overlay stays among the app's windows, hidden, and GTK 4.8 answers a
 * screen reader that asks for a window past the visible ones (one that
 * closed meanwhile) with that hidden window, whose reference it cannot
 * make: a critical that aborts the app under G_DEBUG=fatal-warnings. */
static void
concierge_window_show_shortcuts_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder = NULL;
  GtkWindow *shortcuts;

  builder = gtk_builder_new_from_resource ("/io/github/conciergedesk/Concierge/ui/concierge-shortcuts-window.ui");
  shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_present (shortcuts);
}

/* One audit log per window; asking again brings it to the front and reads
 * what happened since. */
static void
concierge_window_show_audit_log_action (GtkWidget  *widget,
                                        const char *action_name,
                                        GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  if (self->store == NULL)
    return;

  if (self->audit_window == NULL)
    {
      self->audit_window = concierge_audit_window_new (GTK_WINDOW (self), self->store, self->sync);
      g_object_add_weak_pointer (G_OBJECT (self->audit_window), (gpointer *) &self->audit_window);
    }
  else
    concierge_audit_window_reload (CONCIERGE_AUDIT_WINDOW (self->audit_window));
  gtk_window_present (self->audit_window);
}

static void
concierge_window_save_state (ConciergeWindow *self)
{
  gboolean maximized;

  g_assert (CONCIERGE_IS_WINDOW (self));

  maximized = gtk_window_is_maximized (GTK_WINDOW (self));
  g_settings_set_boolean (self->settings, "window-maximized", maximized);

  /* A maximized window's size says nothing about the size it should return
   * to, so keep the last unmaximized one. */
  if (!maximized)
    {
      int width, height;

      gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
concierge_window_close_request (GtkWindow *window)
{
  concierge_window_save_state (CONCIERGE_WINDOW (window));

  return GTK_WINDOW_CLASS (concierge_window_parent_class)->close_request (window);
}

static void concierge_window_sync_now_action (GtkWidget  *widget,
                                              const char *action_name,
                                              GVariant   *parameter);

static void
concierge_window_dispose (GObject *object)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (object);

  g_clear_handle_id (&self->ready_timeout_id, g_source_remove);
  g_clear_signal_handler (&self->ready_handler_id, self->inbox_list);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->audit_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->audit_window), (gpointer *) &self->audit_window);
  self->audit_window = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (object), CONCIERGE_TYPE_WINDOW);
  g_clear_object (&self->accounts);
  g_clear_object (&self->sync);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (concierge_window_parent_class)->dispose (object);
}

static void
concierge_window_finalize (GObject *object)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (object);

  g_clear_object (&self->settings);
  g_hash_table_unref (self->account_rows);

  G_OBJECT_CLASS (concierge_window_parent_class)->finalize (object);
}

static void
update_language_button (ConciergeWindow *self)
{
  g_autofree char *language = NULL;
  g_autofree char *address = NULL;

  g_object_get (self->conversation_view, "reply-language", &language, "reply-address", &address, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->language_button), language[0] != '\0');
  if (g_strcmp0 (language, "en") == 0)
    gtk_menu_button_set_label (self->language_button, _("English"));
  else if (g_strcmp0 (address, "informal") == 0)
    gtk_menu_button_set_label (self->language_button, _("German · du"));
  else
    gtk_menu_button_set_label (self->language_button, _("German · Sie"));
}

/* A single key acts only where it would not be typed into text, and only
 * if the agent wants single keys at all (WCAG 2.1.4). */
static gboolean
concierge_window_single_key_shortcut (GtkWidget *widget,
                                      GVariant  *args,
                                      gpointer   user_data)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  const char *action = g_variant_get_string (args, NULL);

  if (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus) ||
      !g_settings_get_boolean (self->settings, "single-key-shortcuts"))
    return FALSE;

  /* The conversation's actions are its own; the window does not see them. */
  if (g_str_has_prefix (action, "conversation."))
    return gtk_widget_activate_action (GTK_WIDGET (self->conversation_view), action, NULL);
  return gtk_widget_activate_action (widget, action, NULL);
}

static const struct
{
  guint       keyval;
  const char *action;
} single_keys[] = {
  { GDK_KEY_j, "win.next-thread" },
  { GDK_KEY_k, "win.previous-thread" },
  { GDK_KEY_r, "win.reply" },
  { GDK_KEY_e, "win.resolve" },
  { GDK_KEY_s, "win.show-snooze-menu" },
  { GDK_KEY_slash, "win.search" },
  { GDK_KEY_p, "conversation.move-to-private" },
  { GDK_KEY_n, "conversation.write-note" },
};

/* Customers: importing address books and exporting the customers. Files
 * are read, parsed and written off the main thread. */

static GtkNativeDialog *
customers_chooser_new (ConciergeWindow      *self,
                       const char           *title,
                       GtkFileChooserAction  action,
                       const char           *accept_label)
{
  GtkNativeDialog *chooser = concierge_file_chooser_new (&self->chooser, GTK_WINDOW (self), title, action,
                                                         accept_label, _("Contacts (vCard)"), "text/vcard", "vcf");

  /* Customers go out as a spreadsheet too. */
  if (action == GTK_FILE_CHOOSER_ACTION_SAVE)
    {
      g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();

      gtk_file_filter_set_name (csv, _("Spreadsheets (CSV)"));
      gtk_file_filter_add_mime_type (csv, "text/csv");
      gtk_file_filter_add_suffix (csv, "csv");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
    }
  return chooser;
}

static void
read_customers_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *contacts;
  gsize length;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info != NULL && g_file_info_get_size (info) > CONCIERGE_VCARD_MAX_SIZE)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                               _("The file is larger than 16 MB. Split it into smaller address books."));
      return;
    }
  if (info == NULL || !g_file_load_contents (file, cancellable, &text, &length, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  contacts = concierge_vcard_parse (text, length, &error);
  if (contacts == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, contacts, (GDestroyNotify) g_ptr_array_unref);
}

static void
customers_imported_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeWindow *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int added;

  added = concierge_store_import_contacts_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (added < 0)
    {
      concierge_show_message (GTK_WINDOW (self), _("Could Not Import Customers"), error->message);
      return;
    }

  if (added == 0)
    text = g_strdup (_("Every customer in the file is here already"));
  else
    /* Translators: a toast after an import */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Imported %d customer", "Imported %d customers", added),
                            added);
  adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (text));
}

static void
customers_read_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergeWindow *self;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when the window went: it may be gone. */
  contacts = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (contacts == NULL)
    {
      concierge_show_message (GTK_WINDOW (self), _("Could Not Import Customers"), error->message);
      return;
    }
  if (contacts->len == 0)
    {
      adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (_("The file holds no customers")));
      return;
    }

  /* Once read, the customers are imported when the window goes meanwhile. */
  concierge_store_import_contacts_async (self->store, contacts, NULL, customers_imported_cb,
                                         concierge_caller_new (self, self->cancellable, NULL, NULL));
}

static void
import_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  ConciergeWindow *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);
  g_autoptr(GTask) task = NULL;

  if (file == NULL || self->store == NULL)
    return;

  task = g_task_new (NULL, self->cancellable, customers_read_cb, self);
  g_task_set_source_tag (task, import_chosen_cb);
  g_task_set_task_data (task, g_steal_pointer (&file), g_object_unref);
  g_task_run_in_thread (task, read_customers_thread);
}

static void
concierge_window_import_customers_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);
  GtkNativeDialog *chooser = customers_chooser_new (self, _("Import Customers"), GTK_FILE_CHOOSER_ACTION_OPEN,
                                                    _("_Import"));

  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

typedef struct
{
  GFile     *file;
  GPtrArray *contacts;
  gboolean   csv;
} Export;

static void
export_free (Export *export)
{
  g_clear_object (&export->file);
  g_clear_pointer (&export->contacts, g_ptr_array_unref);
  g_free (export);
}

static void
write_customers_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  Export *export = task_data;
  ConciergeContact * const *contacts = (ConciergeContact * const *) export->contacts->pdata;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  text = export->csv ? concierge_contacts_write_csv (contacts, export->contacts->len)
                     : concierge_vcard_write (contacts, export->contacts->len);
  if (!g_file_replace_contents (export->file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_int (task, export->contacts->len);
}

static void
customers_written_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergeWindow *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gssize written;

  written = g_task_propagate_int (G_TASK (result), &error);
  if (self == NULL)
    return;
  if (written < 0)
    {
      concierge_show_message (GTK_WINDOW (self), _("Could Not Export Customers"), error->message);
      return;
    }

  /* Translators: a toast after an export */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Exported %d customer", "Exported %d customers", written),
                          (int) written);
  adw_toast_overlay_add_toast (self->toast_overlay, concierge_toast_new (text));
}

static void
customers_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Export *export = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  export->contacts = concierge_store_load_contacts_finish (CONCIERGE_STORE (object), result, &error);
  if (export->contacts == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (export->contacts->len == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                               _("There are no customers yet. They appear with their first message."));
      return;
    }
  g_task_run_in_thread (task, write_customers_thread);
}

static void
export_chosen_cb (GtkNativeDialog *chooser,
                  int              response,
                  ConciergeWindow *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);
  GtkFileFilter *filter;
  g_autofree char *name = NULL;
  GTask *task;
  Export *export;

  if (file == NULL || self->store == NULL)
    return;

  /* The file's name decides, then the type chosen in the chooser. */
  name = g_file_get_basename (file);
  filter = gtk_file_chooser_get_filter (GTK_FILE_CHOOSER (chooser));
  export = g_new0 (Export, 1);
  export->file = g_steal_pointer (&file);
  if (g_str_has_suffix (name, ".csv") || g_str_has_suffix (name, ".CSV"))
    export->csv = TRUE;
  else if (g_str_has_suffix (name, ".vcf") || g_str_has_suffix (name, ".vcard"))
    export->csv = FALSE;
  else
    export->csv = filter != NULL && g_strcmp0 (gtk_file_filter_get_name (filter), _("Spreadsheets (CSV)")) == 0;

  /* The export the agent chose is written when the window goes meanwhile. */
  task = g_task_new (NULL, NULL, customers_written_cb, concierge_caller_new (self, self->cancellable, NULL, NULL));
  g_task_set_source_tag (task, export_chosen_cb);
  g_task_set_task_data (task, export, (GDestroyNotify) export_free);
  concierge_store_load_contacts_async (self->store, NULL, customers_loaded_cb, task);
}

static void
concierge_window_export_customers_action (GtkWidget  *widget,
                                          const char *action_name,
                                          GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);
  GtkNativeDialog *chooser = customers_chooser_new (self, _("Export Customers"), GTK_FILE_CHOOSER_ACTION_SAVE,
                                                    _("_Export"));
  /* Translators: the name the exported file of customers gets at first */
  g_autofree char *name = g_strdup_printf ("%s.vcf", _("Customers"));

  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

static void
concierge_window_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_COMPLAINT:
      g_value_set_boolean (value, self->complaint);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_window_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (object);

  switch (prop_id)
    {
    case PROP_COMPLAINT:
      set_complaint (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_window_class_init (ConciergeWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = concierge_window_dispose;
  object_class->finalize = concierge_window_finalize;
  object_class->get_property = concierge_window_get_property;
  object_class->set_property = concierge_window_set_property;

  properties[PROP_COMPLAINT] =
    g_param_spec_boolean ("complaint", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  window_class->close_request = concierge_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, inbox_pane);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, conversation_pane);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, conversation_header_bar);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, snooze_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, language_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, customer_pane);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, inbox_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, conversation_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, customer_view);
  gtk_widget_class_bind_template_child (widget_class, ConciergeWindow, account_list);
  gtk_widget_class_bind_template_callback (widget_class, concierge_window_update_title_buttons);
  gtk_widget_class_bind_template_callback (widget_class, selected_thread_changed_cb);

  gtk_widget_class_install_action (widget_class, "win.show-inbox", NULL,
                                   concierge_window_show_inbox_action);
  gtk_widget_class_install_action (widget_class, "win.show-conversation", NULL,
                                   concierge_window_show_conversation_action);
  gtk_widget_class_install_action (widget_class, "win.toggle-customer", NULL,
                                   concierge_window_toggle_customer_action);

  gtk_widget_class_install_action (widget_class, "win.search", NULL, concierge_window_search_action);
  gtk_widget_class_install_action (widget_class, "win.import-customers", NULL,
                                   concierge_window_import_customers_action);
  gtk_widget_class_install_action (widget_class, "win.export-customers", NULL,
                                   concierge_window_export_customers_action);
  gtk_widget_class_install_action (widget_class, "win.sync-now", "x", concierge_window_sync_now_action);
  gtk_widget_class_install_action (widget_class, "win.show-thread", "x", concierge_window_show_thread_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F9, 0, "win.toggle-customer", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_install_action (widget_class, "win.resolve", NULL, concierge_window_resolve_action);
  gtk_widget_class_install_action (widget_class, "win.mark-pending", NULL, concierge_window_mark_pending_action);
  gtk_widget_class_install_property_action (widget_class, "win.complaint", "complaint");
  gtk_widget_class_install_action (widget_class, "win.snooze", "s", concierge_window_snooze_action);
  gtk_widget_class_install_action (widget_class, "win.show-snooze-menu", NULL,
                                   concierge_window_show_snooze_menu_action);
  gtk_widget_class_install_action (widget_class, "win.next-thread", NULL, concierge_window_next_thread_action);
  gtk_widget_class_install_action (widget_class, "win.previous-thread", NULL, concierge_window_next_thread_action);
  gtk_widget_class_install_action (widget_class, "win.reply", NULL, concierge_window_reply_action);
  gtk_widget_class_install_action (widget_class, "win.insert-saved-reply", NULL,
                                   concierge_window_insert_saved_reply_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.insert-saved-reply", NULL);
  gtk_widget_class_install_action (widget_class, "win.show-audit-log", NULL, concierge_window_show_audit_log_action);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL, concierge_window_show_shortcuts_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.show-audit-log", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (single_keys); i++)
    gtk_widget_class_add_binding (widget_class, single_keys[i].keyval, 0, concierge_window_single_key_shortcut, "s",
                                  single_keys[i].action);
}

static void
concierge_window_init (ConciergeWindow *self)
{
  self->account_rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->cancellable = g_cancellable_new ();
  g_type_ensure (CONCIERGE_TYPE_INBOX_LIST);
  g_type_ensure (CONCIERGE_TYPE_CONVERSATION_VIEW);
  g_type_ensure (CONCIERGE_TYPE_CUSTOMER_VIEW);

  gtk_widget_init_template (GTK_WIDGET (self));
  self->accounts = g_list_store_new (CONCIERGE_TYPE_ACCOUNT);
  gtk_list_box_bind_model (self->account_list, G_LIST_MODEL (self->accounts), account_row_new, self, NULL);

  if (g_str_equal (PROFILE, "development"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  self->settings = g_settings_new (BASE_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  concierge_window_update_title_buttons (self);
  /* The log is in the cache, which may not be open yet. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-audit-log", FALSE);

  /* The header's language menu follows the open conversation's choice. */
  for (guint i = 0; i < 2; i++)
    {
      const char *property = i == 0 ? "reply-language" : "reply-address";
      g_autoptr(GPropertyAction) action = g_property_action_new (property, self->conversation_view, property);
      g_autofree char *signal = g_strdup_printf ("notify::%s", property);

      g_action_map_add_action (G_ACTION_MAP (self), G_ACTION (action));
      g_signal_connect_object (self->conversation_view, signal, G_CALLBACK (update_language_button), self,
                               G_CONNECT_SWAPPED);
    }
  update_language_button (self);
}

ConciergeWindow *
concierge_window_new (GtkApplication *application)
{
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);

  return g_object_new (CONCIERGE_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/* Showing the window only once the inbox has its first rows avoids a
 * frame of spinner before them; a slow disk must not keep the window from
 * showing at all, though. */
#define READY_TIMEOUT_MS 300

static void
present_now (ConciergeWindow *self)
{
  g_clear_handle_id (&self->ready_timeout_id, g_source_remove);
  g_clear_signal_handler (&self->ready_handler_id, self->inbox_list);
  gtk_window_present (GTK_WINDOW (self));
  if (self->show_thread_id != 0)
    {
      concierge_inbox_list_select_thread (self->inbox_list, self->show_thread_id);
      self->show_thread_id = 0;
    }
}

static gboolean
ready_timeout_cb (gpointer data)
{
  ConciergeWindow *self = data;

  self->ready_timeout_id = 0;
  present_now (self);
  return G_SOURCE_REMOVE;
}

/**
 * concierge_window_present_when_ready:
 *
 * Presents the window as soon as the inbox shows the cache, or after a
 * short while at the latest.
 */
void
concierge_window_present_when_ready (ConciergeWindow *self)
{
  g_return_if_fail (CONCIERGE_IS_WINDOW (self));

  if (concierge_inbox_list_get_ready (self->inbox_list) || gtk_widget_get_visible (GTK_WIDGET (self)))
    {
      present_now (self);
      return;
    }

  if (self->ready_timeout_id != 0)
    return;
  self->ready_handler_id = g_signal_connect_swapped (self->inbox_list, "notify::ready",
                                                     G_CALLBACK (present_now), self);
  self->ready_timeout_id = g_timeout_add (READY_TIMEOUT_MS, ready_timeout_cb, self);
}

/**
 * concierge_window_show_thread:
 *
 * Presents the window with the thread chosen, as soon as the inbox shows
 * the cache: from a notification, say, which may have started the app.
 */
void
concierge_window_show_thread (ConciergeWindow *self,
                              gint64           thread_id)
{
  g_return_if_fail (CONCIERGE_IS_WINDOW (self));

  if (!concierge_inbox_list_select_thread (self->inbox_list, thread_id))
    self->show_thread_id = thread_id;
  concierge_window_present_when_ready (self);
}

/* The accounts' states, under the inbox */

static void
concierge_window_sync_now_action (GtkWidget  *widget,
                                  const char *action_name,
                                  GVariant   *parameter)
{
  ConciergeWindow *self = CONCIERGE_WINDOW (widget);

  if (self->sync != NULL)
    concierge_sync_poll_now (self->sync, g_variant_get_int64 (parameter));
}

/* A row per account; its state changes in place, so that a button the
 * agent is about to press stays where it is. */
static void
update_account_row (ConciergeWindow *self,
                    AdwActionRow    *row,
                    gint64           id)
{
  ConciergeSyncState state = concierge_sync_get_state (self->sync, id, NULL);
  GtkImage *icon = g_object_get_data (G_OBJECT (row), "state-icon");
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "try-again");
  GtkWidget *sign_in = g_object_get_data (G_OBJECT (row), "sign-in-again");
  gboolean trouble = state == CONCIERGE_SYNC_NEEDS_SIGN_IN || state == CONCIERGE_SYNC_ERROR ||
                     state == CONCIERGE_SYNC_WAITING_FOR_KEY;
  const char *icon_name;
  const char *subtitle = concierge_sync_state_describe (self->sync, id, &icon_name);
  ConciergeChannel *channel = concierge_sync_get_channel (self->sync, id);
  g_autofree char *notice = channel ? concierge_channel_dup_notice (channel) : NULL;

  adw_action_row_set_subtitle (row, subtitle);
  /* The sidebar has room for the state only; what the account does not
   * see is one look away, and read out with the row. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), notice);
  if (notice != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, notice, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  gtk_image_set_from_icon_name (icon, icon_name);
  if (trouble)
    gtk_widget_add_css_class (GTK_WIDGET (icon), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (icon), "warning");
  /* Trying again cannot help a sign-in the server refuses; for a locked
   * keyring, it asks to unlock it. */
  gtk_widget_set_visible (button, state == CONCIERGE_SYNC_ERROR || state == CONCIERGE_SYNC_OFFLINE ||
                                  state == CONCIERGE_SYNC_WAITING_FOR_KEY);
  gtk_widget_set_visible (sign_in, state == CONCIERGE_SYNC_NEEDS_SIGN_IN);
}

/* Each row is also found by its account's id, to show its state. */
static GtkWidget *
account_row_new (gpointer item,
                 gpointer user_data)
{
  ConciergeWindow *self = user_data;
  ConciergeAccount *account = item;
  gint64 id = concierge_account_get_id (account);
  g_autofree char *title = NULL;
  g_autofree char *name = NULL;
  GtkWidget *row, *icon, *button;

  /* Translators: an account in the sidebar: its name and its platform */
  title = g_strdup_printf (_("%s on %s"), concierge_account_get_display_name (account),
                           concierge_platform_name (concierge_account_get_platform (account)));

  row = adw_action_row_new ();
  /* Names and errors are text, not markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

  icon = gtk_image_new ();
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);

  button = gtk_button_new_with_mnemonic (_("_Try Again"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.sync-now");
  /* Translators: the accessible name of an account's Try Again button */
  name = g_strdup_printf (_("Try syncing %s again"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "try-again", button);

  button = gtk_button_new_with_mnemonic (_("_Sign In Again"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "app.sign-in-again");
  g_free (name);
  /* Translators: the accessible name of an account's Sign In Again button */
  name = g_strdup_printf (_("Sign in to %s again"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "sign-in-again", button);

  g_object_set_data (G_OBJECT (row), "state-icon", icon);
  update_account_row (self, ADW_ACTION_ROW (row), id);
  g_hash_table_insert (self->account_rows, g_memdup2 (&id, sizeof id), row);

  return row;
}

static void
account_state_changed_cb (ConciergeWindow *self,
                          gint64           account_id)
{
  AdwActionRow *row = g_hash_table_lookup (self->account_rows, &account_id);

  if (row != NULL)
    update_account_row (self, row, account_id);
}

static void
update_account_list (ConciergeWindow *self)
{
  g_autoptr(GPtrArray) accounts = concierge_sync_list_accounts (self->sync);

  g_hash_table_remove_all (self->account_rows);
  g_list_store_splice (self->accounts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->accounts)),
                       accounts->pdata, accounts->len);
  gtk_widget_set_visible (GTK_WIDGET (self->account_list), accounts->len > 0);
}

/**
 * concierge_window_set_sync:
 *
 * Shows the accounts' states, and sends replies through @sync.
 */
void
concierge_window_set_sync (ConciergeWindow *self,
                           ConciergeSync   *sync)
{
  g_return_if_fail (CONCIERGE_IS_WINDOW (self));
  g_return_if_fail (CONCIERGE_IS_SYNC (sync));

  if (self->sync == sync)
    return;

  g_set_object (&self->sync, sync);
  g_signal_connect_object (sync, "state-changed", G_CALLBACK (account_state_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (sync, "accounts-changed", G_CALLBACK (update_account_list), self, G_CONNECT_SWAPPED);
  concierge_conversation_view_set_sync (self->conversation_view, sync);
  concierge_inbox_list_set_sync (self->inbox_list, sync);
  update_account_list (self);
}

void
concierge_window_set_store (ConciergeWindow *self,
                            ConciergeStore  *store)
{
  g_return_if_fail (CONCIERGE_IS_WINDOW (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));

  g_set_object (&self->store, store);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-audit-log", TRUE);
  concierge_conversation_view_set_store (self->conversation_view, store);
  concierge_customer_view_set_store (self->customer_view, store);
  concierge_inbox_list_set_store (self->inbox_list, store);
}

void
concierge_window_add_toast (ConciergeWindow *self,
                            const char      *text)
{
  AdwToast *toast;

  g_return_if_fail (CONCIERGE_IS_WINDOW (self));

  toast = concierge_toast_new (text);
  /* It names a file the person may want to look for: let them read it. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
activate_later_cb (gpointer data)
{
  g_autofree char *action = data;
  GApplication *app = g_application_get_default ();

  if (app != NULL)
    g_action_group_activate_action (G_ACTION_GROUP (app), action, NULL);
  return G_SOURCE_REMOVE;
}

static void
store_error_response_cb (ConciergeWindow *self,
                         const char      *response)
{
  const char *action = "quit";

  if (g_str_equal (response, "move-aside"))
    action = "move-cache-aside";
  else if (g_str_equal (response, "retry"))
    action = "open-cache";

  /* The dialog is still emitting its response; quitting now would destroy
   * it under its own feet. */
  g_idle_add (activate_later_cb, g_strdup (action));
}

/**
 * concierge_window_show_store_error:
 * @error: why the cache could not be opened
 * @path: the cache's file
 *
 * Asks what to do about a cache that cannot be opened. Nothing is removed
 * without asking, and a damaged file is only ever moved aside.
 */
void
concierge_window_show_store_error (ConciergeWindow *self,
                                   const GError    *error,
                                   const char      *path)
{
  const char *heading;
  g_autofree char *body = NULL;
  gboolean can_move_aside = TRUE;
  gboolean can_retry = FALSE;
  GtkWidget *dialog;

  g_return_if_fail (CONCIERGE_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_TOO_NEW))
    {
      heading = _("Cache From a Newer Version");
      body = g_strdup_printf (_("The conversations saved in “%s” were written by a newer version "
                                "of Concierge, which this version cannot read. Update Concierge "
                                "to use them, or move the file aside and start with an empty cache. "
                                "Nothing is deleted."), path);
    }
  else if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_DISK_FULL))
    {
      heading = _("Not Enough Disk Space");
      body = g_strdup_printf (_("Concierge cannot prepare its cache in “%s” because the disk is "
                                "full. Free some space, then try again."), path);
      can_move_aside = FALSE;
      can_retry = TRUE;
    }
  else if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_CORRUPT))
    {
      heading = _("Cached Conversations Are Damaged");
      body = g_strdup_printf (_("The file “%s”, where Concierge keeps your conversations on this "
                                "computer, is damaged. Concierge can move it aside and start with an "
                                "empty cache; conversations are fetched again from your accounts. "
                                "Nothing is deleted."), path);
    }
  else
    {
      heading = _("Cached Conversations Cannot Be Read");
      body = g_strdup_printf (_("Concierge cannot open “%s”, where it keeps your conversations on "
                                "this computer (%s). Check that the file and its folder can be read "
                                "and written, then try again, or move the file aside and start with "
                                "an empty cache. Nothing is deleted."), path, error->message);
      can_retry = TRUE;
    }

  present_now (self);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "quit", _("Quit"));
  if (can_retry)
    adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "retry", _("Try Again"));
  if (can_move_aside)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "move-aside",
                                       _("Move Aside and Start Fresh"));
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "move-aside",
                                                  ADW_RESPONSE_SUGGESTED);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "quit");
  g_signal_connect_object (dialog, "response", G_CALLBACK (store_error_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}
