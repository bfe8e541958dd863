/* concierge-inbox-row-facts.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "model/concierge-model.h"

G_BEGIN_DECLS

ConciergeRowFacts *concierge_inbox_row_facts (ConciergeThread *thread,
                                              gint64           now,
                                              gpointer         targets);

G_END_DECLS
