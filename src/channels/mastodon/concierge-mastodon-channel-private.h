/* concierge-mastodon-channel-private.h
 *
 * What the sign-in shares with the channel: a sign-in asks the server
 * through a channel that has no token yet. The fetching, in a file of its
 * own, shares the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-mastodon-channel.h"

G_BEGIN_DECLS

#define DEFAULT_MAX_CHARACTERS 500
/* The Link header of a task's last answer, as data of the task. */
#define CONCIERGE_MASTODON_LINK_KEY "concierge-mastodon-link"

struct _ConciergeMastodon
{
  GObject      parent_instance;

  SoupSession *session;
  gint64       account_id;
  char        *server_url;
  char        *own_account_id;
  char        *access_token; /* in memory only; never logged */
  char        *client_id;    /* the app the token was granted to, if known */
  char        *client_secret;
  gboolean     signing_in;   /* errors speak of the sign-in, not of syncing */
  guint        retry_after;
  gint64       not_before;   /* µs since the epoch: the pace holds requests until then */
  guint        max_characters;
  gboolean     more;          /* the last fetch stopped at its page limit */
  guint        first_sync_threads; /* 0: the last BACKFILL_DAYS */
};

typedef void (*ConciergeMastodonJsonCallback) (GTask *task, JsonNode *root);

void concierge_mastodon_request_json       (GTask                         *task,
                                            const char                    *method,
                                            const char                    *path,
                                            const char                    *query,
                                            GHashTable                    *form,
                                            const char                    *idempotency_key,
                                            ConciergeMastodonJsonCallback  callback);
void concierge_mastodon_return_unreadable  (GTask                         *task);
char    *concierge_mastodon_link_target    (GTask                         *task,
                                            const char                    *rel);
gboolean concierge_mastodon_next_page      (GTask                         *task,
                                            char                         **path,
                                            char                         **query);

void             concierge_mastodon_fetch_async  (ConciergeChannel     *channel,
                                                  const char           *cursor,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
ConciergeIngest *concierge_mastodon_fetch_finish (ConciergeChannel     *channel,
                                                  GAsyncResult         *result,
                                                  char                **cursor,
                                                  GError              **error);

G_END_DECLS
