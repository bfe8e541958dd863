/* bench-cache.c
 *
 * ./build-aux/dev bench: the cache with 100,000 threads and 1,000,000
 * messages from a fixed seed, measured through the store and, as the
 * baseline, straight against SQLite with the same schema, indexes and
 * triggers, in the same run. Prints one "name value unit" line per figure.
 *
 * The figures that need a fresh process (opening the cache, the app's first
 * frame, scrolling) run this binary again in a child mode.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "channels/concierge-sync.h"
#include "concierge-application.h"
#include "privacy/concierge-detector.h"
#include "store/concierge-inbox-model.h"
#include "store/concierge-store.h"
#include "ui/concierge-customer-view.h"
#include "ui/concierge-thread-row.h"
#include "ui/concierge-window.h"

#include "test-util.h"

#define N_THREADS     100000
#define N_MESSAGES    1000000
#define N_CONTACTS    30000
#define N_QUERIES     100
#define SEED          20261124
#define BATCH         10000
#define SPAN_SECONDS  (90 * 24 * 3600)
#define N_SYNC_ITEMS  10000

/* The data set */

typedef struct
{
  guint  thread;
  guint  contact;   /* the customer, for incoming messages */
  gint64 created_at;
  guint  incoming : 1;
  char  *body;
} BenchMessage;

typedef struct
{
  GPtrArray    *vocabulary;
  double       *cumulative;
  BenchMessage *messages;
  gint64        now;
} DataSet;

static const char * const common_words[] = {
  "ich", "die", "der", "und", "nicht", "das", "ist", "mein", "seit", "mit", "wir", "sie", "the",
  "is", "my", "internet", "rechnung", "router", "vertrag", "bitte", "danke", "hallo", "kunde",
  "problem", "heute", "immer", "noch", "wieder", "kein", "geht", "leider", "techniker", "termin",
  "tarif", "handy", "sim", "karte", "dsl", "störung", "hilfe", "warum", "wann", "schon",
  "support", "account", "invoice", "please", "thanks", "not", "working", "since", "monat", "euro",
};

static const char * const syllables[] = {
  "ka", "ber", "lin", "to", "mi", "sta", "ver", "ung", "ein", "schl", "ra", "ne", "fu", "hal",
  "ter", "wel", "len", "funk", "net", "zu", "gen", "pro", "dat", "ko", "rie", "sen", "bo", "tri",
};

/* Zipf-like: a few words are everywhere, most are rare. */
static const char *
random_word (DataSet *data,
             GRand   *rand)
{
  double target = g_rand_double (rand) * data->cumulative[data->vocabulary->len - 1];
  guint low = 0, high = data->vocabulary->len - 1;

  while (low < high)
    {
      guint mid = (low + high) / 2;

      if (data->cumulative[mid] < target)
        low = mid + 1;
      else
        high = mid;
    }

  return g_ptr_array_index (data->vocabulary, low);
}

static void
data_set_init (DataSet *data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED);
  double sum = 0;

  data->now = 1795000000; /* fixed, so every run is the same data */
  data->vocabulary = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (common_words); i++)
    g_ptr_array_add (data->vocabulary, g_strdup (common_words[i]));
  while (data->vocabulary->len < 30000)
    {
      GString *word = g_string_new (NULL);
      guint n = 2 + g_rand_int_range (rand, 0, 3);

      for (guint i = 0; i < n; i++)
        g_string_append (word, syllables[g_rand_int_range (rand, 0, G_N_ELEMENTS (syllables))]);
      g_string_append_printf (word, "%u", data->vocabulary->len % 97);
      g_ptr_array_add (data->vocabulary, g_string_free (word, FALSE));
    }

  data->cumulative = g_new (double, data->vocabulary->len);
  for (guint i = 0; i < data->vocabulary->len; i++)
    {
      sum += 1.0 / pow (i + 1, 1.07);
      data->cumulative[i] = sum;
    }

  /* Each thread gets a start time; its messages follow it. */
  data->messages = g_new0 (BenchMessage, N_MESSAGES);
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      BenchMessage *message = &data->messages[i];
      guint n_words = 4 + g_rand_int_range (rand, 0, 30);
      GString *body = g_string_new (NULL);

      message->thread = i < N_THREADS ? i : (guint) g_rand_int_range (rand, 0, N_THREADS);
      message->contact = message->thread % N_CONTACTS;
      message->incoming = i < N_THREADS || g_rand_int_range (rand, 0, 10) < 6;
      message->created_at = data->now - SPAN_SECONDS + (gint64) i * SPAN_SECONDS / N_MESSAGES;
      for (guint w = 0; w < n_words; w++)
        g_string_append_printf (body, "%s%s", w ? " " : "", random_word (data, rand));
      message->body = g_string_free (body, FALSE);
    }
}

static char **
fixed_queries (DataSet *data)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (SEED + 1);
  char **queries = g_new0 (char *, N_QUERIES + 1);

  /* Half common words, a quarter rare ones, a quarter two-word searches. */
  for (guint i = 0; i < N_QUERIES; i++)
    {
      guint kind = i % 4;

      if (kind < 2)
        queries[i] = g_strdup (g_ptr_array_index (data->vocabulary, g_rand_int_range (rand, 0, 200)));
      else if (kind == 2)
        queries[i] = g_strdup (g_ptr_array_index (data->vocabulary, g_rand_int_range (rand, 5000, 30000)));
      else
        queries[i] = g_strdup_printf ("%s %s",
                                      (char *) g_ptr_array_index (data->vocabulary, g_rand_int_range (rand, 0, 60)),
                                      (char *) g_ptr_array_index (data->vocabulary, g_rand_int_range (rand, 100, 3000)));
    }

  return queries;
}

/* Measuring */

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (double *samples,
            guint   n,
            double  p)
{
  qsort (samples, n, sizeof (double), compare_doubles);
  return samples[MIN (n - 1, (guint) ceil (p * n) - 1)];
}

static void
report (GString    *log,
        const char *name,
        double      value,
        const char *unit,
        const char *against)
{
  g_print ("%s %.1f %s\n", name, value, unit);
  g_string_append_printf (log, "| `%s` | %.1f %s | %s |\n", name, value, unit, against ? against : "");
}

/* "0.54 × baseline; target ≥ 0.5 ×" */
static char *
ratio (double      value,
       double      baseline,
       const char *target)
{
  return g_strdup_printf ("%.2f × baseline; target %s", value / baseline, target);
}

/* Personal data: the detector over every generated message, beside a
 * pass that only reads the same text's characters, as the least any scan
 * must do. */

static double
megabytes_per_second (gsize  bytes,
                      gint64 microseconds)
{
  return (double) bytes / MAX (microseconds, 1);
}

static void
privacy_scan_speed (DataSet *data,
                    GString *table)
{
  const char *allowed[] = { "030 5268 3300", "DE51 1005 0000 0630 4188 20", "support@wellenfunk.de", NULL };
  const char *patterns[] = { "WF-\\d{8}", NULL };
  g_autoptr(ConciergeDetector) detector = concierge_detector_new ();
  gsize bytes = 0, characters = 0, findings = 0;
  gint64 start;
  double baseline, scan;

  concierge_detector_set_allowed (detector, allowed);
  concierge_detector_set_patterns (detector, patterns, NULL);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      bytes += strlen (data->messages[i].body);
      characters += g_utf8_strlen (data->messages[i].body, -1);
    }
  baseline = megabytes_per_second (bytes, g_get_monotonic_time () - start);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      g_autoptr(GArray) found = concierge_detector_scan (detector, data->messages[i].body);

      findings += found->len;
    }
  scan = megabytes_per_second (bytes, g_get_monotonic_time () - start);

  g_printerr ("bench: %zu findings in %zu characters\n", findings, characters);
  report (table, "text.read_chars_mb_per_s", baseline, "MB/s", "baseline");
  {
    g_autofree char *against = g_strdup_printf ("%.2f × baseline; target ≥ 50 MB/s", scan / baseline);

    report (table, "pii.scan_mb_per_s", scan, "MB/s", against);
  }
}

/* The raw baseline: plain prepared statements in one transaction. */

static void
exec_or_die (sqlite3    *db,
             const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static sqlite3 *
raw_open (const char *path)
{
  g_autoptr(GBytes) schema = g_resources_lookup_data (RESOURCE_PATH "store/concierge-schema-1.sql", 0, NULL);
  g_autofree char *sql = g_strndup (g_bytes_get_data (schema, NULL), g_bytes_get_size (schema));
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  exec_or_die (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  exec_or_die (db, sql);
  return db;
}

static double
raw_insert (DataSet    *data,
            const char *path)
{
  sqlite3 *db = raw_open (path);
  sqlite3_stmt *contact, *identity, *thread, *message;
  gint64 start;

  sqlite3_prepare_v2 (db, "INSERT INTO contacts (id, name, created_at) VALUES (?, ?, ?)", -1, &contact, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO identities (id, contact_id, platform, server_url, remote_id, handle, display_name) "
                          "VALUES (?1, ?1, 'mastodon', 'https://social.example', ?2, ?2, ?3)", -1, &identity, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO threads (id, account_id, contact_id, visibility, remote_id, snippet, "
                          "waiting_since, last_activity_at, unread) VALUES (?, 1, ?, 'public', ?, ?, ?, ?, 1)",
                      -1, &thread, NULL);
  sqlite3_prepare_v2 (db, "INSERT INTO messages (thread_id, remote_id, direction, author_identity_id, body, "
                          "created_at, visibility) VALUES (?, ?, ?, ?, ?, ?, 'public')", -1, &message, NULL);

  start = g_get_monotonic_time ();
  exec_or_die (db, "BEGIN");
  exec_or_die (db, "INSERT INTO accounts (id, platform, display_name, server_url, remote_user_id) "
                   "VALUES (1, 'mastodon', 'Support', 'https://social.example', '1')");
  for (guint i = 0; i < N_CONTACTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Customer %u", i);
      g_autofree char *remote = g_strdup_printf ("c%u", i);

      sqlite3_bind_int (contact, 1, i + 1);
      sqlite3_bind_text (contact, 2, name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (contact, 3, data->now);
      sqlite3_step (contact);
      sqlite3_reset (contact);
      sqlite3_bind_int (identity, 1, i + 1);
      sqlite3_bind_text (identity, 2, remote, -1, SQLITE_STATIC);
      sqlite3_bind_text (identity, 3, name, -1, SQLITE_STATIC);
      sqlite3_step (identity);
      sqlite3_reset (identity);
    }
  for (guint i = 0; i < N_THREADS; i++)
    {
      BenchMessage *first = &data->messages[i];
      g_autofree char *remote = g_strdup_printf ("t%u", i);

      sqlite3_bind_int (thread, 1, i + 1);
      sqlite3_bind_int (thread, 2, first->contact + 1);
      sqlite3_bind_text (thread, 3, remote, -1, SQLITE_STATIC);
      sqlite3_bind_text (thread, 4, first->body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (thread, 5, first->created_at);
      sqlite3_bind_int64 (thread, 6, first->created_at);
      sqlite3_step (thread);
      sqlite3_reset (thread);
    }
  for (guint i = 0; i < N_MESSAGES; i++)
    {
      BenchMessage *m = &data->messages[i];
      char remote[16];

      g_snprintf (remote, sizeof remote, "m%u", i);
      sqlite3_bind_int (message, 1, m->thread + 1);
      sqlite3_bind_text (message, 2, remote, -1, SQLITE_STATIC);
      sqlite3_bind_text (message, 3, m->incoming ? "in" : "out", -1, SQLITE_STATIC);
      if (m->incoming)
        sqlite3_bind_int (message, 4, m->contact + 1);
      else
        sqlite3_bind_null (message, 4);
      sqlite3_bind_text (message, 5, m->body, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (message, 6, m->created_at);
      if (sqlite3_step (message) != SQLITE_DONE)
        g_error ("raw insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (message);
    }
  exec_or_die (db, "COMMIT");

  {
    double seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

    sqlite3_finalize (contact);
    sqlite3_finalize (identity);
    sqlite3_finalize (thread);
    sqlite3_finalize (message);
    sqlite3_close (db);
    return N_MESSAGES / seconds;
  }
}

static double
store_ingest (DataSet        *data,
              ConciergeStore *store)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  GPtrArray *authors = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 spent = 0;

  account = concierge_account_new ("mastodon", "Support", "@support", "https://social.example", "1");
  saved = test_add_account (store, account);

  for (guint i = 0; i < N_CONTACTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("Customer %u", i);
      g_autofree char *remote = g_strdup_printf ("c%u", i);

      g_ptr_array_add (authors, concierge_identity_new ("mastodon", "https://social.example", remote, remote, name));
    }

  /* The batches are built outside the clock: only the store is measured. */
  for (guint first = 0; first < N_MESSAGES; first += BATCH)
    {
      ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (saved));
      g_autoptr(GError) error = NULL;
      gint64 start;

      for (guint i = first; i < first + BATCH; i++)
        {
          BenchMessage *m = &data->messages[i];
          char remote[16], thread[16];
          g_autoptr(ConciergeMessage) message = NULL;

          g_snprintf (remote, sizeof remote, "m%u", i);
          g_snprintf (thread, sizeof thread, "t%u", m->thread);
          message = concierge_message_new (remote, m->incoming ? CONCIERGE_DIRECTION_IN : CONCIERGE_DIRECTION_OUT,
                                           m->body, m->created_at);
          if (m->incoming)
            concierge_message_set_author (message, g_ptr_array_index (authors, m->contact));
          concierge_ingest_add_message (ingest, thread, CONCIERGE_VISIBILITY_PUBLIC, message);
        }

      start = g_get_monotonic_time ();
      test_ingest (store, ingest, &error);
      spent += g_get_monotonic_time () - start;
      if (error != NULL)
        g_error ("ingest: %s", error->message);
    }

  g_ptr_array_unref (authors);
  return N_MESSAGES / (spent / (double) G_USEC_PER_SEC);
}

static double
raw_fts_p95 (const char  *path,
             char       **queries,
             guint        n_queries)
{
  static const char sql[] =
    "SELECT m.id, m.thread_id, m.remote_id, m.direction, m.body, m.created_at, m.edited_at, "
    "m.send_state, m.visibility, i.id, i.contact_id, i.platform, i.server_url, i.remote_id, "
    "i.handle, i.display_name FROM messages m LEFT JOIN identities i ON i.id = m.author_identity_id "
    "WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 "
    "               ORDER BY rowid DESC LIMIT 50) "
    "ORDER BY m.id DESC";
  g_autofree double *samples = g_new (double, n_queries);
  sqlite3_stmt *stmt;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < n_queries; i++)
    {
      g_auto(GStrv) words = g_strsplit (queries[i], " ", -1);
      g_autoptr(GString) match = g_string_new (NULL);
      gint64 start = g_get_monotonic_time ();

      for (guint w = 0; words[w]; w++)
        g_string_append_printf (match, "%s\"%s\"*", w ? " " : "", words[w]);
      sqlite3_bind_text (stmt, 1, match->str, -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        ;
      sqlite3_reset (stmt);
      samples[i] = ms_since (start);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return percentile (samples, n_queries, 0.95);
}

static double
store_search_p95 (ConciergeStore  *store,
                  char           **queries)
{
  double samples[N_QUERIES];

  for (guint i = 0; i < N_QUERIES; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) found = test_search_messages (store, queries[i], 50);

      samples[i] = ms_since (start);
    }

  return percentile (samples, N_QUERIES, 0.95);
}

/* The inbox's first page of a search for a word that most messages hold,
 * as a person gets when they type one: the threads of one page, in order,
 * through the store. Its baseline is the raw search for the newest
 * messages with the word, which reads the word's whole doclist as any
 * prefix search does. */

#define COMMON_WORD "ich"
#define COMMON_WORD_ROUNDS 20
/* The view of open conversations, as the inbox shows it first. */
#define COMMON_WORD_QUERY                                                               \
  {                                                                                     \
    .status_mask = (1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING),      \
    .visibility = -1,                                                                   \
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,                                       \
    .search = (char *) COMMON_WORD,                                                     \
  }

static double
store_search_common_word_p95 (ConciergeStore *store)
{
  ConciergeInboxQuery query = COMMON_WORD_QUERY;
  double samples[COMMON_WORD_ROUNDS];

  for (guint i = 0; i < COMMON_WORD_ROUNDS; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GPtrArray) threads = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      concierge_store_load_inbox_head_async (store, &query, 20, NULL, test_got_result, &result);
      threads = concierge_store_load_inbox_head_finish (store, test_wait_result (&result), &error);
      samples[i] = ms_since (start);
      g_assert_no_error (error);
      g_assert_cmpuint (threads->len, ==, 20);
    }

  return percentile (samples, COMMON_WORD_ROUNDS, 0.95);
}

/* The whole list of the same search, as the inbox asks for it right after
 * the first page: the order of every thread it shows. The store's worker
 * does nothing else meanwhile, so this is also how long opening a
 * conversation waits behind it. The median of a few rounds, and in
 * @n_threads how many threads the list holds. */

#define COMMON_WORD_FULL_ROUNDS 5

static double
store_search_common_word_full (ConciergeStore *store,
                               guint          *n_threads)
{
  ConciergeInboxQuery query = COMMON_WORD_QUERY;
  double samples[COMMON_WORD_FULL_ROUNDS];

  for (guint i = 0; i < COMMON_WORD_FULL_ROUNDS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GArray) index = test_load_index (store, &query);

      samples[i] = ms_since (start);
      *n_threads = index->len;
    }

  return percentile (samples, COMMON_WORD_FULL_ROUNDS, 0.5);
}

/* How many messages hold the word, to show that it is a common one. */
static guint
count_matches (const char *path,
               const char *word)
{
  g_autofree char *match = g_strdup_printf ("\"%s\"*", word);
  sqlite3_stmt *stmt;
  sqlite3 *db;
  guint count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return count;
}

/* Child: open the store and load the first inbox page. */

static int
open_first_page (const char *path,
                 gint64      start)
{
  ConciergeInboxQuery query = {
    .status_mask = (1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING),
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
  };
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(GError) error = NULL;

  store = test_open_store (path, &error);
  g_assert_no_error (error);
  inbox = concierge_inbox_model_new (store, &query);
  test_wait_loaded (inbox);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (inbox)), >, 0);
  for (guint i = 0; i < 20; i++)
    test_wait_for_row (G_LIST_MODEL (inbox), i);

  g_print ("%.3f\n", ms_since (start));
  return 0;
}

/* Child: the app itself, until its first frame (with inbox rows when the
 * cache has any), then optionally scrolling the whole inbox. */

typedef struct
{
  gint64   start;
  gboolean want_rows;
  gboolean scroll;
  GtkWindow *window;
  GtkAdjustment *adjustment;
  GArray  *frame_ms;
  GArray  *interval_ms;
  gint64   step_start;
  gint64   last_paint;
  guint    step;
  gboolean done;
} AppBench;

#define SCROLL_STEPS 600

static gboolean
find_loaded_row (GtkWidget *widget,
                 gboolean   want_scrolled_window,
                 gpointer  *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      if (want_scrolled_window && GTK_IS_SCROLLED_WINDOW (child) &&
          gtk_widget_get_mapped (child) && GTK_IS_LIST_VIEW (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (child))))
        {
          *found = child;
          return TRUE;
        }
      if (!want_scrolled_window && CONCIERGE_IS_THREAD_ROW (child) && gtk_widget_get_mapped (child) &&
          concierge_thread_row_is_loaded (CONCIERGE_THREAD_ROW (child)))
        {
          *found = child;
          return TRUE;
        }
      if (find_loaded_row (child, want_scrolled_window, found))
        return TRUE;
    }

  return FALSE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                AppBench      *bench)
{
  gpointer found = NULL;

  if (bench->done)
    return;

  if (bench->adjustment == NULL)
    {
      if (bench->want_rows && !find_loaded_row (GTK_WIDGET (bench->window), FALSE, &found))
        return;

      g_print ("%.3f\n", ms_since (bench->start));
      if (!bench->scroll)
        {
          bench->done = TRUE;
          return;
        }

      find_loaded_row (GTK_WIDGET (bench->window), TRUE, &found);
      g_assert_nonnull (found);
      bench->adjustment = gtk_scrolled_window_get_vadjustment (found);
      bench->frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
      bench->interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
    }
  else
    {
      double ms = ms_since (bench->step_start);
      double interval = ms_since (bench->last_paint);

      g_array_append_val (bench->frame_ms, ms);
      g_array_append_val (bench->interval_ms, interval);
    }
  bench->last_paint = g_get_monotonic_time ();

  if (bench->step >= SCROLL_STEPS)
    {
      g_autofree char *statm = NULL;
      long pages = 0, resident = 0;

      g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL);
      if (statm != NULL)
        sscanf (statm, "%ld %ld", &pages, &resident);
      g_print ("%.3f\n", percentile ((double *) (gpointer) bench->frame_ms->data, bench->frame_ms->len, 0.95));
      g_print ("%.3f\n", percentile ((double *) (gpointer) bench->interval_ms->data, bench->interval_ms->len, 0.95));
      g_print ("%.1f\n", resident * (double) sysconf (_SC_PAGESIZE) / (1024.0 * 1024.0));
      bench->done = TRUE;
      return;
    }

  /* Evenly from top to bottom, one step a frame. */
  bench->step++;
  gtk_adjustment_set_value (bench->adjustment,
                            (gtk_adjustment_get_upper (bench->adjustment) - gtk_adjustment_get_page_size (bench->adjustment))
                            * bench->step / SCROLL_STEPS);
  gtk_widget_queue_draw (GTK_WIDGET (bench->window));
}

/* A frame's time is the work from its update to its paint, not the wait
 * for the next tick in between. */
static void
update_cb (GdkFrameClock *clock,
           AppBench      *bench)
{
  bench->step_start = g_get_monotonic_time ();
}

static void
window_realized_cb (GtkWidget *window,
                    AppBench  *bench)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "update", G_CALLBACK (update_cb), bench);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), bench);
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 AppBench       *bench)
{
  if (bench->window != NULL || !CONCIERGE_IS_WINDOW (window))
    return;
  bench->window = window;
  g_signal_connect (window, "realize", G_CALLBACK (window_realized_cb), bench);
}

static int
app_first_frame (gboolean want_rows,
                 gboolean scroll,
                 gint64   start)
{
  g_autoptr(ConciergeApplication) app = NULL;
  AppBench bench = { .start = start, .want_rows = want_rows, .scroll = scroll };

  adw_init ();
  app = concierge_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect (app, "window-added", G_CALLBACK (window_added_cb), &bench);
  g_application_hold (G_APPLICATION (app));
  g_application_register (G_APPLICATION (app), NULL, NULL);
  g_application_activate (G_APPLICATION (app));
  while (!bench.done)
    g_main_context_iteration (NULL, TRUE);
  g_application_release (G_APPLICATION (app));

  return 0;
}

/* The customer panel: from choosing a conversation to the first frame
 * that shows its customer, as when the agent goes from one customer's
 * conversation to another's: to a customer with 500 conversations, against
 * going to one with a single conversation. Each round starts on a third
 * customer, of one conversation. */

#define PANEL_THREADS 500
#define PANEL_ROUNDS 15

typedef struct
{
  gint64   start;
  gint64   frame_start;
  gint64   frame_end;
} PanelFrame;

static void
panel_update_cb (GdkFrameClock *clock,
                 PanelFrame    *frame)
{
  if (frame->frame_start == 0)
    frame->frame_start = g_get_monotonic_time ();
}

static void
panel_after_paint_cb (GdkFrameClock *clock,
                      PanelFrame    *frame)
{
  if (frame->frame_start != 0 && frame->frame_end == 0)
    frame->frame_end = g_get_monotonic_time ();
}

static ConciergeThread *
seed_customer (ConciergeStore   *store,
               ConciergeAccount *account,
               const char       *handle,
               guint             n_threads)
{
  g_autoptr(GError) error = NULL;
  ConciergeInboxQuery query = { .visibility = -1, .sort = CONCIERGE_INBOX_SORT_NEWEST };
  g_autoptr(GArray) index = NULL;
  ConciergeIngest *ingest = concierge_ingest_new (concierge_account_get_id (account));
  g_autoptr(GPtrArray) threads = NULL;

  for (guint i = 0; i < n_threads; i++)
    {
      g_autofree char *thread_id = g_strdup_printf ("%s-%u", handle, i);
      g_autofree char *body = g_strdup_printf ("Frage %u: Router blinkt, Rechnung doppelt, bitte Rückruf", i);
      g_autoptr(ConciergeIdentity) author = concierge_identity_new ("mastodon", NULL, handle, handle, handle);
      ConciergeMessage *message = concierge_message_new (thread_id, CONCIERGE_DIRECTION_IN, body,
                                                         1700000000 + i * 3600);

      concierge_message_set_author (message, author);
      concierge_ingest_add_message (ingest, thread_id, i % 3 ? CONCIERGE_VISIBILITY_PRIVATE : CONCIERGE_VISIBILITY_PUBLIC,
                                    message);
      g_object_unref (message);
    }
  test_ingest (store, ingest, &error);
  g_assert_no_error (error);

  index = test_load_index (store, &query);
  for (guint i = 0; i < index->len; i++)
    {
      gint64 id = g_array_index (index, ConciergeInboxEntry, i).id;
      g_autoptr(GPtrArray) one = test_load_threads (store, &id, 1);
      ConciergeThread *thread = g_ptr_array_index (one, 0);

      if (g_str_has_prefix (concierge_thread_get_remote_id (thread), handle))
        return g_object_ref (thread);
    }
  g_assert_not_reached ();
}

static double
fill_panel_ms (ConciergeCustomerView *view,
               ConciergeThread       *from,
               ConciergeThread       *thread,
               GdkFrameClock         *clock)
{
  PanelFrame frame = { 0 };
  gulong update, after_paint;
  double loaded_ms;

  concierge_customer_view_set_thread (view, from);
  while (concierge_customer_view_get_loading (view))
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  /* Reading the cache, then the frame's own work: its update, layout and
   * paint, but not the wait for its tick, which a display of 60 Hz adds
   * to anything (see ui.scroll_frame_interval_p95_ms). */
  frame.start = g_get_monotonic_time ();
  concierge_customer_view_set_thread (view, thread);
  while (concierge_customer_view_get_loading (view))
    g_main_context_iteration (NULL, TRUE);
  loaded_ms = ms_since (frame.start);

  update = g_signal_connect (clock, "update", G_CALLBACK (panel_update_cb), &frame);
  after_paint = g_signal_connect (clock, "after-paint", G_CALLBACK (panel_after_paint_cb), &frame);
  gtk_widget_queue_draw (GTK_WIDGET (view));
  while (frame.frame_end == 0)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, update);
  g_signal_handler_disconnect (clock, after_paint);

  return loaded_ms + (frame.frame_end - frame.frame_start) / 1000.0;
}

static int
customer_panel (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "panel.sqlite", NULL);
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(ConciergeThread) many = NULL;
  g_autoptr(ConciergeThread) one = NULL;
  g_autoptr(ConciergeThread) start = NULL;
  g_autoptr(GError) error = NULL;
  double many_ms[PANEL_ROUNDS], one_ms[PANEL_ROUNDS];
  ConciergeCustomerView *view;
  GtkWidget *window;

  adw_init ();
  store = test_open_store (path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("mastodon", "Support", "@support", "https://social.example", "1");
  saved = test_add_account (store, account);
  many = seed_customer (store, saved, "stammkundin", PANEL_THREADS);
  one = seed_customer (store, saved, "neukunde", 1);
  start = seed_customer (store, saved, "laufkundin", 1);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 800);
  view = g_object_new (CONCIERGE_TYPE_CUSTOMER_VIEW, NULL);
  concierge_customer_view_set_store (view, store);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (view));
  gtk_window_present (GTK_WINDOW (window));
  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  fill_panel_ms (view, start, many, gtk_widget_get_frame_clock (window)); /* warm up */
  for (guint i = 0; i < PANEL_ROUNDS; i++)
    {
      one_ms[i] = fill_panel_ms (view, start, one, gtk_widget_get_frame_clock (window));
      many_ms[i] = fill_panel_ms (view, start, many, gtk_widget_get_frame_clock (window));
    }
  g_print ("%.3f\n%.3f\n", percentile (one_ms, PANEL_ROUNDS, 0.5), percentile (many_ms, PANEL_ROUNDS, 0.5));

  gtk_window_destroy (GTK_WINDOW (window));
  test_close_store (store);
  return 0;
}

/* The parent */

static GStrv
run_child (const char * const *argv,
           const char         *data_home)
{
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (data_home != NULL)
    env = g_environ_setenv (env, "XDG_DATA_HOME", data_home, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s %s failed: %s", argv[0], argv[1], error->message);

  return g_strsplit (g_strstrip (out), "\n", -1);
}

static double
median_of_children (const char * const *argv,
                    const char         *data_home,
                    guint               rounds)
{
  double samples[16];

  g_assert (rounds <= G_N_ELEMENTS (samples));
  run_child (argv, data_home); /* warm the page cache */
  for (guint i = 0; i < rounds; i++)
    {
      g_auto(GStrv) lines = run_child (argv, data_home);

      samples[i] = g_ascii_strtod (lines[0], NULL);
    }

  return percentile (samples, rounds, 0.5);
}

/* Sync: the longest main-loop stall while items come from the sandbox.
 * A timer that wants to run every millisecond measures how long it had to
 * wait; what it waited beyond that is a stall a frame would feel. */

typedef struct
{
  gint64 last;
  gint64 max_gap;
} StallMeter;

static gboolean
stall_tick (gpointer data)
{
  StallMeter *meter = data;
  gint64 now = g_get_monotonic_time ();

  if (meter->last != 0)
    meter->max_gap = MAX (meter->max_gap, now - meter->last);
  meter->last = now;
  return G_SOURCE_CONTINUE;
}

static double
max_stall_ms (GListModel *inbox,
              guint       until_items,
              double      at_most_s,
              double     *seconds)
{
  StallMeter meter = { 0 };
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + (gint64) (at_most_s * G_USEC_PER_SEC);
  guint id = g_timeout_add_full (G_PRIORITY_HIGH, 1, stall_tick, &meter, NULL);

  while (g_get_monotonic_time () < deadline &&
         (until_items == 0 || g_list_model_get_n_items (inbox) < until_items))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);

  if (seconds != NULL)
    *seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  return MAX (0.0, meter.max_gap / 1000.0 - 1.0);
}

static void
sync_stall (const char *argv0,
            const char *dir,
            GString    *table)
{
  g_autofree char *bindir = g_path_get_dirname (argv0);
  g_autofree char *sandbox_path = g_build_filename (bindir, "concierge-sandbox", NULL);
  g_autofree char *count = g_strdup_printf ("%d", N_SYNC_ITEMS);
  g_autofree char *store_path = g_build_filename (dir, "sync", "cache.sqlite", NULL);
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(ConciergeInboxModel) inbox = NULL;
  g_autoptr(ConciergeSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  ConciergeInboxQuery query = { .status_mask = 1 << CONCIERGE_THREAD_OPEN, .visibility = -1 };
  double idle_ms, stall_ms, seconds;
  guint items;

  sandbox = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, sandbox_path,
                              "--token", "bench-token", "--seed-mentions", count,
                              "--reply-delay-ms", "600000", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on "));

  store = test_open_store (store_path, &error);
  g_assert_no_error (error);
  account = concierge_account_new ("mastodon", "Support", "@support", line + strlen ("listening on "), "");
  saved = test_add_account (store, account);

  /* The inbox is there as in the app: its updates run on the main loop. */
  inbox = concierge_inbox_model_new (store, &query);
  test_wait_loaded (inbox);
  idle_ms = max_stall_ms (G_LIST_MODEL (inbox), 0, 2.0, NULL);

  sync = concierge_sync_new (store, NULL);
  concierge_sync_add_account (sync, saved, "{\"access_token\": \"bench-token\"}", &error);
  g_assert_no_error (error);
  stall_ms = max_stall_ms (G_LIST_MODEL (inbox), N_SYNC_ITEMS, 300.0, &seconds);
  items = g_list_model_get_n_items (G_LIST_MODEL (inbox));

  report (table, "loop.idle_max_stall_ms", idle_ms, "ms", "baseline");
  {
    g_autofree char *against = g_strdup_printf ("%.1f ms over baseline; target ≤ 16 ms", stall_ms - idle_ms);

    report (table, "sync.max_main_loop_stall_ms", stall_ms, "ms", against);
  }
  {
    g_autofree char *against = g_strdup_printf ("%u mentions from the sandbox", items);

    report (table, "sync.items_per_s", items / seconds, "items/s", against);
  }

  g_clear_object (&sync);
  g_clear_object (&inbox);
  test_close_store (store);
  g_subprocess_force_exit (sandbox);
  g_subprocess_wait (sandbox, NULL, NULL);
}

static void
append_readme (const char *path,
               GString    *table)
{
  g_autofree char *existing = NULL;
  g_autofree char *machine = NULL;
  g_autofree char *cpu = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d %H:%M");
  g_autoptr(GString) readme = g_string_new (NULL);

  if (!g_file_get_contents (path, &existing, NULL, NULL))
    existing = g_strdup ("# Benchmarks\n\n"
                         "`./build-aux/dev bench` appends one section per run. Each `cache.` and `app.` "
                         "figure stands beside its baseline from the same run.\n");

  if (g_file_get_contents ("/proc/cpuinfo", &cpu, NULL, NULL))
    {
      const char *model = strstr (cpu, "model name");
      const char *colon = model ? strchr (model, ':') : NULL;

      if (colon != NULL)
        machine = g_strndup (colon + 2, strcspn (colon + 2, "\n"));
    }

  g_string_append (readme, existing);
  g_string_append_printf (readme, "\n## %s, %s, %u cores\n\n| figure | value | against |\n|---|---|---|\n%s",
                          date, machine ? machine : "unknown CPU", g_get_num_processors (), table->str);
  g_file_set_contents (path, readme->str, -1, NULL);
}

int
main (int   argc,
      char *argv[])
{
  gint64 start = g_get_monotonic_time ();
  g_autofree char *dir = NULL;
  g_autofree char *raw_path = NULL;
  g_autofree char *store_path = NULL;
  g_autofree char *data_home = NULL;
  g_autofree char *empty_home = NULL;
  g_autoptr(GString) table = g_string_new (NULL);
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) queries = NULL;
  DataSet data = { 0 };
  double raw_rate, ingest_rate, raw_p95, search_p95, raw_common_p95, common_p95, common_full_ms, empty_ms, rows_ms;
  guint common_threads;

  if (argc == 3 && g_str_equal (argv[1], "--open-first-page"))
    return open_first_page (argv[2], start);
  if (argc == 2 && g_str_equal (argv[1], "--app-empty"))
    return app_first_frame (FALSE, FALSE, start);
  if (argc == 2 && g_str_equal (argv[1], "--app-rows"))
    return app_first_frame (TRUE, FALSE, start);
  if (argc == 2 && g_str_equal (argv[1], "--app-scroll"))
    return app_first_frame (TRUE, TRUE, start);
  if (argc == 3 && g_str_equal (argv[1], "--customer-panel"))
    return customer_panel (argv[2]);
  /* The personal-data figures alone, for working on them. */
  if (argc == 2 && g_str_equal (argv[1], "--privacy-only"))
    {
      data_set_init (&data);
      privacy_scan_speed (&data, table);
      return 0;
    }
  /* The common word's search figures alone, on the cache of an earlier
   * run (WORK_FOLDER/data/concierge/cache.sqlite), for working on them;
   * nothing is recorded. */
  if (argc == 3 && g_str_equal (argv[1], "--search-only"))
    {
      char *common[COMMON_WORD_ROUNDS];
      guint threads;

      for (guint i = 0; i < COMMON_WORD_ROUNDS; i++)
        common[i] = (char *) COMMON_WORD;
      report (table, "sqlite.raw_fts_common_word_p95_ms", raw_fts_p95 (argv[2], common, COMMON_WORD_ROUNDS),
              "ms", NULL);
      store = test_open_store (argv[2], &error);
      g_assert_no_error (error);
      report (table, "cache.search_common_word_p95_ms", store_search_common_word_p95 (store), "ms", NULL);
      report (table, "cache.search_common_word_full_ms", store_search_common_word_full (store, &threads), "ms", NULL);
      g_printerr ("bench: the whole list of \"%s\" holds %u threads\n", COMMON_WORD, threads);
      test_close_store (store);
      return 0;
    }
  /* The sync figures alone, for working on them; nothing is recorded. */
  if (argc == 3 && g_str_equal (argv[1], "--sync-only"))
    {
      test_remove_tree (argv[2]);
      g_mkdir_with_parents (argv[2], 0700);
      sync_stall (argv[0], argv[2], table);
      return 0;
    }
  if (argc != 3)
    {
      g_printerr ("usage: %s WORK_FOLDER README\n", argv[0]);
      return 2;
    }

  dir = g_strdup (argv[1]);
  test_remove_tree (dir);
  g_mkdir_with_parents (dir, 0700);
  raw_path = g_build_filename (dir, "raw.sqlite", NULL);
  data_home = g_build_filename (dir, "data", NULL);
  empty_home = g_build_filename (dir, "empty", NULL);
  store_path = g_build_filename (data_home, "concierge", "cache.sqlite", NULL);

  g_printerr ("bench: generating %d threads and %d messages\n", N_THREADS, N_MESSAGES);
  data_set_init (&data);
  queries = fixed_queries (&data);

  g_printerr ("bench: scanning for personal data\n");
  privacy_scan_speed (&data, table);

  g_printerr ("bench: raw SQLite insert\n");
  raw_rate = raw_insert (&data, raw_path);

  g_printerr ("bench: ingest through the store\n");
  store = test_open_store (store_path, &error);
  g_assert_no_error (error);
  ingest_rate = store_ingest (&data, store);
  {
    g_autofree char *against = ratio (ingest_rate, raw_rate, "≥ 0.5 ×");

    report (table, "sqlite.raw_insert_msgs_per_s", raw_rate, "msgs/s", "baseline");
    report (table, "cache.ingest_msgs_per_s", ingest_rate, "msgs/s", against);
  }

  g_printerr ("bench: search\n");
  raw_p95 = raw_fts_p95 (store_path, queries, N_QUERIES);
  search_p95 = store_search_p95 (store, queries);
  g_printerr ("bench: \"%s\" is in %u of %d messages\n", COMMON_WORD, count_matches (store_path, COMMON_WORD),
              N_MESSAGES);
  {
    char *common[COMMON_WORD_ROUNDS];

    for (guint i = 0; i < COMMON_WORD_ROUNDS; i++)
      common[i] = (char *) COMMON_WORD;
    raw_common_p95 = raw_fts_p95 (store_path, common, COMMON_WORD_ROUNDS);
  }
  common_p95 = store_search_common_word_p95 (store);
  common_full_ms = store_search_common_word_full (store, &common_threads);
  g_printerr ("bench: the whole list of \"%s\" holds %u threads\n", COMMON_WORD, common_threads);
  {
    g_autofree char *against = ratio (search_p95, raw_p95, "≤ 1.5 × and < 30 ms");
    g_autofree char *common_against = ratio (common_p95, raw_common_p95, "≤ 1.5 ×");
    g_autofree char *full_against = g_strdup_printf ("%.2f × baseline; target ≤ 2 ×; lists %u threads",
                                                     common_full_ms / raw_common_p95, common_threads);

    report (table, "sqlite.raw_fts_p95_ms", raw_p95, "ms", "baseline");
    report (table, "cache.search_p95_ms", search_p95, "ms", against);
    report (table, "sqlite.raw_fts_common_word_p95_ms", raw_common_p95, "ms", "baseline");
    report (table, "cache.search_common_word_p95_ms", common_p95, "ms", common_against);
    report (table, "cache.search_common_word_full_ms", common_full_ms, "ms", full_against);
  }
  test_close_store (store);

  g_printerr ("bench: opening the cache in a new process\n");
  {
    const char *child[] = { argv[0], "--open-first-page", store_path, NULL };

    report (table, "cache.open_first_page_ms", median_of_children (child, NULL, 9), "ms", "target < 50 ms");
  }

  g_printerr ("bench: the app's first frame\n");
  {
    const char *empty[] = { argv[0], "--app-empty", NULL };
    const char *rows[] = { argv[0], "--app-rows", NULL };
    const char *scroll[] = { argv[0], "--app-scroll", NULL };
    g_auto(GStrv) lines = NULL;

    g_mkdir_with_parents (empty_home, 0700);
    empty_ms = median_of_children (empty, empty_home, 5);
    rows_ms = median_of_children (rows, data_home, 5);
    {
      g_autofree char *against = ratio (rows_ms, empty_ms, "≤ 1.2 ×");

      report (table, "app.startup_empty_first_frame_ms", empty_ms, "ms", "baseline");
      report (table, "app.startup_first_frame_ms", rows_ms, "ms", against);
    }

    g_printerr ("bench: scrolling the inbox\n");
    lines = run_child (scroll, data_home);
    report (table, "ui.scroll_frame_p95_ms", g_ascii_strtod (lines[1], NULL), "ms", "target ≤ 16.7 ms");
    /* From one drawn frame to the next: rows that land between frames
     * show here, and so does the wait for the next tick (16.7 ms at 60 Hz). */
    report (table, "ui.scroll_frame_interval_p95_ms", g_ascii_strtod (lines[2], NULL), "ms",
            "includes the wait for the next tick");
    report (table, "app.rss_mb", g_ascii_strtod (lines[3], NULL), "MB", "target < 150 MB");
  }

  g_printerr ("bench: filling the customer panel\n");
  {
    g_autofree char *panel_dir = g_build_filename (dir, "panel", NULL);
    const char *panel[] = { argv[0], "--customer-panel", panel_dir, NULL };
    g_auto(GStrv) lines = NULL;

    g_mkdir_with_parents (panel_dir, 0700);
    lines = run_child (panel, NULL);
    report (table, "ui.customer_panel_one_thread_ms", g_ascii_strtod (lines[0], NULL), "ms", "baseline");
    {
      g_autofree char *against = g_strdup_printf ("%.1f ms over baseline; target ≤ 16 ms",
                                                  g_ascii_strtod (lines[1], NULL) - g_ascii_strtod (lines[0], NULL));

      report (table, "ui.customer_panel_ms", g_ascii_strtod (lines[1], NULL), "ms", against);
    }
  }

  g_printerr ("bench: syncing %d mentions from the sandbox\n", N_SYNC_ITEMS);
  sync_stall (argv[0], dir, table);

  append_readme (argv[2], table);
  return 0;
}
