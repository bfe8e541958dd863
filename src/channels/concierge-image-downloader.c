/* concierge-image-downloader.c
 *
 * Images, then documents up to the size the agent chose, downloaded for
 * offline reading after each sync, one at a time so that they never hold
 * up the conversations themselves.
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
  gboolean       files;      /* documents, not images */
} ImageRound;

static void
image_round_free (ImageRound *round)
{
  g_ptr_array_unref (round->downloads);
  g_free (round);
}

static void next_download (ImageRound *round);
static void load_round (ConciergeSync *self, gboolean files);

static void
finish_downloads (ConciergeSync *self)
{
  self->downloading = FALSE;
  if (self->download_again)
    sync_download_images (self);
}

/* After a full batch comes the next of its kind, after the images the
 * documents; @stop ends both, as when the platform is out of reach. */
static void
end_image_round (ImageRound *round,
                 gboolean    stop)
{
  ConciergeSync *self = round->sync;
  gboolean full = round->changed > 0 && round->downloads->len == IMAGE_BATCH;
  gboolean files = round->files;

  image_round_free (round);
  if (!stop && full)
    load_round (self, files);
  else if (!stop && !files)
    load_round (self, TRUE);
  else
    finish_downloads (self);
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
      g_warning ("Could not keep a download: %s", error->message);
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

  if (round->files)
    bytes = concierge_channel_fetch_file_finish (CONCIERGE_CHANNEL (object), result, &error);
  else
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
      end_image_round (round, TRUE);
      return;
    }

  if (bytes == NULL)
    g_debug ("%s %" G_GINT64_FORMAT " not downloaded: %s", round->files ? "File" : "Image",
             download->image_id, error->message);
  if (round->files)
    concierge_store_save_file_async (round->sync->store, download->image_id, bytes,
                                     round->sync->cancellable, image_saved_cb, round);
  else
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

      if (round->files)
        concierge_channel_fetch_file_async (account->channel, download->source, round->sync->cancellable,
                                            image_fetched_cb, round);
      else
        concierge_channel_fetch_image_async (account->channel, download->source, round->sync->cancellable,
                                             image_fetched_cb, round);
      return;
    }

  end_image_round (round, FALSE);
}

static void
start_round (ConciergeSync *self,
             GPtrArray     *downloads,
             GError        *error,
             gboolean       files)
{
  ImageRound *round;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (downloads == NULL)
    {
      g_warning ("Could not look for downloads: %s", error->message);
      self->downloading = FALSE;
      return;
    }

  round = g_new0 (ImageRound, 1);
  round->sync = self;
  round->downloads = downloads;
  round->files = files;
  next_download (round);
}

static void
downloads_loaded_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *downloads = concierge_store_load_image_downloads_finish (CONCIERGE_STORE (object), result, &error);

  start_round (user_data, downloads, error, FALSE);
}

static void
file_downloads_loaded_cb (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *downloads = concierge_store_load_file_downloads_finish (CONCIERGE_STORE (object), result, &error);

  start_round (user_data, downloads, error, TRUE);
}

static void
load_round (ConciergeSync *self,
            gboolean       files)
{
  gint64 limit;

  if (!files)
    {
      concierge_store_load_image_downloads_async (self->store, IMAGE_BATCH, self->cancellable,
                                                  downloads_loaded_cb, self);
      return;
    }

  /* Larger documents are not asked for at all. */
  if ((limit = self->document_limit) == 0)
    {
      finish_downloads (self);
      return;
    }
  concierge_store_load_file_downloads_async (self->store, IMAGE_BATCH, limit, self->cancellable,
                                             file_downloads_loaded_cb, self);
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
  load_round (self, FALSE);
}
