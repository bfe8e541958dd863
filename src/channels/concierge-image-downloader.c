/* concierge-image-downloader.c
 *
 * Images, downloaded for offline reading after each sync, one at a time
 * so that they never hold up the conversations themselves.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-sync-private.h"

/* Images are downloaded this many at a time, one after another. */
#define IMAGE_BATCH        8

typedef struct
{
  ConciergeSync *sync;       /* not a reference: cancelled on dispose */
  GPtrArray     *downloads;
  guint          next;
  guint          changed;    /* images saved, or attempts counted */
} ImageRound;

static void
image_round_free (ImageRound *round)
{
  g_ptr_array_unref (round->downloads);
  g_free (round);
}

static void next_download (ImageRound *round);

static void
end_image_round (ImageRound *round)
{
  ConciergeSync *self = round->sync;
  gboolean again = self->download_again || (round->changed > 0 && round->downloads->len == IMAGE_BATCH);

  self->downloading = FALSE;
  image_round_free (round);
  if (again)
    sync_download_images (self);
}

static void
image_saved_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImageRound *round = user_data;
  g_autoptr(GError) error = NULL;

  if (!concierge_store_boolean_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          image_round_free (round);
          return;
        }
      g_warning ("Could not keep an image: %s", error->message);
    }
  else
    round->changed++;

  round->next++;
  next_download (round);
}

static void
image_fetched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ImageRound *round = user_data;
  ConciergeImageDownload *download = g_ptr_array_index (round->downloads, round->next);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = concierge_channel_fetch_image_finish (CONCIERGE_CHANNEL (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      image_round_free (round);
      return;
    }

  /* Being offline or asked to wait says nothing about the image: it is
   * tried again after the next sync, without counting. */
  if (bytes == NULL &&
      (sync_is_unreachable (error) || error->domain == G_IO_ERROR || error->domain == SOUP_SESSION_ERROR ||
       g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED) ||
       g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED)))
    {
      end_image_round (round);
      return;
    }

  if (bytes == NULL)
    g_debug ("Image %" G_GINT64_FORMAT " not downloaded: %s", download->image_id, error->message);
  concierge_store_save_image_async (round->sync->store, download->image_id, bytes,
                                    round->sync->cancellable, image_saved_cb, round);
}

static void
next_download (ImageRound *round)
{
  for (; round->next < round->downloads->len; round->next++)
    {
      ConciergeImageDownload *download = g_ptr_array_index (round->downloads, round->next);
      AccountSync *account = g_hash_table_lookup (round->sync->accounts, &download->account_id);

      if (account == NULL || account->channel == NULL || account->state == CONCIERGE_SYNC_OFFLINE ||
          account->state == CONCIERGE_SYNC_NEEDS_SIGN_IN)
        continue;

      concierge_channel_fetch_image_async (account->channel, download->source, round->sync->cancellable,
                                           image_fetched_cb, round);
      return;
    }

  end_image_round (round);
}

static void
downloads_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ConciergeSync *self = user_data;
  g_autoptr(GError) error = NULL;
  ImageRound *round;
  GPtrArray *downloads;

  downloads = concierge_store_load_image_downloads_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (downloads == NULL)
    {
      g_warning ("Could not look for images to download: %s", error->message);
      self->downloading = FALSE;
      return;
    }

  round = g_new0 (ImageRound, 1);
  round->sync = self;
  round->downloads = downloads;
  next_download (round);
}

void
sync_download_images (ConciergeSync *self)
{
  if (self->downloading)
    {
      self->download_again = TRUE;
      return;
    }

  self->downloading = TRUE;
  self->download_again = FALSE;
  concierge_store_load_image_downloads_async (self->store, IMAGE_BATCH, self->cancellable,
                                              downloads_loaded_cb, self);
}
