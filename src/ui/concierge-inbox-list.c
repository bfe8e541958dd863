/* concierge-inbox-list.c
 *
 * The inbox sidebar's content: the search entry and the list of threads
 * from the cache, with its empty states.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "store/concierge-inbox-model.h"
#include "concierge-inbox-list.h"
#include "concierge-inbox-row-facts.h"
#include "concierge-thread-row.h"
#include "concierge-ui.h"

struct _ConciergeInboxList
{
  GtkWidget            parent_instance;

  ConciergeStore      *store;
  ConciergeSync       *sync;         /* for the platforms' reply windows */
  ConciergeInboxModel *model;
  GtkSingleSelection  *selection;
  GHashTable          *bound_rows; /* row → its ConciergeThread */
  guint                tick_id;
  GSettings           *settings;
  ConciergeResponseTargets *targets;

  /* The thread the agent chose. Rows move when threads change; the choice
   * stays with the thread, not the position. */
  gint64               selected_id;
  guint                selected_position; /* where it was last seen */
  GSignalGroup        *waiting_for;     /* a chosen row still loading */
  guint                in_model_change : 1;
  guint                reloading : 1;    /* until the model's last change of a reload */
  guint                was_at_top : 1;
  guint                ready : 1;
  gint64               reveal_id;       /* to choose once its view has loaded */
  GCancellable        *reveal_cancellable;
  GCancellable        *exists_cancellable; /* is the chosen thread still there? */

  /* The view: which threads, in which order, each view with its count */
  char                *view;
  ConciergeViewCounts *counts;
  GPtrArray           *accounts;        /* ConciergeAccount, for their views */
  GCancellable        *counts_cancellable;
  guint                counts_timeout_id;

  /* Template widgets */
  GtkMenuButton       *view_button;
  GtkLabel            *view_label;
  GtkLabel            *view_count_label;
  GtkBox              *views_box;
  AdwStatusPage       *empty_page;
  AdwStatusPage       *no_results_page;
  GtkSearchEntry      *search_entry;
  GtkLabel            *limited_label;
  GtkStack            *stack;
  GtkListView         *list_view;
};

G_DEFINE_FINAL_TYPE (ConciergeInboxList, concierge_inbox_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_THREAD,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A search that shows only its first conversations says so, and how to
 * reach the others. */
static void
update_limited (ConciergeInboxList *self)
{
  gboolean limited = self->model != NULL && concierge_inbox_model_get_limited (self->model);
  guint n = self->model != NULL ? g_list_model_get_n_items (G_LIST_MODEL (self->model)) : 0;

  if (limited && n > 0)
    {
      g_autofree char *text = NULL;

      /* Translators: below the search field, when a search matches more conversations than the inbox lists */
      text = g_strdup_printf (g_dngettext (NULL,
                                           "Showing the first %u conversation that matches. "
                                           "Add words to narrow the search.",
                                           "Showing the first %u conversations that match. "
                                           "Add words to narrow the search.", n), n);
      gtk_label_set_text (self->limited_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->limited_label), limited && n > 0);

  /* It looked through the newest conversations only. */
  adw_status_page_set_description (self->no_results_page,
                                   limited ? _("None of the most recent conversations contains these words. "
                                               "Add words to narrow the search.")
                                           : _("No conversation contains these words"));
}

static void
update_page (ConciergeInboxList *self)
{
  const char *page;

  if (self->model == NULL)
    page = "opening";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    page = "list";
  else if (concierge_inbox_model_get_loading (self->model))
    page = gtk_stack_get_visible_child_name (self->stack);
  else if (concierge_inbox_query_has_search (concierge_inbox_model_get_query (self->model)))
    page = "no-results";
  else
    page = "empty";

  concierge_stack_show (self->stack, page);
  update_limited (self);

  if (!self->ready && (g_str_equal (page, "list") || g_str_equal (page, "empty") ||
                       g_str_equal (page, "no-results")))
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }
}

/* The views, each a query. An account's view is "account-<id>". */
#define OPEN_MASK ((1 << CONCIERGE_THREAD_OPEN) | (1 << CONCIERGE_THREAD_PENDING))

static ConciergeInboxQuery
view_query (const char *view,
            const char *search)
{
  ConciergeInboxQuery query = {
    .status_mask = OPEN_MASK,
    .visibility = -1,
    .sort = CONCIERGE_INBOX_SORT_LONGEST_WAITING,
    .search = (char *) search,
  };
  gboolean searching = search != NULL && search[0] != '\0';

  if (g_str_equal (view, "open"))
    query.sort = CONCIERGE_INBOX_SORT_NEWEST;
  else if (g_str_equal (view, "public"))
    query.visibility = CONCIERGE_VISIBILITY_PUBLIC;
  else if (g_str_equal (view, "private"))
    query.visibility = CONCIERGE_VISIBILITY_PRIVATE;
  else if (g_str_equal (view, "personal-data"))
    query.flagged_only = TRUE;
  else if (g_str_has_prefix (view, "account-"))
    query.account_id = g_ascii_strtoll (view + strlen ("account-"), NULL, 10);
  else if (g_str_equal (view, "snoozed") || g_str_equal (view, "resolved"))
    {
      query.status_mask = 1 << (g_str_equal (view, "snoozed") ? CONCIERGE_THREAD_SNOOZED : CONCIERGE_THREAD_RESOLVED);
      query.sort = CONCIERGE_INBOX_SORT_NEWEST;
      searching = FALSE;
    }

  /* A search in a view of open conversations looks through the closed
   * ones too: what a customer wrote last month is worth finding. */
  if (searching)
    query.status_mask = 0;

  return query;
}

typedef struct
{
  const char *id;
  const char *name;
} FixedView;

/* In the order the menu shows them; the accounts' views go after the
 * personal-data view. */
static const FixedView fixed_views[] = {
  { "waiting", N_("Longest Waiting") },
  { "open", N_("Open, Newest First") },
  { "public", N_("Public") },
  { "private", N_("Private") },
  { "personal-data", N_("Personal Data in Public") },
  { "snoozed", N_("Snoozed") },
  { "resolved", N_("Resolved") },
};

static guint
view_count (ConciergeInboxList *self,
            const char         *view)
{
  const ConciergeViewCounts *counts = self->counts;

  if (counts == NULL)
    return 0;
  if (g_str_equal (view, "waiting") || g_str_equal (view, "open"))
    return counts->open;
  if (g_str_equal (view, "public"))
    return counts->public_open;
  if (g_str_equal (view, "private"))
    return counts->private_open;
  if (g_str_equal (view, "personal-data"))
    return counts->flagged;
  if (g_str_equal (view, "snoozed"))
    return counts->snoozed;
  if (g_str_equal (view, "resolved"))
    return counts->resolved;
  for (guint i = 0; i < counts->accounts->len; i++)
    {
      const ConciergeAccountCount *account = &g_array_index (counts->accounts, ConciergeAccountCount, i);
      g_autofree char *id = g_strdup_printf ("account-%" G_GINT64_FORMAT, account->account_id);

      if (g_str_equal (view, id))
        return account->open;
    }
  return 0;
}

static char *
view_name (ConciergeInboxList *self,
           const char         *view)
{
  for (guint i = 0; i < G_N_ELEMENTS (fixed_views); i++)
    if (g_str_equal (view, fixed_views[i].id))
      return g_strdup (_(fixed_views[i].name));
  for (guint i = 0; self->accounts != NULL && i < self->accounts->len; i++)
    {
      ConciergeAccount *account = g_ptr_array_index (self->accounts, i);
      g_autofree char *id = g_strdup_printf ("account-%" G_GINT64_FORMAT, concierge_account_get_id (account));

      if (g_str_equal (view, id))
        /* Translators: an inbox view: an account's name, then its platform, like Mastodon */
        return g_strdup_printf (_("%s on %s"), concierge_account_get_display_name (account),
                                concierge_platform_name (concierge_account_get_platform (account)));
    }
  return g_strdup (_("Longest Waiting"));
}

static char *
view_accessible_name (const char *name,
                      guint       count)
{
  /* Translators: a view's accessible name: its name, then how many conversations it holds */
  return g_strdup_printf (g_dngettext (NULL, "%s, %u conversation", "%s, %u conversations", count), name, count);
}

static void
add_view_button (ConciergeInboxList *self,
                 const char         *view,
                 const char         *name)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");
  GtkWidget *label = gtk_label_new (name);
  guint count = view_count (self, view);
  g_autofree char *number = g_strdup_printf ("%u", count);
  g_autofree char *accessible = view_accessible_name (name, count);
  GtkWidget *count_label = gtk_label_new (number);

  gtk_widget_set_opacity (check, g_str_equal (view, self->view) ? 1.0 : 0.0);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (count_label, "dim-label");
  gtk_widget_add_css_class (count_label, "numeric");
  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), count_label);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "view-item");
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", view);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "inbox.view");
  gtk_box_append (self->views_box, button);
}

static void
show_views (ConciergeInboxList *self)
{
  g_autofree char *name = view_name (self, self->view);
  g_autofree char *number = g_strdup_printf ("%u", view_count (self, self->view));
  g_autofree char *accessible = NULL;
  GtkWidget *child;

  /* Translators: the accessible name of the button that chooses the inbox view; %s is the view and its count */
  accessible = view_accessible_name (name, view_count (self, self->view));
  gtk_label_set_text (self->view_label, name);
  gtk_label_set_text (self->view_count_label, number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->view_button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->views_box))) != NULL)
    gtk_box_remove (self->views_box, child);
  for (guint i = 0; i < G_N_ELEMENTS (fixed_views); i++)
    {
      add_view_button (self, fixed_views[i].id, _(fixed_views[i].name));
      if (g_str_equal (fixed_views[i].id, "personal-data"))
        for (guint k = 0; self->accounts != NULL && k < self->accounts->len; k++)
          {
            ConciergeAccount *account = g_ptr_array_index (self->accounts, k);
            g_autofree char *id = g_strdup_printf ("account-%" G_GINT64_FORMAT, concierge_account_get_id (account));
            g_autofree char *account_name = view_name (self, id);

            add_view_button (self, id, account_name);
          }
    }

  /* An empty view is no empty inbox. */
  adw_status_page_set_title (self->empty_page, g_str_equal (self->view, "waiting") ? _("No Conversations Yet")
                                                                                   : _("No Conversations in This View"));
  adw_status_page_set_description (self->empty_page,
                                   g_str_equal (self->view, "waiting")
                                   ? _("Messages from customers on all your channels will appear here")
                                   : _("Other views may hold some"));
}

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergeInboxList *self;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  accounts = concierge_store_load_accounts_finish (CONCIERGE_STORE (object), result, &error);
  if (accounts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the accounts: %s", error->message);
      return;
    }

  self = user_data;
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = g_steal_pointer (&accounts);
  show_views (self);
}

static void
counted_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  ConciergeInboxList *self;
  g_autoptr(ConciergeViewCounts) counts = NULL;
  g_autoptr(GError) error = NULL;

  counts = concierge_store_count_views_finish (CONCIERGE_STORE (object), result, &error);
  if (counts == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not count the inbox views: %s", error->message);
      return;
    }

  self = user_data;
  g_clear_pointer (&self->counts, concierge_view_counts_free);
  self->counts = g_steal_pointer (&counts);
  concierge_store_load_accounts_async (self->store, self->counts_cancellable, accounts_loaded_cb, self);
}

static gboolean
count_views_cb (gpointer data)
{
  ConciergeInboxList *self = data;

  self->counts_timeout_id = 0;
  concierge_store_count_views_async (self->store, self->counts_cancellable, counted_cb, self);
  return G_SOURCE_REMOVE;
}

/* Counted once a burst of changes is over, not for each. */
#define COUNT_DELAY_MS 300

static void
schedule_counts (ConciergeInboxList *self)
{
  if (self->counts_timeout_id == 0)
    self->counts_timeout_id = g_timeout_add (COUNT_DELAY_MS, count_views_cb, self);
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ConciergeInboxList *self = CONCIERGE_INBOX_LIST (widget);
  ConciergeInboxQuery query;

  g_free (self->view);
  self->view = g_variant_dup_string (parameter, NULL);
  gtk_menu_button_popdown (self->view_button);
  show_views (self);

  query = view_query (self->view, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  if (self->model != NULL)
    concierge_inbox_model_set_query (self->model, &query);
}

static void
search_changed_cb (ConciergeInboxList *self)
{
  ConciergeInboxQuery query = view_query (self->view, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  if (self->model != NULL)
    concierge_inbox_model_set_query (self->model, &query);
}

static void
stop_search_cb (ConciergeInboxList *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

/* Rows */

/* How long the thread's platform takes replies after the customer wrote;
 * 0 for no limit, or while the account is not connected. */
static guint
reply_window (ConciergeInboxList *self,
              ConciergeThread    *thread)
{
  ConciergeChannelCapabilities capabilities = { 0 };
  ConciergeChannel *channel;

  if (self->sync == NULL || concierge_thread_is_placeholder (thread) ||
      (channel = concierge_sync_get_channel (self->sync, concierge_thread_get_account_id (thread))) == NULL)
    return 0;
  concierge_channel_get_capabilities (channel, &capabilities);
  return concierge_channel_capabilities_reply_window (&capabilities, concierge_thread_get_visibility (thread));
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              ConciergeInboxList       *self)
{
  gtk_list_item_set_child (item, concierge_thread_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             ConciergeInboxList       *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  ConciergeThread *thread = gtk_list_item_get_item (item);

  concierge_thread_row_set_reply_window (CONCIERGE_THREAD_ROW (row), reply_window (self, thread));
  concierge_thread_row_set_thread (CONCIERGE_THREAD_ROW (row), thread, now_seconds ());
  g_hash_table_insert (self->bound_rows, row, g_object_ref (thread));
}

static void
unbind_row_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               ConciergeInboxList       *self)
{
  g_hash_table_remove (self->bound_rows, gtk_list_item_get_child (item));
}

/* The store's worker works out what the rows show, against the targets
 * of now; the inbox then reads its threads anew, after the store took
 * the targets, as its worker does one thing after the other. */
static void
work_out_rows (ConciergeInboxList *self)
{
  if (self->store == NULL)
    return;

  concierge_store_set_row_facts (self->store, concierge_inbox_row_facts,
                                 concierge_response_targets_ref (self->targets),
                                 (GDestroyNotify) concierge_response_targets_unref);
  if (self->model != NULL)
    concierge_inbox_model_reload (self->model);
}

/* Waiting times grow while nobody touches anything. */
static gboolean
tick_cb (gpointer user_data)
{
  ConciergeInboxList *self = user_data;
  GHashTableIter iter;
  gpointer row, thread;
  gint64 now = now_seconds ();

  gboolean stale = FALSE;

  g_hash_table_iter_init (&iter, self->bound_rows);
  while (g_hash_table_iter_next (&iter, &row, &thread))
    {
      ConciergeRowFacts *facts = concierge_thread_get_row_facts (thread);

      concierge_thread_row_set_reply_window (row, reply_window (self, thread));
      concierge_thread_row_set_thread (row, thread, now);
      stale |= facts != NULL && concierge_row_facts_is_stale (facts, now);
    }

  /* Rows left on screen for days outlive the days their waiting clock was
   * worked out for. */
  if (stale)
    work_out_rows (self);

  return G_SOURCE_CONTINUE;
}

/* Preferences changed the business hours or a target. */
static void
targets_changed_cb (ConciergeInboxList *self)
{
  g_clear_pointer (&self->targets, concierge_response_targets_unref);
  self->targets = concierge_response_targets_new_for_settings (self->settings);
  work_out_rows (self);
}

/* Selection */

static void concierge_inbox_list_select_position (ConciergeInboxList *self,
                                                  guint               position);

static ConciergeThread *
selected_item (ConciergeInboxList *self)
{
  ConciergeThread *thread;

  if (self->selection == NULL)
    return NULL;

  thread = gtk_single_selection_get_selected_item (self->selection);
  if (thread == NULL || concierge_thread_is_placeholder (thread))
    return NULL;

  return thread;
}

static void
selection_changed_cb (ConciergeInboxList *self)
{
  ConciergeThread *thread;
  gint64 id;

  if (self->in_model_change)
    return;

  g_signal_group_set_target (self->waiting_for, NULL);

  /* A row chosen before its page arrived counts once it has loaded. */
  thread = self->selection ? gtk_single_selection_get_selected_item (self->selection) : NULL;
  if (thread != NULL && concierge_thread_is_placeholder (thread))
    {
      g_signal_group_set_target (self->waiting_for, thread);
      return;
    }

  thread = selected_item (self);
  id = thread ? concierge_thread_get_id (thread) : 0;
  if (id == self->selected_id && thread == NULL)
    return;

  self->selected_id = id;
  if (thread != NULL)
    self->selected_position = gtk_single_selection_get_selected (self->selection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_THREAD]);
}

static GtkAdjustment *
vertical_adjustment (ConciergeInboxList *self)
{
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->list_view));
}

static void
model_changing_cb (ConciergeInboxList *self)
{
  GtkAdjustment *adjustment = vertical_adjustment (self);

  self->in_model_change = TRUE;
  self->was_at_top = adjustment == NULL || gtk_adjustment_get_value (adjustment) <= 0;
}

static void
model_changed_cb (ConciergeInboxList *self,
                  guint               changed_at,
                  guint               removed,
                  guint               added)
{
  ConciergeThread *thread;
  int position;

  self->in_model_change = FALSE;
  update_page (self);

  /* A thread that comes in at the top is seen: the list stays at the top
   * where it was, rather than keeping the row that was first in view. */
  if (self->was_at_top && changed_at == 0 && added > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", 0);

  if (self->selected_id == 0)
    return;

  /* Put the selection back on the chosen thread wherever it went. */
  thread = selected_item (self);
  if (thread != NULL && concierge_thread_get_id (thread) == self->selected_id)
    return;

  /* Looked up by id: asking the model for items would load them. */
  position = concierge_inbox_model_find (self->model, self->selected_id);
  if (position >= 0)
    {
      self->in_model_change = TRUE;
      gtk_single_selection_set_selected (self->selection, position);
      self->selected_position = position;
      self->in_model_change = FALSE;
      return;
    }

  /* A new search, view or cache reads the list anew; the chosen thread
   * may be beyond its first page, or in another view, and stays chosen. */
  if (concierge_inbox_model_get_loading (self->model) || self->reloading)
    return;

  /* The thread left the view, resolved or snoozed: the agent goes on with
   * the one that took its place. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) > 0)
    concierge_inbox_list_select_position (self, MIN (self->selected_position,
                                                     g_list_model_get_n_items (G_LIST_MODEL (self->model)) - 1));
  else
    {
      self->selected_id = 0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_THREAD]);
    }
}

static void
concierge_inbox_list_select_position (ConciergeInboxList *self,
                                      guint               position)
{
  gtk_single_selection_set_selected (self->selection, position);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", position);
}

/**
 * concierge_inbox_list_select_next:
 * @step: 1 for the next thread, -1 for the one before
 *
 * Chooses the thread after or before the chosen one, or the first when
 * none is chosen.
 *
 * Returns: whether there was one to choose
 */
gboolean
concierge_inbox_list_select_next (ConciergeInboxList *self,
                                  int                 step)
{
  guint n, selected;
  gint64 position;

  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), FALSE);

  if (self->model == NULL || (n = g_list_model_get_n_items (G_LIST_MODEL (self->model))) == 0)
    return FALSE;

  selected = gtk_single_selection_get_selected (self->selection);
  if (selected == GTK_INVALID_LIST_POSITION || self->selected_id == 0)
    position = 0;
  else
    position = (gint64) selected + step;
  if (position < 0 || position >= n)
    return FALSE;

  concierge_inbox_list_select_position (self, position);
  return TRUE;
}

static void
chosen_thread_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  ConciergeInboxList *self;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  threads = concierge_store_load_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (threads == NULL)
    {
      g_warning ("Looking for the chosen conversation failed: %s", error->message);
      return;
    }

  /* Gone from the cache, with its forgotten customer or its removed
   * account: nothing is chosen, so that nobody writes into it. */
  id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (self->exists_cancellable), "thread-id"));
  if (threads->len == 0 && self->selected_id == id)
    {
      self->selected_id = 0;
      self->in_model_change = TRUE;
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      self->in_model_change = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_THREAD]);
    }
}

/* After a reload, a chosen thread that the list no longer holds may be in
 * another view, or gone from the cache. */
static void
check_chosen_thread (ConciergeInboxList *self)
{
  gint64 id = self->selected_id;

  g_cancellable_cancel (self->exists_cancellable);
  g_clear_object (&self->exists_cancellable);
  if (id == 0 || concierge_inbox_model_find (self->model, id) >= 0)
    return;

  self->exists_cancellable = g_cancellable_new ();
  g_object_set_data (G_OBJECT (self->exists_cancellable), "thread-id", GSIZE_TO_POINTER ((gsize) id));
  concierge_store_load_threads_async (self->store, &id, 1, G_PRIORITY_DEFAULT, self->exists_cancellable,
                                      chosen_thread_loaded_cb, self);
}

/* The last change of a reload comes before the model says it loaded. */
static void
loading_changed_cb (ConciergeInboxList *self)
{
  self->reloading = concierge_inbox_model_get_loading (self->model);
  if (self->reloading)
    return;
  if (self->reveal_id != 0 && concierge_inbox_list_select_thread (self, self->reveal_id))
    self->reveal_id = 0;
  check_chosen_thread (self);
}

ConciergeThread *
concierge_inbox_list_get_selected_thread (ConciergeInboxList *self)
{
  ConciergeThread *thread;

  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), NULL);

  thread = selected_item (self);
  if (thread == NULL || concierge_thread_get_id (thread) != self->selected_id)
    return NULL;

  return thread;
}

/**
 * concierge_inbox_list_select_thread:
 *
 * Chooses the thread, as if the agent had clicked it.
 *
 * Returns: whether the inbox shows it
 */
gboolean
concierge_inbox_list_select_thread (ConciergeInboxList *self,
                                    gint64              thread_id)
{
  int position;

  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), FALSE);

  if (self->model == NULL || (position = concierge_inbox_model_find (self->model, thread_id)) < 0)
    return FALSE;

  concierge_inbox_list_select_position (self, position);
  return TRUE;
}

static void
reveal_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  ConciergeInboxList *self;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeThread *thread;
  const char *view;

  threads = concierge_store_load_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (threads == NULL || threads->len == 0)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading the conversation to show failed: %s", error->message);
      return;
    }

  self = user_data;
  thread = g_ptr_array_index (threads, 0);
  switch (concierge_thread_get_status (thread))
    {
    case CONCIERGE_THREAD_SNOOZED:
      view = "snoozed";
      break;
    case CONCIERGE_THREAD_RESOLVED:
      view = "resolved";
      break;
    case CONCIERGE_THREAD_OPEN:
    case CONCIERGE_THREAD_PENDING:
    default:
      view = "open";
      break;
    }

  self->reveal_id = concierge_thread_get_id (thread);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_widget_activate_action (GTK_WIDGET (self), "inbox.view", "s", view);
  if (!concierge_inbox_model_get_loading (self->model))
    loading_changed_cb (self);
}

/**
 * concierge_inbox_list_reveal_thread:
 *
 * Chooses the thread, and first the view that holds it when the one shown
 * does not: a resolved conversation from the customer's history, say.
 */
void
concierge_inbox_list_reveal_thread (ConciergeInboxList *self,
                                    gint64              thread_id)
{
  g_return_if_fail (CONCIERGE_IS_INBOX_LIST (self));

  g_cancellable_cancel (self->reveal_cancellable);
  g_clear_object (&self->reveal_cancellable);
  self->reveal_id = 0;
  if (self->store == NULL || concierge_inbox_list_select_thread (self, thread_id))
    return;

  self->reveal_cancellable = g_cancellable_new ();
  concierge_store_load_threads_async (self->store, &thread_id, 1, G_PRIORITY_DEFAULT, self->reveal_cancellable,
                                      reveal_loaded_cb, self);
}

void
concierge_inbox_list_set_store (ConciergeInboxList *self,
                                ConciergeStore     *store)
{
  ConciergeInboxQuery query = view_query (self->view, NULL);

  g_return_if_fail (CONCIERGE_IS_INBOX_LIST (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));
  g_return_if_fail (self->store == NULL);

  self->store = g_object_ref (store);
  work_out_rows (self);
  self->model = concierge_inbox_model_new (store, &query);

  /* Connected before the selection model exists, so that it runs first. */
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_changing_cb), self,
                           G_CONNECT_SWAPPED);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (model_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_page), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (loading_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::limited", G_CALLBACK (update_limited), self,
                           G_CONNECT_SWAPPED);

  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->view_button), TRUE);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (schedule_counts), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "invalidated", G_CALLBACK (schedule_counts), self, G_CONNECT_SWAPPED);
  count_views_cb (self);
  update_page (self);
}

/**
 * concierge_inbox_list_set_sync:
 *
 * The rows learn from @sync's channels how long each platform takes
 * replies.
 */
void
concierge_inbox_list_set_sync (ConciergeInboxList *self,
                               ConciergeSync      *sync)
{
  g_return_if_fail (CONCIERGE_IS_INBOX_LIST (self));
  g_return_if_fail (CONCIERGE_IS_SYNC (sync));

  g_set_object (&self->sync, sync);
  g_signal_connect_object (sync, "accounts-changed", G_CALLBACK (tick_cb), self, G_CONNECT_SWAPPED);
  tick_cb (self);
}

gboolean
concierge_inbox_list_get_ready (ConciergeInboxList *self)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_LIST (self), FALSE);

  return self->ready;
}

void
concierge_inbox_list_focus_search (ConciergeInboxList *self)
{
  g_return_if_fail (CONCIERGE_IS_INBOX_LIST (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
concierge_inbox_list_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ConciergeInboxList *self = CONCIERGE_INBOX_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED_THREAD:
      g_value_set_object (value, concierge_inbox_list_get_selected_thread (self));
      break;

    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_inbox_list_dispose (GObject *object)
{
  ConciergeInboxList *self = CONCIERGE_INBOX_LIST (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->counts_timeout_id, g_source_remove);
  g_cancellable_cancel (self->counts_cancellable);
  g_clear_object (&self->counts_cancellable);
  g_cancellable_cancel (self->reveal_cancellable);
  g_clear_object (&self->reveal_cancellable);
  g_cancellable_cancel (self->exists_cancellable);
  g_clear_object (&self->exists_cancellable);
  g_clear_pointer (&self->counts, concierge_view_counts_free);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->view, g_free);
  g_clear_pointer (&self->targets, concierge_response_targets_unref);
  g_clear_object (&self->settings);
  /* The group itself stays: the selection may still change as the list goes. */
  g_signal_group_set_target (self->waiting_for, NULL);
  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  g_clear_pointer (&self->bound_rows, g_hash_table_unref);
  concierge_widget_dispose_children (GTK_WIDGET (object), CONCIERGE_TYPE_INBOX_LIST);

  G_OBJECT_CLASS (concierge_inbox_list_parent_class)->dispose (object);
}

static void
concierge_inbox_list_finalize (GObject *object)
{
  ConciergeInboxList *self = CONCIERGE_INBOX_LIST (object);

  g_clear_object (&self->waiting_for);

  G_OBJECT_CLASS (concierge_inbox_list_parent_class)->finalize (object);
}

static void
concierge_inbox_list_class_init (ConciergeInboxListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = concierge_inbox_list_dispose;
  object_class->finalize = concierge_inbox_list_finalize;
  object_class->get_property = concierge_inbox_list_get_property;

  properties[PROP_SELECTED_THREAD] =
    g_param_spec_object ("selected-thread", NULL, NULL, CONCIERGE_TYPE_THREAD,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether the inbox shows what the cache holds: its first rows, or that
   * there are none. */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-inbox-list.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, view_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, view_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, view_count_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, views_box);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, no_results_page);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, limited_label);
  gtk_widget_class_install_action (widget_class, "inbox.view", "s", view_action);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, stack);
  gtk_widget_class_bind_template_child (widget_class, ConciergeInboxList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
}

static void
concierge_inbox_list_init (ConciergeInboxList *self)
{
  GtkListItemFactory *factory;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->bound_rows = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->view = g_strdup ("waiting");
  self->counts_cancellable = g_cancellable_new ();
  self->waiting_for = g_signal_group_new (CONCIERGE_TYPE_THREAD);
  g_signal_group_connect_swapped (self->waiting_for, "changed", G_CALLBACK (selection_changed_cb), self);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);

  self->settings = g_settings_new (BASE_ID);
  self->targets = concierge_response_targets_new_for_settings (self->settings);
  concierge_response_targets_watch (self->settings, G_CALLBACK (targets_changed_cb), self);

  self->tick_id = g_timeout_add_seconds (30, tick_cb, self);
  update_page (self);
}
