/* concierge-inbox-row-facts.c
 *
 * What an inbox row shows of a thread, in words, worked out on the
 * store's worker thread each time the thread changes: binding a row while
 * scrolling only formats these facts against the clock. Whatever a row
 * shows joins them here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "privacy/concierge-detector.h"
#include "concierge-inbox-row-facts.h"

/**
 * concierge_inbox_row_facts:
 * @targets: (type ConciergeResponseTargets*): what waiting times are
 *   measured against
 *
 * A #ConciergeStoreRowFacts: the store calls it on its worker thread.
 *
 * Returns: (transfer full): the facts of @thread's row at @now
 */
ConciergeRowFacts *
concierge_inbox_row_facts (ConciergeThread *thread,
                           gint64           now,
                           gpointer         targets)
{
  const char *name = concierge_thread_get_contact_name (thread);
  g_autofree char *personal_data = NULL;
  ConciergeRowFacts *facts;
  gint64 waiting_since;

  if (name[0] == '\0')
    name = _("Unknown Customer");
  /* Personal data in public is what the agent must see first. */
  if (concierge_thread_get_visibility (thread) == CONCIERGE_VISIBILITY_PUBLIC)
    personal_data = concierge_detector_describe_kinds (concierge_thread_get_personal_data (thread));

  facts = concierge_row_facts_new (name, personal_data);
  waiting_since = concierge_thread_get_waiting_since (thread);
  if (waiting_since != 0)
    concierge_row_facts_start_clock (facts, targets, waiting_since,
                                     concierge_thread_get_first_response_at (thread) != 0, now);
  return facts;
}
