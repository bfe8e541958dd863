/* test-store-customers.c
 *
 * The store's customers against real SQLite files: profiles, merging,
 * suggestions, facts and importing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "limited-vfs.h"
#include "test-store-fixture.h"

static void
test_contact_across_threads (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(ConciergeThread) first = NULL;
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GPtrArray) threads = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Erste Frage", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana", "Zweite Frage", 200));
  ingest_one (fixture, fixture->mastodon, "c", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Andere Person", 300));

  first = load_thread (fixture, "a");
  contact = test_load_contact (fixture->store, concierge_thread_get_contact_id (first));
  g_assert_cmpstr (concierge_contact_get_name (contact), ==, "Jana");
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (contact)), ==, 1);

  threads = test_load_contact_threads (fixture->store, concierge_contact_get_id (contact));
  g_assert_cmpuint (threads->len, ==, 2);
  g_assert_cmpstr (concierge_thread_get_remote_id (g_ptr_array_index (threads, 0)), ==, "b");
  g_assert_cmpstr (concierge_thread_get_remote_id (g_ptr_array_index (threads, 1)), ==, "a");
}

static void
merged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
test_merged_contacts_share_history (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(ConciergeThread) public_thread = NULL;
  g_autoptr(ConciergeThread) private_thread = NULL;
  g_autoptr(ConciergeContact) contact = NULL;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(ConciergeMessage) telegram_message = NULL;
  g_autoptr(ConciergeIdentity) telegram_author = NULL;
  gboolean done = FALSE;

  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Öffentlich", 100));
  telegram_author = concierge_identity_new ("telegram", NULL, "555", "@jbecker", "Jana B.");
  telegram_message = concierge_message_new ("9", CONCIERGE_DIRECTION_IN, "Privat", 200);
  concierge_message_set_author (telegram_message, telegram_author);
  ingest_one (fixture, fixture->telegram, "chat", CONCIERGE_VISIBILITY_PRIVATE, g_object_ref (telegram_message));

  public_thread = load_thread (fixture, "post");
  private_thread = load_thread (fixture, "chat");
  g_assert_cmpint (concierge_thread_get_contact_id (public_thread), !=,
                   concierge_thread_get_contact_id (private_thread));

  concierge_store_merge_contacts_async (fixture->store, concierge_thread_get_contact_id (public_thread),
                                        concierge_thread_get_contact_id (private_thread), NULL,
                                        merged_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  contact = test_load_contact (fixture->store, concierge_thread_get_contact_id (public_thread));
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (contact)), ==, 2);
  threads = test_load_contact_threads (fixture->store, concierge_contact_get_id (contact));
  g_assert_cmpuint (threads->len, ==, 2);

  /* The next message on either platform stays with the merged customer. */
  g_clear_object (&private_thread);
  ingest_one (fixture, fixture->telegram, "chat2", CONCIERGE_VISIBILITY_PRIVATE, g_object_ref (telegram_message));
  private_thread = load_thread (fixture, "chat2");
  g_assert_cmpint (concierge_thread_get_contact_id (private_thread), ==, concierge_contact_get_id (contact));
}

static void
test_contact_language_is_kept (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(ConciergeThread) thread = NULL;
  g_autoptr(ConciergeContact) before = NULL;
  g_autoptr(ConciergeContact) after = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Könnt ihr helfen?", 100));
  thread = load_thread (fixture, "a");
  before = test_load_contact (fixture->store, concierge_thread_get_contact_id (thread));
  g_assert_cmpint (concierge_contact_get_language (before), ==, CONCIERGE_LANGUAGE_UNKNOWN);
  g_assert_cmpint (concierge_contact_get_address (before), ==, CONCIERGE_ADDRESS_UNKNOWN);

  concierge_store_set_contact_language_async (fixture->store, concierge_contact_get_id (before),
                                              CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL, NULL,
                                              test_got_result, &result);
  expect_true (fixture->store, wait_for (&result));
  after = test_load_contact (fixture->store, concierge_contact_get_id (before));
  g_assert_cmpint (concierge_contact_get_language (after), ==, CONCIERGE_LANGUAGE_GERMAN);
  g_assert_cmpint (concierge_contact_get_address (after), ==, CONCIERGE_ADDRESS_INFORMAL);
}

static void
undo_merge (Fixture *fixture,
            gint64   merged_id)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_undo_merge_async (fixture->store, merged_id, NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
}

static GPtrArray *
load_suggestions (Fixture *fixture,
                  gint64   contact_id)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *suggestions;

  concierge_store_load_merge_suggestions_async (fixture->store, contact_id, NULL, test_got_result, &result);
  suggestions = concierge_store_load_merge_suggestions_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return suggestions;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The remote ids of a contact's threads, sorted, joined by spaces. */
static char *
contact_thread_names (Fixture *fixture,
                      gint64   contact_id)
{
  g_autoptr(GPtrArray) threads = test_load_contact_threads (fixture->store, contact_id);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < threads->len; i++)
    g_ptr_array_add (names, (gpointer) concierge_thread_get_remote_id (g_ptr_array_index (threads, i)));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
test_merge_and_undo_keep_every_thread (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(ConciergeContact) merged = NULL;
  g_autoptr(ConciergeContact) separated = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *names = NULL;
  ConciergeMergeSuggestion *suggestion;
  gint64 jana, jana_telegram, identity_id, back;

  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana Becker", "Mein Router blinkt", 100));
  ingest_one (fixture, fixture->mastodon, "dm", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana Becker", "Hier die Details", 200));
  ingest_one (fixture, fixture->telegram, "chat", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("9", "4711", "Jana Becker", "Hallo aus Telegram", 300));
  ingest_one (fixture, fixture->mastodon, "other", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("3", "tom", "Tom", "Andere Person", 400));
  jana = contact_of_thread (fixture, "post");
  jana_telegram = contact_of_thread (fixture, "chat");
  g_assert_cmpint (jana, !=, jana_telegram);
  set_field (fixture, jana_telegram, CONCIERGE_CONTACT_EMAIL, " jana@example.org ");
  set_field (fixture, jana, CONCIERGE_CONTACT_TAGS, "vip,, router ");

  /* The same name on another platform is suggested; Tom is not. */
  suggestions = load_suggestions (fixture, jana);
  g_assert_cmpuint (suggestions->len, ==, 1);
  suggestion = g_ptr_array_index (suggestions, 0);
  g_assert_cmpint (concierge_contact_get_id (suggestion->contact), ==, jana_telegram);
  g_assert_cmpint (suggestion->reason, ==, CONCIERGE_MERGE_SAME_NAME);
  g_assert_cmpstr (concierge_contact_get_field (suggestion->contact, CONCIERGE_CONTACT_EMAIL), ==,
                   "jana@example.org");

  merge (fixture, jana, jana_telegram);
  merged = test_load_contact (fixture->store, jana);
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (merged)), ==, 2);
  g_assert_cmpstr (concierge_contact_get_field (merged, CONCIERGE_CONTACT_EMAIL), ==, "jana@example.org");
  g_assert_cmpstr (concierge_contact_get_field (merged, CONCIERGE_CONTACT_TAGS), ==, "vip, router");
  names = contact_thread_names (fixture, jana);
  g_assert_cmpstr (names, ==, "chat dm post");
  g_clear_pointer (&names, g_free);
  g_clear_pointer (&suggestions, g_ptr_array_unref);
  suggestions = load_suggestions (fixture, jana);
  g_assert_cmpuint (suggestions->len, ==, 0);

  /* A new Telegram chat after the merge stays with the one customer... */
  ingest_one (fixture, fixture->telegram, "chat2", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("10", "4711", "Jana Becker", "Noch eine Frage", 500));
  g_assert_cmpint (contact_of_thread (fixture, "chat2"), ==, jana);

  /* ...and undoing the merge takes it along with its identity. */
  undo_merge (fixture, jana_telegram);
  names = contact_thread_names (fixture, jana);
  g_assert_cmpstr (names, ==, "dm post");
  g_clear_pointer (&names, g_free);
  names = contact_thread_names (fixture, jana_telegram);
  g_assert_cmpstr (names, ==, "chat chat2");
  g_clear_pointer (&names, g_free);
  g_clear_object (&merged);
  merged = test_load_contact (fixture->store, jana);
  g_assert_cmpstr (concierge_contact_get_field (merged, CONCIERGE_CONTACT_EMAIL), ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (concierge_contact_get_identities (merged)), ==, 1);
  names = contact_thread_names (fixture, contact_of_thread (fixture, "other"));
  g_assert_cmpstr (names, ==, "other");
  g_clear_pointer (&names, g_free);

  /* Merged again, then separated by hand: the Telegram identity goes
   * back to its own customer, who is not suggested again. */
  merge (fixture, jana, jana_telegram);
  g_clear_object (&merged);
  merged = test_load_contact (fixture->store, jana);
  identity_id = concierge_identity_get_id (g_list_model_get_item (concierge_contact_get_identities (merged), 1));
  g_object_unref (g_list_model_get_item (concierge_contact_get_identities (merged), 1));
  concierge_store_separate_identity_async (fixture->store, identity_id, NULL, test_got_result, &result);
  back = concierge_store_separate_identity_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (back, ==, jana_telegram);
  names = contact_thread_names (fixture, jana_telegram);
  g_assert_cmpstr (names, ==, "chat chat2");
  g_clear_pointer (&names, g_free);
  names = contact_thread_names (fixture, jana);
  g_assert_cmpstr (names, ==, "dm post");
  g_clear_pointer (&suggestions, g_ptr_array_unref);
  suggestions = load_suggestions (fixture, jana);
  g_assert_cmpuint (suggestions->len, ==, 0);

  /* Its only identity cannot be taken from a customer. */
  g_clear_object (&result);
  g_clear_error (&error);
  separated = test_load_contact (fixture->store, jana_telegram);
  identity_id = concierge_identity_get_id (g_list_model_get_item (concierge_contact_get_identities (separated), 0));
  g_object_unref (g_list_model_get_item (concierge_contact_get_identities (separated), 0));
  concierge_store_separate_identity_async (fixture->store, identity_id, NULL, test_got_result, &result);
  g_assert_cmpint (concierge_store_separate_identity_finish (fixture->store, test_wait_result (&result), &error),
                   ==, 0);
  g_assert_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND);
}

static void
test_merge_suggestions_by_address_and_number (Fixture       *fixture,
                                              gconstpointer  data)
{
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 anna, anne, bernd, carla;

  ingest_one (fixture, fixture->mastodon, "a", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "anna", "Anna", "Frage", 100));
  ingest_one (fixture, fixture->mastodon, "b", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "anne", "A. Schmidt", "Frage", 200));
  ingest_one (fixture, fixture->telegram, "c", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("3", "77", "Bernd", "Frage", 300));
  ingest_one (fixture, fixture->telegram, "d", CONCIERGE_VISIBILITY_PRIVATE,
              telegram_incoming ("4", "78", "Carla", "Frage", 400));
  anna = contact_of_thread (fixture, "a");
  anne = contact_of_thread (fixture, "b");
  bernd = contact_of_thread (fixture, "c");
  carla = contact_of_thread (fixture, "d");

  set_field (fixture, anna, CONCIERGE_CONTACT_EMAIL, "Anna.Schmidt@example.org");
  set_field (fixture, anne, CONCIERGE_CONTACT_EMAIL, "anna.schmidt@EXAMPLE.org");
  set_field (fixture, anna, CONCIERGE_CONTACT_PHONE, "+49 170 1234567");
  set_field (fixture, bernd, CONCIERGE_CONTACT_PHONE, "0170 / 123 45 67");
  set_field (fixture, anna, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "KD-4711");
  set_field (fixture, carla, CONCIERGE_CONTACT_CUSTOMER_NUMBER, "kd-4711");

  suggestions = load_suggestions (fixture, anna);
  g_assert_cmpuint (suggestions->len, ==, 3);
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->reason, ==,
                   CONCIERGE_MERGE_SAME_EMAIL);
  g_assert_cmpint (concierge_contact_get_id (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->contact),
                   ==, anne);
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 1))->reason, ==,
                   CONCIERGE_MERGE_SAME_CUSTOMER_NUMBER);
  g_assert_cmpint (concierge_contact_get_id (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 2))->contact),
                   ==, bernd);

  /* Searching by hand finds a customer by a part of any of these. */
  concierge_store_search_contacts_async (fixture->store, "4711", anna, NULL, test_got_result, &result);
  found = concierge_store_search_contacts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpint (concierge_contact_get_id (g_ptr_array_index (found, 0)), ==, carla);
  g_clear_pointer (&found, g_ptr_array_unref);
  g_clear_object (&result);
  concierge_store_search_contacts_async (fixture->store, "schm", 0, NULL, test_got_result, &result);
  found = concierge_store_search_contacts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
}

static void
test_complaints_and_facts (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree ConciergeContactSummary *summary = NULL;
  g_autoptr(ConciergeThread) post = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) facts = NULL;
  g_autoptr(GError) error = NULL;
  gint64 contact_id;

  use_detector (fixture, NULL);
  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jana", "Jana", "Öffentlich: jana@example.org", 100));
  ingest_one (fixture, fixture->mastodon, "dm", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("2", "jana", "Jana", "Meine Adresse ist jana.privat@example.org", 200));
  ingest_one (fixture, fixture->mastodon, "dm2", CONCIERGE_VISIBILITY_PRIVATE,
              incoming ("3", "jana", "Jana", "Danke!", 300));
  post = load_thread (fixture, "post");
  contact_id = concierge_thread_get_contact_id (post);

  concierge_store_set_thread_tag_async (fixture->store, concierge_thread_get_id (post), "complaint", TRUE,
                                        NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  summary = summarize (fixture, contact_id);
  g_assert_cmpuint (summary->complaints, ==, 1);
  g_clear_pointer (&summary, g_free);
  g_clear_object (&post);
  post = load_thread (fixture, "post");
  g_assert_true (concierge_thread_is_complaint (post));
  concierge_store_set_thread_tag_async (fixture->store, concierge_thread_get_id (post), "complaint", FALSE,
                                        NULL, test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  summary = summarize (fixture, contact_id);
  g_assert_cmpuint (summary->complaints, ==, 0);

  /* Only what the customer wrote privately is offered for the profile. */
  concierge_store_load_contact_facts_async (fixture->store, contact_id, NULL, test_got_result, &result);
  facts = concierge_store_load_contact_facts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (facts->len, ==, 1);
  g_assert_cmpstr (concierge_message_get_body (g_ptr_array_index (facts, 0)), ==,
                   "Meine Adresse ist jana.privat@example.org");
  g_assert_cmpstr (concierge_message_get_personal_data (g_ptr_array_index (facts, 0)), !=, "");
}

static int
import_contacts (Fixture   *fixture,
                 GPtrArray *contacts)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int added;

  concierge_store_import_contacts_async (fixture->store, contacts, NULL, test_got_result, &result);
  added = concierge_store_import_contacts_finish (fixture->store, test_wait_result (&result), &error);
  g_assert_no_error (error);
  return added;
}

/* An address book's customers arrive once, however often it is imported,
 * and the one a conversation knows by email is suggested for merging. */
static void
test_import_contacts_once (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) suggestions = NULL;
  g_autoptr(ConciergeThread) post = NULL;
  ConciergeContact *jana = concierge_contact_new ("Jana Becker");
  g_autoptr(GAsyncResult) result = NULL;

  concierge_contact_set_field (jana, CONCIERGE_CONTACT_EMAIL, "jana@example.org");
  g_ptr_array_add (contacts, jana);
  g_ptr_array_add (contacts, concierge_contact_new ("Tom Schulz"));
  g_assert_cmpint (import_contacts (fixture, contacts), ==, 2);
  g_assert_cmpint (import_contacts (fixture, contacts), ==, 0);

  ingest_one (fixture, fixture->mastodon, "post", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("1", "jb", "J. B.", "Hallo", 100));
  post = load_thread (fixture, "post");
  concierge_store_set_contact_field_async (fixture->store, concierge_thread_get_contact_id (post),
                                           CONCIERGE_CONTACT_EMAIL, "jana@example.org", NULL,
                                           test_got_result, &result);
  g_assert_true (finish_boolean (fixture, &result));
  suggestions = load_suggestions (fixture, concierge_thread_get_contact_id (post));
  g_assert_cmpuint (suggestions->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->contact),
                   ==, "Jana Becker");
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->reason, ==,
                   CONCIERGE_MERGE_SAME_EMAIL);

  /* Tom from the address book has his name only, and is suggested by it. */
  g_clear_object (&post);
  g_clear_pointer (&suggestions, g_ptr_array_unref);
  ingest_one (fixture, fixture->mastodon, "tom", CONCIERGE_VISIBILITY_PUBLIC,
              incoming ("2", "tom", "Tom Schulz", "Hallo", 200));
  post = load_thread (fixture, "tom");
  suggestions = load_suggestions (fixture, concierge_thread_get_contact_id (post));
  g_assert_cmpuint (suggestions->len, ==, 1);
  g_assert_cmpstr (concierge_contact_get_name (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->contact),
                   ==, "Tom Schulz");
  g_assert_cmpint (((ConciergeMergeSuggestion *) g_ptr_array_index (suggestions, 0))->reason, ==,
                   CONCIERGE_MERGE_SAME_CUSTOMER_NAME);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  limited_vfs_install ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/store/contact-across-threads", test_contact_across_threads);
  ADD ("/store/merged-contacts-share-history", test_merged_contacts_share_history);
  ADD ("/store/merge-and-undo-keep-every-thread", test_merge_and_undo_keep_every_thread);
  ADD ("/store/merge-suggestions-by-address-and-number", test_merge_suggestions_by_address_and_number);
  ADD ("/store/complaints-and-facts", test_complaints_and_facts);
  ADD ("/store/import-contacts-once", test_import_contacts_once);
  ADD ("/store/contact-language-is-kept", test_contact_language_is_kept);

  return g_test_run ();
}
