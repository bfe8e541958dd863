/* concierge-ui.h
 *
 * What the widgets share: how times, platforms and forms of address read,
 * the agent's name, file choosers, disposing a template widget, and
 * callbacks that may outlive the widget that started their call.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "channels/concierge-platform.h"
#include "channels/concierge-sync.h"

G_BEGIN_DECLS

void        concierge_widget_dispose_children (GtkWidget  *widget,
                                               GType       widget_type);
void        concierge_stack_show              (GtkStack   *stack,
                                               const char *name);
GtkNativeDialog *concierge_file_chooser_new   (GtkNativeDialog      **slot,
                                               GtkWindow             *parent,
                                               const char            *title,
                                               GtkFileChooserAction   action,
                                               const char            *accept_label,
                                               const char            *filter_name,
                                               const char            *mime_type,
                                               const char            *suffix);
GFile      *concierge_file_chooser_take_file  (GtkNativeDialog **slot,
                                               GtkNativeDialog  *chooser,
                                               int               response);
char       *concierge_text_view_dup_text      (GtkTextView *view);
char       *concierge_format_waiting          (gint64      seconds);
char       *concierge_markup_with_links       (const char *text);
/* The warning comes once a sixth of the limit is left: at 250 of 300. */
#define CONCIERGE_POSTS_LIMIT_WARNING_SHARE 6
char       *concierge_describe_posts_limit    (const char *platform_name,
                                               guint       limit,
                                               guint       seconds,
                                               guint       posted);
char       *concierge_describe_reply_window_state (const ConciergeChannelCapabilities *capabilities,
                                                   ConciergeVisibility                 visibility,
                                                   gint64                              last_incoming,
                                                   gint64                              now,
                                                   gboolean                           *closed);
char       *concierge_describe_reply_window   (guint       window_seconds,
                                               gint64      last_incoming,
                                               gint64      now);
char       *concierge_format_time             (gint64      unix_time,
                                               gint64      now);
char       *concierge_format_date             (GDateTime  *date);
char       *concierge_format_date_time        (gint64      unix_time);
const char *concierge_sync_state_describe     (ConciergeSync  *sync,
                                               gint64          account_id,
                                               const char    **icon_name);
const char *concierge_address_name            (ConciergeAddress  address);
char       *concierge_agent_name              (GSettings        *settings);
AdwToast   *concierge_toast_new               (const char       *text);
void        concierge_widget_add_toast        (GtkWidget        *widget,
                                               AdwToast         *toast);
void        concierge_list_box_bind_models    (GtkListBox       *list,
                                               GListModel       *items,
                                               GListModel       *after,
                                               GtkListBoxCreateWidgetFunc create_row,
                                               gpointer          user_data);
void        concierge_list_store_set_placeholder (GListStore    *placeholder,
                                                  gboolean       shown);
void        concierge_show_message            (GtkWindow        *parent,
                                               const char       *heading,
                                               const char       *body);

typedef struct _ConciergeCaller ConciergeCaller;

ConciergeCaller *concierge_caller_new         (gpointer          widget,
                                               GCancellable     *cancellable,
                                               gpointer          data,
                                               GDestroyNotify    destroy);
gpointer    concierge_caller_get_widget       (ConciergeCaller  *caller);
gpointer    concierge_caller_get_data         (ConciergeCaller  *caller);
void        concierge_caller_free             (ConciergeCaller  *caller);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ConciergeCaller, concierge_caller_free)

G_END_DECLS
