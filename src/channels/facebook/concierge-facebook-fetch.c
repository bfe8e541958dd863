/* concierge-facebook-fetch.c
 *
 * A fetch of a page: the page itself, its posts with their comments, then
 * its Messenger conversations, each step in a file of its own. Meta has no feed of
 * everything new since a point, as Mastodon's notifications are, so each
 * step keeps its own positions in the cursor, which the sync stores as a
 * form ("f=…&m=…").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-facebook-channel-private.h"

typedef void (*FetchStep) (GTask *task);

static const FetchStep steps[] = {
  concierge_facebook_fetch_page,
  concierge_facebook_fetch_feed,
  concierge_facebook_fetch_messenger,
};

static void
fetch_free (ConciergeFacebookFetch *fetch)
{
  g_clear_pointer (&fetch->ingest, concierge_ingest_free);
  g_clear_pointer (&fetch->cursor, g_hash_table_unref);
  g_free (fetch);
}

/* The positions, in a table whose values the steps may replace:
 * soup_form_decode()'s values belong to its keys. */
static GHashTable *
decode_positions (const char *cursor)
{
  GHashTable *positions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) decoded = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (cursor == NULL || cursor[0] == '\0')
    return positions;
  decoded = soup_form_decode (cursor);
  g_hash_table_iter_init (&iter, decoded);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (positions, g_strdup (key), g_strdup (value));
  return positions;
}

static void
run_step (GTask *task)
{
  ConciergeFacebookFetch *fetch = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (fetch->step < G_N_ELEMENTS (steps))
    {
      steps[fetch->step] (task);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&fetch->ingest), (GDestroyNotify) concierge_ingest_free);
}

/**
 * concierge_facebook_fetch_step_done:
 * @task: a fetch's
 *
 * Goes on with the next step, or ends the fetch after the last.
 */
void
concierge_facebook_fetch_step_done (GTask *task)
{
  ConciergeFacebookFetch *fetch = g_task_get_task_data (task);

  fetch->step++;
  run_step (task);
}

void
concierge_facebook_fetch_async (ConciergeChannel    *channel,
                                const char          *cursor,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ConciergeFacebook *self = CONCIERGE_FACEBOOK (channel);
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  ConciergeFacebookFetch *fetch = g_new0 (ConciergeFacebookFetch, 1);

  g_task_set_source_tag (task, concierge_facebook_fetch_async);
  fetch->ingest = concierge_ingest_new (self->account_id);
  concierge_ingest_set_remote_user_id (fetch->ingest, self->page_id);
  fetch->cursor = decode_positions (cursor);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);
  self->more = FALSE;
  run_step (task);
}

ConciergeIngest *
concierge_facebook_fetch_finish (ConciergeChannel  *channel,
                                 GAsyncResult      *result,
                                 char             **cursor,
                                 GError           **error)
{
  ConciergeFacebookFetch *fetch;
  ConciergeIngest *ingest;
  g_autofree char *positions = NULL;

  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  ingest = g_task_propagate_pointer (G_TASK (result), error);
  if (ingest == NULL)
    return NULL;

  fetch = g_task_get_task_data (G_TASK (result));
  positions = soup_form_encode_hash (fetch->cursor);
  concierge_ingest_set_cursor (ingest, CONCIERGE_FACEBOOK_CURSOR_STREAM, positions);
  if (cursor != NULL)
    *cursor = g_steal_pointer (&positions);
  return ingest;
}
