/* concierge-tombstone-key.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gi18n.h>

#include "secrets/concierge-secrets.h"
#include "concierge-tombstone-key.h"

#define PURPOSE "tombstones"
#define KEY_BYTES 32

typedef struct
{
  ConciergeStore *store;
  gboolean        unlock;
  char          **keys;    /* the keyring's, then what it is to keep */
  char           *legacy;  /* the database's, from an earlier version */
} Loading;

static void
wipe (char *text)
{
  if (text != NULL)
    memset (text, 0, strlen (text));
}

static void
loading_free (Loading *loading)
{
  g_object_unref (loading->store);
  for (guint i = 0; loading->keys != NULL && loading->keys[i] != NULL; i++)
    wipe (loading->keys[i]);
  g_strfreev (loading->keys);
  wipe (loading->legacy);
  g_free (loading->legacy);
  g_free (loading);
}

/* 256 bits from the kernel's random source, as hex: the HMAC's key is the
 * text, as it always was. */
static char *
new_key (GError **error)
{
  guint8 bytes[KEY_BYTES];
  GString *key;
  gsize filled = 0;

  while (filled < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + filled, sizeof bytes - filled, 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       "No random bytes for a new key: %s", g_strerror (saved_errno));
          return NULL;
        }
      filled += n;
    }

  key = g_string_sized_new (2 * KEY_BYTES + 1);
  for (guint i = 0; i < KEY_BYTES; i++)
    g_string_append_printf (key, "%02x", bytes[i]);
  memset (bytes, 0, sizeof bytes);

  return g_string_free (key, FALSE);
}

static void
legacy_deleted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* The keys are in the keyring and in the store; a row left behind is
   * deleted on the next start, which finds it again. */
  if (!concierge_store_delete_legacy_tombstone_key_finish (CONCIERGE_STORE (object), result, &error))
    g_message ("The tombstone key stays in the cache until the next start: %s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
hand_over (GTask *task)
{
  Loading *loading = g_task_get_task_data (task);

  concierge_store_set_tombstone_keys (loading->store, (const char * const *) loading->keys);

  if (loading->legacy == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  concierge_store_delete_legacy_tombstone_key_async (loading->store, loading->legacy, g_task_get_cancellable (task),
                                                     legacy_deleted_cb, task);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* Nothing leaves the database before the keyring has the key. */
  if (!concierge_secrets_store_key_finish (result, &error))
    g_task_return_error (task, error);
  else
    hand_over (g_steal_pointer (&task));
}

static void
legacy_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Loading *loading = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  const char *label;
  GError *error = NULL;
  guint n_keys = g_strv_length (loading->keys);

  loading->legacy = concierge_store_load_legacy_tombstone_key_finish (loading->store, result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (loading->legacy != NULL && !g_strv_contains ((const char * const *) loading->keys, loading->legacy))
    {
      /* The database's key joins the keyring's. Without one there, this
       * is the move from an earlier version. With a different one there,
       * an earlier version opened the cache after the move and made
       * itself a new key, or a backup of the cache from before the move
       * came back after the keyring had lost the key and a new one was
       * made. Tombstones made with either may be in the file, and none can
       * be made again with another key: its ids are gone. So the keyring
       * keeps both: the one it had first goes on making new tombstones,
       * and each recognizes its own. */
      loading->keys = g_renew (char *, loading->keys, n_keys + 2);
      loading->keys[n_keys] = g_strdup (loading->legacy);
      loading->keys[n_keys + 1] = NULL;
    }
  else if (n_keys == 0)
    {
      g_strfreev (loading->keys);
      loading->keys = g_new0 (char *, 2);
      if ((loading->keys[0] = new_key (&error)) == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    {
      hand_over (g_steal_pointer (&task));
      return;
    }

  text = g_strjoinv ("\n", loading->keys);
  /* Translators: how the keyring (Passwords and Keys) lists the key that
   * Concierge recognizes the messages of forgotten customers with */
  label = _("Concierge: key that keeps forgotten customers forgotten");
  concierge_secrets_store_key_async (concierge_store_get_profile_id (loading->store), PURPOSE, label, text,
                                     CONCIERGE_SECRETS_DEFAULT, loading->unlock, g_task_get_cancellable (task),
                                     stored_cb, g_object_ref (task));
  wipe (text);
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Loading *loading = g_task_get_task_data (task);
  GError *error = NULL;
  char *text;

  text = concierge_secrets_lookup_key_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  loading->keys = text ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
  wipe (text);
  g_free (text);
  concierge_store_load_legacy_tombstone_key_async (loading->store, g_task_get_cancellable (task),
                                                   legacy_loaded_cb, g_object_ref (task));
}

/**
 * concierge_tombstone_key_load_async:
 * @unlock: whether the keyring may ask the person to unlock it; only an
 *   action of theirs should
 *
 * Hands @store the profile's tombstone keys from the keyring. A key that
 * an earlier version kept in the database moves to the keyring first, and
 * is deleted from the database only once the keyring has it. A profile
 * without a key gets a new one, straight in the keyring.
 *
 * Fails with a #CONCIERGE_SECRETS_ERROR when the keyring is locked, not
 * running, or fails; the store then stays without a key.
 */
void
concierge_tombstone_key_load_async (ConciergeStore      *store,
                                    gboolean             unlock,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task;
  Loading *loading;

  g_return_if_fail (CONCIERGE_IS_STORE (store));

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_tombstone_key_load_async);
  loading = g_new0 (Loading, 1);
  loading->store = g_object_ref (store);
  loading->unlock = unlock;
  g_task_set_task_data (task, loading, (GDestroyNotify) loading_free);

  concierge_secrets_lookup_key_async (concierge_store_get_profile_id (store), PURPOSE, unlock, cancellable,
                                      looked_up_cb, task);
}

gboolean
concierge_tombstone_key_load_finish (GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
