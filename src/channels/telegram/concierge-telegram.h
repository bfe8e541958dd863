/* concierge-telegram.h
 *
 * What every file of the Telegram folder shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* How accounts, threads and identities name the platform. */
#define CONCIERGE_TELEGRAM_ID "telegram"
