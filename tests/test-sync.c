/* test-sync.c
 *
 * The sync engine against the sandbox server, with a network monitor the
 * test controls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "channels/concierge-sync.h"

#include "test-util.h"

#define TOKEN "sandbox-token-for-the-sync-test"

/* A network monitor that answers what the test says. */

#define TEST_TYPE_MONITOR (test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestMonitor, test_monitor, TEST, MONITOR, GObject)

struct _TestMonitor
{
  GObject  parent_instance;
  gboolean reachable;
};

enum {
  PROP_0,
  PROP_NETWORK_AVAILABLE,
  PROP_NETWORK_METERED,
  PROP_CONNECTIVITY,
};

static void test_monitor_iface_init (GNetworkMonitorInterface *iface);
static void test_monitor_initable_iface_init (GInitableIface *iface);

/* GNetworkMonitor requires GInitable. */
G_DEFINE_FINAL_TYPE_WITH_CODE (TestMonitor, test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_monitor_iface_init))

static gboolean
test_monitor_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  return TRUE;
}

static void
test_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_monitor_initable_init;
}

static void
test_monitor_can_reach_async (GNetworkMonitor     *monitor,
                              GSocketConnectable  *connectable,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (monitor, cancellable, callback, user_data);

  if (TEST_MONITOR (monitor)->reachable)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "The test cut the network");
}

static gboolean
test_monitor_can_reach_finish (GNetworkMonitor  *monitor,
                               GAsyncResult     *result,
                               GError          **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach_async = test_monitor_can_reach_async;
  iface->can_reach_finish = test_monitor_can_reach_finish;
}

static void
test_monitor_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_NETWORK_AVAILABLE:
      g_value_set_boolean (value, TEST_MONITOR (object)->reachable);
      break;
    case PROP_NETWORK_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case PROP_CONNECTIVITY:
      g_value_set_enum (value, G_NETWORK_CONNECTIVITY_FULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_monitor_class_init (TestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_monitor_get_property;
  g_object_class_override_property (object_class, PROP_NETWORK_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, PROP_NETWORK_METERED, "network-metered");
  g_object_class_override_property (object_class, PROP_CONNECTIVITY, "connectivity");
}

static void
test_monitor_init (TestMonitor *self)
{
  self->reachable = TRUE;
}

static void
set_reachable (TestMonitor *monitor,
               gboolean     reachable)
{
  monitor->reachable = reachable;
  g_signal_emit_by_name (monitor, "network-changed", reachable);
}

/* The fixture */

typedef struct
{
  GSubprocess      *sandbox;
  char             *url;
  char             *dir;
  char             *path;
  ConciergeStore   *store;
  ConciergeAccount *account;
  TestMonitor      *monitor;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;

  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--reply-delay-ms", "100", NULL);

  fixture->dir = g_dir_make_tmp ("concierge-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.sqlite", NULL);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("mastodon", "Support", "@support", fixture->url, "1");
  fixture->account = test_add_account (fixture->store, account);
  fixture->monitor = g_object_new (TEST_TYPE_MONITOR, NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->sandbox != NULL)
    test_sandbox_stop (fixture->sandbox);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->account);
  g_clear_object (&fixture->monitor);
  test_remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->url);
}

static guint
thread_count (ConciergeStore *store)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (store, &query);

  return index->len;
}

static guint
message_count (ConciergeStore *store)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (store, &query);
  guint n = 0;

  for (guint i = 0; i < index->len; i++)
    {
      g_autoptr(GPtrArray) messages = test_load_messages (store, g_array_index (index, ConciergeInboxEntry, i).id);

      n += messages->len;
    }

  return n;
}

static void
wait_for_state (ConciergeSync      *sync,
                gint64              account_id,
                ConciergeSyncState  state)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (concierge_sync_get_state (sync, account_id, NULL) != state)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static void
test_sync_fills_the_inbox_and_keeps_its_cursor (Fixture       *fixture,
                                                gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  g_autofree char *cursor = NULL;

  concierge_sync_add_account (sync, fixture->account, "1", TOKEN);
  while (thread_count (fixture->store) < 3)
    g_main_context_iteration (NULL, TRUE);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  g_assert_cmpuint (thread_count (fixture->store), ==, 3);

  /* The cursor was saved with the messages, and a restart goes on from it
   * without fetching anything twice. */
  cursor = test_load_cursor (fixture->store, id, "notifications");
  g_assert_nonnull (cursor);
  g_clear_object (&sync);

  sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  concierge_sync_add_account (sync, fixture->account, "1", TOKEN);
  wait_for_state (sync, id, CONCIERGE_SYNC_SYNCING);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  g_assert_cmpuint (thread_count (fixture->store), ==, 3);
  g_assert_cmpuint (message_count (fixture->store), ==, 3);
}

static void
test_offline_pauses_and_resumes (Fixture       *fixture,
                                 gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = NULL;
  const char *message = NULL;

  fixture->monitor->reachable = FALSE;
  sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  concierge_sync_add_account (sync, fixture->account, "1", TOKEN);
  wait_for_state (sync, id, CONCIERGE_SYNC_OFFLINE);
  concierge_sync_get_state (sync, id, &message);
  g_assert_cmpstr (message, ==, "Offline — showing cached conversations");
  g_assert_cmpuint (thread_count (fixture->store), ==, 0);

  /* The network comes back: sync resumes by itself. */
  set_reachable (fixture->monitor, TRUE);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  g_assert_cmpuint (thread_count (fixture->store), ==, 3);
}

static void
test_server_gone_is_offline (Fixture       *fixture,
                             gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = NULL;

  /* Reachable as far as the monitor knows, but nobody answers. */
  test_sandbox_stop (g_steal_pointer (&fixture->sandbox));

  sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  concierge_sync_add_account (sync, fixture->account, "1", TOKEN);
  wait_for_state (sync, id, CONCIERGE_SYNC_OFFLINE);
}

static void
test_wrong_token_needs_sign_in (Fixture       *fixture,
                                gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  const char *message = NULL;

  concierge_sync_add_account (sync, fixture->account, "1", "not-the-token");
  wait_for_state (sync, id, CONCIERGE_SYNC_NEEDS_SIGN_IN);
  concierge_sync_get_state (sync, id, &message);
  g_assert_nonnull (strstr (message, "Sign in again"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync/fills-the-inbox-and-keeps-its-cursor", test_sync_fills_the_inbox_and_keeps_its_cursor);
  ADD ("/sync/offline-pauses-and-resumes", test_offline_pauses_and_resumes);
  ADD ("/sync/server-gone-is-offline", test_server_gone_is_offline);
  ADD ("/sync/wrong-token-needs-sign-in", test_wrong_token_needs_sign_in);

  return g_test_run ();
}
