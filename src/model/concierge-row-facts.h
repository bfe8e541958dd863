/* concierge-row-facts.h
 *
 * What an inbox row shows of a thread, worked out on the store's worker
 * once each time the thread changes, so that a row, when it is bound,
 * only reads these facts and formats them against the clock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "concierge-business-hours.h"

G_BEGIN_DECLS

/* How far ahead the waiting clock is worked out; after that, the facts
 * are worked out anew. */
#define CONCIERGE_ROW_FACTS_HORIZON (3 * 24 * 60 * 60)
#define CONCIERGE_ROW_FACTS_MAX_PIECES 16

typedef struct
{
  gint64   until;    /* Unix time */
  gboolean running;  /* whether waiting time counts until then */
} ConciergeClockPiece;

typedef struct
{
  /* The customer's name as the row shows it. */
  char                *name;
  /* The kinds of personal data found in public, in words; NULL for none. */
  char                *personal_data;
  /* Business time the customer may wait for this answer; 0 for no target. */
  gint64               target;

  /* Business time waited: @waited at @clock_at, then counting or standing
   * piece by piece, each until the time it names. */
  gint64               clock_at;
  gint64               waited;
  guint                n_pieces;
  ConciergeClockPiece  pieces[CONCIERGE_ROW_FACTS_MAX_PIECES];
} ConciergeRowFacts;

ConciergeRowFacts     *concierge_row_facts_new           (const char               *name,
                                                          const char               *personal_data);
void                   concierge_row_facts_start_clock   (ConciergeRowFacts        *self,
                                                          ConciergeResponseTargets *targets,
                                                          gint64                    waiting_since,
                                                          gboolean                  answered_before,
                                                          gint64                    now);
ConciergeRowFacts     *concierge_row_facts_ref           (ConciergeRowFacts        *self);
void                   concierge_row_facts_unref         (ConciergeRowFacts        *self);

ConciergeWaitingState  concierge_row_facts_waiting_state (const ConciergeRowFacts  *self,
                                                          gint64                    now,
                                                          gint64                   *waited);
gboolean               concierge_row_facts_is_stale      (const ConciergeRowFacts  *self,
                                                          gint64                    now);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeRowFacts, concierge_row_facts_unref)

G_END_DECLS
