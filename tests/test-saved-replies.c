/* test-saved-replies.c
 *
 * The file a team shares its saved replies in: what is written is read
 * back the same, and whatever else a file holds gives an error in words,
 * never a crash.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "store/concierge-saved-replies.h"

#include "test-util.h"

static GPtrArray *
sample_replies (void)
{
  GPtrArray *replies = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (replies, concierge_saved_reply_new ("Gutschrift",
                                                       "Hallo {customer.first_name}, wir schreiben Ihnen "
                                                       "den Betrag gut.\n\nViele Grüße\n{agent.name}",
                                                       CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_FORMAL));
  g_ptr_array_add (replies, concierge_saved_reply_new ("Ticket „dringend“ \"quoted\" \\ / \t",
                                                       "Dein Ticket {ticket} auf {thread.platform} 🎉",
                                                       CONCIERGE_LANGUAGE_GERMAN, CONCIERGE_ADDRESS_INFORMAL));
  g_ptr_array_add (replies, concierge_saved_reply_new ("Welcome", "Hi {customer.name}!",
                                                       CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_INFORMAL));
  g_ptr_array_add (replies, concierge_saved_reply_new ("Sorry", "We apologise.",
                                                       CONCIERGE_LANGUAGE_ENGLISH, CONCIERGE_ADDRESS_FORMAL));
  return replies;
}

static void
assert_same_replies (GPtrArray *expected,
                     GPtrArray *actual)
{
  g_assert_nonnull (actual);
  g_assert_cmpuint (actual->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      ConciergeSavedReply *a = g_ptr_array_index (expected, i);
      ConciergeSavedReply *b = g_ptr_array_index (actual, i);

      g_assert_cmpstr (concierge_saved_reply_get_title (b), ==, concierge_saved_reply_get_title (a));
      g_assert_cmpstr (concierge_saved_reply_get_text (b), ==, concierge_saved_reply_get_text (a));
      g_assert_cmpint (concierge_saved_reply_get_language (b), ==, concierge_saved_reply_get_language (a));
      g_assert_cmpint (concierge_saved_reply_get_address (b), ==, concierge_saved_reply_get_address (a));
      g_assert_cmpint (concierge_saved_reply_get_id (b), ==, 0);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(GPtrArray) replies = sample_replies ();
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = concierge_saved_replies_to_json (replies);
  g_autofree char *empty = concierge_saved_replies_to_json (none);
  g_autofree char *bom = g_strconcat ("\xef\xbb\xbf", json, NULL);

  g_assert_true (g_str_has_prefix (json, "{"));
  g_assert_nonnull (strstr (json, "\"format\" : \"concierge-saved-replies\""));
  g_assert_nonnull (strstr (json, "\"version\" : 1"));
  g_assert_nonnull (strstr (json, "\"language\" : \"de\""));
  g_assert_nonnull (strstr (json, "\"address\" : \"informal\""));

  read = concierge_saved_replies_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  assert_same_replies (replies, read);
  g_clear_pointer (&read, g_ptr_array_unref);

  /* As an editor on another system may save it. */
  read = concierge_saved_replies_from_json (bom, strlen (bom), &error);
  g_assert_no_error (error);
  assert_same_replies (replies, read);
  g_clear_pointer (&read, g_ptr_array_unref);

  read = concierge_saved_replies_from_json (empty, strlen (empty), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 0);
}

static GPtrArray *
read_file (GFile   *file,
           GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_saved_replies_read_async (file, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return concierge_saved_replies_read_finish (result, error);
}

/* Through a file, as Export and Import do it. */
static void
test_file_round_trip (void)
{
  g_autoptr(GPtrArray) replies = sample_replies ();
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("concierge-replies-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "Saved Replies.json", NULL);
  g_autofree char *missing_path = g_build_filename (dir, "missing.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) missing = g_file_new_for_path (missing_path);

  g_assert_no_error (error);
  concierge_saved_replies_write_async (file, replies, NULL, test_got_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (concierge_saved_replies_write_finish (result, &error));
  g_assert_no_error (error);

  read = read_file (file, &error);
  g_assert_no_error (error);
  assert_same_replies (replies, read);

  g_assert_null (read_file (missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (path);
  g_rmdir (dir);
}

/* A file that never ends is refused as too large, once it is. */
static void
test_endless_file (void)
{
  g_autoptr(GFile) zero = g_file_new_for_path ("/dev/zero");
  g_autoptr(GError) error = NULL;

  if (!g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/zero");
      return;
    }
  g_assert_null (read_file (zero, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
}

static char *
replies_json (const char *members)
{
  return g_strdup_printf ("{\"format\": \"concierge-saved-replies\", \"version\": 1, \"replies\": [%s]}",
                          members);
}

static void
assert_refused_length (const char *json,
                       gsize       length,
                       int         code)
{
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  replies = concierge_saved_replies_from_json (json, length, &error);
  if (replies != NULL)
    g_error ("accepted: %.200s", json);
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_cmpuint (strlen (error->message), >, 10);
  g_test_message ("refused: %s", error->message);
}

static void
assert_refused (const char *json,
                int         code)
{
  assert_refused_length (json, strlen (json), code);
}

static void
assert_reply_refused (const char *reply,
                      const char *words)
{
  g_autofree char *json = replies_json (reply);
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  replies = concierge_saved_replies_from_json (json, strlen (json), &error);
  if (replies != NULL)
    g_error ("accepted: %.200s", json);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  if (strstr (error->message, words) == NULL)
    g_error ("%s: the error does not say “%s”: %s", reply, words, error->message);
}

static char *
repeat (const char *piece,
        guint       times)
{
  GString *string = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (string, piece);
  return g_string_free (string, FALSE);
}

static void
test_hostile_files (void)
{
  static const char * const not_ours[] = {
    "",
    "   ",
    "not json",
    "{\"format\": ",
    "null",
    "42",
    "\"concierge-saved-replies\"",
    "[]",
    "{}",
    "{\"format\": \"something-else\", \"version\": 1, \"replies\": []}",
    "{\"format\": 7, \"version\": 1, \"replies\": []}",
    "{\"version\": 1, \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": \"1\", \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1.5, \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 0, \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": -1, \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1e999, \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": null, \"replies\": []}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1, \"replies\": {}}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1, \"replies\": \"all\"}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1, \"replies\": null}",
    "{\"format\": \"concierge-saved-replies\", \"version\": 1, \"replies\": [}",
    "{\"format\": \"concierge-saved-\xff\", \"version\": 1, \"replies\": []}",
  };
  static const struct
  {
    const char *reply;
    const char *words;
  } bad_replies[] = {
    { "1", "is no saved reply" },
    { "null", "is no saved reply" },
    { "[]", "is no saved reply" },
    { "\"Gutschrift\"", "is no saved reply" },
    { "{\"text\": \"t\", \"language\": \"de\", \"address\": \"formal\"}", "no title" },
    { "{\"title\": 5, \"text\": \"t\", \"language\": \"de\", \"address\": \"formal\"}", "no title" },
    { "{\"title\": null, \"text\": \"t\", \"language\": \"de\", \"address\": \"formal\"}", "no title" },
    { "{\"title\": [\"a\"], \"text\": \"t\", \"language\": \"de\", \"address\": \"formal\"}", "no title" },
    { "{\"title\": \"\", \"text\": \"t\", \"language\": \"de\", \"address\": \"formal\"}", "no title" },
    { "{\"title\": \"a\", \"language\": \"de\", \"address\": \"formal\"}", "no text" },
    { "{\"title\": \"a\", \"text\": {}, \"language\": \"de\", \"address\": \"formal\"}", "no text" },
    { "{\"title\": \"a\", \"text\": true, \"language\": \"de\", \"address\": \"formal\"}", "no text" },
    { "{\"title\": \"a\", \"text\": \"t\", \"address\": \"formal\"}", "no language" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": \"fr\", \"address\": \"formal\"}", "no language" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": \"DE\", \"address\": \"formal\"}", "no language" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": 1, \"address\": \"formal\"}", "no language" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": \"de\"}", "no form of address" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": \"de\", \"address\": \"casual\"}", "no form of address" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": \"de\", \"address\": \"\"}", "no form of address" },
    { "{\"title\": \"a\", \"text\": \"t\", \"language\": \"de\", \"address\": [\"formal\"]}", "no form of address" },
  };
  static const char with_nul[] = "{\"format\": \"concierge-saved-replies\"\0, \"version\": 1, \"replies\": []}";
  g_autofree char *deep = NULL;
  g_autofree char *deep_objects = NULL;
  g_autofree char *long_title = NULL;
  g_autofree char *long_text = NULL;
  g_autofree char *longest = NULL;
  g_autofree char *json = NULL;
  g_autofree char *members = NULL;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;
  GString *many;

  for (guint i = 0; i < G_N_ELEMENTS (not_ours); i++)
    assert_refused (not_ours[i], G_IO_ERROR_INVALID_DATA);

  /* A newer Concierge's file asks for an update. */
  assert_refused ("{\"format\": \"concierge-saved-replies\", \"version\": 2, \"replies\": []}",
                  G_IO_ERROR_NOT_SUPPORTED);
  assert_refused ("{\"format\": \"concierge-saved-replies\", \"version\": 9223372036854775807}",
                  G_IO_ERROR_NOT_SUPPORTED);

  /* A NUL byte is no text. */
  assert_refused_length (with_nul, sizeof with_nul - 1, G_IO_ERROR_INVALID_DATA);

  for (guint i = 0; i < G_N_ELEMENTS (bad_replies); i++)
    {
      g_autofree char *two = g_strdup_printf ("{\"title\": \"ok\", \"text\": \"ok\", \"language\": \"en\", "
                                              "\"address\": \"formal\"}, %s", bad_replies[i].reply);

      assert_reply_refused (bad_replies[i].reply, bad_replies[i].words);
      /* The error counts from 1, as people do. */
      assert_reply_refused (two, "2");
    }

  /* Nested deep enough to exhaust a parser's stack. */
  deep = repeat ("[", 1000000);
  assert_refused (deep, G_IO_ERROR_INVALID_DATA);
  deep_objects = repeat ("{\"a\":", 200000);
  assert_refused (deep_objects, G_IO_ERROR_INVALID_DATA);
  g_clear_pointer (&json, g_free);
  json = replies_json ("{\"title\": \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\", \"text\": \"{{{{{{{{{{{{{{{{"
                       "{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{\\\"{{{{\", \"language\": \"en\", \"address\": \"formal\"}");
  replies = concierge_saved_replies_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (replies->len, ==, 1);
  g_clear_pointer (&replies, g_ptr_array_unref);

  /* 10 000 characters, not bytes, at most. */
  longest = repeat ("ä", CONCIERGE_SAVED_REPLY_MAX_LENGTH);
  members = g_strdup_printf ("{\"title\": \"%s\", \"text\": \"%s\", \"language\": \"de\", \"address\": \"formal\"}",
                             longest, longest);
  g_clear_pointer (&json, g_free);
  json = replies_json (members);
  replies = concierge_saved_replies_from_json (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (replies->len, ==, 1);
  g_clear_pointer (&replies, g_ptr_array_unref);
  long_title = g_strdup_printf ("{\"title\": \"%sä\", \"text\": \"t\", \"language\": \"de\", "
                                "\"address\": \"formal\"}", longest);
  assert_reply_refused (long_title, "too long");
  long_text = g_strdup_printf ("{\"title\": \"t\", \"text\": \"%sä\", \"language\": \"de\", "
                               "\"address\": \"formal\"}", longest);
  assert_reply_refused (long_text, "too long");

  /* 10 000 replies at most. */
  many = g_string_new ("{\"format\": \"concierge-saved-replies\", \"version\": 1, \"replies\": [");
  for (guint i = 0; i < CONCIERGE_SAVED_REPLIES_MAX; i++)
    g_string_append_printf (many, "%s{\"title\": \"%u\", \"text\": \"t\", \"language\": \"en\", "
                            "\"address\": \"informal\"}", i ? "," : "", i);
  g_string_append (many, "]}");
  replies = concierge_saved_replies_from_json (many->str, many->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (replies->len, ==, CONCIERGE_SAVED_REPLIES_MAX);
  g_clear_pointer (&replies, g_ptr_array_unref);
  g_string_truncate (many, many->len - 2);
  g_string_append (many, ", 1]}");
  assert_refused (many->str, G_IO_ERROR_INVALID_DATA);
  g_string_free (many, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/saved-replies/round-trip", test_round_trip);
  g_test_add_func ("/saved-replies/file-round-trip", test_file_round_trip);
  g_test_add_func ("/saved-replies/endless-file", test_endless_file);
  g_test_add_func ("/saved-replies/hostile-files", test_hostile_files);

  return g_test_run ();
}
