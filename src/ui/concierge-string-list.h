/* concierge-string-list.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CONCIERGE_TYPE_STRING_LIST (concierge_string_list_get_type ())

G_DECLARE_FINAL_TYPE (ConciergeStringList, concierge_string_list, CONCIERGE, STRING_LIST, GObject)

/* Whether @value may join the list; if not, @problem says why. */
typedef gboolean (*ConciergeStringCheck) (const char  *value,
                                          char       **problem);

ConciergeStringList *concierge_string_list_new     (GtkListBox           *list,
                                                    GSettings            *settings,
                                                    const char           *key,
                                                    const char           *placeholder,
                                                    const char           *add_label,
                                                    ConciergeStringCheck  check,
                                                    GtkLabel             *problem_label);
void                 concierge_string_list_set_sorted (ConciergeStringList *self,
                                                       gboolean             sorted);
const char          *concierge_string_list_get_key (ConciergeStringList  *self);
void                 concierge_string_list_remove  (ConciergeStringList  *self,
                                                    const char           *value);

G_END_DECLS
