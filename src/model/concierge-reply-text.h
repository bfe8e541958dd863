/* concierge-reply-text.h
 *
 * What Concierge reads in a reply's text, and writes into it: the
 * variables of saved replies, the customer's language and form of address
 * as their own messages show them, and whether two replies say the same.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "concierge-model.h"

G_BEGIN_DECLS

/* What a saved reply's variables stand for; NULL or "" where it is not
 * known, and the variable then stays for the agent to fill in. */
typedef struct
{
  const char *customer_name;
  const char *agent_name;
  const char *platform;
  const char *ticket;
} ConciergeReplyVariables;

/* Where a variable stands in a text, in characters. */
typedef struct
{
  guint start;
  guint end;
} ConciergeTextSpan;

char              *concierge_reply_fill_variables    (const char                    *text,
                                                      const ConciergeReplyVariables *variables);
GArray            *concierge_reply_find_variables    (const char                    *text);
char              *concierge_reply_first_name        (const char                    *name);
char              *concierge_reply_normalize         (const char                    *text);
ConciergeLanguage  concierge_reply_guess_language    (const char * const            *texts);
ConciergeAddress   concierge_reply_guess_address     (const char * const            *texts);

G_END_DECLS
