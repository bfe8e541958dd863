/* concierge-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>

#include <glib/gi18n.h>
#include <string.h>

#include "concierge-application.h"
#include "channels/concierge-sync.h"
#include "concierge-cli.h"
#include "concierge-settings-schema.h"
#include "secrets/concierge-secrets.h"
#include "store/concierge-store.h"
#include "privacy/concierge-detector.h"
#include "ui/concierge-attachment-row.h"
#include "ui/concierge-notifier.h"
#include "ui/concierge-preferences.h"
#include "ui/concierge-window.h"

struct _ConciergeApplication
{
  AdwApplication parent_instance;

  /* Set once the options parsed; GApplication reports a parse error only by
   * its exit status, and this tells that case apart. */
  guint options_parsed : 1;
  guint opening_store : 1;
  guint start_in_background : 1;   /* --background: no window at first */

  ConciergeStore *store;
  ConciergeSync  *sync;
  GSettings      *settings;
  GHashTable     *looking_up;   /* account ids whose secret is being read */
  guint           accounts_timeout_id;
  guint           scan_timeout_id;
  guint           activity_timeout_id;
  guint           snooze_timeout_id;
  guint           purge_timeout_id;
  ConciergeNotifier *notifier;
  guint           held : 1;        /* running in the background */
  gint64          last_input;    /* monotonic µs */
};

/* How soon a running app notices an account that the command line added
 * or removed. */
#define ACCOUNTS_CHECK_S 3

/* Sync slows down after this long without input, as when the window is
 * closed. */
#define IDLE_AFTER_S (10 * 60)

G_DEFINE_FINAL_TYPE (ConciergeApplication, concierge_application, ADW_TYPE_APPLICATION)

static int
concierge_application_handle_local_options (GApplication *app,
                                            GVariantDict *options)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  self->options_parsed = TRUE;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("concierge %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  /* Started at login: sync and notify, without a window. If Concierge
   * runs already, there is nothing to do. */
  if (g_variant_dict_contains (options, "background"))
    {
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return EXIT_FAILURE;
        }
      if (g_application_get_is_remote (app))
        return EXIT_SUCCESS;
      self->start_in_background = TRUE;
    }

  /* Without this, GTK would print criticals and crash when the first widget
   * is created; a person deserves a sentence instead. */
  if (!gtk_init_check ())
    {
      g_printerr ("%s\n", _("Concierge cannot open a display. Start it from a graphical session, "
                            "or set DISPLAY or WAYLAND_DISPLAY."));
      return EXIT_FAILURE;
    }

  if (!concierge_settings_schema_check (&error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  return G_APPLICATION_CLASS (concierge_application_parent_class)->handle_local_options (app, options);
}

static gboolean
concierge_application_local_command_line (GApplication   *app,
                                          char         ***arguments,
                                          int            *exit_status)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (app);
  char **argv = *arguments;
  gboolean handled;

  /* Subcommands run here, in this process, with no display and no window. */
  if (argv[0] != NULL && argv[1] != NULL && g_str_equal (argv[1], "account"))
    {
      *exit_status = concierge_cli_account (g_strv_length (argv) - 1, argv + 1);
      return TRUE;
    }
  if (argv[0] != NULL && argv[1] != NULL && g_str_equal (argv[1], "privacy"))
    {
      *exit_status = concierge_cli_privacy (g_strv_length (argv) - 1, argv + 1);
      return TRUE;
    }

  handled = G_APPLICATION_CLASS (concierge_application_parent_class)->local_command_line (app, arguments, exit_status);

  /* GApplication names the bad option but not the way out. */
  if (handled && *exit_status != EXIT_SUCCESS && !self->options_parsed)
    {
      g_printerr (_("Usage: %s [OPTION…]\n"), g_get_prgname ());
      g_printerr (_("Run “%s --help” to see the options.\n"), g_get_prgname ());
    }

  return handled;
}

static void update_activity (ConciergeApplication *self);
static gboolean window_event_cb (GtkEventControllerLegacy *controller,
                                 GdkEvent                 *event,
                                 ConciergeApplication     *self);

static ConciergeWindow *
main_window (ConciergeApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (concierge_window_new (GTK_APPLICATION (self)));
      GtkEventController *input = gtk_event_controller_legacy_new ();

      gtk_event_controller_set_propagation_phase (input, GTK_PHASE_CAPTURE);
      g_signal_connect_object (input, "event", G_CALLBACK (window_event_cb), self, 0);
      gtk_widget_add_controller (GTK_WIDGET (window), input);
      g_signal_connect_object (window, "notify::is-active", G_CALLBACK (update_activity), self,
                               G_CONNECT_SWAPPED);
      if (self->store != NULL)
        concierge_window_set_store (CONCIERGE_WINDOW (window), self->store);
      if (self->sync != NULL)
        concierge_window_set_sync (CONCIERGE_WINDOW (window), self->sync);
    }

  return CONCIERGE_WINDOW (window);
}

/* Sync: every account in the store, with its secret from the keyring */

typedef struct
{
  ConciergeApplication *self;
  ConciergeAccount     *account;
} Lookup;

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->self);
  g_object_unref (lookup->account);
  g_free (lookup);
}

static void
secret_found_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Lookup *lookup = user_data;
  ConciergeApplication *self = lookup->self;
  gint64 id = concierge_account_get_id (lookup->account);
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  secret = concierge_secrets_lookup_finish (result, &error);
  g_hash_table_remove (self->looking_up, &id);

  if (self->sync == NULL)
    ;
  else if (error != NULL)
    concierge_sync_report_problem (self->sync, lookup->account, error->message);
  else if (!concierge_sync_add_account (self->sync, lookup->account, secret ? secret : "{}", &error))
    g_debug ("Account %" G_GINT64_FORMAT " is not synced: %s", id, error->message);

  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  lookup_free (lookup);
}

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ConciergeApplication) self = user_data;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GPtrArray) synced = NULL;
  g_autoptr(GError) error = NULL;
  gboolean removed = FALSE;

  accounts = concierge_store_load_accounts_finish (CONCIERGE_STORE (object), result, &error);
  if (accounts == NULL || self->sync == NULL)
    {
      if (error != NULL)
        g_warning ("Could not read the accounts: %s", error->message);
      return;
    }

  for (guint i = 0; i < accounts->len; i++)
    {
      ConciergeAccount *account = g_ptr_array_index (accounts, i);
      gint64 id = concierge_account_get_id (account);
      Lookup *lookup;

      if (concierge_account_get_signed_out (account) ||
          concierge_sync_has_account (self->sync, id) || g_hash_table_contains (self->looking_up, &id))
        continue;

      g_hash_table_add (self->looking_up, g_memdup2 (&id, sizeof id));
      lookup = g_new0 (Lookup, 1);
      lookup->self = g_object_ref (self);
      lookup->account = g_object_ref (account);
      concierge_secrets_lookup_async (concierge_store_get_profile_id (self->store), id, NULL,
                                      secret_found_cb, lookup);
    }

  /* An account removed elsewhere stops syncing here. */
  synced = concierge_sync_list_accounts (self->sync);
  for (guint i = 0; i < synced->len; i++)
    {
      gint64 id = concierge_account_get_id (g_ptr_array_index (synced, i));
      gboolean found = FALSE;

      for (guint j = 0; j < accounts->len && !found; j++)
        found = concierge_account_get_id (g_ptr_array_index (accounts, j)) == id &&
                !concierge_account_get_signed_out (g_ptr_array_index (accounts, j));
      if (!found)
        {
          concierge_sync_remove_account (self->sync, id);
          removed = TRUE;
        }
    }

  /* Its threads went with it. */
  if (removed)
    concierge_store_invalidate (self->store);
}

static gboolean
check_accounts_cb (gpointer data)
{
  ConciergeApplication *self = data;

  concierge_store_load_accounts_async (self->store, NULL, accounts_loaded_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

/* Sync polls often while someone works in a window, seldom otherwise. */
static void
update_activity (ConciergeApplication *self)
{
  gboolean active = FALSE;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    active |= gtk_window_is_active (l->data);
  active &= g_get_monotonic_time () - self->last_input < IDLE_AFTER_S * G_USEC_PER_SEC;

  if (self->sync != NULL)
    concierge_sync_set_active (self->sync, active);
}

static gboolean
activity_timeout_cb (gpointer data)
{
  update_activity (data);
  return G_SOURCE_CONTINUE;
}

static gboolean
window_event_cb (GtkEventControllerLegacy *controller,
                 GdkEvent                 *event,
                 ConciergeApplication     *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  gboolean was_idle;

  if (type != GDK_KEY_PRESS && type != GDK_BUTTON_PRESS && type != GDK_SCROLL && type != GDK_TOUCH_BEGIN)
    return GDK_EVENT_PROPAGATE;

  was_idle = g_get_monotonic_time () - self->last_input >= IDLE_AFTER_S * G_USEC_PER_SEC;
  self->last_input = g_get_monotonic_time ();
  if (was_idle)
    update_activity (self);

  return GDK_EVENT_PROPAGATE;
}

/* Snoozed threads come back when their time has come. */
#define SNOOZE_CHECK_S 30

static void
woken_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (concierge_store_wake_snoozed_finish (CONCIERGE_STORE (object), result, &error) < 0 &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not wake snoozed conversations: %s", error->message);
}

static gboolean
snooze_timeout_cb (gpointer data)
{
  ConciergeApplication *self = data;

  concierge_store_wake_snoozed_async (self->store, g_get_real_time () / G_USEC_PER_SEC, NULL, woken_cb, NULL);
  return G_SOURCE_CONTINUE;
}

/* Retention: conversations resolved longer ago than the agent chose go
 * from the cache once a day, and soon after the choice changes. */
#define PURGE_INTERVAL_S (24 * 60 * 60)
#define PURGE_DELAY_S 10
/* While the tombstone key has not come from the keyring */
#define PURGE_KEY_RETRY_S (10 * 60)

static void schedule_purge (ConciergeApplication *self,
                            guint                 seconds);

static void
purged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(ConciergeApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  int purged = concierge_store_purge_finish (CONCIERGE_STORE (object), result, &error);

  /* Purging leaves tombstones, which need the key from the keyring. */
  if (g_error_matches (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NO_KEY))
    {
      g_message ("Old conversations are deleted once the keyring gives the tombstone key");
      if (self->store != NULL)
        schedule_purge (self, PURGE_KEY_RETRY_S);
    }
  else if (purged < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Deleting old conversations failed: %s", error->message);
  else if (purged > 0)
    g_message ("Deleted %d conversations resolved before the retention period", purged);
}

static void
erasure_finished_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cleaning up after forgetting or deleting conversations failed: %s", error->message);
}

static gboolean
purge_timeout_cb (gpointer data)
{
  ConciergeApplication *self = data;
  int days = g_settings_get_int (self->settings, "retention-days");

  self->purge_timeout_id = 0;
  if (days > 0 && self->store != NULL)
    {
      g_autofree char *reason = g_strdup_printf ("resolved more than %d days ago", days);

      concierge_store_purge_async (self->store, g_get_real_time () / G_USEC_PER_SEC - (gint64) days * 24 * 60 * 60,
                                   reason, NULL, purged_cb, g_object_ref (self));
    }
  schedule_purge (self, PURGE_INTERVAL_S);
  return G_SOURCE_REMOVE;
}

static void
schedule_purge (ConciergeApplication *self,
                guint                 seconds)
{
  g_clear_handle_id (&self->purge_timeout_id, g_source_remove);
  self->purge_timeout_id = g_timeout_add_seconds (seconds, purge_timeout_cb, self);
}

/* A moment after the choice, so that the spin button's steps on the way
 * to it do not each delete something. */
static void
retention_changed_cb (ConciergeApplication *self)
{
  if (self->store != NULL)
    schedule_purge (self, PURGE_DELAY_S);
}

static void
first_sync_threads_changed_cb (ConciergeApplication *self)
{
  if (self->sync != NULL)
    concierge_sync_set_first_sync_threads (self->sync,
                                           (guint) MAX (0, g_settings_get_int (self->settings, "first-sync-threads")));
}

static void
document_download_limit_changed_cb (ConciergeApplication *self)
{
  if (self->sync != NULL)
    concierge_sync_set_document_download_limit (self->sync,
                                                (guint) MAX (0, g_settings_get_int (self->settings,
                                                                                    "document-download-limit")));
}

static void
extended_reply_accounts_changed_cb (ConciergeApplication *self)
{
  g_autoptr(GVariant) ids = g_settings_get_value (self->settings, "extended-reply-accounts");
  gsize n = 0;
  const gint64 *accounts = g_variant_get_fixed_array (ids, &n, sizeof (gint64));

  if (self->sync != NULL)
    concierge_sync_set_extended_reply_accounts (self->sync, accounts, n);
}

static void
start_sync (ConciergeApplication *self)
{
  self->sync = concierge_sync_new (self->store, NULL);
  first_sync_threads_changed_cb (self);
  g_signal_connect_object (self->settings, "changed::first-sync-threads",
                           G_CALLBACK (first_sync_threads_changed_cb), self, G_CONNECT_SWAPPED);
  document_download_limit_changed_cb (self);
  g_signal_connect_object (self->settings, "changed::document-download-limit",
                           G_CALLBACK (document_download_limit_changed_cb), self, G_CONNECT_SWAPPED);
  extended_reply_accounts_changed_cb (self);
  g_signal_connect_object (self->settings, "changed::extended-reply-accounts",
                           G_CALLBACK (extended_reply_accounts_changed_cb), self, G_CONNECT_SWAPPED);
  self->looking_up = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CONCIERGE_IS_WINDOW (l->data))
      concierge_window_set_sync (l->data, self->sync);

  /* Before the accounts, so that the first batch finds the key there. */
  concierge_sync_load_tombstone_key (self->sync);
  check_accounts_cb (self);
  self->accounts_timeout_id = g_timeout_add_seconds (ACCOUNTS_CHECK_S, check_accounts_cb, self);
  self->last_input = g_get_monotonic_time ();
  self->activity_timeout_id = g_timeout_add_seconds (60, activity_timeout_cb, self);
  update_activity (self);
  snooze_timeout_cb (self);
  self->snooze_timeout_id = g_timeout_add_seconds (SNOOZE_CHECK_S, snooze_timeout_cb, self);
  self->notifier = concierge_notifier_new (G_APPLICATION (self), self->store, self->settings);
}

/* Personal data: the store scans customers' messages with a detector made
 * from the company's data in Preferences. */

static void
scanned_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!concierge_store_scan_finish (CONCIERGE_STORE (object), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not look for personal data in the cache: %s", error->message);
}

static void
set_scanner (ConciergeApplication *self)
{
  concierge_store_set_scanner (self->store, concierge_detector_scan_for_store,
                               concierge_detector_new_for_settings (self->settings), g_object_unref);
}

/* After an upgrade, a cache of a million messages takes a while to scan;
 * the first frame and the first inbox page go first. */
#define SCAN_DELAY_MS 1000

static gboolean
scan_later_cb (gpointer data)
{
  ConciergeApplication *self = data;

  self->scan_timeout_id = 0;
  concierge_store_scan_async (self->store, FALSE, NULL, scanned_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
privacy_settings_changed_cb (ConciergeApplication *self)
{
  /* The allowed data or the patterns changed: every message anew. */
  if (self->store == NULL)
    return;
  set_scanner (self);
  concierge_store_scan_async (self->store, TRUE, NULL, scanned_cb, NULL);
}

static void
store_opened_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ConciergeApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = concierge_store_default_path ();

  self->opening_store = FALSE;
  self->store = concierge_store_open_finish (result, &error);
  if (self->store == NULL)
    {
      g_message ("The cache %s cannot be opened: %s", path, error->message);
      concierge_window_show_store_error (main_window (self), error, path);
      return;
    }

  /* New messages are scanned as they land; those from before an upgrade,
   * or ingested by another process, a moment later. */
  set_scanner (self);
  self->scan_timeout_id = g_timeout_add (SCAN_DELAY_MS, scan_later_cb, self);
  /* A forget or purge that the last run ended in the middle of */
  concierge_store_finish_erasure_async (self->store, NULL, erasure_finished_cb, NULL);
  schedule_purge (self, PURGE_DELAY_S);
  g_signal_connect_object (self->settings, "changed::retention-days", G_CALLBACK (retention_changed_cb), self,
                           G_CONNECT_SWAPPED);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CONCIERGE_IS_WINDOW (l->data))
      concierge_window_set_store (l->data, self->store);

  start_sync (self);
}

static void
concierge_application_open_store (ConciergeApplication *self)
{
  g_autofree char *path = NULL;

  if (self->store != NULL || self->opening_store)
    return;

  self->opening_store = TRUE;
  path = concierge_store_default_path ();
  concierge_store_open_async (path, NULL, store_opened_cb, g_object_ref (self));
}

static void
concierge_application_activate (GApplication *app)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (app);

  concierge_application_open_store (self);
  if (self->start_in_background)
    {
      /* Held, so that it keeps running without a window. */
      self->start_in_background = FALSE;
      if (!self->held)
        {
          g_application_hold (app);
          self->held = TRUE;
        }
      return;
    }
  concierge_window_present_when_ready (main_window (self));
}

/* Starting at login: an autostart entry, written by Concierge itself or,
 * inside Flatpak, by the background portal. */

static char *
autostart_path (void)
{
  g_autofree char *name = g_strconcat (APP_ID, ".desktop", NULL);

  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

static void
background_requested_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  if (reply == NULL)
    g_warning ("The background portal refused to start Concierge at login: %s", error->message);
}

static void
request_background (ConciergeApplication *self,
                    gboolean              autostart)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (self));
  const char *commandline[] = { "concierge", "--background", NULL };
  GVariantBuilder options;

  if (bus == NULL)
    return;
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Concierge syncs and warns of waiting customers in the background.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (autostart));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_dbus_connection_call (bus, "org.freedesktop.portal.Desktop", "/org/freedesktop/portal/desktop",
                          "org.freedesktop.portal.Background", "RequestBackground",
                          g_variant_new ("(sa{sv})", "", &options), NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          background_requested_cb, NULL);
}

static void
update_autostart (ConciergeApplication *self)
{
  gboolean wanted = g_settings_get_boolean (self->settings, "start-at-login");
  g_autofree char *path = autostart_path ();
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *executable = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    {
      request_background (self, wanted);
      return;
    }

  if (!wanted)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
      return;
    }

  /* This very program, wherever it was installed. */
  executable = g_file_read_link ("/proc/self/exe", NULL);
  contents = g_strdup_printf ("[Desktop Entry]\n"
                              "Type=Application\n"
                              "Name=Concierge\n"
                              "Icon=%s\n"
                              "Exec=%s --background\n"
                              "NoDisplay=true\n"
                              "X-GNOME-Autostart-enabled=true\n",
                              APP_ID, executable ? executable : "concierge");
  if (g_mkdir_with_parents (directory, 0700) != 0 ||
      !g_file_set_contents (path, contents, -1, &error))
    g_warning ("Could not write %s: %s", path, error ? error->message : g_strerror (errno));
}

static void
concierge_application_open_cache_action (GSimpleAction *action,
                                         GVariant      *parameter,
                                         gpointer       user_data)
{
  concierge_application_open_store (user_data);
}

static void
concierge_application_move_cache_aside_action (GSimpleAction *action,
                                               GVariant      *parameter,
                                               gpointer       user_data)
{
  ConciergeApplication *self = user_data;
  g_autofree char *path = concierge_store_default_path ();
  g_autofree char *new_path = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self->store == NULL);

  if (!concierge_store_move_aside (path, &new_path, &error))
    {
      concierge_window_show_store_error (main_window (self), error, path);
      return;
    }

  /* A toast's title is Pango markup in libadwaita 1.2; a path is not. */
  escaped = g_markup_escape_text (new_path, -1);
  message = g_strdup_printf (_("The damaged cache was moved to “%s”"), escaped);
  concierge_window_add_toast (main_window (self), message);
  concierge_application_open_store (self);
}

static void
concierge_application_about_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  ConciergeApplication *self = user_data;
  static const char *developers[] = { "The Concierge developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (GTK_APPLICATION (self)),
                         "title", _("About Concierge"),
                         "application-name", _("Concierge"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Concierge developers"),
                         "developers", developers,
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/conciergedesk/concierge",
                         "issue-url", "https://github.com/conciergedesk/concierge/issues",
                         "copyright", "© 2026 The Concierge developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: Put your names here, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
concierge_application_quit_action (GSimpleAction *action,
                                   GVariant      *parameter,
                                   gpointer       user_data)
{
  ConciergeApplication *self = user_data;
  GList *windows;

  /* Closing each window first lets it save its size, as a click on its
   * close button would. Closing one may destroy its dialogs, hence the
   * references. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  g_list_foreach (windows, (GFunc) (void (*) (void)) g_object_ref, NULL);
  for (const GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);

  g_application_quit (G_APPLICATION (self));
}

static void
concierge_application_preferences_action (GSimpleAction *action,
                                          GVariant      *parameter,
                                          gpointer       user_data)
{
  ConciergeApplication *self = user_data;

  /* Without the cache there is nothing to list or add to. */
  if (self->store == NULL)
    return;

  gtk_window_present (concierge_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                                 self->store, self->sync));
}

static void
concierge_application_sign_in_again_action (GSimpleAction *action,
                                            GVariant      *parameter,
                                            gpointer       user_data)
{
  ConciergeApplication *self = user_data;
  GtkWindow *preferences;

  if (self->store == NULL)
    return;

  preferences = concierge_preferences_new (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                           self->store, self->sync);
  concierge_preferences_sign_in_again (CONCIERGE_PREFERENCES (preferences), g_variant_get_int64 (parameter));
  gtk_window_present (preferences);
}

/* A notification opens its conversation, in a new window if need be. */
static void
concierge_application_show_thread_action (GSimpleAction *action,
                                          GVariant      *parameter,
                                          gpointer       user_data)
{
  ConciergeApplication *self = user_data;

  concierge_application_open_store (self);
  concierge_window_show_thread (main_window (self), g_variant_get_int64 (parameter));
}

/* With the window closed, sync and notifications go on while the app is
 * held; Quit stops it either way. */
static void
update_background (ConciergeApplication *self)
{
  gboolean wanted = g_settings_get_boolean (self->settings, "run-in-background");

  if (wanted && !self->held)
    g_application_hold (G_APPLICATION (self));
  else if (!wanted && self->held)
    g_application_release (G_APPLICATION (self));
  self->held = wanted;
}

static const GActionEntry app_actions[] = {
  { "about", concierge_application_about_action },
  { "preferences", concierge_application_preferences_action },
  { "sign-in-again", concierge_application_sign_in_again_action, "x" },
  { "show-thread", concierge_application_show_thread_action, "x" },
  { "open-cache", concierge_application_open_cache_action },
  { "move-cache-aside", concierge_application_move_cache_aside_action },
  { "quit", concierge_application_quit_action },
};

static void
concierge_application_startup (GApplication *app)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };

  G_APPLICATION_CLASS (concierge_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (BASE_ID);
  g_signal_connect_object (self->settings, "changed::privacy-allowed",
                           G_CALLBACK (privacy_settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::customer-number-patterns",
                           G_CALLBACK (privacy_settings_changed_cb), self, G_CONNECT_SWAPPED);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  g_signal_connect_object (self->settings, "changed::run-in-background", G_CALLBACK (update_background), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::start-at-login", G_CALLBACK (update_autostart), self,
                           G_CONNECT_SWAPPED);
  update_background (self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-shortcuts", shortcuts_accels);

  /* The worker opens the cache while the window is built, so the first
   * frame can already show the inbox. */
  concierge_application_open_store (CONCIERGE_APPLICATION (app));
  concierge_attachment_row_delete_copies ();
}

static void
concierge_application_dispose (GObject *object)
{
  ConciergeApplication *self = CONCIERGE_APPLICATION (object);

  g_clear_handle_id (&self->accounts_timeout_id, g_source_remove);
  g_clear_handle_id (&self->scan_timeout_id, g_source_remove);
  g_clear_handle_id (&self->activity_timeout_id, g_source_remove);
  g_clear_handle_id (&self->snooze_timeout_id, g_source_remove);
  g_clear_handle_id (&self->purge_timeout_id, g_source_remove);
  g_clear_object (&self->notifier);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->looking_up, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (concierge_application_parent_class)->dispose (object);
}

static void
concierge_application_class_init (ConciergeApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = concierge_application_dispose;

  app_class->local_command_line = concierge_application_local_command_line;
  app_class->handle_local_options = concierge_application_handle_local_options;
  app_class->startup = concierge_application_startup;
  app_class->activate = concierge_application_activate;
}

static void
concierge_application_init (ConciergeApplication *self)
{
  static const GOptionEntry main_entries[] = {
    { "version", 'v', G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { "background", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Start without a window, to sync and notify in the background"), NULL },
    { NULL }
  };
  g_autofree char *description = NULL;

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Answer customers on social networks and messengers."));
  description = concierge_cli_describe ();
  g_application_set_option_context_description (G_APPLICATION (self), description);
}

ConciergeApplication *
concierge_application_new (void)
{
  return g_object_new (CONCIERGE_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       /* The .Devel build shares the release build's resources. */
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
