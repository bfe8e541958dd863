/* concierge-facebook.h
 *
 * What every file of the Facebook folder shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* How accounts, threads and identities name the platform. */
#define CONCIERGE_FACEBOOK_ID "facebook"
#define CONCIERGE_FACEBOOK_GRAPH_URL "https://graph.facebook.com"
/* The one Graph API version every request names. Meta keeps a version
 * for at least two years after the next one comes out; moving on is a
 * change of this line and of what the tests expect. */
#define CONCIERGE_FACEBOOK_GRAPH_VERSION "v25.0"

/* Messenger's reply windows after the customer's last message: the
 * standard one, and the human-agent tag's. */
#define CONCIERGE_FACEBOOK_STANDARD_WINDOW (24 * 60 * 60)
#define CONCIERGE_FACEBOOK_HUMAN_AGENT_WINDOW (7 * 24 * 60 * 60)
