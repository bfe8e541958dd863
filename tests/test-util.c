/* test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "model/concierge-model.h"
#include "test-util.h"

#define TIMEOUT_SECONDS 60

/* An async callback that keeps the result in *@user_data. */
void
test_got_result (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_SECONDS * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      /* The worker answers through the main context; wait for it briefly
       * rather than block, so that the deadline stays checked. */
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (500);
    }
}

/**
 * test_iterate_until:
 * @done: whether what the test waits for happened
 *
 * Runs the main context until @done says so, and fails the test after a
 * while.
 */
void
test_iterate_until (gboolean  (*done) (gpointer),
                    gpointer    data)
{
  iterate_until (done, data);
}

/**
 * test_sandbox_read_record:
 * @path: the file the sandbox was told to --record into
 *
 * Returns: (transfer full) (element-type JsonObject): every request in
 *   the record, oldest first; none while there is no record yet
 */
GPtrArray *
test_sandbox_read_record (const char *path)
{
  g_autofree char *record = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *requests = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  if (!g_file_get_contents (path, &record, NULL, NULL))
    return requests;
  lines = g_strsplit (record, "\n", -1);
  /* The last line may still be being written. */
  for (guint i = 0; lines[i] != NULL && lines[i + 1] != NULL; i++)
    {
      g_autoptr(JsonNode) node = json_from_string (lines[i], NULL);

      if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
        g_ptr_array_add (requests, json_object_ref (json_node_get_object (node)));
    }
  return requests;
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
test_wait_result (GAsyncResult **result)
{
  iterate_until (has_result, result);
  return *result;
}

/* The store as it opens, before the tombstone key came from the keyring. */
ConciergeStore *
test_open_store_without_key (const char  *path,
                             GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_open_async (path, NULL, test_got_result, &result);
  return concierge_store_open_finish (test_wait_result (&result), error);
}

/* The store with a tombstone key, as the app has it once the keyring gave
 * it; always the same, so that tombstones hold across reopening. */
ConciergeStore *
test_open_store (const char  *path,
                 GError     **error)
{
  static const char * const keys[] = { TEST_TOMBSTONE_KEY, NULL };
  ConciergeStore *store = test_open_store_without_key (path, error);

  if (store != NULL)
    concierge_store_set_tombstone_keys (store, keys);
  return store;
}

void
test_close_store (ConciergeStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (store == NULL)
    return;
  concierge_store_close_async (store, NULL, test_got_result, &result);
  concierge_store_close_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
}

ConciergeAccount *
test_add_account (ConciergeStore   *store,
                  ConciergeAccount *account)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeAccount *saved;

  concierge_store_add_account_async (store, account, NULL, test_got_result, &result);
  saved = concierge_store_add_account_finish (store, test_wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  return saved;
}

GPtrArray *
test_load_accounts (ConciergeStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *accounts;

  concierge_store_load_accounts_async (store, NULL, test_got_result, &result);
  accounts = concierge_store_load_accounts_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return accounts;
}

void
test_ingest (ConciergeStore  *store,
             ConciergeIngest *ingest,
             GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_ingest_async (store, ingest, NULL, test_got_result, &result);
  concierge_store_ingest_finish (store, test_wait_result (&result), error);
}

void
test_set_status (ConciergeStore         *store,
                 gint64                  thread_id,
                 ConciergeThreadStatus   status,
                 GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_set_thread_status_async (store, thread_id, status, 0, NULL, test_got_result, &result);
  concierge_store_set_thread_status_finish (store, test_wait_result (&result), error);
}

GArray *
test_load_index (ConciergeStore            *store,
                 const ConciergeInboxQuery *query)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GArray *index;

  concierge_store_load_inbox_index_async (store, query, 0, G_PRIORITY_DEFAULT, NULL, test_got_result, &result);
  index = concierge_store_load_inbox_index_finish (store, test_wait_result (&result), NULL, &error);
  g_assert_no_error (error);
  return index;
}

#define DEFINE_LOADER(name, call, finish, ...)                                  \
  GPtrArray *                                                                   \
  name                                                                          \
  {                                                                             \
    g_autoptr(GAsyncResult) result = NULL;                                      \
    g_autoptr(GError) error = NULL;                                             \
    GPtrArray *rows;                                                            \
                                                                                \
    call (store, __VA_ARGS__, NULL, test_got_result, &result);                       \
    rows = finish (store, test_wait_result (&result), &error);                       \
    g_assert_no_error (error);                                                  \
    return rows;                                                                \
  }

DEFINE_LOADER (test_load_threads (ConciergeStore *store, const gint64 *ids, guint n_ids),
               concierge_store_load_threads_async, concierge_store_load_threads_finish, ids, n_ids,
               G_PRIORITY_DEFAULT)
DEFINE_LOADER (test_load_messages (ConciergeStore *store, gint64 thread_id),
               concierge_store_load_messages_async, concierge_store_load_messages_finish, thread_id)
DEFINE_LOADER (test_load_contact_threads (ConciergeStore *store, gint64 contact_id),
               concierge_store_load_contact_threads_async, concierge_store_load_contact_threads_finish,
               contact_id)
DEFINE_LOADER (test_search_messages (ConciergeStore *store, const char *search, guint limit),
               concierge_store_search_messages_async, concierge_store_search_messages_finish,
               search, limit)

/* The image's bytes, or NULL when the cache has none. */
GBytes *
test_load_image (ConciergeStore *store,
                 gint64          image_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *bytes;

  concierge_store_load_image_async (store, image_id, NULL, test_got_result, &result);
  bytes = concierge_store_load_image_finish (store, test_wait_result (&result), &error);
  if (bytes == NULL)
    g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  return bytes;
}

/* The first image of the first message whose body holds @text. */
ConciergeImage *
test_find_image (ConciergeStore *store,
                 gint64          thread_id,
                 const char     *text)
{
  g_autoptr(GPtrArray) messages = test_load_messages (store, thread_id);

  for (guint i = 0; i < messages->len; i++)
    {
      ConciergeMessage *message = g_ptr_array_index (messages, i);
      GPtrArray *images = concierge_message_get_images (message);

      if (strstr (concierge_message_get_body (message), text) != NULL && images != NULL && images->len > 0)
        return g_object_ref (g_ptr_array_index (images, 0));
    }

  return NULL;
}

ConciergeContact *
test_load_contact (ConciergeStore *store,
                   gint64          contact_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeContact *contact;

  concierge_store_load_contact_async (store, contact_id, NULL, test_got_result, &result);
  contact = concierge_store_load_contact_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return contact;
}

char *
test_load_cursor (ConciergeStore *store,
                  gint64          account_id,
                  const char     *stream)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *cursor;

  concierge_store_load_cursor_async (store, account_id, stream, NULL, test_got_result, &result);
  cursor = concierge_store_load_cursor_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return cursor;
}

static gboolean
inbox_loaded (gpointer data)
{
  return !concierge_inbox_model_get_loading (data);
}

void
test_wait_loaded (ConciergeInboxModel *inbox)
{
  iterate_until (inbox_loaded, inbox);
}

typedef struct
{
  GListModel *model;
  guint       position;
} Row;

static gboolean
row_loaded (gpointer data)
{
  Row *row = data;
  g_autoptr(ConciergeThread) thread = g_list_model_get_item (row->model, row->position);

  return thread != NULL && !concierge_thread_is_placeholder (thread);
}

void
test_wait_for_row (GListModel *model,
                   guint       position)
{
  Row row = { model, position };

  iterate_until (row_loaded, &row);
}

static gboolean
has_n_items (gpointer data)
{
  Row *row = data;

  return g_list_model_get_n_items (row->model) == row->position;
}

void
test_wait_n_items (GListModel *model,
                   guint       n_items)
{
  Row row = { model, n_items };

  iterate_until (has_n_items, &row);
}

void
test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

guint
test_count_occurrences (const char *haystack,
                        const char *needle)
{
  guint n = 0;

  for (const char *at = strstr (haystack, needle); at != NULL; at = strstr (at + 1, needle))
    n++;
  return n;
}

/**
 * test_sandbox_start:
 * @url: (out): where it listens
 * @...: more arguments for the sandbox, then %NULL
 */
GSubprocess *
test_sandbox_start (const char  *token,
                    char       **url,
                    ...)
{
  g_autofree char *binary = g_test_build_filename (G_TEST_BUILT, "concierge-sandbox", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *sandbox;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, binary);
  g_ptr_array_add (argv, (gpointer) "--token");
  g_ptr_array_add (argv, (gpointer) token);
  va_start (args, url);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  sandbox = g_subprocess_newv ((const char * const *) argv->pdata, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));
  *url = g_strdup (line + strlen ("listening on "));

  return sandbox;
}

void
test_sandbox_stop (GSubprocess *sandbox)
{
  g_subprocess_force_exit (sandbox);
  g_subprocess_wait (sandbox, NULL, NULL);
  g_object_unref (sandbox);
}

/* Asks the sandbox for a fault (path "/_sandbox/fault") or releases what it
 * holds back ("/_sandbox/release"). */
void
test_sandbox_post (const char *url,
                   const char *path,
                   const char *json)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *full = g_strconcat (url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_POST, full);
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (message, "application/json", body);
  reply = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (message)));
}

/* A platform's payload from tests/fixtures/channels, as the documentation
 * gives it. */
JsonNode *
test_load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "channels", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

ConciergeMove *
test_load_move (ConciergeStore *store,
                gint64          thread_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeMove *move;

  concierge_store_load_move_async (store, thread_id, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  move = concierge_store_load_move_finish (store, result, &error);
  g_assert_no_error (error);
  return move;
}

GPtrArray *
test_load_audit_log (ConciergeStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entries;

  concierge_store_load_audit_log_async (store, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  entries = concierge_store_load_audit_log_finish (store, result, &error);
  g_assert_no_error (error);
  return entries;
}

GPtrArray *
test_load_saved_replies (ConciergeStore *store)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *replies;

  concierge_store_load_saved_replies_async (store, NULL, test_got_result, &result);
  replies = concierge_store_load_saved_replies_finish (store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return replies;
}

/* Returns the reply's id, or 0 with @error set. */
gint64
test_save_saved_reply (ConciergeStore       *store,
                       ConciergeSavedReply  *reply,
                       GError              **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_save_saved_reply_async (store, reply, NULL, test_got_result, &result);
  return concierge_store_save_saved_reply_finish (store, test_wait_result (&result), error);
}

/* The test channel */

static void test_channel_iface_init (ConciergeChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestChannel, test_channel, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_CHANNEL, test_channel_iface_init))

static const char *
test_channel_get_cursor_stream (ConciergeChannel *channel)
{
  return "test";
}

static void
test_channel_get_capabilities (ConciergeChannel             *channel,
                               ConciergeChannelCapabilities *capabilities)
{
  capabilities->has_idempotency = FALSE;
  capabilities->max_length = 4096;
  capabilities->reply_window_seconds = TEST_CHANNEL (channel)->reply_window_seconds;
  capabilities->posts_limit = TEST_CHANNEL (channel)->posts_limit;
  capabilities->posts_limit_seconds = TEST_CHANNEL (channel)->posts_limit_seconds;
}

static void
test_channel_fetch_async (ConciergeChannel    *channel,
                          const char          *cursor,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_return_pointer (task, concierge_ingest_new (TEST_CHANNEL (channel)->account_id),
                         (GDestroyNotify) concierge_ingest_free);
}

static ConciergeIngest *
test_channel_fetch_finish (ConciergeChannel  *channel,
                           GAsyncResult      *result,
                           char             **cursor,
                           GError           **error)
{
  if (cursor != NULL)
    *cursor = NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_channel_send_async (ConciergeChannel     *channel,
                         ConciergeOutboxEntry *entry,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  TestChannel *self = TEST_CHANNEL (channel);
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autofree char *remote_id = g_strdup_printf ("sent-%u", ++self->sends);

  /* A GTask returns an error once it is cancelled; a held send stays
   * unanswered, as over a connection that went quiet. */
  g_task_set_check_cancellable (task, FALSE);

  switch (self->behaviour)
    {
    case SEND_IS_CUT_OFF:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "The connection was closed");
      break;
    case SEND_HANGS:
      self->held = g_steal_pointer (&task);
      break;
    case SEND_SUCCEEDS:
    default:
      g_task_return_pointer (task, concierge_message_new (remote_id, CONCIERGE_DIRECTION_OUT, entry->text,
                                                          g_get_real_time () / G_USEC_PER_SEC),
                             g_object_unref);
      break;
    }
}

static ConciergeMessage *
test_channel_send_finish (ConciergeChannel  *channel,
                          GAsyncResult      *result,
                          GError           **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_channel_mark_read_async (ConciergeChannel    *channel,
                              const char          *thread_remote_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);

  g_task_return_boolean (task, TRUE);
}

static gboolean
test_channel_mark_read_finish (ConciergeChannel  *channel,
                               GAsyncResult      *result,
                               GError           **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
test_channel_iface_init (ConciergeChannelInterface *iface)
{
  iface->get_cursor_stream = test_channel_get_cursor_stream;
  iface->get_capabilities = test_channel_get_capabilities;
  iface->fetch_async = test_channel_fetch_async;
  iface->fetch_finish = test_channel_fetch_finish;
  iface->send_async = test_channel_send_async;
  iface->send_finish = test_channel_send_finish;
  iface->mark_read_async = test_channel_mark_read_async;
  iface->mark_read_finish = test_channel_mark_read_finish;
}

static void
test_channel_class_init (TestChannelClass *klass)
{
}

static void
test_channel_init (TestChannel *self)
{
}

/* A keyring of the test's own */

#define OWN_KEYRING_ENV "CONCIERGE_TEST_OWN_KEYRING"
#define OWN_KEYRING_PASSWORD "concierge-own-keyring"
#define LOGIN_COLLECTION "/org/freedesktop/secrets/collection/login"

/**
 * test_has_own_keyring:
 *
 * Returns: whether this is the run that test_rerun_with_own_keyring()
 *   started
 */
gboolean
test_has_own_keyring (void)
{
  return g_getenv (OWN_KEYRING_ENV) != NULL;
}

/**
 * test_rerun_with_own_keyring:
 *
 * Runs the current test again in a child, in a D-Bus session of its own
 * with a gnome-keyring of its own, unlocked: there the test may lock the
 * keyring without disturbing the tests that run beside it. Fails the test
 * when the child fails.
 */
void
test_rerun_with_own_keyring (void)
{
  static const char script[] =
    "printf %s \"$0\" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && "
    "timeout 15 gdbus wait --session org.freedesktop.secrets && exec \"$@\"";
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_dir_make_tmp ("concierge-keyring-XXXXXX", NULL);
  g_autofree char *runtime = g_build_filename (dir, "runtime", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  const char *argv[] = { "dbus-run-session", "--", "sh", "-c", script, OWN_KEYRING_PASSWORD,
                         self, "-p", g_test_get_path (), NULL };
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (self);
  g_assert_nonnull (dir);
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  env = g_environ_setenv (env, OWN_KEYRING_ENV, "1", TRUE);
  env = g_environ_setenv (env, "HOME", dir, TRUE);
  env = g_environ_setenv (env, "XDG_RUNTIME_DIR", runtime, TRUE);
  env = g_environ_setenv (env, "XDG_DATA_HOME", data, TRUE);

  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, &error))
    g_error ("dbus-run-session is missing (Debian package dbus-bin): %s", error->message);
  g_test_message ("with its own keyring, the test said:\n%s%s", out, err);
  test_remove_tree (dir);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static GVariant *
secret_service_call (GDBusConnection *bus,
                     const char      *interface,
                     const char      *method,
                     GVariant        *parameters)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets", interface,
                                       method, parameters, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

/**
 * test_set_keyring_locked:
 *
 * Locks or unlocks the login collection of the test's own keyring, as a
 * person does in Passwords and Keys, but without a prompt.
 */
void
test_set_keyring_locked (gboolean locked)
{
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[] = { LOGIN_COLLECTION, NULL };
  const char *session;
  GVariant *secret;

  g_assert_true (test_has_own_keyring ());
  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  if (locked)
    {
      reply = secret_service_call (bus, "org.freedesktop.Secret.Service", "Lock",
                                   g_variant_new ("(^ao)", paths));
      return;
    }

  /* gnome-keyring's own way to unlock with the password, which a plain
   * session carries as it is. */
  reply = secret_service_call (bus, "org.freedesktop.Secret.Service", "OpenSession",
                               g_variant_new ("(sv)", "plain", g_variant_new_string ("")));
  g_variant_get (reply, "(v&o)", NULL, &session);
  secret = g_variant_new ("(o@ay@ays)", session,
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, NULL, 0, 1),
                          g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, OWN_KEYRING_PASSWORD,
                                                     strlen (OWN_KEYRING_PASSWORD), 1),
                          "text/plain");
  g_variant_unref (secret_service_call (bus, "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                        "UnlockWithMasterPassword",
                                        g_variant_new ("(o@(oayays))", LOGIN_COLLECTION, secret)));
}
