/* concierge-preferences.c
 *
 * Preferences: a window of pages, each of its own: the accounts, the
 * company's own data and the caches, the response targets, the saved
 * replies and the rest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-accounts-page.h"
#include "concierge-general-page.h"
#include "concierge-preferences.h"
#include "concierge-privacy-page.h"
#include "concierge-response-times-page.h"
#include "concierge-saved-replies-page.h"

struct _ConciergePreferences
{
  AdwPreferencesWindow   parent_instance;

  ConciergeAccountsPage *accounts_page;
};

G_DEFINE_FINAL_TYPE (ConciergePreferences, concierge_preferences, ADW_TYPE_PREFERENCES_WINDOW)

static void
concierge_preferences_class_init (ConciergePreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-preferences.ui");
}

/* libadwaita 1.2 leaves its own search entry without a name, even with
 * search turned off: a screen reader would say "GtkSearchEntry". */
static void
name_search_entries (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SEARCH_ENTRY (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        _("Search Preferences"), -1);
      name_search_entries (child);
    }
}

static void
concierge_preferences_init (ConciergePreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  name_search_entries (GTK_WIDGET (self));
}

static void
add_page (ConciergePreferences *self,
          gpointer              page)
{
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (page));
}

/**
 * concierge_preferences_new:
 * @sync: (nullable): for the accounts' states
 */
GtkWindow *
concierge_preferences_new (GtkWindow      *parent,
                           ConciergeStore *store,
                           ConciergeSync  *sync)
{
  ConciergePreferences *self;
  g_autoptr(GSettings) settings = NULL;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);

  self = g_object_new (CONCIERGE_TYPE_PREFERENCES, "transient-for", parent, "modal", TRUE, NULL);
  settings = g_settings_new (BASE_ID);
  self->accounts_page = concierge_accounts_page_new (store, sync);
  add_page (self, self->accounts_page);
  add_page (self, concierge_privacy_page_new (store, settings));
  add_page (self, concierge_response_times_page_new (settings));
  add_page (self, concierge_saved_replies_page_new (store));
  add_page (self, concierge_general_page_new (settings));

  return GTK_WINDOW (self);
}

/**
 * concierge_preferences_sign_in_again:
 *
 * Shows the page that renews @account_id's sign-in, as soon as the
 * accounts are read.
 */
void
concierge_preferences_sign_in_again (ConciergePreferences *self,
                                     gint64                account_id)
{
  g_return_if_fail (CONCIERGE_IS_PREFERENCES (self));

  concierge_accounts_page_sign_in_again (self->accounts_page, account_id);
}
