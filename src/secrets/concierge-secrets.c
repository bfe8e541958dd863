/* concierge-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "concierge-secrets.h"

G_DEFINE_QUARK (concierge-secrets-error-quark, concierge_secrets_error)

/* Name matching stays on: the schema name keeps Concierge from finding other
 * programs' secrets with the same attributes. The profile attribute keeps a
 * demo or test profile away from the agent's real one. */
static const SecretSchema *
concierge_secrets_schema (void)
{
  static const SecretSchema schema = {
    "io.github.conciergedesk.Concierge.Account", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "platform", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { NULL, 0 },
    },
  };

  return &schema;
}

#define SECRET_VERSION "1"

static GHashTable *
attributes_new (const char *profile_id,
                gint64      account_id,
                const char *platform)
{
  GHashTable *attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_hash_table_insert (attributes, (gpointer) "profile", g_strdup (profile_id));
  g_hash_table_insert (attributes, (gpointer) "account", g_strdup_printf ("%" G_GINT64_FORMAT, account_id));
  if (platform != NULL)
    {
      g_hash_table_insert (attributes, (gpointer) "platform", g_strdup (platform));
      g_hash_table_insert (attributes, (gpointer) "version", g_strdup (SECRET_VERSION));
    }

  return attributes;
}

/* Turns what libsecret and D-Bus report into what a person can act on. The
 * secret itself is never part of a message. */
static GError *
explain (const GError *error)
{
  if (error->domain == G_DBUS_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_error_new_literal (CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_NO_KEYRING,
                                _("No keyring is running, so Concierge cannot keep the sign-in of "
                                  "your accounts. Start GNOME Keyring or another keyring service, "
                                  "then sign in again. Cached conversations stay readable."));

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_LOCKED,
                                _("The keyring is locked. Unlock it so that Concierge can sign in "
                                  "to your accounts."));

  return g_error_new (CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_FAILED,
                      _("The keyring could not save or read an account's sign-in: %s"),
                      error->message);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, explain (error));
}

/**
 * concierge_secrets_store_async:
 * @label: what the keyring shows a person, like "Concierge: Mastodon @support@example.social"
 * @secret_json: the credentials, as JSON
 *
 * Saves an account's credentials, replacing earlier ones of the same
 * profile and account.
 */
void
concierge_secrets_store_async (const char                 *profile_id,
                               gint64                      account_id,
                               const char                 *platform,
                               const char                 *label,
                               const char                 *secret_json,
                               ConciergeSecretsCollection  collection,
                               GCancellable               *cancellable,
                               GAsyncReadyCallback         callback,
                               gpointer                    user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (profile_id != NULL);
  g_return_if_fail (platform != NULL);
  g_return_if_fail (label != NULL);
  g_return_if_fail (secret_json != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_secrets_store_async);

  attributes = attributes_new (profile_id, account_id, platform);
  secret_password_storev (concierge_secrets_schema (), attributes,
                          collection == CONCIERGE_SECRETS_SESSION ? SECRET_COLLECTION_SESSION
                                                                  : SECRET_COLLECTION_DEFAULT,
                          label, secret_json, cancellable, stored_cb, task);
}

gboolean
concierge_secrets_store_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *secret;

  secret = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, explain (error));
  else
    g_task_return_pointer (task, secret, (GDestroyNotify) secret_password_free);
}

void
concierge_secrets_lookup_async (const char          *profile_id,
                                gint64               account_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (profile_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_secrets_lookup_async);

  attributes = attributes_new (profile_id, account_id, NULL);
  secret_password_lookupv (concierge_secrets_schema (), attributes, cancellable, looked_up_cb, task);
}

/**
 * concierge_secrets_lookup_finish:
 *
 * Returns: (nullable): the credentials as JSON, or %NULL without an error
 *   when the keyring has none for this account; free with
 *   secret_password_free(), which wipes the memory
 */
char *
concierge_secrets_lookup_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without an error: there was nothing to clear, which is fine. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, explain (error));
  else
    g_task_return_boolean (task, TRUE);
}

void
concierge_secrets_clear_async (const char          *profile_id,
                               gint64               account_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GHashTable) attributes = NULL;
  GTask *task;

  g_return_if_fail (profile_id != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_secrets_clear_async);

  attributes = attributes_new (profile_id, account_id, NULL);
  secret_password_clearv (concierge_secrets_schema (), attributes, cancellable, cleared_cb, task);
}

gboolean
concierge_secrets_clear_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
