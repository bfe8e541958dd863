/* test-secrets.c
 *
 * Credentials against a real gnome-keyring in the test's private D-Bus
 * session, and against a session bus with no keyring at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <libsecret/secret.h>

#include "secrets/concierge-secrets.h"

#define TOKEN "{\"access_token\":\"ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0\"}"

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
store (const char  *profile,
       gint64       account,
       const char  *secret,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_secrets_store_async (profile, account, "mastodon", "Concierge test account", secret,
                                 CONCIERGE_SECRETS_DEFAULT, NULL, got_result, &result);
  return concierge_secrets_store_finish (wait_result (&result), error);
}

static char *
lookup (const char  *profile,
        gint64       account,
        GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_secrets_lookup_async (profile, account, NULL, got_result, &result);
  return concierge_secrets_lookup_finish (wait_result (&result), error);
}

static gboolean
clear (const char  *profile,
       gint64       account,
       GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  concierge_secrets_clear_async (profile, account, NULL, got_result, &result);
  return concierge_secrets_clear_finish (wait_result (&result), error);
}

static void
test_store_lookup_clear (void)
{
  g_autofree char *profile = g_uuid_string_random ();
  g_autofree char *other_profile = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  char *secret;

  g_assert_true (store (profile, 7, TOKEN, &error));
  g_assert_no_error (error);

  secret = lookup (profile, 7, &error);
  g_assert_no_error (error);
  /* Compared, never printed: a token must not reach the test log. */
  g_assert_true (g_strcmp0 (secret, TOKEN) == 0);
  secret_password_free (secret);

  /* Another profile, and another account, find nothing. */
  secret = lookup (other_profile, 7, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  secret = lookup (profile, 8, &error);
  g_assert_no_error (error);
  g_assert_null (secret);

  /* Clearing another profile leaves this one alone. */
  g_assert_true (clear (other_profile, 7, &error));
  g_assert_no_error (error);
  secret = lookup (profile, 7, &error);
  g_assert_no_error (error);
  g_assert_nonnull (secret);
  secret_password_free (secret);

  g_assert_true (clear (profile, 7, &error));
  g_assert_no_error (error);
  secret = lookup (profile, 7, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
}

static void
test_replacing_keeps_one_secret (void)
{
  g_autofree char *profile = g_uuid_string_random ();
  g_autoptr(GError) error = NULL;
  char *secret;

  g_assert_true (store (profile, 1, "{\"access_token\":\"first\"}", &error));
  g_assert_true (store (profile, 1, "{\"access_token\":\"second\"}", &error));
  g_assert_no_error (error);

  secret = lookup (profile, 1, &error);
  g_assert_no_error (error);
  g_assert_true (g_strcmp0 (secret, "{\"access_token\":\"second\"}") == 0);
  secret_password_free (secret);

  g_assert_true (clear (profile, 1, &error));
}

/* Run in a child on a bus that starts no services. */
static int
no_keyring_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *profile = g_uuid_string_random ();

  if (store (profile, 1, TOKEN, &error))
    return 10;
  if (!g_error_matches (error, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_NO_KEYRING))
    {
      g_printerr ("unexpected error: %s\n", error->message);
      return 11;
    }
  g_print ("%s\n", error->message);
  return 0;
}

static void
test_missing_keyring_is_explained (void)
{
  g_autofree char *config = g_test_build_filename (G_TEST_DIST, "data", "dbus-no-services.conf", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *self = g_test_build_filename (G_TEST_BUILT, "test-secrets", NULL);
  const char *argv[] = { "dbus-run-session", "--config-file", config, "--", self, "--no-keyring-child", NULL };
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    g_error ("dbus-run-session is missing (Debian package dbus-bin): %s", error->message);

  g_test_message ("child said: %s%s", out, err);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (out, "No keyring is running"));
  g_assert_nonnull (strstr (out, "Cached conversations stay readable"));
  g_assert_null (strstr (out, "ZA-Yj3aBD8U8"));
  g_assert_null (strstr (err, "ZA-Yj3aBD8U8"));
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && g_str_equal (argv[1], "--no-keyring-child"))
    return no_keyring_child ();

  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_error ("No D-Bus session: run the tests through ./build-aux/dev test, which starts one "
             "with an unlocked gnome-keyring");

  g_test_add_func ("/secrets/store-lookup-clear", test_store_lookup_clear);
  g_test_add_func ("/secrets/replacing-keeps-one-secret", test_replacing_keeps_one_secret);
  g_test_add_func ("/secrets/missing-keyring-is-explained", test_missing_keyring_is_explained);

  return g_test_run ();
}
