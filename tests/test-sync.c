/* test-sync.c
 *
 * The sync engine against the sandbox server, with a network monitor the
 * test controls.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "channels/concierge-sync.h"

#include "test-leaks.h"
#include "test-util.h"

#define TOKEN "sandbox-token-for-the-sync-test"
#define SECRET "{\"access_token\": \"" TOKEN "\"}"

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
  char             *record;
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

  fixture->dir = g_dir_make_tmp ("concierge-sync-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->record = g_build_filename (fixture->dir, "record.jsonl", NULL);
  /* A test names one more option of the sandbox as its data; the fault
   * tests name a fault kind instead. */
  fixture->sandbox = test_sandbox_start (TOKEN, &fixture->url, "--reply-delay-ms", "100",
                                         "--max-characters", "200", "--record", fixture->record,
                                         data != NULL && g_str_has_prefix (data, "--") ? data : NULL,
                                         NULL);

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
  g_free (fixture->record);
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

  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
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
  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  wait_for_state (sync, id, CONCIERGE_SYNC_SYNCING);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  g_assert_cmpuint (thread_count (fixture->store), ==, 3);
  g_assert_cmpuint (message_count (fixture->store), ==, 3);
}

/* The id of the thread whose snippet holds @text */
static ConciergeThread *
find_thread (ConciergeStore *store,
             const char     *text)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      g_autoptr(GPtrArray) threads = test_load_threads (store, &g_array_index (index, ConciergeInboxEntry, i).id, 1);
      ConciergeThread *thread = g_ptr_array_index (threads, 0);

      if (strstr (concierge_thread_get_snippet (thread), text) != NULL)
        return g_object_ref (thread);
    }
  return NULL;
}

/* How many requests in the record hold both @one and @other. */
static guint
count_requests_with (const char *record,
                     const char *one,
                     const char *other)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (record, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], one) != NULL && strstr (lines[i], other) != NULL)
      n++;
  return n;
}

static guint
count_requests (const char *record,
                const char *needle)
{
  return count_requests_with (record, "/api/v1/notifications", needle);
}

/* After "Forget this customer" the server still has every message, and a
 * sync from the start brings them all again: the tombstones keep the
 * forgotten customer's out. */
static void
test_forgotten_customer_stays_forgotten (Fixture       *fixture,
                                         gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  g_autoptr(ConciergeThread) tom = NULL;
  g_autoptr(ConciergeThread) jana = NULL;
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db;
  guint from_start;

  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  while (thread_count (fixture->store) < 3)
    g_main_context_iteration (NULL, TRUE);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  g_clear_object (&sync);

  tom = find_thread (fixture->store, "doppelt abgebucht");
  g_assert_nonnull (tom);
  concierge_store_forget_contact_async (fixture->store, concierge_thread_get_contact_id (tom), "test",
                                        NULL, NULL, NULL, test_got_result, &result);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->threads, ==, 1);
  g_assert_cmpuint (thread_count (fixture->store), ==, 2);

  /* Start over, as after a lost cursor: everything is fetched again. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM sync_state", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  from_start = count_requests (fixture->record, "\"GET\"") - count_requests (fixture->record, "min_id");

  sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  wait_for_state (sync, id, CONCIERGE_SYNC_SYNCING);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);

  /* The sync did ask for everything again */
  g_assert_cmpuint (count_requests (fixture->record, "\"GET\"") - count_requests (fixture->record, "min_id"),
                    >, from_start);
  /* and the others' conversations are there, but not Tom's. */
  jana = find_thread (fixture->store, "Router blinkt rot");
  g_assert_nonnull (jana);
  g_assert_cmpuint (thread_count (fixture->store), ==, 2);
  g_assert_cmpuint (message_count (fixture->store), ==, 2);
  g_clear_object (&tom);
  tom = find_thread (fixture->store, "doppelt abgebucht");
  g_assert_null (tom);
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
  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
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
  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  wait_for_state (sync, id, CONCIERGE_SYNC_OFFLINE);
}

static void
test_wrong_token_needs_sign_in (Fixture       *fixture,
                                gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  const char *message = NULL;

  concierge_sync_add_account (sync, fixture->account, "{\"access_token\": \"not-the-token\"}", NULL);
  wait_for_state (sync, id, CONCIERGE_SYNC_NEEDS_SIGN_IN);
  concierge_sync_get_state (sync, id, &message);
  g_assert_nonnull (strstr (message, "Sign in again"));
}

/* The outbox */

static gint64
first_thread (ConciergeStore      *store,
              ConciergeVisibility  visibility)
{
  ConciergeInboxQuery query = { .visibility = visibility };
  g_autoptr(GArray) index = test_load_index (store, &query);

  g_assert_cmpuint (index->len, >, 0);
  return g_array_index (index, ConciergeInboxEntry, 0).id;
}

/* The agent's message in the thread whose text contains @text, and how
 * many such messages the thread holds. */
static ConciergeMessage *
find_reply (ConciergeStore *store,
            gint64          thread_id,
            const char     *text,
            guint          *copies)
{
  g_autoptr(GPtrArray) messages = test_load_messages (store, thread_id);
  ConciergeMessage *found = NULL;

  *copies = 0;
  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);

      if (concierge_message_get_direction (message) == CONCIERGE_DIRECTION_OUT &&
          strstr (concierge_message_get_body (message), text) != NULL)
        {
          *copies += 1;
          g_set_object (&found, message);
        }
    }

  return found;
}

static ConciergeMessage *
wait_for_send_state (ConciergeStore     *store,
                     gint64              thread_id,
                     const char         *text,
                     ConciergeSendState  state)
{
  gint64 deadline = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

  for (;;)
    {
      guint copies;
      g_autoptr(ConciergeMessage) reply = find_reply (store, thread_id, text, &copies);

      /* A sync may bring the sent status in before the outbox learns it
       * went out; for that moment the thread holds the reply twice, and
       * the queued copy goes when the outbox completes. */
      if (copies == 1 && concierge_message_get_send_state (reply) == state)
        return g_steal_pointer (&reply);
      if (g_get_monotonic_time () >= deadline)
        g_error ("the reply \"%s\" never came to one copy in the state wanted; "
                 "the thread holds %u copies", text, copies);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

/* How many statuses with @text the sandbox holds from the agent. */
static guint
statuses_on_server (Fixture    *fixture,
                    const char *text)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/api/v1/accounts/1/statuses?limit=40", fixture->url);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *statuses;
  guint n = 0;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", "Bearer " TOKEN);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  root = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    if (strstr (json_object_get_string_member (json_array_get_object_element (statuses, i), "content"), text))
      n++;

  return n;
}

static ConciergeSync *
start_synced (Fixture *fixture)
{
  ConciergeSync *sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  gint64 id = concierge_account_get_id (fixture->account);

  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  wait_for_state (sync, id, CONCIERGE_SYNC_SYNCING);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  return sync;
}

static void
queue_reply (ConciergeSync *sync,
             gint64         thread_id,
             const char    *text)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_sync_queue_reply_async (sync, thread_id, text, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  concierge_sync_queue_reply_finish (sync, result, &error);
  g_assert_no_error (error);
}

static void
test_reply_reaches_the_server_once (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PUBLIC);
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) threads = NULL;

  queue_reply (sync, thread_id, "Wir kümmern uns sofort darum.");
  sent = wait_for_send_state (fixture->store, thread_id, "Wir kümmern uns sofort darum.", CONCIERGE_SEND_SENT);

  /* The public reply names the customer, so that it reaches them. */
  g_assert_nonnull (concierge_message_get_remote_id (sent));
  g_assert_true (g_str_has_prefix (concierge_message_get_body (sent), "@"));
  g_assert_cmpuint (statuses_on_server (fixture, "Wir kümmern uns sofort darum."), ==, 1);

  threads = test_load_threads (fixture->store, &thread_id, 1);
  thread = g_object_ref (g_ptr_array_index (threads, 0));
  g_assert_cmpint (concierge_thread_get_first_response_at (thread), >, 0);
}

static void
test_private_reply_is_direct (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PRIVATE);
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autofree char *record = NULL;

  queue_reply (sync, thread_id, "Ich habe die doppelte Abbuchung erstattet.");
  sent = wait_for_send_state (fixture->store, thread_id, "doppelte Abbuchung", CONCIERGE_SEND_SENT);
  g_assert_cmpint (concierge_message_get_visibility (sent), ==, CONCIERGE_VISIBILITY_PRIVATE);

  /* The record shows the app sent the test's token; the app itself wrote
   * it nowhere: not in its log, its cache and the cache's log, nor its
   * settings. */
  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  g_assert_nonnull (strstr (record, "\"visibility\":\"direct\""));
  g_assert_nonnull (strstr (record, "\"authorization\":\"Bearer " TOKEN "\""));
  test_assert_never_written (TOKEN, fixture->dir, fixture->record);
}

/* The visibility the status with @text was posted with, as the sandbox
 * recorded the request. */
static char *
posted_visibility (Fixture    *fixture,
                   const char *text)
{
  g_autofree char *record = NULL;
  g_auto(GStrv) lines = NULL;
  char *visibility = NULL;

  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  lines = g_strsplit (record, "\n", -1);
  for (guint i = 0; lines[i] != NULL && visibility == NULL; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);
      JsonObject *request = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *query;

      if (request == NULL || g_strcmp0 (json_object_get_string_member_with_default (request, "method", ""), "POST") != 0 ||
          g_strcmp0 (json_object_get_string_member_with_default (request, "path", ""), "/api/v1/statuses") != 0)
        continue;
      query = json_object_get_object_member (request, "query");
      if (strstr (json_object_get_string_member_with_default (query, "status", ""), text) != NULL)
        visibility = g_strdup (json_object_get_string_member_with_default (query, "visibility", "(none)"));
    }
  g_assert_nonnull (visibility);
  return visibility;
}

/* A reply reaches whom the customer's post reached: Emma asked unlisted,
 * Paula for her followers, Tom directly. */
static void
test_reply_keeps_the_audience (Fixture       *fixture,
                               gconstpointer  data)
{
  static const struct
  {
    const char       *question;
    ConciergeAudience audience;
    const char       *reply;
    const char       *visibility;
  } cases[] = {
    { "roaming in Switzerland", CONCIERGE_AUDIENCE_UNLISTED, "Roaming in Switzerland is included.", "unlisted" },
    { "Vertrag läuft im März aus", CONCIERGE_AUDIENCE_FOLLOWERS, "Wir melden uns mit einem Angebot.", "private" },
    { "doppelt abgebucht", CONCIERGE_AUDIENCE_DIRECT, "Die doppelte Abbuchung ist erstattet.", "direct" },
  };
  g_autoptr(ConciergeSync) sync = start_synced (fixture);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ConciergeThread) thread = find_thread (fixture->store, cases[i].question);
      g_autoptr(ConciergeMessage) sent = NULL;
      g_autofree char *visibility = NULL;

      g_assert_nonnull (thread);
      g_assert_cmpint (concierge_thread_get_audience (thread), ==, cases[i].audience);
      /* Unlisted and followers-only conversations are public ones. */
      g_assert_cmpint (concierge_thread_get_visibility (thread), ==,
                       cases[i].audience == CONCIERGE_AUDIENCE_DIRECT ? CONCIERGE_VISIBILITY_PRIVATE
                                                                      : CONCIERGE_VISIBILITY_PUBLIC);
      queue_reply (sync, concierge_thread_get_id (thread), cases[i].reply);
      sent = wait_for_send_state (fixture->store, concierge_thread_get_id (thread), cases[i].reply,
                                  CONCIERGE_SEND_SENT);
      g_assert_cmpint (concierge_message_get_audience (sent), ==, cases[i].audience);
      visibility = posted_visibility (fixture, cases[i].reply);
      g_assert_cmpstr (visibility, ==, cases[i].visibility);
    }
}

/* Whether a customer's message with @text waits on the server. */
static gboolean
customer_wrote (Fixture    *fixture,
                const char *text)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/api/v1/notifications?limit=40", fixture->url);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", "Bearer " TOKEN);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  json = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return strstr (json, text) != NULL;
}

/* A colleague on another desktop answers Jana's public post, and she
 * answers back: a mention that only the next sync brings, from where its
 * cursor stands. */
static void
colleague_answers_jana (Fixture *fixture)
{
  g_autoptr(ConciergeThread) jana = find_thread (fixture->store, "Router blinkt rot");
  g_autoptr(GPtrArray) messages = test_load_messages (fixture->store, concierge_thread_get_id (jana));
  const char *status_id = concierge_message_get_remote_id (g_ptr_array_index (messages, 0));
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s/api/v1/statuses", fixture->url);
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  message = soup_message_new_from_encoded_form (SOUP_METHOD_POST, url,
                                                soup_form_encode ("status", "@jana Wir prüfen Ihren Anschluss.",
                                                                  "in_reply_to_id", status_id,
                                                                  "visibility", "public", NULL));
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", "Bearer " TOKEN);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_message_get_status (message), ==, 200);
  while (!customer_wrote (fixture, "Danke, das hilft mir weiter"))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50000);
    }
}

static gboolean
thread_has (ConciergeStore *store,
            gint64          thread_id,
            const char     *text)
{
  g_autoptr(GPtrArray) messages = test_load_messages (store, thread_id);

  for (guint i = 0; i < messages->len; i++)
    if (strstr (concierge_message_get_body (g_ptr_array_index (messages, i)), text) != NULL)
      return TRUE;
  return FALSE;
}

static void
wait_for_message (ConciergeStore *store,
                  gint64          thread_id,
                  const char     *text)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!thread_has (store, thread_id, text))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

/* With the keyring locked, the sync fetches but ingests nothing, and the
 * cursor stays, while replies go out; once it is unlocked and the agent
 * tries again, what waited arrives. */
static void
test_fetched_messages_wait_for_the_keyring (Fixture       *fixture,
                                            gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(ConciergeThread) tom = NULL;
  g_autoptr(ConciergeThread) jana = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *cursor_after = NULL;
  const char *message = NULL;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  gint64 tom_id;
  guint fetches, messages;

  if (!test_has_own_keyring ())
    {
      test_rerun_with_own_keyring ();
      return;
    }

  /* Yesterday: the keyring was unlocked, the key made there, the inbox
   * filled. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store_without_key (fixture->path, &error);
  g_assert_no_error (error);
  sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  concierge_sync_load_tombstone_key (sync);
  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  while (thread_count (fixture->store) < 3)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  g_clear_object (&sync);
  cursor = test_load_cursor (fixture->store, id, "notifications");
  g_assert_nonnull (cursor);
  messages = message_count (fixture->store);
  jana = find_thread (fixture->store, "Router blinkt rot");
  colleague_answers_jana (fixture);

  /* Today it is locked. */
  test_set_keyring_locked (TRUE);
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store_without_key (fixture->path, &error);
  g_assert_no_error (error);
  fetches = count_requests (fixture->record, "\"GET\"");
  sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  concierge_sync_load_tombstone_key (sync);
  concierge_sync_add_account (sync, fixture->account, SECRET, NULL);
  wait_for_state (sync, id, CONCIERGE_SYNC_WAITING_FOR_KEY);
  concierge_sync_get_state (sync, id, &message);
  g_assert_cmpstr (message, ==, "Keyring locked — new messages wait until it is unlocked");

  /* Fetched, and nothing of it ingested: the cursor did not move. */
  g_assert_cmpuint (count_requests (fixture->record, "\"GET\""), >, fetches);
  g_assert_cmpuint (message_count (fixture->store), ==, messages);
  g_assert_false (thread_has (fixture->store, concierge_thread_get_id (jana), "Danke, das hilft"));
  cursor_after = test_load_cursor (fixture->store, id, "notifications");
  g_assert_cmpstr (cursor_after, ==, cursor);
  g_clear_pointer (&cursor_after, g_free);

  /* Reading and replying go on. */
  tom = find_thread (fixture->store, "doppelt abgebucht");
  tom_id = concierge_thread_get_id (tom);
  queue_reply (sync, tom_id, "Wir erstatten den doppelt abgebuchten Betrag.");
  g_object_unref (wait_for_send_state (fixture->store, tom_id, "Wir erstatten", CONCIERGE_SEND_SENT));
  g_assert_cmpuint (statuses_on_server (fixture, "Wir erstatten"), ==, 1);
  g_assert_cmpint (concierge_sync_get_state (sync, id, NULL), ==, CONCIERGE_SYNC_WAITING_FOR_KEY);

  /* Unlocked, and Try Again: Jana's answer arrives, and the cursor moves
   * on. */
  test_set_keyring_locked (FALSE);
  concierge_sync_poll_now (sync, id);
  wait_for_message (fixture->store, concierge_thread_get_id (jana), "Danke, das hilft");
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  cursor_after = test_load_cursor (fixture->store, id, "notifications");
  g_assert_cmpstr (cursor_after, !=, cursor);
}

typedef struct
{
  const char *fault;
  gboolean    delivered;
} FaultCase;

/* Each fault hits the first attempt; the reply still arrives exactly once,
 * or, when the server refuses it, fails in words and stays in the thread. */
static void
test_fault_while_sending (Fixture       *fixture,
                          gconstpointer  data)
{
  const char *fault = data;
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PUBLIC);
  g_autofree char *json = g_strdup_printf ("{\"path\": \"/api/v1/statuses\", \"kind\": \"%s\", "
                                           "\"reset_after\": 1, \"delay_ms\": 1500}", fault);
  g_autoptr(ConciergeMessage) reply = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/fault", json);
  queue_reply (sync, thread_id, "Ihr Paket ist unterwegs.");
  reply = wait_for_send_state (fixture->store, thread_id, "Ihr Paket ist unterwegs.", CONCIERGE_SEND_SENT);
  g_assert_cmpuint (statuses_on_server (fixture, "Ihr Paket ist unterwegs."), ==, 1);
}

static void
test_refused_reply_fails_in_words (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PUBLIC);
  g_autofree char *long_text = g_strnfill (300, 'x');
  g_autoptr(ConciergeMessage) reply = NULL;

  queue_reply (sync, thread_id, long_text);
  reply = wait_for_send_state (fixture->store, thread_id, long_text, CONCIERGE_SEND_FAILED);
  g_assert_nonnull (strstr (concierge_message_get_send_error (reply), "too long"));
  g_assert_cmpuint (statuses_on_server (fixture, "xxxxxxxx"), ==, 0);
}

/* A refused reply waits for the agent; their Retry sends it. */
static void
test_retry_sends_a_failed_reply (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PUBLIC);
  g_autoptr(ConciergeMessage) failed = NULL;
  g_autoptr(ConciergeMessage) sent = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/api/v1/statuses\", \"kind\": \"404\"}");
  queue_reply (sync, thread_id, "Ist das Problem noch da?");
  failed = wait_for_send_state (fixture->store, thread_id, "Ist das Problem", CONCIERGE_SEND_FAILED);
  g_assert_nonnull (strstr (concierge_message_get_send_error (failed), "no longer exists"));
  g_assert_cmpuint (statuses_on_server (fixture, "Ist das Problem noch da?"), ==, 0);

  concierge_sync_resend_async (sync, concierge_account_get_id (fixture->account),
                               concierge_message_get_id (failed), NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_resend_finish (sync, result, &error));
  g_assert_no_error (error);

  sent = wait_for_send_state (fixture->store, thread_id, "Ist das Problem", CONCIERGE_SEND_SENT);
  g_assert_null (concierge_message_get_send_error (sent));
  g_assert_cmpuint (statuses_on_server (fixture, "Ist das Problem noch da?"), ==, 1);
}

static ConciergeSync *
start_with_test_channel (Fixture     *fixture,
                         TestChannel *channel)
{
  ConciergeSync *sync = concierge_sync_new (fixture->store, G_NETWORK_MONITOR (fixture->monitor));
  gint64 id = concierge_account_get_id (fixture->account);

  channel->account_id = id;
  concierge_sync_add_channel (sync, fixture->account, CONCIERGE_CHANNEL (channel));
  wait_for_state (sync, id, CONCIERGE_SYNC_SYNCING);
  wait_for_state (sync, id, CONCIERGE_SYNC_IDLE);
  return sync;
}

/* Without idempotency, a send cut off after its request left may have
 * arrived: it is "delivery unknown", and goes again only when the agent
 * says so, also after a restart. */
static void
test_unknown_delivery_waits_for_the_agent (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(TestChannel) channel = g_object_new (TEST_TYPE_CHANNEL, NULL);
  g_autoptr(TestChannel) after_restart = g_object_new (TEST_TYPE_CHANNEL, NULL);
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(ConciergeIngest) ingest = concierge_ingest_new (concierge_account_get_id (fixture->account));
  g_autoptr(ConciergeMessage) customer = concierge_message_new ("c1", CONCIERGE_DIRECTION_IN, "Hallo?", 1000);
  g_autoptr(ConciergeMessage) reply = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 thread_id, deadline;

  concierge_ingest_add_message (ingest, "t1", CONCIERGE_VISIBILITY_PRIVATE, customer);
  test_ingest (fixture->store, g_steal_pointer (&ingest), &error);
  g_assert_no_error (error);
  thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PRIVATE);

  channel->behaviour = SEND_IS_CUT_OFF;
  sync = start_with_test_channel (fixture, channel);
  queue_reply (sync, thread_id, "Erste Antwort");
  reply = wait_for_send_state (fixture->store, thread_id, "Erste Antwort", CONCIERGE_SEND_UNKNOWN);
  g_assert_cmpuint (channel->sends, ==, 1);

  /* Nothing sends it again by itself. */
  deadline = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (channel->sends, ==, 1);

  /* The agent confirms. */
  channel->behaviour = SEND_SUCCEEDS;
  concierge_sync_resend_async (sync, concierge_account_get_id (fixture->account),
                               concierge_message_get_id (reply), NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_resend_finish (sync, result, &error));
  g_clear_object (&reply);
  reply = wait_for_send_state (fixture->store, thread_id, "Erste Antwort", CONCIERGE_SEND_SENT);
  g_assert_cmpuint (channel->sends, ==, 2);

  /* The app stops while a request is out, and starts again. */
  channel->behaviour = SEND_HANGS;
  queue_reply (sync, thread_id, "Zweite Antwort");
  while (channel->held == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&sync);
  g_task_return_new_error (channel->held, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The app stopped");
  g_clear_object (&channel->held);

  sync = start_with_test_channel (fixture, after_restart);
  g_clear_object (&reply);
  reply = wait_for_send_state (fixture->store, thread_id, "Zweite Antwort", CONCIERGE_SEND_UNKNOWN);
  g_assert_cmpuint (after_restart->sends, ==, 0);
}

/* The app goes away while the server holds its answer back: the status
 * exists, the app never heard. The next start finds it instead of sending
 * it again. */
static void
test_restart_after_lost_answer (Fixture       *fixture,
                                gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PUBLIC);
  g_autoptr(ConciergeMessage) reply = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/api/v1/statuses\", \"kind\": \"hold\"}");
  queue_reply (sync, thread_id, "Die Gutschrift ist veranlasst.");
  g_clear_object (&reply);
  reply = wait_for_send_state (fixture->store, thread_id, "Die Gutschrift", CONCIERGE_SEND_SENDING);
  while (statuses_on_server (fixture, "Die Gutschrift ist veranlasst.") == 0)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&sync);
  test_sandbox_post (fixture->url, "/_sandbox/release", "{}");

  sync = start_synced (fixture);
  g_clear_object (&reply);
  reply = wait_for_send_state (fixture->store, thread_id, "Die Gutschrift", CONCIERGE_SEND_SENT);
  g_assert_cmpuint (statuses_on_server (fixture, "Die Gutschrift ist veranlasst."), ==, 1);
}

/* As above, but the account posted a hundred statuses elsewhere before the
 * restart, and Mastodon forgot the idempotency key: recovery pages back to
 * the time the reply was queued and finds it there. */
static void
test_restart_finds_a_send_far_back (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PUBLIC);
  g_autoptr(ConciergeMessage) reply = NULL;

  test_sandbox_post (fixture->url, "/_sandbox/fault", "{\"path\": \"/api/v1/statuses\", \"kind\": \"hold\"}");
  queue_reply (sync, thread_id, "Der Techniker kommt am Montag.");
  reply = wait_for_send_state (fixture->store, thread_id, "Der Techniker", CONCIERGE_SEND_SENDING);
  while (statuses_on_server (fixture, "Der Techniker kommt am Montag.") == 0)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&sync);
  test_sandbox_post (fixture->url, "/_sandbox/release", "{}");
  test_sandbox_post (fixture->url, "/_sandbox/post-as-support", "{\"count\": 100}");
  test_sandbox_post (fixture->url, "/_sandbox/expire-idempotency", "{}");

  sync = start_synced (fixture);
  g_clear_object (&reply);
  reply = wait_for_send_state (fixture->store, thread_id, "Der Techniker", CONCIERGE_SEND_SENT);
  /* One post, whatever the answer was. */
  g_assert_cmpuint (count_requests_with (fixture->record, "\"method\":\"POST\"", "Der Techniker kommt am Montag."),
                    ==, 1);
}

static void
test_opened_conversation_is_read (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  gint64 thread_id = first_thread (fixture->store, CONCIERGE_VISIBILITY_PRIVATE);
  g_autoptr(GPtrArray) threads = test_load_threads (fixture->store, &thread_id, 1);
  ConciergeThread *thread = g_ptr_array_index (threads, 0);
  g_autofree char *path = g_strdup_printf ("\"path\":\"/api/v1/conversations/%s/read\"",
                                           concierge_thread_get_remote_id (thread) + strlen ("conversation:"));

  g_assert_true (concierge_thread_get_unread (thread));
  concierge_sync_mark_read (sync, thread);

  for (;;)
    {
      g_autoptr(GPtrArray) now = test_load_threads (fixture->store, &thread_id, 1);
      g_autofree char *record = NULL;

      g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
      if (!concierge_thread_get_unread (g_ptr_array_index (now, 0)) && strstr (record, path) != NULL)
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

/* The thread whose snippet holds @text. */
static ConciergeThread *
thread_with (ConciergeStore *store,
             const char     *text)
{
  ConciergeInboxQuery query = { .visibility = -1 };
  g_autoptr(GArray) index = test_load_index (store, &query);

  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) threads = test_load_threads (store, &id, 1);
      ConciergeThread *thread = g_ptr_array_index (threads, 0);

      if (strstr (concierge_thread_get_snippet (thread), text) != NULL)
        return g_object_ref (thread);
    }

  g_assert_not_reached ();
}

static ConciergeImage *
wait_for_image_state (ConciergeSync       *sync,
                      ConciergeStore      *store,
                      gint64               thread_id,
                      ConciergeImageState  state,
                      gint64               account_id)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr(ConciergeImage) image = test_find_image (store, thread_id, "Router blinkt rot");

      g_assert_nonnull (image);
      if (concierge_image_get_state (image) == state)
        return g_steal_pointer (&image);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* A failed download is tried again after the next sync. */
      if (account_id != 0 && concierge_sync_get_state (sync, account_id, NULL) == CONCIERGE_SYNC_IDLE)
        concierge_sync_poll_now (sync, account_id);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (20000);
    }
}

static void
test_images_are_cached_for_offline_reading (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  g_autoptr(ConciergeThread) thread = thread_with (fixture->store, "Router blinkt rot");
  g_autoptr(ConciergeImage) image = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) offline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *record = NULL;
  g_auto(GStrv) lines = NULL;
  guint media_requests = 0;

  image = wait_for_image_state (sync, fixture->store, concierge_thread_get_id (thread),
                                CONCIERGE_IMAGE_CACHED, 0);
  g_assert_cmpstr (concierge_image_get_description (image), ==, "Router, dessen Leuchte rot blinkt");
  g_assert_cmpuint (concierge_image_get_width (image), ==, 640);
  g_assert_cmpuint (concierge_image_get_height (image), ==, 480);
  bytes = test_load_image (fixture->store, concierge_image_get_id (image));
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 8);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), 8, "\x89PNG\r\n\x1a\n", 8);

  /* The original was fetched once, and without the account's token:
   * media lives on a file host that needs none. */
  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  lines = g_strsplit (record, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "/system/media_attachments/files/") != NULL)
      {
        g_assert_nonnull (strstr (lines[i], "/original/"));
        g_assert_nonnull (strstr (lines[i], "\"token_ok\":false"));
        media_requests++;
      }
  g_assert_cmpuint (media_requests, ==, 1);

  /* Without the server, after a restart, the image is still there. */
  g_clear_object (&sync);
  test_sandbox_stop (g_steal_pointer (&fixture->sandbox));
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  offline = test_load_image (fixture->store, concierge_image_get_id (image));
  g_assert_nonnull (offline);
  g_assert_true (g_bytes_equal (offline, bytes));
}

static void
test_broken_image_downloads_are_given_up (Fixture       *fixture,
                                          gconstpointer  data)
{
  gint64 id = concierge_account_get_id (fixture->account);
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeImage) image = NULL;

  /* The file host fails every time: after three attempts the image is
   * given up, and the conversation can say so. */
  test_sandbox_post (fixture->url, "/_sandbox/fault",
                     "{\"path\": \"/system/media_attachments\", \"kind\": \"500\", \"count\": 100}");
  sync = start_synced (fixture);
  thread = thread_with (fixture->store, "Router blinkt rot");
  image = wait_for_image_state (sync, fixture->store, concierge_thread_get_id (thread),
                                CONCIERGE_IMAGE_FAILED, id);
  g_assert_null (test_load_image (fixture->store, concierge_image_get_id (image)));
}

static void
check_deleted (ConciergeSync   *sync,
               ConciergeThread *thread)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  concierge_sync_check_deleted_async (sync, thread, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_sync_check_deleted_finish (sync, result, &error));
  g_assert_no_error (error);
}

static void
test_deleted_post_is_marked (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConciergeSync) sync = start_synced (fixture);
  g_autoptr(ConciergeThread) jana = thread_with (fixture->store, "Router blinkt rot");
  g_autoptr(ConciergeThread) emma = thread_with (fixture->store, "roaming");
  g_autoptr(GPtrArray) messages = NULL;
  g_autofree char *json = NULL;
  g_autofree char *record = NULL;
  g_autofree char *single = NULL;
  g_autofree char *remote_id = NULL;

  /* Nothing is deleted yet. */
  check_deleted (sync, jana);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (jana));
  g_assert_cmpint (concierge_message_get_deleted_at (g_ptr_array_index (messages, 0)), ==, 0);

  /* Jana deletes her post on Mastodon; the agent opens the conversation. */
  remote_id = g_strdup (concierge_message_get_remote_id (g_ptr_array_index (messages, 0)));
  json = g_strdup_printf ("{\"id\": \"%s\"}", remote_id);
  test_sandbox_post (fixture->url, "/_sandbox/delete", json);
  check_deleted (sync, jana);
  check_deleted (sync, emma);

  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (jana));
  g_assert_cmpint (concierge_message_get_deleted_at (g_ptr_array_index (messages, 0)), >, 0);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 0)), ==,
                   "@support Seit heute Morgen kein Internet, der Router blinkt rot.");
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (emma));
  g_assert_cmpint (concierge_message_get_deleted_at (g_ptr_array_index (messages, 0)), ==, 0);

  /* A server before Mastodon 4.3 is asked post by post; a newer one once. */
  g_assert_true (g_file_get_contents (fixture->record, &record, NULL, NULL));
  single = g_strdup_printf ("\"path\":\"/api/v1/statuses/%s\"", remote_id);
  if (data != NULL)
    g_assert_nonnull (strstr (record, single));
  else
    {
      g_assert_nonnull (strstr (record, "\"path\":\"/api/v1/statuses\""));
      g_assert_null (strstr (record, single));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  test_capture_log ();

#define ADD(name, func) g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/sync/fills-the-inbox-and-keeps-its-cursor", test_sync_fills_the_inbox_and_keeps_its_cursor);
  ADD ("/sync/forgotten-customer-stays-forgotten", test_forgotten_customer_stays_forgotten);
  ADD ("/sync/offline-pauses-and-resumes", test_offline_pauses_and_resumes);
  ADD ("/sync/server-gone-is-offline", test_server_gone_is_offline);
  ADD ("/sync/wrong-token-needs-sign-in", test_wrong_token_needs_sign_in);
  ADD ("/sync/fetched-messages-wait-for-the-keyring", test_fetched_messages_wait_for_the_keyring);
  ADD ("/sync/opened-conversation-is-read", test_opened_conversation_is_read);
  ADD ("/sync/images-are-cached-for-offline-reading", test_images_are_cached_for_offline_reading);
  ADD ("/sync/broken-image-downloads-are-given-up", test_broken_image_downloads_are_given_up);
  ADD ("/sync/deleted-post-is-marked", test_deleted_post_is_marked);
  g_test_add ("/sync/deleted-post-is-marked-on-an-older-server", Fixture, "--no-pkce",
              fixture_set_up, test_deleted_post_is_marked, fixture_tear_down);
  ADD ("/outbox/reply-reaches-the-server-once", test_reply_reaches_the_server_once);
  ADD ("/outbox/private-reply-is-direct", test_private_reply_is_direct);
  g_test_add ("/outbox/reply-keeps-the-audience", Fixture, "--seed-followers-only",
              fixture_set_up, test_reply_keeps_the_audience, fixture_tear_down);
  ADD ("/outbox/refused-reply-fails-in-words", test_refused_reply_fails_in_words);
  ADD ("/outbox/restart-after-lost-answer", test_restart_after_lost_answer);
  ADD ("/outbox/restart-finds-a-send-far-back", test_restart_finds_a_send_far_back);
  ADD ("/outbox/retry-sends-a-failed-reply", test_retry_sends_a_failed_reply);
  ADD ("/outbox/unknown-delivery-waits-for-the-agent", test_unknown_delivery_waits_for_the_agent);

  {
    static const char * const faults[] = { "500", "429", "malformed", "slow", "drop-before", "drop-after", NULL };

    for (guint i = 0; faults[i] != NULL; i++)
      {
        g_autofree char *name = g_strdup_printf ("/outbox/fault/%s", faults[i]);

        g_test_add (name, Fixture, faults[i], fixture_set_up, test_fault_while_sending, fixture_tear_down);
      }
  }

  return g_test_run ();
}
