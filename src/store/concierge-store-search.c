/* concierge-store-search.c
 *
 * Search and the inbox index: which threads a view or a search lists,
 * and in which order.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-store-private.h"

/* Inbox keys: public threads with personal data sort before all others,
 * and threads nobody waits on after those that wait. */
#define FLAGGED_CLAUSE "t.visibility = 'public' AND t.personal_data != 0"
#define FLAGGED_RANK   ((gint64) 1 << 62)
#define NOT_WAITING    ((gint64) 1 << 61)

/* Search and the inbox index */

/* Turns what a person typed into an FTS5 query: every word must occur, as a
 * prefix, and nothing they type is read as FTS5 syntax. */
char *
fts_query (const char *search)
{
  g_auto(GStrv) words = NULL;
  g_autoptr(GString) query = g_string_new (NULL);

  if (search == NULL)
    return NULL;

  words = g_strsplit_set (search, " \t\n\r", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *escaped = NULL;
      g_auto(GStrv) parts = NULL;

      if (words[i][0] == '\0')
        continue;

      parts = g_strsplit (words[i], "\"", -1);
      escaped = g_strjoinv ("\"\"", parts);
      g_string_append_printf (query, "%s\"%s\"*", query->len ? " " : "", escaped);
    }

  return query->len ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
}

#define SEARCH_CLAUSE                                                               \
  "(t.id IN (SELECT m.thread_id FROM messages m WHERE m.id IN "                     \
  "   (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1)) "               \
  " OR t.contact_id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?1))"

/* The view's filters, and the search too when @search is set. */
static GString *
inbox_where (const ConciergeInboxQuery *query,
             gboolean                   search)
{
  GString *where = g_string_new ("WHERE 1");

  if (search && concierge_inbox_query_has_search (query))
    g_string_append (where, " AND " SEARCH_CLAUSE);

  if (query->status_mask != 0)
    {
      const char *separator = "";

      g_string_append (where, " AND t.status IN (");
      for (int status = CONCIERGE_THREAD_OPEN; status <= CONCIERGE_THREAD_RESOLVED; status++)
        {
          if (query->status_mask & (1u << status))
            {
              g_string_append_printf (where, "%s'%s'", separator,
                                      concierge_thread_status_to_string (status));
              separator = ", ";
            }
        }
      g_string_append (where, ")");
    }

  if (query->visibility >= 0)
    g_string_append_printf (where, " AND t.visibility = '%s'",
                            concierge_visibility_to_string (query->visibility));

  if (query->account_id != 0)
    g_string_append_printf (where, " AND t.account_id = %" G_GINT64_FORMAT, query->account_id);

  if (query->flagged_only)
    g_string_append (where, " AND t.visibility = 'public' AND t.personal_data != 0");

  return where;
}

static gboolean
append_index_rows (ConciergeStore      *self,
                   const char          *sql,
                   const char          *match,
                   gboolean             newest,
                   gint64               rank,
                   GArray              *entries,
                   GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  /* Built per query, so not kept among the prepared statements. */
  rc = sqlite3_prepare_v2 (store_db (self), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the inbox failed");
      return FALSE;
    }
  if (match != NULL)
    bind_text (stmt, 1, match);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      ConciergeInboxEntry entry;

      entry.id = sqlite3_column_int64 (stmt, 0);
      if (newest)
        {
          entry.key = -sqlite3_column_int64 (stmt, 1) - rank;
          entry.tie = -entry.id;
        }
      else
        {
          entry.key = (sqlite3_column_type (stmt, 1) == SQLITE_NULL ? NOT_WAITING
                                                                   : sqlite3_column_int64 (stmt, 1)) - rank;
          entry.tie = entry.id;
        }
      g_array_append_val (entries, entry);
    }

  if (rc != SQLITE_DONE)
    set_sqlite_error (error, store_db (self), rc, "Reading the inbox failed");
  sqlite3_finalize (stmt);

  return rc == SQLITE_DONE;
}

/* One thread a search must settle: whether one of its messages matches. */
typedef struct
{
  gint64   id;
  gint64   last_activity_at;
  gint64   oldest;   /* its oldest message's id; G_MAXINT64 for none */
  gboolean matched;
} SearchCandidate;

/* From how many matching messages on a search checks threads one by one
 * rather than walk through the matches, and how many lookups it spends on
 * each thread it wants before it walks all the same: a word in many
 * messages may still be in few threads. */
#define SEARCH_LOOKUP_MIN    4096
#define SEARCH_LOOKUP_BUDGET 8
/* How many words of the cache a typed word may stand for in such checks. */
#define SEARCH_TERMS_MAX 16

/* The search as a query without prefixes, which FTS5 looks up without
 * reading whole doclists: each typed word becomes the words of the cache
 * that it starts, found through fts5vocab, and @matches is set to how many
 * messages at most match (G_MAXINT64 when it cannot tell). NULL, without
 * an error, when a typed word stands for too many words or none. */
static gboolean
search_terms (ConciergeStore  *self,
              const char      *search,
              char           **terms,
              gint64          *matches,
              GError         **error)
{
  static const char insert_sql[] = "INSERT INTO temp.search_words (rowid, word) VALUES (?, ?)";
  static const char tokens_sql[] = "SELECT doc, term FROM temp.search_tokens ORDER BY doc, offset";
  static const char terms_sql[] = "SELECT term, doc FROM temp.message_terms WHERE term >= ?1 AND term < ?2";
  g_auto(GStrv) words = g_strsplit_set (search, " \t\n\r", -1);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GString) query = g_string_new (NULL);
  sqlite3_stmt *stmt;
  int rc;

  *terms = NULL;
  *matches = G_MAXINT64;
  if (!store_exec (self, "DELETE FROM temp.search_words", error))
    return FALSE;
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      g_ptr_array_add (tokens, g_ptr_array_new_with_free_func (g_free));
      if (!(stmt = store_prepare (self, insert_sql, error)))
        return FALSE;
      sqlite3_bind_int (stmt, 1, tokens->len);
      bind_text (stmt, 2, words[i]);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  if (!(stmt = store_prepare (self, tokens_sql, error)))
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      guint word = sqlite3_column_int (stmt, 0);

      if (word >= 1 && word <= tokens->len)
        g_ptr_array_add (g_ptr_array_index (tokens, word - 1), g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE || !store_exec (self, "DELETE FROM temp.search_words", error))
    {
      if (rc != SQLITE_DONE)
        set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
      return FALSE;
    }

  /* "a b"* stands for "a b c" OR "a b d" … for the words c, d … of the
   * cache that start with b. */
  for (guint i = 0; i < tokens->len; i++)
    {
      GPtrArray *word = g_ptr_array_index (tokens, i);
      g_autoptr(GString) phrase = g_string_new (NULL);
      g_autofree char *escaped = NULL, *last = NULL, *after = NULL;
      g_auto(GStrv) parts = NULL;
      guint n_terms = 0;
      gint64 docs = 0;

      if (word->len == 0)
        return TRUE;
      for (guint j = 0; j + 1 < word->len; j++)
        g_string_append_printf (phrase, "%s ", (char *) g_ptr_array_index (word, j));
      parts = g_strsplit (phrase->str, "\"", -1);
      escaped = g_strjoinv ("\"\"", parts);
      last = g_strdup (g_ptr_array_index (word, word->len - 1));
      /* The first string after every word that starts with the last
       * token; UTF-8 has no byte 0xFF to carry over. */
      after = g_strdup (last);
      after[strlen (after) - 1]++;

      if (!(stmt = store_prepare (self, terms_sql, error)))
        return FALSE;
      bind_text (stmt, 1, last);
      bind_text (stmt, 2, after);
      g_string_append (query, i ? " AND (" : "(");
      while (n_terms <= SEARCH_TERMS_MAX && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_auto(GStrv) term_parts = g_strsplit ((const char *) sqlite3_column_text (stmt, 0), "\"", -1);
          g_autofree char *term = g_strjoinv ("\"\"", term_parts);

          g_string_append_printf (query, "%s\"%s%s\"", n_terms++ ? " OR " : "", escaped, term);
          docs += sqlite3_column_int64 (stmt, 1);
        }
      sqlite3_reset (stmt);
      if (n_terms <= SEARCH_TERMS_MAX && rc != SQLITE_DONE)
        {
          set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
          return FALSE;
        }
      /* A typed word that no word of the cache starts: no message matches. */
      if (n_terms == 0)
        *matches = 0;
      if (n_terms == 0 || n_terms > SEARCH_TERMS_MAX)
        return TRUE;
      g_string_append (query, ")");
      *matches = MIN (*matches, docs);
    }

  *terms = query->len ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
  return TRUE;
}

/* See settle_candidates. */
static int
settle_by_walk (ConciergeStore   *self,
                const char       *match,
                SearchCandidate  *candidates,
                guint             n_candidates,
                guint             wanted,
                GError          **error)
{
  static const char messages_sql[] = "SELECT id FROM messages WHERE thread_id = ?";
  static const char walk_sql[] =
    "SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 ORDER BY rowid DESC";
  g_autoptr(GHashTable) owners = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 last_seen = G_MAXINT64;
  gboolean exhausted = FALSE;
  guint settled = 0, found = 0;
  sqlite3_stmt *stmt;
  int rc;

  /* Which candidate each message belongs to. */
  if (!(stmt = store_prepare (self, messages_sql, error)))
    return -1;
  for (guint i = 0; i < n_candidates; i++)
    {
      candidates[i].oldest = G_MAXINT64;
      sqlite3_bind_int64 (stmt, 1, candidates[i].id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);

          candidates[i].oldest = MIN (candidates[i].oldest, id);
          g_hash_table_insert (owners, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (i + 1));
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
          return -1;
        }
    }

  if (!(stmt = store_prepare (self, walk_sql, error)))
    return -1;
  bind_text (stmt, 1, match);
  for (;;)
    {
      while (settled < n_candidates &&
             (candidates[settled].matched || exhausted || last_seen <= candidates[settled].oldest))
        {
          if (candidates[settled++].matched && ++found == wanted)
            break;
        }
      if (settled == n_candidates || (wanted != 0 && found == wanted))
        break;

      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          guint owner;

          last_seen = sqlite3_column_int64 (stmt, 0);
          owner = GPOINTER_TO_UINT (g_hash_table_lookup (owners, &last_seen));
          if (owner != 0)
            candidates[owner - 1].matched = TRUE;
        }
      else if (rc == SQLITE_DONE)
        exhausted = TRUE;
      else
        {
          set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
          sqlite3_reset (stmt);
          return -1;
        }
    }
  sqlite3_reset (stmt);

  return settled;
}

/* See settle_candidates; 0, with nothing settled, once the lookups are
 * spent. */
static int
settle_by_lookups (ConciergeStore   *self,
                   const char       *terms,
                   SearchCandidate  *candidates,
                   guint             n_candidates,
                   guint             wanted,
                   GError          **error)
{
  static const char messages_sql[] =
    "SELECT id FROM messages WHERE thread_id = ? ORDER BY created_at DESC, id DESC";
  static const char lookup_sql[] = "SELECT 1 FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid = ?2";
  guint settled = 0, found = 0;
  guint budget = SEARCH_LOOKUP_BUDGET * (wanted != 0 ? wanted : n_candidates);

  while (settled < n_candidates && (wanted == 0 || found < wanted))
    {
      SearchCandidate *candidate = &candidates[settled++];
      sqlite3_stmt *stmt, *lookup;
      int rc = SQLITE_DONE;

      if (!candidate->matched)
        {
          if (!(stmt = store_prepare (self, messages_sql, error)))
            return -1;
          sqlite3_bind_int64 (stmt, 1, candidate->id);
          while (!candidate->matched && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              if (budget-- == 0)
                {
                  sqlite3_reset (stmt);
                  return 0;
                }
              if (!(lookup = store_prepare (self, lookup_sql, error)))
                {
                  sqlite3_reset (stmt);
                  return -1;
                }
              bind_text (lookup, 1, terms);
              sqlite3_bind_int64 (lookup, 2, sqlite3_column_int64 (stmt, 0));
              rc = sqlite3_step (lookup);
              sqlite3_reset (lookup);
              if (rc == SQLITE_ROW)
                candidate->matched = TRUE;
              else if (rc != SQLITE_DONE)
                break;
            }
          sqlite3_reset (stmt);
          if (!candidate->matched && rc != SQLITE_DONE)
            {
              set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
              return -1;
            }
        }
      if (candidate->matched)
        found++;
    }

  return settled;
}

/* Settles which of @candidates hold a message that @match finds, in their
 * order, until @wanted of them match (0 for all); returns how many are
 * settled, or -1 with @error set.
 *
 * A prefix query, which every search is, costs a read of the whole doclist
 * of its words each time FTS5 opens it. So a word in many messages is
 * written out (search_terms), and each candidate's messages, newest first,
 * are looked up in the doclists' indexes until one matches: a word in most
 * messages settles a thread in a lookup or two. Other searches, and those
 * whose lookups run out, walk through the matches once, newest first: a
 * candidate matches when one of its messages comes by, and does not once
 * the walk has gone below its oldest message. */
static int
settle_candidates (ConciergeStore   *self,
                   const char       *search,
                   const char       *match,
                   SearchCandidate  *candidates,
                   guint             n_candidates,
                   guint             wanted,
                   GError          **error)
{
  g_autofree char *terms = NULL;
  gint64 matches = G_MAXINT64;

  if (search != NULL && !search_terms (self, search, &terms, &matches, error))
    return -1;

  if (terms != NULL && matches >= SEARCH_LOOKUP_MIN)
    {
      int settled = settle_by_lookups (self, terms, candidates, n_candidates, wanted, error);

      /* The threads the lookups found stay found. */
      if (settled != 0 || n_candidates == 0)
        return settled;
    }
  return settle_by_walk (self, match, candidates, n_candidates, wanted, error);
}

/* How many threads of a view a search's page looks at, for each thread it
 * wants, before it reads every match instead; and the first window of its
 * whole list (search_bounded_threads). */
#define SEARCH_WINDOW_FACTOR 5

/* The threads of the customers whose names the search matches, through
 * their index, so that the windows below read the order's index alone; a
 * set of ids, or NULL with @error set. */
static GHashTable *
search_contact_threads (ConciergeStore  *self,
                        const char      *match,
                        GError         **error)
{
  static const char contacts_sql[] =
    "SELECT t.id FROM threads t "
    "WHERE t.contact_id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?1)";
  g_autoptr(GHashTable) by_contact = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, contacts_sql, error)))
    return NULL;
  bind_text (stmt, 1, match);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_hash_table_add (by_contact, g_memdup2 (&id, sizeof id));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
      return NULL;
    }

  return g_steal_pointer (&by_contact);
}

/* Appends to @candidates the next @window threads of the view (@where) in
 * a search's order, those after @after or from the newest; the threads in
 * @by_contact match already. */
static gboolean
search_window (ConciergeStore         *self,
               const char             *where,
               GHashTable             *by_contact,
               const SearchCandidate  *after,
               guint                   window,
               GArray                 *candidates,
               GError                **error)
{
  g_autofree char *sql = NULL;
  g_autofree char *from = NULL;
  sqlite3_stmt *stmt;
  int rc;

  if (after != NULL)
    from = g_strdup_printf (" AND (t.last_activity_at, t.id) < (%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ")",
                            after->last_activity_at, after->id);

  /* Built per query, so not kept among the prepared statements. */
  sql = g_strdup_printf ("SELECT t.id, t.last_activity_at FROM threads t %s%s "
                         "ORDER BY t.last_activity_at DESC, t.id DESC LIMIT %u",
                         where, from ? from : "", window);
  rc = sqlite3_prepare_v2 (store_db (self), sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
      return FALSE;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SearchCandidate candidate = {
        .id = sqlite3_column_int64 (stmt, 0),
        .last_activity_at = sqlite3_column_int64 (stmt, 1),
      };

      candidate.matched = g_hash_table_contains (by_contact, &candidate.id);
      g_array_append_val (candidates, candidate);
    }
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, store_db (self), rc, "Searching the inbox failed");
  sqlite3_finalize (stmt);

  return rc == SQLITE_DONE;
}

/* Appends the first @settled of @candidates that match to @entries, in a
 * search's order; returns how many. */
static guint
append_matched (GArray  *candidates,
                guint    settled,
                GArray  *entries)
{
  guint found = 0;

  for (guint i = 0; i < settled; i++)
    {
      SearchCandidate *candidate = &g_array_index (candidates, SearchCandidate, i);
      ConciergeInboxEntry entry = { candidate->id, -candidate->last_activity_at, -candidate->id };

      if (candidate->matched)
        {
          g_array_append_val (entries, entry);
          found++;
        }
    }

  return found;
}

/* The first @limit threads of the view that the search matches, settled
 * among the view's first threads; FALSE with nothing set when those hold
 * too few, and with @error set on failure. */
static gboolean
search_first_threads (ConciergeStore            *self,
                      const ConciergeInboxQuery *query,
                      const char                *match,
                      guint                      limit,
                      GArray                    *entries,
                      GError                   **error)
{
  g_autoptr(GString) where = inbox_where (query, FALSE);
  guint window = limit * SEARCH_WINDOW_FACTOR;
  g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (SearchCandidate));
  g_autoptr(GHashTable) by_contact = NULL;
  guint before = entries->len;
  int settled;

  if (!(by_contact = search_contact_threads (self, match, error)) ||
      !search_window (self, where->str, by_contact, NULL, window, candidates, error))
    return FALSE;

  settled = settle_candidates (self, query->search, match, (SearchCandidate *) (gpointer) candidates->data,
                               candidates->len, limit, error);
  if (settled < 0)
    return FALSE;

  /* Threads beyond the window may come before the last of too few. */
  if (append_matched (candidates, settled, entries) < limit && candidates->len == window)
    {
      g_array_set_size (entries, before);
      return FALSE;
    }

  return TRUE;
}

/* For each thread a search's whole list may hold: how many threads of the
 * view it looks through at most, and how many matches it follows to their
 * threads at most; and how much larger each window of threads is than the
 * one before. */
#define SEARCH_SCAN_FACTOR   40
#define SEARCH_FOLLOW_FACTOR 128
#define SEARCH_WINDOW_GROWTH 4
/* A word in fewer messages than a quarter of the threads is in too few of
 * them for a window of threads to hold enough. */
#define SEARCH_FOLLOW_SHARE  4

/* The whole list of a search: the first @limit threads of the view that it
 * matches, in order. @limited is set when the view holds more, or may hold
 * more beyond the threads looked at.
 *
 * Nobody reads hundreds of results; they add a word. Yet the matches of a
 * word that most messages hold are most of the cache: finding the thread
 * of each reads nearly every message, seconds on a large cache, during
 * which the worker opens no conversation and stores no reply. So a search
 * lists its first @limit threads, and says so when there are more; it
 * asks for one more than it lists to tell.
 *
 * A word in few messages, or in too few for a window of threads to hold
 * enough of them, is followed from each match to its thread: that finds
 * every match however old, and costs what the matches are, which
 * SEARCH_FOLLOW_FACTOR bounds. Any other is in many threads, and is
 * settled as a page is (search_first_threads), over windows of the view's
 * threads, newest first, each larger than the one before, until the list
 * is full, or the view ends, or the search has looked through
 * SEARCH_SCAN_FACTOR threads for each it may list. The windows are settled
 * by one walk each over the matches, through the search's words written
 * out, which FTS5 reads as it goes: looking threads up one by one, as a
 * page does, costs more for a list once a word is not in nearly all of
 * them.
 *
 * Whichever way, the list holds every match down to its last thread, so a
 * thread that changes can be placed within it, and the cost keeps to what
 * the list holds, however common the word. Listing every match in steps
 * that let other jobs run between them, as erasing does, would keep the
 * worker free too, but would still read the whole cache, and keep the disk
 * busy, for a list that nobody scrolls through. */
static gboolean
search_bounded_threads (ConciergeStore            *self,
                        const ConciergeInboxQuery *query,
                        const char                *match,
                        guint                      limit,
                        GArray                    *entries,
                        gboolean                  *limited,
                        GError                   **error)
{
  g_autofree char *terms = NULL;
  gint64 matches = G_MAXINT64, threads;
  guint wanted = MIN (limit, G_MAXUINT / SEARCH_FOLLOW_FACTOR - 1) + 1;
  guint before = entries->len;

  *limited = FALSE;
  if (!search_terms (self, query->search, &terms, &matches, error) ||
      !store_count (self, "SELECT count(*) FROM threads", 0, &threads, error))
    return FALSE;

  if (matches < MAX (SEARCH_LOOKUP_MIN, MIN (threads / SEARCH_FOLLOW_SHARE, (gint64) wanted * SEARCH_FOLLOW_FACTOR)))
    {
      g_autoptr(GString) where = inbox_where (query, TRUE);
      g_autofree char *sql = g_strdup_printf ("SELECT t.id, t.last_activity_at FROM threads t %s "
                                              "ORDER BY t.last_activity_at DESC, t.id DESC LIMIT %u",
                                              where->str, wanted);

      if (!append_index_rows (self, sql, match, TRUE, 0, entries, error))
        return FALSE;
    }
  else
    {
      g_autoptr(GString) where = inbox_where (query, FALSE);
      g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (SearchCandidate));
      g_autoptr(GHashTable) by_contact = NULL;
      guint window = wanted * SEARCH_WINDOW_FACTOR;
      guint budget = wanted * SEARCH_SCAN_FACTOR;
      guint scanned = 0, found = 0;
      SearchCandidate last = { 0 };

      if (!(by_contact = search_contact_threads (self, match, error)))
        return FALSE;
      for (;;)
        {
          int settled;

          g_array_set_size (candidates, 0);
          if (!search_window (self, where->str, by_contact, scanned ? &last : NULL, window, candidates, error))
            return FALSE;
          settled = settle_by_walk (self, terms != NULL ? terms : match,
                                    (SearchCandidate *) (gpointer) candidates->data, candidates->len,
                                    wanted - found, error);
          if (settled < 0)
            return FALSE;
          found += append_matched (candidates, settled, entries);
          scanned += candidates->len;
          if (found == wanted || candidates->len < window)
            break;
          if (scanned >= budget)
            {
              *limited = TRUE;
              break;
            }

          last = g_array_index (candidates, SearchCandidate, candidates->len - 1);
          if (window <= (budget - scanned) / SEARCH_WINDOW_GROWTH)
            window *= SEARCH_WINDOW_GROWTH;
          else
            window = budget - scanned;
        }
    }

  /* The one thread more than it lists. */
  if (entries->len - before == wanted)
    {
      g_array_set_size (entries, entries->len - 1);
      *limited = TRUE;
    }

  return TRUE;
}

typedef struct
{
  ConciergeInboxQuery *query;
  guint                limit;
  guint                search_limit;
  gboolean             with_threads;
} IndexJob;

static void
index_job_free (gpointer data)
{
  IndexJob *job = data;

  concierge_inbox_query_free (job->query);
  g_free (job);
}

/* What concierge_store_load_inbox_index_finish() hands over. */
typedef struct
{
  GArray   *entries;
  gboolean  limited;
} IndexResult;

static void
index_result_free (gpointer data)
{
  IndexResult *result = data;

  g_clear_pointer (&result->entries, g_array_unref);
  g_free (result);
}

static void
load_inbox_index_job (ConciergeStore *self,
                      GTask          *task,
                      gpointer        data)
{
  IndexJob *job = data;
  ConciergeInboxQuery *query = job->query;
  g_autofree char *limit = job->limit ? g_strdup_printf (" LIMIT %u", job->limit) : g_strdup ("");
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (ConciergeInboxEntry));
  g_autoptr(GString) where = inbox_where (query, TRUE);
  g_autoptr(GError) error = NULL;
  g_autofree char *match = fts_query (query->search);
  gboolean limited = FALSE;
  gboolean ok;

  /* A search of nothing but spaces finds nothing. */
  if (concierge_inbox_query_has_search (query) && match == NULL)
    ok = TRUE;
  else if (concierge_inbox_query_has_search (query) && job->limit == 0)
    ok = search_bounded_threads (self, query, match, job->search_limit, entries, &limited, &error);
  else if (concierge_inbox_query_has_search (query))
    {
      /* A page is settled among the view's first threads; a search those
       * hold too few matches of takes every match. */
      ok = search_first_threads (self, query, match, job->limit, entries, &error);
      if (!ok && error == NULL)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT t.id, t.last_activity_at FROM threads t %s "
                                                  "ORDER BY t.last_activity_at DESC, t.id DESC%s",
                                                  where->str, limit);

          ok = append_index_rows (self, sql, match, TRUE, 0, entries, &error);
        }
    }
  else
    {
      gboolean newest = query->sort == CONCIERGE_INBOX_SORT_NEWEST;
      g_autofree char *flagged = NULL;

      /* Public threads with personal data first: few, found through their
       * own partial index and sorted on the spot. */
      flagged = g_strdup_printf ("SELECT t.id, %s FROM threads t INDEXED BY threads_flagged %s AND " FLAGGED_CLAUSE
                                 " ORDER BY %s%s",
                                 newest ? "t.last_activity_at" : "t.waiting_since", where->str,
                                 newest ? "t.last_activity_at DESC, t.id DESC"
                                        : "t.waiting_since IS NULL, t.waiting_since, t.id",
                                 limit);
      ok = append_index_rows (self, flagged, match, newest, FLAGGED_RANK, entries, &error);

      /* Then the others: each pass walks its index in order; the waiting
       * order takes two, rather than one that sorts every row to put the
       * NULLs last. */
      if (ok && (job->limit == 0 || entries->len < job->limit))
        {
          g_autofree char *rest_limit = job->limit ? g_strdup_printf (" LIMIT %u", job->limit - entries->len)
                                                   : g_strdup ("");
          g_autofree char *sql = NULL;

          if (newest)
            sql = g_strdup_printf ("SELECT t.id, t.last_activity_at FROM threads t %s AND NOT (" FLAGGED_CLAUSE ") "
                                   "ORDER BY t.last_activity_at DESC, t.id DESC%s", where->str, rest_limit);
          else
            sql = g_strdup_printf ("SELECT t.id, t.waiting_since FROM threads t %s AND NOT (" FLAGGED_CLAUSE ") "
                                   "AND t.waiting_since IS NOT NULL ORDER BY t.waiting_since, t.id%s",
                                   where->str, rest_limit);
          ok = append_index_rows (self, sql, match, newest, 0, entries, &error);
        }
      if (ok && !newest && (job->limit == 0 || entries->len < job->limit))
        {
          g_autofree char *rest_limit = job->limit ? g_strdup_printf (" LIMIT %u", job->limit - entries->len)
                                                   : g_strdup ("");
          g_autofree char *rest = g_strdup_printf ("SELECT t.id, NULL FROM threads t %s AND NOT (" FLAGGED_CLAUSE ") "
                                                   "AND t.waiting_since IS NULL ORDER BY t.id%s",
                                                   where->str, rest_limit);

          ok = append_index_rows (self, rest, match, FALSE, 0, entries, &error);
        }
    }

  if (!ok)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (job->with_threads)
    {
      g_autoptr(GPtrArray) threads = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < entries->len; i++)
        {
          ConciergeThread *thread = store_load_thread (self, g_array_index (entries, ConciergeInboxEntry, i).id,
                                                       &error);

          if (thread == NULL)
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          g_ptr_array_add (threads, thread);
        }
      g_task_return_pointer (task, g_steal_pointer (&threads), (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  {
    IndexResult *result = g_new0 (IndexResult, 1);

    result->entries = g_steal_pointer (&entries);
    result->limited = limited;
    g_task_return_pointer (task, result, index_result_free);
  }
}

/**
 * concierge_store_load_inbox_index_async:
 *
 * Loads the order of the threads that @query matches, the first @limit of
 * them or all for 0: ids and sort keys only, a few bytes a thread, so an
 * inbox can place rows without loading them. All of a search are at most
 * as many as concierge_store_set_search_limit() says.
 */
void
concierge_store_load_inbox_index_async (ConciergeStore            *self,
                                        const ConciergeInboxQuery *query,
                                        guint                      limit,
                                        int                        io_priority,
                                        GCancellable              *cancellable,
                                        GAsyncReadyCallback        callback,
                                        gpointer                   user_data)
{
  IndexJob *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (query != NULL);

  job = g_new0 (IndexJob, 1);
  job->query = concierge_inbox_query_copy (query);
  job->limit = limit;
  job->search_limit = self->search_limit;

  store_run (self, concierge_store_load_inbox_index_async, io_priority,
             load_inbox_index_job, job, index_job_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_inbox_head_async:
 *
 * Loads the first @limit threads that @query matches, in inbox order, in
 * one step: what an inbox shows in its first frame.
 */
void
concierge_store_load_inbox_head_async (ConciergeStore            *self,
                                       const ConciergeInboxQuery *query,
                                       guint                      limit,
                                       GCancellable              *cancellable,
                                       GAsyncReadyCallback        callback,
                                       gpointer                   user_data)
{
  IndexJob *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (query != NULL);
  g_return_if_fail (limit > 0);

  job = g_new0 (IndexJob, 1);
  job->query = concierge_inbox_query_copy (query);
  job->limit = limit;
  job->with_threads = TRUE;

  store_run (self, concierge_store_load_inbox_head_async, G_PRIORITY_DEFAULT,
             load_inbox_index_job, job, index_job_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_inbox_head_finish:
 *
 * Returns: (transfer container) (element-type ConciergeThread): the threads
 */
GPtrArray *
concierge_store_load_inbox_head_finish (ConciergeStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_inbox_head_async, error);
}

/**
 * concierge_store_load_inbox_index_finish:
 * @limited: (out) (optional): set when a search lists only its first
 *   threads: the view holds more that match, or may, after the last
 *
 * Returns: (transfer full) (element-type ConciergeInboxEntry): the entries,
 *   in inbox order
 */
GArray *
concierge_store_load_inbox_index_finish (ConciergeStore  *self,
                                         GAsyncResult    *result,
                                         gboolean        *limited,
                                         GError         **error)
{
  IndexResult *index;
  GArray *entries;

  if (limited != NULL)
    *limited = FALSE;
  if (!(index = store_finish_pointer (self, result, concierge_store_load_inbox_index_async, error)))
    return NULL;
  entries = g_steal_pointer (&index->entries);
  if (limited != NULL)
    *limited = index->limited;
  index_result_free (index);

  return entries;
}

typedef struct
{
  char   *search;
  char   *match;
  GArray *ids;
} MatchJob;

static void
match_job_free (gpointer data)
{
  MatchJob *job = data;

  g_free (job->search);
  g_free (job->match);
  g_array_unref (job->ids);
  g_free (job);
}

static void
match_threads_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  static const char sql[] =
    "SELECT t.contact_id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?1) "
    "FROM threads t WHERE t.id = ?2";
  MatchJob *job = data;
  g_autoptr(GHashTable) matches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (SearchCandidate));
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  for (guint i = 0; job->match != NULL && i < job->ids->len; i++)
    {
      SearchCandidate candidate = { .id = g_array_index (job->ids, gint64, i) };

      if (!(stmt = store_prepare (self, sql, &error)))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      bind_text (stmt, 1, job->match);
      sqlite3_bind_int64 (stmt, 2, candidate.id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          candidate.matched = sqlite3_column_int (stmt, 0);
          g_array_append_val (candidates, candidate);
        }
      sqlite3_reset (stmt);
    }

  /* One walk over the matches settles them all. */
  if (candidates->len > 0 &&
      settle_candidates (self, job->search, job->match, (SearchCandidate *) (gpointer) candidates->data,
                         candidates->len, 0, &error) < 0)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < candidates->len; i++)
    {
      SearchCandidate *candidate = &g_array_index (candidates, SearchCandidate, i);

      if (candidate->matched)
        g_hash_table_add (matches, g_memdup2 (&candidate->id, sizeof candidate->id));
    }

  g_task_return_pointer (task, g_steal_pointer (&matches), (GDestroyNotify) g_hash_table_unref);
}

/**
 * concierge_store_match_threads_async:
 *
 * Finds which of these threads a search matches, for an inbox that shows
 * search results and must place threads that just changed.
 */
void
concierge_store_match_threads_async (ConciergeStore      *self,
                                     const char          *search,
                                     const gint64        *ids,
                                     guint                n_ids,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  MatchJob *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  job = g_new0 (MatchJob, 1);
  job->search = g_strdup (search);
  job->match = fts_query (search);
  job->ids = id_array_new (ids, n_ids);

  store_run (self, concierge_store_match_threads_async, G_PRIORITY_DEFAULT,
             match_threads_job, job, match_job_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_match_threads_finish:
 *
 * Returns: (transfer full): a set of the matching thread ids (gint64 keys)
 */
GHashTable *
concierge_store_match_threads_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_match_threads_async, error);
}

/* Words to find in messages, as an FTS5 query, and how many to find. */
typedef struct
{
  char  *match;
  guint  limit;
} MessageSearch;

static void
message_search_free (gpointer data)
{
  MessageSearch *search = data;

  g_free (search->match);
  g_free (search);
}

static void
search_messages_job (ConciergeStore *self,
                     GTask          *task,
                     gpointer        data)
{
  static const char sql[] =
    "SELECT " MESSAGE_COLUMNS
    "WHERE m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1 "
    "               ORDER BY rowid DESC LIMIT ?2) "
    "ORDER BY m.id DESC";
  MessageSearch *search = data;
  GError *error = NULL;
  GPtrArray *messages;
  sqlite3_stmt *stmt;

  if (search->match == NULL)
    {
      g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  bind_text (stmt, 1, search->match);
  sqlite3_bind_int (stmt, 2, search->limit);
  messages = read_rows (self, stmt, (gpointer) message_from_row, g_object_unref, &error);
  return_rows (task, messages, error);
}

void
concierge_store_search_messages_async (ConciergeStore      *self,
                                       const char          *search,
                                       guint                limit,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  MessageSearch *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  job = g_new0 (MessageSearch, 1);
  job->match = fts_query (search);
  job->limit = limit;
  store_run (self, concierge_store_search_messages_async, G_PRIORITY_DEFAULT,
             search_messages_job, job, message_search_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_search_messages_finish:
 *
 * Returns: (transfer container) (element-type ConciergeMessage): the
 *   matching messages, newest first
 */
GPtrArray *
concierge_store_search_messages_finish (ConciergeStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_search_messages_async, error);
}

/* Inbox queries: plain data, used on the main thread by the models. */

ConciergeInboxQuery *
concierge_inbox_query_copy (const ConciergeInboxQuery *query)
{
  ConciergeInboxQuery *copy = g_memdup2 (query, sizeof *query);

  copy->search = g_strdup (query->search);
  return copy;
}

void
concierge_inbox_query_free (ConciergeInboxQuery *query)
{
  if (query == NULL)
    return;

  g_free (query->search);
  g_free (query);
}

gboolean
concierge_inbox_query_has_search (const ConciergeInboxQuery *query)
{
  return query->search != NULL && query->search[strspn (query->search, " \t\n\r")] != '\0';
}

/**
 * concierge_inbox_query_matches:
 *
 * Whether @thread passes the query's filters. The search part is not checked
 * here: that needs the full-text index, see
 * concierge_store_match_threads_async().
 */
gboolean
concierge_inbox_query_matches (const ConciergeInboxQuery *query,
                               ConciergeThread           *thread)
{
  if (query->status_mask != 0 && !(query->status_mask & (1u << thread->status)))
    return FALSE;
  if (query->visibility >= 0 && (int) thread->visibility != query->visibility)
    return FALSE;
  if (query->account_id != 0 && thread->account_id != query->account_id)
    return FALSE;
  if (query->flagged_only && (thread->visibility != CONCIERGE_VISIBILITY_PUBLIC || thread->personal_data == 0))
    return FALSE;

  return TRUE;
}

ConciergeInboxEntry
concierge_inbox_query_entry (const ConciergeInboxQuery *query,
                             ConciergeThread           *thread)
{
  ConciergeInboxEntry entry;

  gint64 rank = 0;

  /* Public threads with personal data come first, except in a search. */
  if (!concierge_inbox_query_has_search (query) && thread->visibility == CONCIERGE_VISIBILITY_PUBLIC &&
      thread->personal_data != 0)
    rank = FLAGGED_RANK;

  entry.id = thread->id;
  if (concierge_inbox_query_has_search (query) || query->sort == CONCIERGE_INBOX_SORT_NEWEST)
    {
      entry.key = -thread->last_activity_at - rank;
      entry.tie = -thread->id;
    }
  else
    {
      entry.key = (thread->waiting_since ? thread->waiting_since : NOT_WAITING) - rank;
      entry.tie = thread->id;
    }

  return entry;
}

int
concierge_inbox_entry_compare (const ConciergeInboxEntry *a,
                               const ConciergeInboxEntry *b)
{
  if (a->key != b->key)
    return a->key < b->key ? -1 : 1;
  if (a->tie != b->tie)
    return a->tie < b->tie ? -1 : 1;
  return 0;
}
