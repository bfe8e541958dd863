/* concierge-mastodon.h
 *
 * What every file of the Mastodon folder shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* How accounts, threads and identities name the platform. */
#define CONCIERGE_MASTODON_ID "mastodon"
