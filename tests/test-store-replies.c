/* test-store-replies.c
 *
 * What agents write, against real SQLite files: drafts, notes, saved
 * replies, and the same reply sent to another customer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "limited-vfs.h"
#include "test-store-fixture.h"

static char *
load_draft (Fixture *fixture,
            gint64   thread_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  concierge_store_load_draft_async (fixture->store, thread_id, NULL, test_got_result, &result);
  text = concierge_store_load_draft_finish (fixture->store, wait_for (&result), &error);
  g_assert_no_error (error);
  return text;
}

static void
save_draft (Fixture    *fixture,
            gint64      thread_id,
            const char *text)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_save_draft_async (fixture->store, thread_id, text, NULL, test_got_result, &result);
  expect_true (fixture->store, wait_for (&result));
}

static void
test_drafts_survive_a_restart (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeThread) a = NULL;
  g_autoptr(ConciergeThread) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *draft_a = NULL;
  g_autofree char *draft_b = NULL;
  g_autofree char *gone = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Erste Frage", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "tom", "Tom", "Zweite Frage", 200));
  a = load_thread (fixture, "a");
  b = load_thread (fixture, "b");

  save_draft (fixture, concierge_thread_get_id (a), "Hallo Jana, ich");
  save_draft (fixture, concierge_thread_get_id (a), "Hallo Jana, ich schaue nach.");
  save_draft (fixture, concierge_thread_get_id (b), "Hallo Tom");

  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);

  draft_a = load_draft (fixture, concierge_thread_get_id (a));
  draft_b = load_draft (fixture, concierge_thread_get_id (b));
  g_assert_cmpstr (draft_a, ==, "Hallo Jana, ich schaue nach.");
  g_assert_cmpstr (draft_b, ==, "Hallo Tom");

  /* Sent or emptied, it is gone. */
  save_draft (fixture, concierge_thread_get_id (b), "");
  gone = load_draft (fixture, concierge_thread_get_id (b));
  g_assert_cmpstr (gone, ==, "");
}

static void
test_notes_stand_among_messages (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeThread) after = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Erste Frage", now - 60));
  thread = load_thread (fixture, "a");

  concierge_store_add_note_async (fixture->store, concierge_thread_get_id (thread),
                                  "Kundin hat schon zweimal angerufen, Ticket 4711.", NULL, test_got_result, &result);
  expect_true (fixture->store, wait_for (&result));
  g_clear_object (&result);
  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "jana", "Jana", "Hallo?", now + 60));

  messages = test_load_messages (fixture->store, concierge_thread_get_id (thread));
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_false (concierge_message_is_note (g_ptr_array_index (messages, 0)));
  g_assert_true (concierge_message_is_note (g_ptr_array_index (messages, 1)));
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (messages, 1)), ==,
                   "Kundin hat schon zweimal angerufen, Ticket 4711.");
  g_assert_false (concierge_message_is_note (g_ptr_array_index (messages, 2)));

  /* A note is no answer: the customer still waits, and nothing is queued. */
  after = load_thread (fixture, "a");
  g_assert_cmpint (concierge_thread_get_waiting_since (after), ==, now - 60);
  g_assert_cmpint (concierge_thread_get_first_response_at (after), ==, 0);
  concierge_store_load_outbox_async (fixture->store, concierge_account_get_id (fixture->mastodon), NULL,
                                     test_got_result, &result);
  outbox = concierge_store_load_outbox_finish (fixture->store, wait_for (&result), NULL);
  g_assert_nonnull (outbox);
  g_assert_cmpuint (outbox->len, ==, 0);
}

static gboolean
sent_elsewhere (Fixture    *fixture,
                gint64      thread_id,
                const char *text,
                gint64      since)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found;

  concierge_store_find_sent_elsewhere_async (fixture->store, thread_id, text, since, NULL, test_got_result,
                                             &result);
  found = concierge_store_boolean_finish (fixture->store, wait_for (&result), &error);
  g_assert_no_error (error);
  return found;
}

static void
test_same_reply_to_another_customer_today (Fixture       *fixture,
                                           gconstpointer  data)
{
  static const char text[] = "Danke für Ihre Geduld! Wir melden uns, sobald die Störung behoben ist.";
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(ConciergeThread) jana = NULL;
  g_autoptr(ConciergeThread) jana_again = NULL;
  g_autoptr(ConciergeThread) tom = NULL;
  ConciergeMessage *reply;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Internet weg", now - 600));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana", "Noch eine Frage", now - 500));
  ingest_one (fixture, fixture->mastodon, "c", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Bei mir auch", now - 400));
  jana = load_thread (fixture, "a");
  jana_again = load_thread (fixture, "b");
  tom = load_thread (fixture, "c");

  reply = concierge_message_new ("4", CONCIERGE_DIRECTION_OUT, "@jana Danke für Ihre Geduld!  Wir melden uns, "
                                 "sobald die Störung behoben ist.", now - 300);
  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC, reply);

  /* To Tom, the same words are a template; to Jana herself, in her other
   * thread, they are not; and yesterday's replies do not count. */
  g_assert_true (sent_elsewhere (fixture, concierge_thread_get_id (tom), text, now - 3600));
  g_assert_false (sent_elsewhere (fixture, concierge_thread_get_id (jana_again), text, now - 3600));
  g_assert_false (sent_elsewhere (fixture, concierge_thread_get_id (tom), text, now - 60));
  g_assert_false (sent_elsewhere (fixture, concierge_thread_get_id (tom), "Danke, Tom! Wir melden uns.",
                                  now - 3600));
}

/* Saved replies */

static ConciergeSavedReply *
saved_reply (const char        *title,
             const char        *text,
             ConciergeLanguage  language,
             ConciergeAddress   address)
{
  return concierge_saved_reply_new (title, text, language, address);
}

static char *
saved_titles (Fixture *fixture)
{
  g_autoptr(GPtrArray) replies = test_load_saved_replies (fixture->store);
  g_autoptr(GStrvBuilder) titles = g_strv_builder_new ();
  g_auto(GStrv) strv = NULL;

  for (guint i = 0; i < replies->len; i++)
    g_strv_builder_add (titles, concierge_saved_reply_get_title (g_ptr_array_index (replies, i)));
  strv = g_strv_builder_end (titles);
  return g_strjoinv ("|", strv);
}

static gboolean
delete_saved_reply (Fixture  *fixture,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_delete_saved_reply_async (fixture->store, id, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_store_delete_saved_reply_finish (fixture->store, result, error);
}

static int
import_saved_replies (Fixture    *fixture,
                      GPtrArray  *replies,
                      GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_import_saved_replies_async (fixture->store, replies, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_store_import_saved_replies_finish (fixture->store, result, error);
}

/* Adding, changing and deleting a reply each announce it, before the
 * caller hears back; the list is by title, whatever the case. */
static void
test_saved_replies (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ConciergeSavedReply) payment = saved_reply ("Zahlung", "Vielen Dank, {customer.first_name}!",
                                                        CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL);
  g_autoptr(ConciergeSavedReply) offer = saved_reply ("angebot", "Here is our offer. {agent.name}",
                                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(ConciergeSavedReply) order = saved_reply ("Bestellung", "Ihre Bestellung {ticket} ist unterwegs.",
                                                      CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(ConciergeSavedReply) nameless = saved_reply ("Ohne Sprache", "Text",
                                                         CONCIERGE_LANGUAGE_UNKNOWN, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *titles = NULL;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gint64 payment_id, id;
  guint changed = 0;
  ConciergeSavedReply *loaded;

  g_signal_connect_swapped (fixture->store, "saved-replies-changed", G_CALLBACK (count_signal), &changed);

  replies = test_load_saved_replies (fixture->store);
  g_assert_cmpuint (replies->len, ==, 0);
  g_clear_pointer (&replies, g_ptr_array_unref);

  payment_id = test_save_saved_reply (fixture->store, payment, &error);
  g_assert_no_error (error);
  g_assert_cmpint (payment_id, >, 0);
  g_assert_cmpuint (changed, ==, 1);
  /* The caller's object is theirs: the store keeps a copy. */
  g_assert_cmpint (concierge_saved_reply_get_id (payment), ==, 0);
  test_save_saved_reply (fixture->store, offer, &error);
  g_assert_no_error (error);
  test_save_saved_reply (fixture->store, order, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 3);

  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "angebot|Bestellung|Zahlung");
  g_clear_pointer (&titles, g_free);

  replies = test_load_saved_replies (fixture->store);
  loaded = g_ptr_array_index (replies, 2);
  g_assert_cmpint (concierge_saved_reply_get_id (loaded), ==, payment_id);
  g_assert_cmpstr (concierge_saved_reply_get_text (loaded), ==, "Vielen Dank, {customer.first_name}!");
  g_assert_cmpint (concierge_saved_reply_get_language (loaded), ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (concierge_saved_reply_get_address (loaded), ==, CONCIERGE_ADDRESS_INFORMAL);
  g_assert_cmpint (concierge_saved_reply_get_updated_at (loaded), >=, before);
  loaded = g_ptr_array_index (replies, 0);
  g_assert_cmpint (concierge_saved_reply_get_language (loaded), ==, CONCIERGE_LANGUAGE_ENGLISH);
  g_assert_cmpint (concierge_saved_reply_get_address (loaded), ==, CONCIERGE_ADDRESS_FORMAL);

  /* Changed, it keeps its id, and moves to its new title's place. */
  loaded = g_ptr_array_index (replies, 2);
  concierge_saved_reply_set_title (loaded, "Anzahlung");
  concierge_saved_reply_set_text (loaded, "Ihre Anzahlung ist da.");
  concierge_saved_reply_set_address (loaded, CONCIERGE_ADDRESS_FORMAL);
  id = test_save_saved_reply (fixture->store, loaded, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, ==, payment_id);
  g_assert_cmpuint (changed, ==, 4);
  g_clear_pointer (&replies, g_ptr_array_unref);
  replies = test_load_saved_replies (fixture->store);
  g_assert_cmpuint (replies->len, ==, 3);
  loaded = g_ptr_array_index (replies, 1);
  g_assert_cmpint (concierge_saved_reply_get_id (loaded), ==, payment_id);
  g_assert_cmpstr (concierge_saved_reply_get_title (loaded), ==, "Anzahlung");
  g_assert_cmpstr (concierge_saved_reply_get_text (loaded), ==, "Ihre Anzahlung ist da.");
  g_assert_cmpint (concierge_saved_reply_get_address (loaded), ==, CONCIERGE_ADDRESS_FORMAL);

  /* Deleted, it is gone; deleting or changing it again says so. */
  g_assert_true (delete_saved_reply (fixture, payment_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 5);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "angebot|Bestellung");
  g_assert_false (delete_saved_reply (fixture, payment_id, &error));
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (test_save_saved_reply (fixture->store, loaded, &error), ==, 0);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A reply without a language is refused in words. */
  g_assert_cmpint (test_save_saved_reply (fixture->store, nameless, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 5);

  /* They are kept. */
  test_close_store (fixture->store);
  g_clear_object (&fixture->store);
  fixture->store = test_open_store (fixture->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&titles, g_free);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "angebot|Bestellung");
}

/* A team's file adds what is new, in one transaction: a reply whose
 * title and text are already here is skipped, and so is a second copy in
 * the file. */
static void
test_saved_replies_import (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(ConciergeSavedReply) kept = saved_reply ("Gutschrift", "Wir schreiben Ihnen den Betrag gut.",
                                                     CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL);
  g_autoptr(GPtrArray) file = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *titles = NULL;
  guint changed = 0;
  sqlite3 *db;

  test_save_saved_reply (fixture->store, kept, &error);
  g_assert_no_error (error);
  g_signal_connect_swapped (fixture->store, "saved-replies-changed", G_CALLBACK (count_signal), &changed);

  g_ptr_array_add (file, saved_reply ("Gutschrift", "Wir schreiben Ihnen den Betrag gut.",
                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_INFORMAL));
  g_ptr_array_add (file, saved_reply ("Gutschrift", "Wir schreiben dir den Betrag gut.",
                                      CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL));
  g_ptr_array_add (file, saved_reply ("Credit", "We credit the amount to your account.",
                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL));
  g_ptr_array_add (file, saved_reply ("Credit", "We credit the amount to your account.",
                                      CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL));

  /* A failure halfway through adds nothing. */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse_credit BEFORE INSERT ON saved_replies "
                                     "WHEN NEW.title = 'Credit' BEGIN SELECT RAISE (ABORT, 'refused'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (import_saved_replies (fixture, file, &error), ==, -1);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpuint (changed, ==, 0);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "Gutschrift");
  g_clear_pointer (&titles, g_free);
  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse_credit", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_assert_cmpint (import_saved_replies (fixture, file, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  titles = saved_titles (fixture);
  g_assert_cmpstr (titles, ==, "Credit|Gutschrift|Gutschrift");
  g_clear_pointer (&titles, g_free);

  /* The same file again adds nothing, and says nothing changed. */
  g_assert_cmpint (import_saved_replies (fixture, file, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);

  replies = test_load_saved_replies (fixture->store);
  g_assert_cmpuint (replies->len, ==, 3);
  for (guint i = 0; i < replies->len; i++)
    if (g_str_equal (concierge_saved_reply_get_text (g_ptr_array_index (replies, i)),
                     "Wir schreiben dir den Betrag gut."))
      g_assert_cmpint (concierge_saved_reply_get_address (g_ptr_array_index (replies, i)), ==,
                       CONCIERGE_ADDRESS_INFORMAL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/saved-replies", test_saved_replies);
  ADD ("/store/saved-replies-import", test_saved_replies_import);
  ADD ("/store/drafts-survive-a-restart", test_drafts_survive_a_restart);
  ADD ("/store/notes-stand-among-messages", test_notes_stand_among_messages);
  ADD ("/store/same-reply-to-another-customer-today", test_same_reply_to_another_customer_today);

  return g_test_run ();
}
