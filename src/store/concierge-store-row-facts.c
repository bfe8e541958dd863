/* concierge-store-row-facts.c
 *
 * What the inbox's rows show, worked out on the worker whenever it reads
 * a thread, so that the rows only format it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/**
 * concierge_store_set_row_facts:
 * @func: (nullable): works out what a thread's inbox row shows; it runs on
 *   the store's worker thread, so it and @user_data must be safe to use
 *   there
 *
 * Every thread the store reads from then on carries its row's facts
 * (concierge_thread_get_row_facts()); threads read before keep the facts
 * they had, so whatever shows them reads them anew.
 */
void
concierge_store_set_row_facts (ConciergeStore         *self,
                               ConciergeStoreRowFacts  func,
                               gpointer                user_data,
                               GDestroyNotify          destroy)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_set_hook (self, concierge_store_set_row_facts, &self->worker->row_facts, G_CALLBACK (func), user_data,
                  destroy);
}

/* On the worker. */
void
store_add_row_facts (ConciergeStore  *self,
                     ConciergeThread *thread)
{
  StoreHook *hook = &self->worker->row_facts;

  if (hook->func != NULL)
    thread->row_facts = ((ConciergeStoreRowFacts) hook->func) (thread, g_get_real_time () / G_USEC_PER_SEC,
                                                               hook->data);
}
