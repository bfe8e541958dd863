/* concierge-row-facts.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-row-facts.h"

static void
row_facts_clear (gpointer data)
{
  ConciergeRowFacts *self = data;

  g_free (self->name);
  g_free (self->personal_data);
}

/**
 * concierge_row_facts_new:
 * @personal_data: (nullable): the kinds found in public, in words
 *
 * Returns: (transfer full): facts whose waiting clock counts calendar time
 *   without a target, until concierge_row_facts_start_clock() sets it
 */
ConciergeRowFacts *
concierge_row_facts_new (const char *name,
                         const char *personal_data)
{
  /* Made on the store's worker, read and released on the main thread. */
  ConciergeRowFacts *self = g_atomic_rc_box_new0 (ConciergeRowFacts);

  self->name = g_strdup (name);
  self->personal_data = g_strdup (personal_data);
  self->n_pieces = 1;
  self->pieces[0] = (ConciergeClockPiece) { G_MAXINT64, TRUE };
  return self;
}

/**
 * concierge_row_facts_start_clock:
 * @targets: (nullable): the team's promise, or %NULL to count calendar
 *   time without a target
 * @waiting_since: when the customer began to wait, in Unix time
 * @answered_before: whether the customer had an answer before, which
 *   makes this one a later answer with a target of its own
 * @now: Unix time
 *
 * Works out the business time the customer waited until @now, and when the
 * clock starts and stops in the days ahead, so that the waiting time at any
 * moment up to CONCIERGE_ROW_FACTS_HORIZON later is a sum.
 */
void
concierge_row_facts_start_clock (ConciergeRowFacts        *self,
                                 ConciergeResponseTargets *targets,
                                 gint64                    waiting_since,
                                 gboolean                  answered_before,
                                 gint64                    now)
{
  gint64 time, horizon;

  g_return_if_fail (self != NULL);

  self->clock_at = now;
  if (targets == NULL)
    {
      self->target = 0;
      self->waited = MAX (now - waiting_since, 0);
      self->n_pieces = 1;
      self->pieces[0] = (ConciergeClockPiece) { G_MAXINT64, TRUE };
      return;
    }

  self->target = answered_before ? targets->next_response : targets->first_response;
  self->waited = concierge_business_hours_elapsed (targets->hours, waiting_since, now);
  horizon = now + CONCIERGE_ROW_FACTS_HORIZON;
  self->n_pieces = 0;
  for (time = now; time < horizon && self->n_pieces < G_N_ELEMENTS (self->pieces);)
    {
      ConciergeClockPiece *piece = &self->pieces[self->n_pieces++];

      piece->until = concierge_business_hours_next_change (targets->hours, time, horizon, &piece->running);
      time = piece->until;
    }
}

ConciergeRowFacts *
concierge_row_facts_ref (ConciergeRowFacts *self)
{
  return g_atomic_rc_box_acquire (self);
}

void
concierge_row_facts_unref (ConciergeRowFacts *self)
{
  g_atomic_rc_box_release_full (self, row_facts_clear);
}

/**
 * concierge_row_facts_waiting_state:
 * @now: Unix time
 * @waited: (out) (optional): the business time waited until @now, or until
 *   the facts went stale
 *
 * Returns: where the waiting stands against its target at @now
 */
ConciergeWaitingState
concierge_row_facts_waiting_state (const ConciergeRowFacts *self,
                                   gint64                   now,
                                   gint64                  *waited)
{
  gint64 total, from;

  g_return_val_if_fail (self != NULL, CONCIERGE_WAITING_NORMAL);

  total = self->waited;
  from = self->clock_at;
  for (guint i = 0; i < self->n_pieces && from < now; i++)
    {
      gint64 until = MIN (self->pieces[i].until, now);

      if (self->pieces[i].running && until > from)
        total += until - from;
      from = self->pieces[i].until;
    }

  if (waited != NULL)
    *waited = total;
  return concierge_waiting_state (total, self->target);
}

/**
 * concierge_row_facts_is_stale:
 * @now: Unix time
 *
 * Returns: whether @now lies past the days the waiting clock was worked
 *   out for
 */
gboolean
concierge_row_facts_is_stale (const ConciergeRowFacts *self,
                              gint64                   now)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->n_pieces > 0 && now > self->pieces[self->n_pieces - 1].until;
}
