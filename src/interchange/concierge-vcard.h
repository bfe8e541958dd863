/* concierge-vcard.h
 *
 * The files customers' details travel in between Concierge and address
 * books: vCard 3.0 (RFC 2426) and 4.0 (RFC 6350) in, vCard 4.0 and CSV
 * out. These are pure functions; they may run on any thread.
 *
 * What a card gives a customer:
 *
 *   FN                 the name; without one, the parts of N, then the
 *                      first part of ORG, then the email address, then an
 *                      account's handle, then the phone number
 *   EMAIL              the email address: the one with the lowest PREF,
 *                      or TYPE=pref in 3.0, else the first; "mailto:" is
 *                      dropped
 *   TEL                the phone number, chosen as EMAIL is; "tel:" is
 *                      dropped, the rest of a tel: URI stays
 *   NOTE               the note; several are joined line by line
 *   CATEGORIES         the tags, from every CATEGORIES line
 *   LANG               the language, when the most preferred tag that
 *                      Concierge knows is German or English ("de-AT" is
 *                      German)
 *   X-CONCIERGE-CUSTOMER-NUMBER, X-CONCIERGE-CONTRACTS,
 *   X-CONCIERGE-ORDERS, X-CONCIERGE-ADDRESS ("formal" or "informal")
 *                      Concierge's own fields
 *   X-SOCIALPROFILE, IMPP, URL
 *                      accounts, as each platform's table entry reads
 *                      their addresses: a Mastodon profile,
 *                      https://server/@user, becomes "@user@server"; a
 *                      Telegram one, https://t.me/user or
 *                      tg://resolve?domain=user, becomes "@user".
 *                      X-SOCIALPROFILE with a TYPE that is a platform's
 *                      id may also hold the handle itself. The file knows neither the account's
 *                      id on the platform nor the server Concierge reached
 *                      it through, so an account read has an empty
 *                      remote id, server URL and display name.
 *
 * Everything else is left alone. A card that gives no name at all gives
 * no customer. Cards may carry groups ("item1.EMAIL"), in any case, folded
 * with CRLF or LF. vCard 2.1 is refused with an error that says so.
 *
 * Written are FN, N (the last word of the name as the family name, the
 * words before it as given names), EMAIL, TEL as text, LANG, CATEGORIES,
 * NOTE, the X-CONCIERGE- properties and an X-SOCIALPROFILE for each
 * account with a handle, in CRLF lines folded at 75 octets. Reading what
 * was written gives the same fields, language, form of address and
 * accounts' handles back; a line break in a note comes back as LF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "model/concierge-model.h"

G_BEGIN_DECLS

/* What one import reads at most. */
#define CONCIERGE_VCARD_MAX_SIZE  (16 * 1024 * 1024)
#define CONCIERGE_VCARD_MAX_CARDS 100000

GPtrArray *concierge_vcard_parse         (const char                *text,
                                          gsize                      length,
                                          GError                   **error);
char      *concierge_vcard_write         (ConciergeContact * const  *contacts,
                                          guint                      n_contacts);
char      *concierge_contacts_write_csv  (ConciergeContact * const  *contacts,
                                          guint                      n_contacts);

G_END_DECLS
