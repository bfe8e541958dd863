/* concierge-accounts-page.c
 *
 * Preferences → Accounts: the accounts, each with its state, and adding,
 * signing in again and removing them without a terminal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-accounts.h"
#include "channels/concierge-platform.h"
#include "concierge-accounts-page.h"
#include "concierge-browser-sign-in-page.h"
#include "concierge-token-sign-in-page.h"
#include "concierge-ui.h"

struct _ConciergeAccountsPage
{
  AdwPreferencesPage   parent_instance;

  ConciergeStore      *store;
  ConciergeSync       *sync;
  GSignalGroup        *sync_signals;
  SoupSession         *session;             /* for sign-ins and revoking */
  GSettings           *settings;            /* the accounts allowed a longer reply window */
  GCancellable        *cancellable;
  GListStore          *accounts;            /* as the list shows them */
  GListStore          *none;                /* an item while there are none */
  gint64               sign_in_when_loaded; /* an account, or 0 */
  GtkWidget           *browser_holder;
  GtkWidget           *token_holder;
  ConciergeSignInPage *browser_page;        /* the holders' */
  ConciergeSignInPage *token_page;

  /* Template widgets */
  GtkListBox          *account_list;
  AdwPreferencesGroup *add_group;
};

G_DEFINE_FINAL_TYPE (ConciergeAccountsPage, concierge_accounts_page, ADW_TYPE_PREFERENCES_PAGE)

static const char *
state_text (ConciergeAccountsPage *self,
            ConciergeAccount      *account)
{
  gint64 id = concierge_account_get_id (account);

  if (concierge_account_get_signed_out (account))
    return _("Removed; its conversations stay readable");
  if (self->sync == NULL || !concierge_sync_has_account (self->sync, id))
    return _("Not connected");

  return concierge_sync_state_describe (self->sync, id, NULL);
}

/* The state, then what the platform tells about what the account sees,
 * such as a bot's privacy mode. */
static char *
dup_subtitle (ConciergeAccountsPage *self,
              ConciergeAccount      *account)
{
  gint64 id = concierge_account_get_id (account);
  ConciergeChannel *channel = NULL;
  g_autofree char *notice = NULL;

  if (!concierge_account_get_signed_out (account) && self->sync != NULL)
    channel = concierge_sync_get_channel (self->sync, id);
  if (channel != NULL)
    notice = concierge_channel_dup_notice (channel);
  if (notice == NULL)
    return g_strdup (state_text (self, account));
  return g_strdup_printf ("%s\n%s", state_text (self, account), notice);
}

static void update_accounts (ConciergeAccountsPage *self);

/* A removed account that kept its conversations can come back, too. */
static gboolean
needs_sign_in (ConciergeAccountsPage *self,
               ConciergeAccount      *account)
{
  gint64 id = concierge_account_get_id (account);

  if (concierge_account_get_signed_out (account))
    return TRUE;
  return self->sync != NULL && concierge_sync_has_account (self->sync, id) &&
         concierge_sync_get_state (self->sync, id, NULL) == CONCIERGE_SYNC_NEEDS_SIGN_IN;
}

/* Returns: (transfer full) (nullable): the account as the list shows it */
static ConciergeAccount *
find_account (ConciergeAccountsPage *self,
              gint64                 id)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->accounts)); i++)
    {
      g_autoptr(ConciergeAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (concierge_account_get_id (account) == id)
        return g_steal_pointer (&account);
    }
  return NULL;
}

static void
show_toast (ConciergeAccountsPage *self,
            const char            *text)
{
  concierge_widget_add_toast (GTK_WIDGET (self), concierge_toast_new (text));
}

/* An account's removal goes through when Preferences closes meanwhile:
 * the agent asked for it. Only what it shows needs Preferences. */
typedef struct
{
  ConciergeAccountsPage *self;        /* only while cancellable is not cancelled */
  GCancellable          *cancellable; /* the page's own */
  ConciergeStore        *store;
  ConciergeSync         *sync;
  gint64                 account_id;
} Removal;

static void
removal_free (Removal *removal)
{
  g_object_unref (removal->cancellable);
  g_object_unref (removal->store);
  g_clear_object (&removal->sync);
  g_free (removal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Removal, removal_free)

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(Removal) removal = user_data;
  ConciergeAccountsPage *self;
  g_autoptr(GError) error = NULL;
  g_autofree char *not_revoked = NULL;
  gboolean removed = concierge_accounts_remove_finish (result, &not_revoked, &error);

  /* Sync stops at once, and whatever shows the cache reads it again. */
  if (removed)
    {
      if (removal->sync != NULL)
        concierge_sync_remove_account (removal->sync, removal->account_id);
      concierge_store_invalidate (removal->store);
    }
  if (g_cancellable_is_cancelled (removal->cancellable))
    return;

  self = removal->self;
  if (!removed)
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The account could not be removed: %s"), error->message);

      show_toast (self, text);
      return;
    }

  update_accounts (self);

  /* A token the platform still accepts is worth a dialog, not a toast
   * that goes by. */
  if (not_revoked != NULL)
    concierge_show_message (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("The Sign-In Still Works"),
                            not_revoked);
}

static void
remove_response_cb (AdwMessageDialog      *dialog,
                    const char            *response,
                    ConciergeAccountsPage *self)
{
  g_autoptr(ConciergeAccount) account = NULL;
  Removal *removal;

  if (!g_str_equal (response, "keep") && !g_str_equal (response, "delete"))
    return;

  account = find_account (self, GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "account-id")));
  if (account == NULL)
    return;

  removal = g_new0 (Removal, 1);
  removal->self = self;
  removal->cancellable = g_object_ref (self->cancellable);
  removal->store = g_object_ref (self->store);
  removal->sync = self->sync ? g_object_ref (self->sync) : NULL;
  removal->account_id = concierge_account_get_id (account);
  concierge_accounts_remove_async (self->store, self->session, account, g_str_equal (response, "keep"), NULL,
                                   removed_cb, removal);
}

typedef struct
{
  ConciergeAccountsPage *self;        /* only while cancellable is not cancelled */
  GCancellable          *cancellable; /* the page's own */
  gint64                 account_id;
  char                  *title;
} AskRemoval;

static void
ask_removal_free (AskRemoval *asking)
{
  g_object_unref (asking->cancellable);
  g_free (asking->title);
  g_free (asking);
}

static void
waiting_replies_counted_cb (GObject      *object,
                            GAsyncResult *result,
                            gpointer      user_data)
{
  AskRemoval *asking = user_data;
  ConciergeAccountsPage *self = asking->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  const char *what;
  gssize waiting;

  waiting = concierge_store_count_waiting_replies_finish (CONCIERGE_STORE (object), result, &error);
  if (waiting < 0)
    {
      if (!g_cancellable_is_cancelled (asking->cancellable))
        {
          /* Translators: %s says why */
          g_autofree char *text = g_strdup_printf (_("The account could not be removed: %s"), error->message);

          show_toast (self, text);
        }
      ask_removal_free (asking);
      return;
    }

  what = _("Concierge withdraws its access where the platform allows it, "
           "deletes the sign-in from the keyring and stops syncing the "
           "account. Its cached conversations can stay readable, or go with "
           "it. Nothing is deleted on the platform.");
  /* Replies that would go with the account are worth saying first. */
  if (waiting > 0)
    {
      g_autofree char *replies = NULL;

      replies = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u reply to its customers is still waiting to be sent. If you "
                                              "keep the conversations, it stays with them and can go out once "
                                              "you sign in to the account again. If you delete them, it is "
                                              "deleted too and never reaches the customer.",
                                              "%u replies to its customers are still waiting to be sent. If "
                                              "you keep the conversations, they stay with them and can go out "
                                              "once you sign in to the account again. If you delete them, the "
                                              "replies are deleted too and never reach the customers.",
                                              waiting),
                                 (guint) waiting);
      body = g_strdup_printf ("%s\n\n%s", replies, what);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                       NULL, NULL));
  /* Translators: %s is an account, like "Support on Mastodon" */
  adw_message_dialog_format_heading (dialog, _("Remove %s?"), asking->title);
  adw_message_dialog_set_body (dialog, body ? body : what);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep Conversations"),
                                    "delete", _("_Delete Conversations"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "account-id", GSIZE_TO_POINTER ((gsize) asking->account_id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  ask_removal_free (asking);
}

static void
remove_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergeAccountsPage *self = CONCIERGE_ACCOUNTS_PAGE (widget);
  AskRemoval *asking;
  const char *title;

  asking = g_new0 (AskRemoval, 1);
  asking->self = self;
  asking->cancellable = g_object_ref (self->cancellable);
  g_variant_get (parameter, "(x&s)", &asking->account_id, &title);
  asking->title = g_strdup (title);
  concierge_store_count_waiting_replies_async (self->store, asking->account_id, self->cancellable,
                                               waiting_replies_counted_cb, asking);
}

/* The accounts whose app has its platform's permission to answer after
 * the standard reply window, as the agent says: Meta tells no app. */
static gboolean
has_extended_reply (ConciergeAccountsPage *self,
                    gint64                 account_id)
{
  g_autoptr(GVariant) ids = g_settings_get_value (self->settings, "extended-reply-accounts");
  gsize n = 0;
  const gint64 *accounts = g_variant_get_fixed_array (ids, &n, sizeof (gint64));

  for (gsize i = 0; i < n; i++)
    if (accounts[i] == account_id)
      return TRUE;
  return FALSE;
}

static gboolean
extended_reply_switched_cb (GtkSwitch             *toggle,
                            gboolean               active,
                            ConciergeAccountsPage *self)
{
  gint64 account_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toggle), "account-id"));
  g_autoptr(GVariant) ids = g_settings_get_value (self->settings, "extended-reply-accounts");
  g_autoptr(GArray) kept = g_array_new (FALSE, FALSE, sizeof (gint64));
  gsize n = 0;
  const gint64 *accounts = g_variant_get_fixed_array (ids, &n, sizeof (gint64));

  for (gsize i = 0; i < n; i++)
    if (accounts[i] != account_id)
      g_array_append_val (kept, accounts[i]);
  if (active)
    g_array_append_val (kept, account_id);
  g_settings_set_value (self->settings, "extended-reply-accounts",
                        g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, kept->data, kept->len, sizeof (gint64)));
  gtk_switch_set_state (toggle, active);
  return TRUE;
}

/* Where the platform has a permission to answer after its standard
 * reply window, a switch says whether the account's app has it. */
static void
add_extended_reply_switch (ConciergeAccountsPage *self,
                           AdwActionRow          *row,
                           ConciergeAccount      *account,
                           const char            *title)
{
  const ConciergePlatform *platform = concierge_platform_lookup (concierge_account_get_platform (account));
  g_autofree char *name = NULL;
  GtkWidget *toggle;

  if (platform == NULL || platform->reply_window_extension == NULL || concierge_account_get_signed_out (account))
    return;

  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), has_extended_reply (self, concierge_account_get_id (account)));
  /* Translators: the accessible name and tooltip of a switch: an account, as "Wellenfunk on Facebook", then a
   * permission, as "Meta’s Human Agent permission" */
  name = g_strdup_printf (_("%s has %s"), title, _(platform->reply_window_extension));
  gtk_widget_set_tooltip_text (toggle, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  g_object_set_data (G_OBJECT (toggle), "account-id", GSIZE_TO_POINTER (concierge_account_get_id (account)));
  g_signal_connect_object (toggle, "state-set", G_CALLBACK (extended_reply_switched_cb), self, 0);
  adw_action_row_add_suffix (row, toggle);
}

static GtkWidget *
empty_row_new (void)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No accounts yet"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add one below to answer its customers here."));
  return row;
}

/* The row of an account, or the one that says there are none */
static GtkWidget *
create_row (gpointer item,
                 gpointer user_data)
{
  ConciergeAccountsPage *self = user_data;
  ConciergeAccount *account = item;
  g_autofree char *title = NULL;
  g_autofree char *label = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row, *button;

  if (!CONCIERGE_IS_ACCOUNT (item))
    return empty_row_new ();

  /* Translators: an account: its name and its platform */
  title = g_strdup_printf (_("%s on %s"), concierge_account_get_display_name (account),
                           concierge_platform_name (concierge_account_get_platform (account)));
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  subtitle = dup_subtitle (self, account);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 5);

  if (needs_sign_in (self, account))
    {
      g_autofree char *name = NULL;

      button = gtk_button_new_with_mnemonic (_("_Sign In Again"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      /* Translators: the accessible name of an account's Sign In Again button */
      name = g_strdup_printf (_("Sign in to %s again"), title);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", concierge_account_get_id (account));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.sign-in-again");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  add_extended_reply_switch (self, ADW_ACTION_ROW (row), account, title);

  if (!concierge_account_get_signed_out (account))
    {
      button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      /* Translators: the tooltip and accessible name of an account's remove button */
      label = g_strdup_printf (_("Remove %s"), title);
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xs)", concierge_account_get_id (account), title);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.remove-account");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }

  return row;
}

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergeAccountsPage *self;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  accounts = concierge_store_load_accounts_finish (CONCIERGE_STORE (object), result, &error);
  if (accounts == NULL)
    return;

  self = user_data;
  /* Every row is made anew: an account's state is the sync's, not the
   * account's. */
  g_list_store_splice (self->accounts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->accounts)),
                       accounts->pdata, accounts->len);
  concierge_list_store_set_placeholder (self->none, accounts->len == 0);
  if (self->sign_in_when_loaded != 0)
    {
      gint64 id = self->sign_in_when_loaded;

      self->sign_in_when_loaded = 0;
      gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in-again", "x", id);
    }
}

static void
update_accounts (ConciergeAccountsPage *self)
{
  concierge_store_load_accounts_async (self->store, self->cancellable, accounts_loaded_cb, self);
}

/* The page of a platform's sign-in */
static void
present_sign_in_page (ConciergeAccountsPage   *self,
                      const ConciergePlatform *platform,
                      ConciergeAccount        *again)
{
  ConciergeSignInPage *page = concierge_platform_has (platform, CONCIERGE_PLATFORM_BROWSER_SIGN_IN)
                                ? self->browser_page : self->token_page;

  concierge_sign_in_page_present (page, ADW_PREFERENCES_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                  platform, again);
}

/* @parameter: the platform's id */
static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const ConciergePlatform *platform = concierge_platform_lookup (g_variant_get_string (parameter, NULL));

  if (platform != NULL)
    present_sign_in_page (CONCIERGE_ACCOUNTS_PAGE (widget), platform, NULL);
}

static void
sign_in_again_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergeAccountsPage *self = CONCIERGE_ACCOUNTS_PAGE (widget);
  g_autoptr(ConciergeAccount) account = find_account (self, g_variant_get_int64 (parameter));
  const ConciergePlatform *platform;

  if (account == NULL || (platform = concierge_platform_lookup (concierge_account_get_platform (account))) == NULL)
    return;

  present_sign_in_page (self, platform, account);
}

/* A row for each platform, to add an account of it */
static void
build_add_rows (ConciergeAccountsPage *self)
{
  const ConciergePlatform *platform;

  for (guint i = 0; (platform = concierge_platform_get (i)) != NULL; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("go-next-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(platform->add_label));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(platform->add_description));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", platform->id);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.add-account");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      adw_preferences_group_add (self->add_group, row);
    }
}

/* A sign-in page, in the holder that the window shows and takes out
 * again (see concierge_sign_in_page_present()). The holders are no
 * children until they are shown; they stay the page's meanwhile. */
static ConciergeSignInPage *
sign_in_page_new (ConciergeAccountsPage  *self,
                  GType                   type,
                  GtkWidget             **holder)
{
  ConciergeSignInPage *page = g_object_new (type, NULL);

  *holder = g_object_ref_sink (adw_bin_new ());
  adw_bin_set_child (ADW_BIN (*holder), GTK_WIDGET (page));
  g_signal_connect_object (page, "account-saved", G_CALLBACK (update_accounts), self, G_CONNECT_SWAPPED);
  return page;
}

static void
concierge_accounts_page_dispose (GObject *object)
{
  ConciergeAccountsPage *self = CONCIERGE_ACCOUNTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->sync_signals != NULL)
    g_signal_group_set_target (self->sync_signals, NULL);
  g_clear_object (&self->sync_signals);
  g_clear_object (&self->browser_holder);
  g_clear_object (&self->token_holder);
  g_clear_object (&self->accounts);
  g_clear_object (&self->none);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (concierge_accounts_page_parent_class)->dispose (object);
}

static void
concierge_accounts_page_class_init (ConciergeAccountsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_accounts_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-accounts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeAccountsPage, account_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergeAccountsPage, add_group);

  gtk_widget_class_install_action (widget_class, "preferences.add-account", "s", add_account_action);
  gtk_widget_class_install_action (widget_class, "preferences.sign-in-again", "x", sign_in_again_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-account", "(xs)", remove_account_action);
}

static void
concierge_accounts_page_init (ConciergeAccountsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_add_rows (self);

  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new ();
  self->settings = g_settings_new (BASE_ID);
  self->accounts = g_list_store_new (CONCIERGE_TYPE_ACCOUNT);
  self->none = g_list_store_new (G_TYPE_OBJECT);
  concierge_list_box_bind_models (self->account_list, G_LIST_MODEL (self->accounts), G_LIST_MODEL (self->none),
                                  create_row, self);

  self->browser_page = sign_in_page_new (self, CONCIERGE_TYPE_BROWSER_SIGN_IN_PAGE, &self->browser_holder);
  self->token_page = sign_in_page_new (self, CONCIERGE_TYPE_TOKEN_SIGN_IN_PAGE, &self->token_holder);

  self->sync_signals = g_signal_group_new (CONCIERGE_TYPE_SYNC);
  g_signal_group_connect_swapped (self->sync_signals, "state-changed", G_CALLBACK (update_accounts), self);
  g_signal_group_connect_swapped (self->sync_signals, "accounts-changed", G_CALLBACK (update_accounts), self);
}

/**
 * concierge_accounts_page_new:
 * @sync: (nullable): for the accounts' states
 */
ConciergeAccountsPage *
concierge_accounts_page_new (ConciergeStore *store,
                             ConciergeSync  *sync)
{
  ConciergeAccountsPage *self;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);
  g_return_val_if_fail (sync == NULL || CONCIERGE_IS_SYNC (sync), NULL);

  self = g_object_new (CONCIERGE_TYPE_ACCOUNTS_PAGE, NULL);
  self->store = g_object_ref (store);
  g_set_object (&self->sync, sync);
  g_signal_group_set_target (self->sync_signals, sync);
  concierge_sign_in_page_set_store (self->browser_page, store, sync, self->session);
  concierge_sign_in_page_set_store (self->token_page, store, sync, self->session);
  update_accounts (self);
  return self;
}

/**
 * concierge_accounts_page_sign_in_again:
 *
 * Shows the page that renews @account_id's sign-in, as soon as the
 * accounts are read.
 */
void
concierge_accounts_page_sign_in_again (ConciergeAccountsPage *self,
                                       gint64                 account_id)
{
  g_autoptr(ConciergeAccount) account = NULL;

  g_return_if_fail (CONCIERGE_IS_ACCOUNTS_PAGE (self));

  account = find_account (self, account_id);
  if (account != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in-again", "x", account_id);
  else
    self->sign_in_when_loaded = account_id;
}
