/* test-store-fixture.h
 *
 * What the store's tests share: a store in a temporary folder with two
 * accounts, and the helpers that several of them use.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "test-util.h"

G_BEGIN_DECLS

typedef struct
{
  char             *dir;
  char             *path;
  ConciergeStore   *store;
  ConciergeAccount *mastodon;
  ConciergeAccount *telegram;
} Fixture;

void                     fixture_set_up    (Fixture       *fixture,
                                            gconstpointer  data);
void                     fixture_tear_down (Fixture       *fixture,
                                            gconstpointer  data);
ConciergeMessage        *incoming          (const char *remote_id,
                                            const char *author_id,
                                            const char *author_name,
                                            const char *body,
                                            gint64      created_at);
void                     ingest_one        (Fixture            *fixture,
                                            ConciergeAccount   *account,
                                            const char         *thread,
                                            ConciergeVisibility visibility,
                                            ConciergeMessage   *message);
ConciergeThread         *load_thread       (Fixture    *fixture,
                                            const char *remote_id);
void                     scan              (Fixture  *fixture,
                                            gboolean  again);
void                     use_detector      (Fixture            *fixture,
                                            const char * const *allowed);
void                     count_signal      (guint *count);
void                     save_image        (Fixture *fixture,
                                            gint64   image_id,
                                            GBytes  *bytes);
GAsyncResult            *wait_for          (GAsyncResult **result);
void                     expect_true       (ConciergeStore *store,
                                            GAsyncResult   *result);
gboolean                 finish_boolean    (Fixture       *fixture,
                                            GAsyncResult **result);
void                     set_field         (Fixture              *fixture,
                                            gint64                contact_id,
                                            ConciergeContactField field,
                                            const char           *value);
void                     merge             (Fixture *fixture,
                                            gint64   keep_id,
                                            gint64   merge_id);
ConciergeContactSummary *summarize         (Fixture *fixture,
                                            gint64   contact_id);
ConciergeMessage        *telegram_incoming (const char *remote_id,
                                            const char *user_id,
                                            const char *name,
                                            const char *body,
                                            gint64      created_at);
gint64                   contact_of_thread (Fixture    *fixture,
                                            const char *remote_id);

G_END_DECLS
