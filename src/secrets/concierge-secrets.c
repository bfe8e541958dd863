/* concierge-secrets.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
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

/* Keys */

/* A key belongs to the profile, not to an account: a schema of its own
 * keeps it out of every lookup of an account's secret. */
static const SecretSchema *
concierge_secrets_key_schema (void)
{
  static const SecretSchema schema = {
    "io.github.conciergedesk.Concierge.Key", SECRET_SCHEMA_NONE,
    {
      { "profile", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "version", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { NULL, 0 },
    },
  };

  return &schema;
}

#define KEY_VERSION "1"

/* The calls go through libsecret's backend, which is the Secret Service
 * on a desktop and the Secret portal's file inside Flatpak. Only the
 * Secret Service locks and prompts. */
typedef struct
{
  GHashTable *attributes;
  gboolean    unlock;
  GList      *items;     /* SecretRetrievable, still to read */
  GPtrArray  *keys;      /* read so far */
  char       *collection;
  char       *label;
  char       *key;
} KeyCall;

static void
wipe (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
}

static void
key_call_free (KeyCall *call)
{
  g_hash_table_unref (call->attributes);
  g_list_free_full (call->items, g_object_unref);
  if (call->keys != NULL)
    {
      g_ptr_array_foreach (call->keys, (GFunc) (void (*) (void)) wipe, NULL);
      g_ptr_array_unref (call->keys);
    }
  g_free (call->collection);
  g_free (call->label);
  wipe (call->key);
  g_free (call->key);
  g_free (call);
}

static GTask *
key_task_new (gpointer             source_tag,
              const char          *profile_id,
              const char          *purpose,
              gboolean             unlock,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  KeyCall *call = g_new0 (KeyCall, 1);

  g_task_set_source_tag (task, source_tag);
  call->attributes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_hash_table_insert (call->attributes, (gpointer) "profile", g_strdup (profile_id));
  g_hash_table_insert (call->attributes, (gpointer) "purpose", g_strdup (purpose));
  call->unlock = unlock;
  g_task_set_task_data (task, call, (GDestroyNotify) key_call_free);

  return task;
}

/* What stops a key is said in general words here; what waits for it is
 * for the caller to say. */
static GError *
explain_key (const GError *error)
{
  if (error->domain == G_DBUS_ERROR ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_DBUS_ERROR) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return g_error_new_literal (CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_NO_KEYRING,
                                _("No keyring is running."));

  if (g_error_matches (error, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_new_literal (CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_LOCKED,
                                _("The keyring is locked."));

  return g_error_new (CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_FAILED,
                      _("The keyring failed: %s"), error->message);
}

static void
return_locked (GTask *task)
{
  g_task_return_new_error (task, CONCIERGE_SECRETS_ERROR, CONCIERGE_SECRETS_ERROR_LOCKED,
                           "%s", _("The keyring is locked."));
}

static void read_next_item (GTask *task);

static void
item_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyCall *call = g_task_get_task_data (task);
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  const char *text;

  value = secret_retrievable_retrieve_secret_finish (SECRET_RETRIEVABLE (object), result, &error);
  if (value == NULL)
    {
      g_task_return_error (task, error ? explain_key (error) : g_error_new_literal (CONCIERGE_SECRETS_ERROR,
                                                                                   CONCIERGE_SECRETS_ERROR_LOCKED,
                                                                                   _("The keyring is locked.")));
      return;
    }

  /* The same key may stand in two collections, and after a restored
   * backup an item holds several: all of them count, each once. */
  if ((text = secret_value_get_text (value)) != NULL)
    {
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          if (lines[i][0] != '\0' && !g_ptr_array_find_with_equal_func (call->keys, lines[i], g_str_equal, NULL))
            g_ptr_array_add (call->keys, g_strdup (lines[i]));
          wipe (lines[i]);
        }
    }

  read_next_item (g_steal_pointer (&task));
}

static void
read_next_item (GTask *task)
{
  KeyCall *call = g_task_get_task_data (task);
  SecretRetrievable *item;

  if (call->items == NULL)
    {
      if (call->keys->len == 0)
        g_task_return_pointer (task, NULL, NULL);
      else
        {
          g_ptr_array_add (call->keys, NULL);
          g_task_return_pointer (task, g_strjoinv ("\n", (char **) call->keys->pdata), g_free);
          g_ptr_array_remove_index (call->keys, call->keys->len - 1);
        }
      g_object_unref (task);
      return;
    }

  item = call->items->data;
  call->items = g_list_delete_link (call->items, call->items);
  secret_retrievable_retrieve_secret (item, g_task_get_cancellable (task), item_read_cb, task);
  g_object_unref (item);
}

static void
key_searched_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  call->items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, explain_key (error));
      return;
    }

  /* A key that is there but locked must never look like no key at all:
   * a new one would then replace it, and with it every tombstone made. */
  for (GList *l = call->items; l != NULL; l = l->next)
    if (SECRET_IS_ITEM (l->data) && secret_item_get_locked (l->data))
      {
        return_locked (task);
        return;
      }

  call->keys = g_ptr_array_new_with_free_func (g_free);
  read_next_item (g_steal_pointer (&task));
}

/**
 * concierge_secrets_lookup_key_async:
 * @purpose: what the key is for, such as "tombstones"
 * @unlock: whether the keyring may ask the person to unlock it
 *
 * Reads a key of the profile. A key that is there but locked is the error
 * %CONCIERGE_SECRETS_ERROR_LOCKED, never "no key".
 */
void
concierge_secrets_lookup_key_async (const char          *profile_id,
                                    const char          *purpose,
                                    gboolean             unlock,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  KeyCall *call;

  g_return_if_fail (profile_id != NULL);
  g_return_if_fail (purpose != NULL);

  task = key_task_new (concierge_secrets_lookup_key_async, profile_id, purpose, unlock,
                       cancellable, callback, user_data);
  call = g_task_get_task_data (task);
  secret_password_searchv (concierge_secrets_key_schema (), call->attributes,
                           SECRET_SEARCH_ALL | (unlock ? SECRET_SEARCH_UNLOCK : SECRET_SEARCH_NONE),
                           cancellable, key_searched_cb, task);
}

/**
 * concierge_secrets_lookup_key_finish:
 *
 * Returns: (nullable): the profile's keys for that purpose, one a line, or
 *   %NULL without an error when the keyring has none; wipe it, then free it
 *   with g_free()
 */
char *
concierge_secrets_lookup_key_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (secret_password_store_finish (result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, explain_key (error));
}

static void
store_key (GTask *task)
{
  KeyCall *call = g_task_get_task_data (task);

  secret_password_storev (concierge_secrets_key_schema (), call->attributes, call->collection, call->label,
                          call->key, g_task_get_cancellable (task), key_stored_cb, task);
}

static void
key_collection_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;

  collection = secret_collection_for_alias_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, explain_key (error));
  /* Storing into a missing or locked collection would ask the person for
   * a password, which only they may start. */
  else if (collection == NULL || secret_collection_get_locked (collection))
    return_locked (task);
  else
    store_key (g_steal_pointer (&task));
}

static void
key_service_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KeyCall *call = g_task_get_task_data (task);
  g_autoptr(SecretService) service = NULL;
  g_autoptr(GError) error = NULL;

  service = secret_service_get_finish (result, &error);
  if (service == NULL)
    g_task_return_error (task, explain_key (error));
  else
    secret_collection_for_alias (service, call->collection, SECRET_COLLECTION_NONE,
                                 g_task_get_cancellable (task), key_collection_cb, g_object_ref (task));
}

/**
 * concierge_secrets_store_key_async:
 * @label: what the keyring shows a person
 * @key: the profile's keys for @purpose, one a line
 * @unlock: whether the keyring may ask the person to unlock it
 *
 * Saves a key of the profile, replacing the one saved before for the same
 * purpose.
 */
void
concierge_secrets_store_key_async (const char                 *profile_id,
                                   const char                 *purpose,
                                   const char                 *label,
                                   const char                 *key,
                                   ConciergeSecretsCollection  collection,
                                   gboolean                    unlock,
                                   GCancellable               *cancellable,
                                   GAsyncReadyCallback         callback,
                                   gpointer                    user_data)
{
  GTask *task;
  KeyCall *call;

  g_return_if_fail (profile_id != NULL);
  g_return_if_fail (purpose != NULL);
  g_return_if_fail (label != NULL);
  g_return_if_fail (key != NULL);

  task = key_task_new (concierge_secrets_store_key_async, profile_id, purpose, unlock,
                       cancellable, callback, user_data);
  call = g_task_get_task_data (task);
  g_hash_table_insert (call->attributes, (gpointer) "version", g_strdup (KEY_VERSION));
  call->collection = g_strdup (collection == CONCIERGE_SECRETS_SESSION ? SECRET_COLLECTION_SESSION
                                                                       : SECRET_COLLECTION_DEFAULT);
  call->label = g_strdup (label);
  call->key = g_strdup (key);

  /* Inside Flatpak, libsecret keeps the key in the Secret portal's file,
   * which has no collections to lock. */
  if (unlock || g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    store_key (task);
  else
    secret_service_get (SECRET_SERVICE_NONE, cancellable, key_service_cb, task);
}

gboolean
concierge_secrets_store_key_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
