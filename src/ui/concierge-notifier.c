/* concierge-notifier.c
 *
 * Desktop notifications, which reach the agent with the window closed:
 * customers who have waited three quarters of their target, before it
 * runs out, and new private messages. Each opens its conversation
 * through app.show-thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <gtk/gtk.h>

#include "model/concierge-business-hours.h"
#include "concierge-notifier.h"

/* How often waiting times are looked at, and how many of the longest. */
#define CHECK_S        30
#define CHECKED_THREADS 200

struct _ConciergeNotifier
{
  GObject                   parent_instance;

  GApplication             *application;  /* unowned: it owns us */
  ConciergeStore           *store;
  GSettings                *settings;
  ConciergeResponseTargets *targets;
  GCancellable             *cancellable;
  guint                     timeout_id;
  gint64                    started_at;
  /* Thread id → the waiting_since it was warned about, so that a warning
   * comes once per wait. */
  GHashTable               *warned;
  /* Thread id → the last message time announced. */
  GHashTable               *announced;
};

G_DEFINE_FINAL_TYPE (ConciergeNotifier, concierge_notifier, G_TYPE_OBJECT)

static gboolean
remember (GHashTable *table,
          gint64      id,
          gint64      value)
{
  gint64 *old = g_hash_table_lookup (table, &id);

  if (old != NULL && *old >= value)
    return FALSE;
  g_hash_table_insert (table, g_memdup2 (&id, sizeof id), g_memdup2 (&value, sizeof value));
  return TRUE;
}

static GNotification *
notification_for (const char *title,
                  const char *body,
                  gint64      thread_id)
{
  GNotification *notification = g_notification_new (title);

  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.show-thread", "x", thread_id);
  return notification;
}

static char *
join_names (GPtrArray *threads)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint shown = MIN (threads->len, 3);

  for (guint i = 0; i < shown; i++)
    {
      const char *name = concierge_thread_get_contact_name (g_ptr_array_index (threads, i));

      if (i > 0)
        g_string_append (names, ", ");
      g_string_append (names, name[0] ? name : _("Unknown Customer"));
    }
  if (threads->len > shown)
    /* Translators: after a list of customers' names; %u is how many more there are */
    g_string_append_printf (names, g_dngettext (NULL, " and %u more", " and %u more", threads->len - shown),
                            threads->len - shown);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
head_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergeNotifier *self;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  g_autoptr(GHashTable) warned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 threshold = G_MAXINT64, longest = -1, longest_id = 0;

  threads = concierge_store_load_inbox_head_finish (CONCIERGE_STORE (object), result, &error);
  if (threads == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read waiting times: %s", error->message);
      return;
    }

  self = user_data;
  for (guint i = 0; i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);
      gint64 since = concierge_thread_get_waiting_since (thread);
      gint64 id = concierge_thread_get_id (thread);
      gint64 waited, target;
      gint64 *warned_since;

      if (since == 0 ||
          concierge_response_targets_check (self->targets, since, concierge_thread_get_first_response_at (thread) != 0,
                                            now, &waited, &target) == CONCIERGE_WAITING_NORMAL)
        continue;

      warned_since = g_hash_table_lookup (self->warned, &id);
      remember (warned, id, since);
      if (warned_since != NULL && *warned_since == since)
        continue;

      g_ptr_array_add (due, thread);
      threshold = MIN (threshold, target * CONCIERGE_WAITING_WARNING_PERCENT / 100);
      if (waited > longest)
        {
          longest = waited;
          longest_id = id;
        }
    }
  /* Answered threads are forgotten, and warned again if they wait again. */
  g_hash_table_unref (self->warned);
  self->warned = g_steal_pointer (&warned);

  if (due->len > 0)
    {
      guint minutes = (guint) MAX (1, threshold / 60);
      g_autofree char *title = NULL;
      g_autofree char *names = join_names (due);
      g_autoptr(GNotification) notification = NULL;

      /* Translators: a notification's title; the first %u is how many customers, the second minutes */
      title = g_strdup_printf (g_dngettext (NULL, "%u customer has waited longer than %u minutes",
                                            "%u customers have waited longer than %u minutes", due->len),
                               due->len, minutes);
      notification = notification_for (title, names, longest_id);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_application_send_notification (self->application, "waiting-times", notification);
    }
}

/**
 * concierge_notifier_check:
 *
 * Looks at the waiting times now, rather than at the next half minute.
 */
void
concierge_notifier_check (ConciergeNotifier *self)
{
  ConciergeInboxQuery query = {
    .status_mask = 1 << CONCIERGE_THREAD_OPEN,
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
  };

  g_return_if_fail (CONCIERGE_IS_NOTIFIER (self));

  concierge_store_load_inbox_head_async (self->store, &query, CHECKED_THREADS, self->cancellable,
                                         head_loaded_cb, self);
}

static gboolean
check_cb (gpointer data)
{
  concierge_notifier_check (data);
  return G_SOURCE_CONTINUE;
}

static void
targets_changed_cb (ConciergeNotifier *self)
{
  g_clear_pointer (&self->targets, concierge_response_targets_unref);
  self->targets = concierge_response_targets_new_for_settings (self->settings);
  concierge_notifier_check (self);
}

static gboolean
window_is_active (ConciergeNotifier *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self->application)); l != NULL; l = l->next)
    if (gtk_window_is_active (l->data))
      return TRUE;
  return FALSE;
}

/* A customer wrote privately, while the agent looks elsewhere. */
static void
threads_changed_cb (ConciergeNotifier *self,
                    GPtrArray         *threads)
{
  if (!g_settings_get_boolean (self->settings, "notify-private-messages") || window_is_active (self))
    return;

  for (guint i = 0; i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);
      gint64 activity = concierge_thread_get_last_activity_at (thread);
      g_autofree char *title = NULL;
      g_autofree char *id = NULL;
      g_autoptr(GNotification) notification = NULL;
      const char *name = concierge_thread_get_contact_name (thread);

      /* What the first sync brings from before the start is no news. */
      if (concierge_thread_get_visibility (thread) != CONCIERGE_VISIBILITY_PRIVATE ||
          !concierge_thread_get_unread (thread) || concierge_thread_get_waiting_since (thread) == 0 ||
          activity < self->started_at ||
          !remember (self->announced, concierge_thread_get_id (thread), activity))
        continue;

      /* Translators: a notification's title; %s is the customer's name */
      title = g_strdup_printf (_("New private message from %s"), name[0] ? name : _("Unknown Customer"));
      notification = notification_for (title, concierge_thread_get_snippet (thread), concierge_thread_get_id (thread));
      id = g_strdup_printf ("message-%" G_GINT64_FORMAT, concierge_thread_get_id (thread));
      g_application_send_notification (self->application, id, notification);
    }
}

static void
concierge_notifier_dispose (GObject *object)
{
  ConciergeNotifier *self = CONCIERGE_NOTIFIER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->targets, concierge_response_targets_unref);
  g_clear_pointer (&self->warned, g_hash_table_unref);
  g_clear_pointer (&self->announced, g_hash_table_unref);

  G_OBJECT_CLASS (concierge_notifier_parent_class)->dispose (object);
}

static void
concierge_notifier_class_init (ConciergeNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = concierge_notifier_dispose;
}

static void
concierge_notifier_init (ConciergeNotifier *self)
{
  self->cancellable = g_cancellable_new ();
  self->warned = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->announced = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  self->started_at = g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * concierge_notifier_new:
 * @application: the app, which sends the notifications and lives longer
 */
ConciergeNotifier *
concierge_notifier_new (GApplication   *application,
                        ConciergeStore *store,
                        GSettings      *settings)
{
  ConciergeNotifier *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);

  self = g_object_new (CONCIERGE_TYPE_NOTIFIER, NULL);
  self->application = application;
  self->store = g_object_ref (store);
  self->settings = g_object_ref (settings);
  self->targets = concierge_response_targets_new_for_settings (settings);

  concierge_response_targets_watch (settings, G_CALLBACK (targets_changed_cb), self);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (threads_changed_cb), self, G_CONNECT_SWAPPED);
  self->timeout_id = g_timeout_add_seconds (CHECK_S, check_cb, self);
  concierge_notifier_check (self);

  return self;
}
