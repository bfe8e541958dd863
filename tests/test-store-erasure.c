/* test-store-erasure.c
 *
 * Forgetting customers and purging conversations, against real SQLite
 * files: nothing of them may stay in the file.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "limited-vfs.h"
#include "test-leaks.h"
#include "test-store-fixture.h"

/* Whether @sql, run on the file at @path after @setup, finds a row for
 * @value. */
static gboolean
file_query_finds (const char *path,
                  const char *setup,
                  const char *sql,
                  const char *value)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  gboolean found;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (setup != NULL)
    g_assert_cmpint (sqlite3_exec (db, setup, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* Whether the full-text index has @term: read from the FTS5 shadow tables
 * through fts5vocab, since a term's bytes are prefix-compressed there. */
static gboolean
index_holds (const char *path,
             const char *table,
             const char *term)
{
  g_autofree char *create = g_strdup_printf ("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab (main, %s, row)", table);

  return file_query_finds (path, create, "SELECT 1 FROM temp.vocab WHERE term = ?", term);
}

/* Whether the index's segments still hold @fragment in their raw blocks.
 * fts5vocab, as index_holds() reads it, leaves out the words of deleted
 * documents at once, while their bytes stay in the shadow table until the
 * segments are merged. A term is stored after the prefix it shares with
 * the one before it, so @fragment is a word's tail. */
static gboolean
shadow_holds (const char *path,
              const char *table,
              const char *fragment)
{
  g_autofree char *select = g_strdup_printf ("SELECT 1 FROM %s_data WHERE instr (block, CAST (? AS BLOB)) > 0",
                                             table);

  return file_query_finds (path, NULL, select, fragment);
}

static void
test_forgotten_customer_leaves_no_byte (Fixture       *fixture,
                                        gconstpointer  data)
{
  /* What is the customer's, as it stands in the file. */
  static const char * const theirs[] = {
    "Quirinus Zandvoort", "zandvoort_q", "Xylofonweg", "quirinus@zandvoort.example",
    "Zandvoort-Anhang", "Notiz-Zandvoort", "Entwurf-Zandvoort", "Antwort-Zandvoort",
    "KD-Zandvoort", "5550123987",
  };
  static const guint8 image[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                  'Z', 'a', 'n', 'd', 'v', 'o', 'o', 'r', 't', '-', 'A', 'n', 'h', 'a', 'n', 'g' };
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(ConciergeImage) picture = concierge_image_new ("https://files.example/z.png", "", 0, 0);
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ConciergeOutboxEntry) entry = NULL;
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (image, sizeof image);
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = NULL;
  ConciergeMessage *post;
  ConciergeAuditEntry *forget;
  gint64 contact_id, thread_id, image_id;

  post = incoming ("1", "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100);
  concierge_message_add_image (post, picture);
  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC, post);
  ingest_one (fixture, fixture->mastodon, "dm", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "zandvoort_q", "Quirinus Zandvoort", "Schreiben Sie an quirinus@zandvoort.example", 200));
  ingest_one (fixture, fixture->telegram, "5550123987", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("31", "5550123987", "Quirinus Zandvoort", "Xylofonweg per Telegram", 250));
  ingest_one (fixture, fixture->mastodon, "other", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom Kranich", "Tom fragt nach dem Tarif", 300));
  contact_id = contact_of_thread (fixture, "post");
  merge (fixture, contact_id, contact_of_thread (fixture, "5550123987"));
  set_field (fixture, contact_id, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "KD-Zandvoort");

  thread = load_thread (fixture, "dm");
  thread_id = concierge_thread_get_id (thread);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (load_thread (fixture, "post")));
  image_id = concierge_image_get_id (g_ptr_array_index (concierge_message_get_images (g_ptr_array_index (messages, 0)), 0));
  g_object_unref (load_thread (fixture, "post"));
  save_image (fixture, image_id, bytes);

  concierge_store_add_note_async (fixture->store, thread_id, "Notiz-Zandvoort", NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  concierge_store_save_draft_async (fixture->store, thread_id, "Entwurf-Zandvoort", NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  concierge_store_queue_reply_async (fixture->store, thread_id, "Antwort-Zandvoort", NULL, test_got_result, &result);
  entry = concierge_store_queue_reply_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);

  /* The scan can fail: before, every string is in the file or its WAL. */
  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    g_assert_true (test_file_holds (fixture->path, theirs[i]) || test_file_holds (wal, theirs[i]));
  g_assert_true (index_holds (fixture->path, "messages_fts", "xylofonweg"));
  g_assert_true (index_holds (fixture->path, "contacts_fts", "zandvoort"));
  g_assert_true (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_true (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));

  summary = summarize (fixture, contact_id);
  g_assert_cmpuint (summary->threads, ==, 3);
  g_assert_cmpuint (summary->public_threads, ==, 1);
  g_assert_cmpuint (summary->messages, ==, 4); /* with the queued reply */
  g_assert_cmpuint (summary->images, ==, 1);
  g_assert_cmpuint (summary->notes, ==, 1);
  g_assert_cmpuint (summary->drafts, ==, 1);
  g_assert_cmpuint (summary->outbox, ==, 1);
  g_assert_cmpuint (summary->identities, ==, 2);
  g_clear_pointer (&summary, g_free);

  concierge_store_forget_contact_async (fixture->store, contact_id, "The customer asked to be forgotten",
                                        NULL, NULL, NULL, test_got_result, &result);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->messages, ==, 4);
  g_clear_object (&result);

  for (guint i = 0; i < G_N_ELEMENTS (theirs); i++)
    {
      g_assert_false (test_file_holds (fixture->path, theirs[i]));
      g_assert_false (test_file_holds (wal, theirs[i]));
    }
  g_assert_false (index_holds (fixture->path, "messages_fts", "xylofonweg"));
  g_assert_false (index_holds (fixture->path, "messages_fts", "quirinus"));
  g_assert_false (index_holds (fixture->path, "contacts_fts", "zandvoort"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "uirinus"));
  g_assert_false (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));
  /* The other customer is untouched. */
  g_assert_true (test_file_holds (fixture->path, "Tom fragt nach dem Tarif") || test_file_holds (wal, "Tom fragt"));
  g_assert_true (index_holds (fixture->path, "messages_fts", "tarif"));
  g_assert_true (index_holds (fixture->path, "contacts_fts", "kranich"));

  /* The audit log says that, and how much, never whose. */
  log = test_load_audit_log (fixture->store);
  forget = g_ptr_array_index (log, 0);
  g_assert_cmpint (forget->action, ==, CONCIERGE_AUDIT_FORGET);
  g_assert_cmpstr (forget->reason, ==, "The customer asked to be forgotten");
  g_assert_cmpstr (forget->detail, ==, "3 conversations, 4 messages, 1 images, 1 notes");

  /* A sync that sends their messages again does not bring them back... */
  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100));
  ingest_one (fixture, fixture->telegram, "5550123987", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("31", "5550123987", "Quirinus Zandvoort", "Xylofonweg per Telegram", 250));
  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 1);
  g_assert_false (test_file_holds (fixture->path, "Xylofonweg"));

  /* ...while a new one starts a new customer. */
  ingest_one (fixture, fixture->telegram, "5550123987", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("32", "5550123987", "Quirinus Zandvoort", "Neue Frage", 900));
  g_clear_pointer (&index, g_array_unref);
  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 2);
  g_clear_object (&thread);
  thread = load_thread (fixture, "5550123987");
  g_clear_pointer (&messages, g_ptr_array_unref);
  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 1);
  g_assert_cmpint (concierge_thread_get_contact_id (thread), !=, contact_id);
}

static void
test_purge_erases_old_resolved_conversations (Fixture       *fixture,
                                              gconstpointer  data)
{
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(ConciergeThread) old = NULL;
  g_autoptr(ConciergeThread) recent = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) index = NULL;
  g_autoptr(GPtrArray) log = NULL;
  g_autoptr(ConciergeContact) contact = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  ingest_one (fixture, fixture->mastodon, "old", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Altlast-Wortmarke", now - 40 * 86400));
  ingest_one (fixture, fixture->mastodon, "recent", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "jana", "Jana", "Frisch gelöst", now - 86400));
  ingest_one (fixture, fixture->mastodon, "open", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Noch offen", now - 50 * 86400));
  old = load_thread (fixture, "old");
  recent = load_thread (fixture, "recent");
  test_set_status (fixture->store, concierge_thread_get_id (old), CONCIERGE_THREAD_RESOLVED, &error);
  g_assert_no_error (error);
  test_set_status (fixture->store, concierge_thread_get_id (recent), CONCIERGE_THREAD_RESOLVED, &error);
  g_assert_no_error (error);

  concierge_store_purge_async (fixture->store, now - 30 * 86400, "Resolved more than 30 days ago",
                               NULL, test_got_result, &result);
  g_assert_cmpint (concierge_store_purge_finish (fixture->store, test_wait_result (&result), &error), ==, 1);
  g_assert_no_error (error);
  g_clear_object (&result);

  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 2);
  g_assert_false (test_file_holds (fixture->path, "Altlast-Wortmarke"));
  g_assert_false (index_holds (fixture->path, "messages_fts", "altlast"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "ortmarke"));
  /* The customer's profile stays; only the conversation went. */
  contact = test_load_contact (fixture->store, concierge_thread_get_contact_id (recent));
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "Jana");

  log = test_load_audit_log (fixture->store);
  g_assert_cmpint (((ConciergeAuditEntry *) g_ptr_array_index (log, 0))->action, ==, CONCIERGE_AUDIT_PURGE);

  /* Nothing old enough: nothing happens, and nothing is logged. */
  concierge_store_purge_async (fixture->store, now - 30 * 86400, "Resolved more than 30 days ago",
                               NULL, test_got_result, &result);
  g_assert_cmpint (concierge_store_purge_finish (fixture->store, test_wait_result (&result), &error), ==, 0);
  g_clear_pointer (&log, g_ptr_array_unref);
  log = test_load_audit_log (fixture->store);
  g_assert_cmpuint (log->len, ==, 1);

  /* Purged messages do not come back with a sync either. */
  ingest_one (fixture, fixture->mastodon, "old", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Altlast-Wortmarke", now - 40 * 86400));
  g_clear_pointer (&index, g_array_unref);
  index = test_load_index (fixture->store, &query);
  g_assert_cmpuint (index->len, ==, 2);
}

/* A cache whose search index takes several merge steps: @n_messages from
 * another customer, each with long words from a large made-up vocabulary
 * (the index grows with the bytes of its words, and the time to build it
 * under AddressSanitizer with their number), in ingests of a hundred, so
 * that the index has many segments as after many syncs. Returns the
 * thread the first of them is in. */
static ConciergeThread *
fill_index (Fixture *fixture,
            guint    n_messages)
{
  static const char * const syllables[] = {
    "ka", "ber", "lin", "to", "mi", "sta", "ver", "ung", "ein", "schl", "ra", "ne", "fu", "hal",
    "ter", "wel", "len", "funk", "net", "zu", "gen", "pro", "dat", "ko", "rie", "sen", "bo", "tri",
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261124);
  g_autoptr(GError) error = NULL;

  for (guint first = 0; first < n_messages; first += 100)
    {
      ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (fixture->mastodon));

      for (guint i = first; i < MIN (first + 100, n_messages); i++)
        {
          g_autoptr(GString) body = g_string_new ("Frage");
          g_autofree char *remote_id = g_strdup_printf ("fill-%u", i);
          g_autofree char *thread = g_strdup_printf ("fill-thread-%u", i / 50);

          for (guint w = 0; w < 120; w++)
            {
              g_string_append_c (body, ' ');
              for (guint s = g_rand_int_range (rand, 6, 11); s > 0; s--)
                g_string_append (body, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
            }
          concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PRIVATE,
                                        incoming (remote_id, "fuellhorn", "Fritz Füllhorn", body->str, 10 + i));
        }
      test_ingest (fixture->store, ingest, &error);
      g_assert_no_error (error);
    }

  return load_thread (fixture, "fill-thread-0");
}

/* What happened, in the order it reached the main context: D, I, F and E
 * for the steps of forgetting, R for its result, o for another job's. */
typedef struct
{
  GString           *order;
  ConciergeEraseStep step;
  double             fraction;
  guint              merge_steps;
  GAsyncResult      *forgotten;
  GAsyncResult      *other;
} ForgetWatch;

static void
watch_progress (ConciergeEraseStep step,
                double             fraction,
                gpointer           user_data)
{
  ForgetWatch *watch = user_data;

  /* The steps come in order, and within one the fraction only grows. */
  g_assert_cmpint (step, >=, watch->step);
  if (step == watch->step && fraction >= 0 && watch->fraction >= 0)
    g_assert_cmpfloat (fraction, >=, watch->fraction);
  g_assert_cmpfloat (fraction, <=, 1);
  if (step == CONCIERGE_ERASE_INDEX && fraction > 0)
    watch->merge_steps++;
  watch->step = step;
  watch->fraction = fraction;
  g_string_append_c (watch->order, "DIFE"[step]);
}

static void
watch_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ForgetWatch *watch = user_data;

  if (g_task_get_source_tag (G_TASK (result)) == concierge_store_forget_contact_async)
    {
      watch->forgotten = g_object_ref (result);
      g_string_append_c (watch->order, 'R');
    }
  else
    {
      watch->other = g_object_ref (result);
      g_string_append_c (watch->order, 'o');
    }
}

static gboolean
watch_done (gpointer data)
{
  ForgetWatch *watch = data;

  return watch->forgotten != NULL && watch->other != NULL;
}

static void
test_forget_lets_other_jobs_run (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(ConciergeThread) other = fill_index (fixture, 1000);
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GError) error = NULL;
  ForgetWatch watch = { .order = g_string_new (NULL), .fraction = -1 };
  g_autoptr(GRegex) expected = g_regex_new ("^Do(I+)FER$", 0, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;
  gint64 contact_id;

  /* Written in several syncs, so that their words lie in several segments */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("z-%u", i);

      ingest_one (fixture, fixture->mastodon, "zandvoort", CONCIERGE_VISIBILITY_PRIVATE,
                  incoming (remote_id, "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100 + i));
    }
  contact_id = contact_of_thread (fixture, "zandvoort");
  g_assert_true (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_true (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));

  /* The agent opens another conversation right after forgetting began. */
  concierge_store_forget_contact_async (fixture->store, contact_id, "The customer asked to be forgotten",
                                        watch_progress, &watch, NULL, watch_result, &watch);
  concierge_store_load_messages_async (fixture->store, concierge_thread_get_id (other), NULL, watch_result, &watch);
  while (!watch_done (&watch))
    g_main_context_iteration (NULL, TRUE);

  /* It opened between the deletion and the cleanup of the index, which
   * took several steps, each reported; then the file, the end, and the
   * result. */
  g_test_message ("In order: %s", watch.order->str);
  g_assert_true (g_regex_match (expected, watch.order->str, 0, &match));
  g_assert_cmpuint (watch.merge_steps, >=, 3);
  g_assert_cmpint (watch.step, ==, CONCIERGE_ERASE_DONE);
  g_assert_cmpfloat (watch.fraction, ==, 1);
  messages = concierge_store_load_messages_finish (fixture->store, watch.other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 50);
  summary = concierge_store_summary_finish (fixture->store, watch.forgotten, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->messages, ==, 4);

  /* As thoroughly as ever: nothing of them in the file, its WAL or the
   * index, while the other customer's words stay. */
  g_assert_false (test_file_holds (fixture->path, "Xylofonweg") || test_file_holds (wal, "Xylofonweg"));
  g_assert_false (test_file_holds (fixture->path, "Zandvoort") || test_file_holds (wal, "Zandvoort"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_false (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));
  g_assert_false (index_holds (fixture->path, "messages_fts", "xylofonweg"));
  g_assert_true (index_holds (fixture->path, "messages_fts", "frage"));
  g_assert_true (index_holds (fixture->path, "contacts_fts", "fullhorn"));

  g_string_free (watch.order, TRUE);
  g_clear_object (&watch.forgotten);
  g_clear_object (&watch.other);
}

static void
test_interrupted_erasure_finishes_at_start (Fixture       *fixture,
                                            gconstpointer  data)
{
  /* Erasures counted beyond those whose cleanup is done */
  static const char pending_sql[] =
    "SELECT 1 FROM profile c WHERE c.key = ? AND CAST (c.value AS INTEGER) > "
    "coalesce ((SELECT CAST (value AS INTEGER) FROM profile WHERE key = 'erase-done'), 0)";
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autoptr(GAsyncResult) forgotten = NULL;
  g_autoptr(GAsyncResult) closed = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeContactSummary *summary;
  gint64 contact_id;

  g_object_unref (fill_index (fixture, 50));
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *remote_id = g_strdup_printf ("z-%u", i);

      ingest_one (fixture, fixture->mastodon, "zandvoort", CONCIERGE_VISIBILITY_PRIVATE,
                  incoming (remote_id, "zandvoort_q", "Quirinus Zandvoort", "Ich wohne am Xylofonweg 17", 100 + i));
    }
  contact_id = contact_of_thread (fixture, "zandvoort");

  /* The store closes, as when the app ends, right after the deletion. */
  concierge_store_forget_contact_async (fixture->store, contact_id, "The customer asked to be forgotten",
                                        NULL, NULL, NULL, test_got_result, &forgotten);
  concierge_store_close_async (fixture->store, NULL, test_got_result, &closed);
  summary = concierge_store_summary_finish (fixture->store, test_wait_result (&forgotten), &error);
  g_assert_null (summary);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (concierge_store_close_finish (fixture->store, test_wait_result (&closed), &error));
  g_clear_object (&fixture->store);

  /* Their messages are gone, while the index still holds their words. */
  g_assert_false (test_file_holds (fixture->path, "Xylofonweg") || test_file_holds (wal, "Xylofonweg"));
  g_assert_true (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_true (file_query_finds (fixture->path, NULL, pending_sql, "erase-count"));

  /* The next start finishes the cleanup. */
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  concierge_store_summarize_contact_async (fixture->store, contact_id, NULL, test_got_result, &result);
  g_assert_null (concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_object (&result);

  for (guint i = 0; i < 2; i++)
    {
      /* The second time, nothing is pending. */
      concierge_store_finish_erasure_async (fixture->store, NULL, test_got_result, &result);
      g_assert_true (concierge_store_boolean_finish (fixture->store, test_wait_result (&result), &error));
      g_assert_no_error (error);
      g_clear_object (&result);
    }
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "lofonweg"));
  g_assert_false (shadow_holds (fixture->path, "contacts_fts", "ndvoort"));
  g_assert_false (test_file_holds (fixture->path, "lofonweg") || test_file_holds (wal, "lofonweg"));
  g_assert_false (file_query_finds (fixture->path, NULL, pending_sql, "erase-count"));
  g_assert_true (index_holds (fixture->path, "messages_fts", "frage"));

  /* The next erasure is counted beyond the one done, and done in turn. */
  concierge_store_forget_contact_async (fixture->store, contact_of_thread (fixture, "fill-thread-0"), "test",
                                        NULL, NULL, NULL, test_got_result, &result);
  g_free (concierge_store_summary_finish (fixture->store, test_wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_false (file_query_finds (fixture->path, NULL, pending_sql, "erase-count"));
  g_assert_false (shadow_holds (fixture->path, "messages_fts", "rage"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/forgotten-customer-leaves-no-byte", test_forgotten_customer_leaves_no_byte);
  ADD ("/store/purge-erases-old-resolved-conversations", test_purge_erases_old_resolved_conversations);
  ADD ("/store/forget-lets-other-jobs-run", test_forget_lets_other_jobs_run);
  ADD ("/store/interrupted-erasure-finishes-at-start", test_interrupted_erasure_finishes_at_start);

  return g_test_run ();
}
