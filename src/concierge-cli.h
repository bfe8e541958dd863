/* concierge-cli.h
 *
 * The commands that need no display, for IT departments that set up many
 * desktops, and for tests.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

int concierge_cli_account (int    argc,
                           char **argv);
int concierge_cli_privacy (int    argc,
                           char **argv);
char *concierge_cli_describe (void);

G_END_DECLS
