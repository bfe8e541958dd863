/* concierge-preferences.c
 *
 * Preferences: the accounts, each with its state, and adding, signing in
 * again and removing them without a terminal; the company's own data,
 * the response targets, the saved replies and the rest.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-accounts.h"
#include "channels/concierge-credentials.h"
#include "channels/concierge-platform.h"
#include "model/concierge-business-hours.h"
#include "privacy/concierge-detector.h"
#include "store/concierge-saved-replies.h"
#include "concierge-preferences.h"
#include "concierge-saved-reply-dialog.h"
#include "concierge-ui.h"

struct _ConciergePreferences
{
  AdwPreferencesWindow parent_instance;

  ConciergeStore *store;
  ConciergeSync  *sync;
  SoupSession    *session;        /* for checks, sign-ins and revoking */
  GCancellable   *cancellable;
  GPtrArray      *accounts;       /* as the list shows them */
  gint64          sign_in_when_loaded; /* an account, or 0 */
  ConciergeAccount *signing_in_again; /* whose sign-in a page renews, or NULL to add */
  const ConciergePlatform *platform;  /* whose account a page adds or signs in */

  /* A sign-in through the browser under way */
  ConciergeSignIn *sign_in;
  GCancellable   *sign_in_cancellable;
  GCancellable   *waiting_cancellable; /* for the browser to come back */
  char           *authorize_uri;
  char           *code_page_uri;

  /* The company's own data and customer number formats */
  GSettings      *settings;
  const char     *adding_to;      /* the key whose entry keeps the focus */

  /* Business hours, by GDateWeekday */
  GtkSwitch      *day_switches[8];
  GtkSpinButton  *day_opens[8];
  GtkSpinButton  *day_closes[8];
  guint           showing_hours : 1;

  /* Saved replies, as the page shows them */
  GPtrArray      *saved_replies;
  GtkNativeDialog *chooser;       /* for an import or export */

  /* Template widgets */
  GtkListBox     *allowed_list;
  GtkListBox     *pattern_list;
  GtkLabel       *pattern_error;
  GtkSpinButton  *first_target_spin;
  GtkSwitch      *retention_switch;
  GtkSpinButton  *retention_spin;
  AdwPreferencesGroup *damaged_group;
  GtkListBox     *damaged_list;
  GtkSpinButton  *next_target_spin;
  AdwPreferencesGroup *hours_group;
  GtkListBox     *hours_list;
  GtkListBox     *holiday_list;
  GtkLabel       *holiday_error;
  GtkSwitch      *single_key_switch;
  GtkSwitch      *background_switch;
  GtkSwitch      *login_switch;
  GtkSwitch      *private_messages_switch;
  AdwPreferencesGroup *agent_group;
  AdwEntryRow    *agent_name_row;
  GtkListBox     *reply_list;
  GtkListBox     *account_list;
  AdwPreferencesGroup *add_group;
  GtkWidget      *mastodon_page;
  AdwWindowTitle *mastodon_title;
  AdwEntryRow    *server_row;
  GtkLabel       *mastodon_error;
  GtkSpinner     *mastodon_spinner;
  GtkWidget      *waiting_group;
  AdwEntryRow    *code_row;
  GtkWidget      *telegram_page;
  AdwWindowTitle *telegram_title;
  AdwEntryRow    *token_row;
  AdwEntryRow    *api_url_row;
  GtkLabel       *telegram_error;
  GtkSpinner     *telegram_spinner;
  GtkWidget      *telegram_add_button;
};

G_DEFINE_FINAL_TYPE (ConciergePreferences, concierge_preferences, ADW_TYPE_PREFERENCES_WINDOW)

/* The accounts */

static const char *
state_text (ConciergePreferences *self,
            ConciergeAccount     *account)
{
  gint64 id = concierge_account_get_id (account);

  if (concierge_account_get_signed_out (account))
    return _("Removed; its conversations stay readable");
  if (self->sync == NULL || !concierge_sync_has_account (self->sync, id))
    return _("Not connected");

  return concierge_sync_state_describe (self->sync, id, NULL);
}

static void update_accounts (ConciergePreferences *self);

/* A removed account that kept its conversations can come back, too. */
static gboolean
needs_sign_in (ConciergePreferences *self,
               ConciergeAccount     *account)
{
  gint64 id = concierge_account_get_id (account);

  if (concierge_account_get_signed_out (account))
    return TRUE;
  return self->sync != NULL && concierge_sync_has_account (self->sync, id) &&
         concierge_sync_get_state (self->sync, id, NULL) == CONCIERGE_SYNC_NEEDS_SIGN_IN;
}

static ConciergeAccount *
find_account (ConciergePreferences *self,
              gint64                id)
{
  for (guint i = 0; self->accounts != NULL && i < self->accounts->len; i++)
    if (concierge_account_get_id (g_ptr_array_index (self->accounts, i)) == id)
      return g_ptr_array_index (self->accounts, i);
  return NULL;
}

/* An account's removal goes through when Preferences closes meanwhile:
 * the agent asked for it. Only what it shows needs Preferences. */
typedef struct
{
  ConciergePreferences *self;        /* only while cancellable is not cancelled */
  GCancellable         *cancellable; /* Preferences' own */
  ConciergeStore       *store;
  ConciergeSync        *sync;
  gint64                account_id;
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
  ConciergePreferences *self;
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

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), concierge_toast_new (text));
      return;
    }

  update_accounts (self);

  /* A token the platform still accepts is worth a dialog, not a toast
   * that goes by. */
  if (not_revoked != NULL)
    concierge_show_message (GTK_WINDOW (self), _("The Sign-In Still Works"), not_revoked);
}

static void
remove_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    ConciergePreferences *self)
{
  ConciergeAccount *account;
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
  ConciergePreferences *self;        /* only while cancellable is not cancelled */
  GCancellable         *cancellable; /* Preferences' own */
  gint64                account_id;
  char                 *title;
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
  ConciergePreferences *self = asking->self;
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

          adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), concierge_toast_new (text));
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

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
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
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
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

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergePreferences *self;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  accounts = concierge_store_load_accounts_finish (CONCIERGE_STORE (object), result, &error);
  if (accounts == NULL)
    return;

  self = user_data;
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = g_ptr_array_ref (accounts);
  if (self->sign_in_when_loaded != 0)
    {
      gint64 id = self->sign_in_when_loaded;

      self->sign_in_when_loaded = 0;
      gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in-again", "x", id);
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->account_list))) != NULL)
    gtk_list_box_remove (self->account_list, child);

  if (accounts->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No accounts yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add one below to answer its customers here."));
      gtk_list_box_append (self->account_list, row);
      return;
    }

  for (guint i = 0; i < accounts->len; i++)
    {
      ConciergeAccount *account = g_ptr_array_index (accounts, i);
      g_autofree char *title = NULL;
      g_autofree char *label = NULL;
      GtkWidget *row, *button;

      /* Translators: an account: its name and its platform */
      title = g_strdup_printf (_("%s on %s"), concierge_account_get_display_name (account),
                               concierge_platform_name (concierge_account_get_platform (account)));
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state_text (self, account));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

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

      if (!concierge_account_get_signed_out (account))
        {
          button = gtk_button_new_from_icon_name ("user-trash-symbolic");
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (button, "flat");
          /* Translators: the tooltip and accessible name of an account's remove button */
          label = g_strdup_printf (_("Remove %s"), title);
          gtk_widget_set_tooltip_text (button, label);
          gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(xs)",
                                            concierge_account_get_id (account), title);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.remove-account");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }

      gtk_list_box_append (self->account_list, row);
    }
}

static void
update_accounts (ConciergePreferences *self)
{
  concierge_store_load_accounts_async (self->store, self->cancellable, accounts_loaded_cb, self);
}

/* Saving an account that signed in, on either platform */

static void
show_error (GtkLabel   *label,
            const char *text)
{
  gtk_label_set_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL);
}

static void
show_telegram_error (ConciergePreferences *self,
                     const char           *text)
{
  show_error (self->telegram_error, text);
}

static void
show_mastodon_error (ConciergePreferences *self,
                     const char           *text)
{
  show_error (self->mastodon_error, text);
}

/* Both pages wait the same way; only the one shown is seen. */
static void
set_busy (ConciergePreferences *self,
          gboolean              busy)
{
  gtk_spinner_set_spinning (self->telegram_spinner, busy);
  gtk_spinner_set_spinning (self->mastodon_spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.check-telegram", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.sign-in-mastodon", !busy);
}

static void
forget_sign_in (ConciergePreferences *self)
{
  /* Cancelling also lets go of the sign-in's wait for the browser. */
  g_cancellable_cancel (self->sign_in_cancellable);
  g_cancellable_cancel (self->waiting_cancellable);
  g_clear_object (&self->sign_in_cancellable);
  g_clear_object (&self->waiting_cancellable);
  g_clear_object (&self->sign_in);
  g_clear_pointer (&self->authorize_uri, g_free);
  g_clear_pointer (&self->code_page_uri, g_free);
}

static void
reset_sign_in (ConciergePreferences *self)
{
  forget_sign_in (self);
  gtk_widget_set_visible (self->waiting_group, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  set_busy (self, FALSE);
}

static void
close_account_page (ConciergePreferences *self)
{
  reset_sign_in (self);
  g_clear_object (&self->signing_in_again);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
}

/* An account that signed in is saved, and syncs, when Preferences closes
 * meanwhile. */
typedef struct
{
  ConciergePreferences *self;        /* only while cancellable is not cancelled */
  GCancellable         *cancellable; /* Preferences' own */
  ConciergeSync        *sync;
  ConciergeStore       *store;
  ConciergeAccount     *account;
  char                 *secret;
  GtkLabel             *error_label;
} Saving;

static void
saving_free (Saving *saving)
{
  g_object_unref (saving->cancellable);
  g_clear_object (&saving->sync);
  g_object_unref (saving->store);
  g_object_unref (saving->account);
  memset (saving->secret, 0, strlen (saving->secret));
  g_free (saving->secret);
  g_free (saving);
}

static void
account_saved_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Saving *saving = user_data;
  ConciergePreferences *self;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean renewed = FALSE;

  account = concierge_accounts_add_finish (result, &renewed, &error);
  /* Syncing starts, or starts again, with the new sign-in at once. */
  if (account != NULL && saving->sync != NULL)
    concierge_sync_add_account (saving->sync, account, saving->secret, NULL);
  if (g_cancellable_is_cancelled (saving->cancellable))
    {
      saving_free (saving);
      return;
    }

  self = saving->self;
  if (account == NULL)
    {
      set_busy (self, FALSE);
      show_error (saving->error_label, error->message);
      saving_free (saving);
      return;
    }

  /* Adding an account that is here already signs it in again. */
  if (self->signing_in_again != NULL || renewed)
    /* Translators: %s is an account's or a bot's name */
    text = g_strdup_printf (_("%s is signed in again"), concierge_account_get_display_name (account));
  else
    text = g_strdup_printf (_("%s was added"), concierge_account_get_display_name (account));
  close_account_page (self);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), concierge_toast_new (text));
  update_accounts (self);
  saving_free (saving);
}

static void
account_identified_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Saving *saving = user_data;
  g_autoptr(GError) error = NULL;

  if (!concierge_store_identify_account_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (!g_cancellable_is_cancelled (saving->cancellable))
        {
          set_busy (saving->self, FALSE);
          show_error (saving->error_label, error->message);
        }
      saving_free (saving);
      return;
    }

  concierge_accounts_add_async (saving->store, saving->account, saving->secret, NULL, account_saved_cb, saving);
}

static void
save_account (ConciergePreferences *self,
              ConciergeAccount     *account,
              const char           *secret_json,
              GtkLabel             *error_label)
{
  g_autoptr(ConciergeAccount) saved = NULL;
  const char *remote_id = NULL;
  Saving *saving;

  if (self->signing_in_again != NULL)
    {
      remote_id = concierge_account_get_remote_user_id (self->signing_in_again);

      /* Signing in again must not swap one account for another. An account
       * added on the command line learns its id only when it syncs. */
      if (remote_id[0] != '\0' && !g_str_equal (remote_id, concierge_account_get_remote_user_id (account)))
        {
          g_autofree char *text = NULL;

          /* Translators: %s are accounts' handles, like @support */
          text = g_strdup_printf (_("You signed in as %s, but this is the account %s. Sign in as %s, or add "
                                    "the other account from the account list."),
                                  concierge_account_get_handle (account),
                                  concierge_account_get_handle (self->signing_in_again),
                                  concierge_account_get_handle (self->signing_in_again));
          set_busy (self, FALSE);
          show_error (error_label, text);
          return;
        }

      /* The same server address and id keep the same account. */
      saved = concierge_account_new (concierge_account_get_platform (account),
                                     concierge_account_get_display_name (account),
                                     concierge_account_get_handle (account),
                                     concierge_account_get_server_url (self->signing_in_again),
                                     concierge_account_get_remote_user_id (account));
    }

  /* The writes go on when Preferences closes meanwhile, so they are not
   * cancelled with it; only what they show is. */
  saving = g_new0 (Saving, 1);
  saving->self = self;
  saving->cancellable = g_object_ref (self->cancellable);
  saving->sync = self->sync ? g_object_ref (self->sync) : NULL;
  saving->store = g_object_ref (self->store);
  saving->account = g_object_ref (saved ? saved : account);
  saving->secret = g_strdup (secret_json);
  saving->error_label = error_label;
  set_busy (self, TRUE);

  /* An account without an id, which this page may have read before its
   * first sync learnt one, takes the id of the sign-in first: then it is
   * the account that the sign-in renews, whatever it knows by now. */
  if (remote_id != NULL && remote_id[0] == '\0' && concierge_account_get_remote_user_id (account)[0] != '\0')
    concierge_store_identify_account_async (self->store, concierge_account_get_id (self->signing_in_again),
                                            concierge_account_get_remote_user_id (account), NULL,
                                            account_identified_cb, saving);
  else
    concierge_accounts_add_async (self->store, saving->account, secret_json, NULL, account_saved_cb, saving);
}

/* Signing in through the browser, as to Mastodon */

static void
browser_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergePreferences *self = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  if (!g_app_info_launch_default_for_uri_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("No browser opened: %s. Copy the code page’s address below into "
                                                 "a browser."), error->message);

      show_mastodon_error (self, text);
    }
}

static void
open_in_browser (ConciergePreferences *self,
                 const char           *uri)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), self->sign_in_cancellable,
                                           browser_opened_cb, self);
}


/* Returns the account that signed in, or %NULL after showing why not.
 * Cancelled, it touches nothing: Preferences may be gone. */
static ConciergeAccount *
finish_sign_in (ConciergePreferences  *self,
                GObject               *sign_in,
                GAsyncResult          *result,
                char                 **secret,
                gboolean              *cancelled)
{
  g_autoptr(GError) error = NULL;
  ConciergeAccount *account;

  account = concierge_sign_in_complete_finish (CONCIERGE_SIGN_IN (sign_in), result, secret, &error);
  *cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (account == NULL && !*cancelled)
    show_mastodon_error (self, error->message);
  return account;
}

static void
signed_in (ConciergePreferences *self,
           ConciergeAccount     *account,
           char                 *secret)
{
  show_mastodon_error (self, NULL);
  save_account (self, account, secret, self->mastodon_error);
  memset (secret, 0, strlen (secret));
}

/* The browser came back, with access or without. */
static void
browser_returned_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ConciergePreferences *self = user_data;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *secret = NULL;
  gboolean cancelled;

  account = finish_sign_in (self, object, result, &secret, &cancelled);
  if (account != NULL)
    signed_in (self, account, secret);
  /* A wait given up for a pasted code, or a page closed, shows nothing. */
  else if (!cancelled)
    reset_sign_in (self);
}

static void wait_for_browser (ConciergePreferences *self);

static void
code_pasted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergePreferences *self = user_data;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *secret = NULL;
  gboolean cancelled;

  account = finish_sign_in (self, object, result, &secret, &cancelled);
  if (account != NULL)
    signed_in (self, account, secret);
  /* A mistyped code leaves the sign-in as it was: the browser may still
   * come back, and another code may be pasted. */
  else if (!cancelled)
    wait_for_browser (self);
}

static void
wait_for_browser (ConciergePreferences *self)
{
  if (self->sign_in == NULL)
    return;

  g_cancellable_cancel (self->waiting_cancellable);
  g_clear_object (&self->waiting_cancellable);
  self->waiting_cancellable = g_cancellable_new ();
  concierge_sign_in_complete_async (self->sign_in, NULL, self->waiting_cancellable, browser_returned_cb, self);
}

static void
code_applied_cb (ConciergePreferences *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  if (self->sign_in == NULL)
    return;

  show_mastodon_error (self, NULL);
  g_cancellable_cancel (self->waiting_cancellable);
  concierge_sign_in_complete_async (self->sign_in, code, self->sign_in_cancellable, code_pasted_cb, self);
}

static void
begun_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConciergePreferences *self = user_data;
  ConciergeSignIn *sign_in = CONCIERGE_SIGN_IN (object);
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  if (!concierge_sign_in_begin_finish (sign_in, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_mastodon_error (self, error->message);
          reset_sign_in (self);
        }
      return;
    }

  self->authorize_uri = concierge_sign_in_get_authorize_uri (sign_in, FALSE);
  self->code_page_uri = concierge_sign_in_get_authorize_uri (sign_in, TRUE);
  gtk_widget_set_visible (self->waiting_group, TRUE);
  open_in_browser (self, self->authorize_uri);
  wait_for_browser (self);
}

static void
sign_in_mastodon_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  g_autoptr(GError) error = NULL;

  if (self->platform == NULL || self->platform->new_sign_in == NULL)
    return;

  reset_sign_in (self);
  show_mastodon_error (self, NULL);
  self->sign_in = self->platform->new_sign_in (self->session, gtk_editable_get_text (GTK_EDITABLE (self->server_row)),
                                               &error);
  if (self->sign_in == NULL)
    {
      show_mastodon_error (self, error->message);
      return;
    }

  set_busy (self, TRUE);
  self->sign_in_cancellable = g_cancellable_new ();
  concierge_sign_in_begin_async (self->sign_in, self->sign_in_cancellable, begun_cb, self);
}

static void
server_activated_cb (ConciergePreferences *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in-mastodon", NULL);
}

/* @parameter: whether the page is the one that shows a code to paste */
static void
open_sign_in_page_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  const char *uri = g_variant_get_boolean (parameter) ? self->code_page_uri : self->authorize_uri;

  if (uri != NULL)
    open_in_browser (self, uri);
}

static void
copy_code_page_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);

  if (self->code_page_uri == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->code_page_uri);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), concierge_toast_new (_("Address copied")));
}

/* The page of a platform whose accounts sign in through the browser */
static void
present_mastodon_page (ConciergePreferences    *self,
                       const ConciergePlatform *platform,
                       ConciergeAccount        *again)
{
  self->platform = platform;
  g_set_object (&self->signing_in_again, again);
  reset_sign_in (self);
  show_mastodon_error (self, NULL);
  adw_window_title_set_title (self->mastodon_title, again ? _(platform->sign_in_again_title) : _(platform->add_title));
  if (again != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (concierge_account_get_server_url (again), G_URI_FLAGS_NONE, NULL);

      /* People know their server by its name; a test server keeps its
       * address. */
      gtk_editable_set_text (GTK_EDITABLE (self->server_row),
                             uri && g_str_equal (g_uri_get_scheme (uri), "https") && g_uri_get_port (uri) == -1
                               ? g_uri_get_host (uri) : concierge_account_get_server_url (again));
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), "");
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->mastodon_page);
  gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
}

/* Adding an account by its token, as a Telegram bot */

static void
add_bot (ConciergePreferences *self,
         ConciergeAccount     *account)
{
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  g_autofree char *secret = concierge_credentials_to_json (token, NULL, NULL);

  save_account (self, account, secret, self->telegram_error);
  memset (token, 0, strlen (token));
  memset (secret, 0, strlen (secret));
}

typedef struct
{
  ConciergePreferences *self; /* only until the call is cancelled */
  ConciergeAccount     *account;
} Webhook;

static void
webhook_free (Webhook *webhook)
{
  g_object_unref (webhook->account);
  g_free (webhook);
}

static void
webhook_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Webhook *webhook = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  if (!concierge_accounts_remove_webhook_finish (result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          set_busy (webhook->self, FALSE);
          show_telegram_error (webhook->self, error->message);
        }
    }
  else
    add_bot (webhook->self, webhook->account);
  webhook_free (webhook);
}

static void
webhook_response_cb (AdwMessageDialog     *dialog,
                     const char           *response,
                     ConciergePreferences *self)
{
  g_autofree char *token = NULL;
  Webhook *webhook;

  if (!g_str_equal (response, "remove"))
    {
      set_busy (self, FALSE);
      return;
    }

  webhook = g_new0 (Webhook, 1);
  webhook->self = self;
  webhook->account = g_object_steal_data (G_OBJECT (dialog), "account");
  token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  concierge_accounts_remove_webhook_async (self->session, concierge_account_get_platform (webhook->account),
                                           concierge_account_get_server_url (webhook->account), token,
                                           self->cancellable, webhook_deleted_cb, webhook);
  memset (token, 0, strlen (token));
}

static void
bot_checked_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergePreferences *self;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *webhook_url = NULL;
  AdwMessageDialog *dialog;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  account = concierge_accounts_identify_finish (result, &webhook_url, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (account == NULL)
    {
      set_busy (self, FALSE);
      show_telegram_error (self, error->message);
      return;
    }

  if (webhook_url == NULL)
    {
      set_busy (self, FALSE);
      add_bot (self, account);
      return;
    }

  /* A webhook takes the updates that Concierge would read. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Remove the Bot’s Webhook?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("Telegram sends this bot’s messages to %s. Concierge can read them only "
                                    "when no webhook is set. If another program uses the webhook, it stops "
                                    "receiving them."),
                                  webhook_url);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove Webhook"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account", g_steal_pointer (&account), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (webhook_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
check_telegram_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  const char *api_url = gtk_editable_get_text (GTK_EDITABLE (self->api_url_row));

  if (self->platform == NULL)
    return;
  if (token[0] == '\0')
    {
      show_telegram_error (self, _("Paste the bot’s token first."));
      return;
    }
  if (!concierge_credentials_server_url_is_ok (api_url, &error))
    {
      show_telegram_error (self, error->message);
      return;
    }

  show_telegram_error (self, NULL);
  set_busy (self, TRUE);
  concierge_accounts_identify_async (self->session, self->platform->id, api_url, token, self->cancellable,
                                     bot_checked_cb, self);
  memset (token, 0, strlen (token));
}

/* The page of a platform whose accounts sign in with a token */
static void
present_telegram_page (ConciergePreferences    *self,
                       const ConciergePlatform *platform,
                       ConciergeAccount        *again)
{
  self->platform = platform;
  g_set_object (&self->signing_in_again, again);
  set_busy (self, FALSE);
  show_telegram_error (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  adw_window_title_set_title (self->telegram_title, again ? _(platform->sign_in_again_title) : _(platform->add_title));
  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row),
                         again ? concierge_account_get_server_url (again)
                               : platform->server_url ? platform->server_url : "");
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->telegram_page);
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

static void
present_account_page (ConciergePreferences    *self,
                      const ConciergePlatform *platform,
                      ConciergeAccount        *again)
{
  if (concierge_platform_has (platform, CONCIERGE_PLATFORM_BROWSER_SIGN_IN))
    present_mastodon_page (self, platform, again);
  else
    present_telegram_page (self, platform, again);
}

/* @parameter: the platform's id */
static void
add_account_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  const ConciergePlatform *platform = concierge_platform_lookup (g_variant_get_string (parameter, NULL));

  if (platform != NULL)
    present_account_page (CONCIERGE_PREFERENCES (widget), platform, NULL);
}

static void
sign_in_again_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  ConciergeAccount *account = find_account (self, g_variant_get_int64 (parameter));
  const ConciergePlatform *platform;

  if (account == NULL || (platform = concierge_platform_lookup (concierge_account_get_platform (account))) == NULL)
    return;

  present_account_page (self, platform, account);
}

/* A row for each platform, to add an account of it */
static void
build_add_rows (ConciergePreferences *self)
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

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  close_account_page (CONCIERGE_PREFERENCES (widget));
}

/* Saved replies: a row for each, to change or delete it, and sharing
 * them with the team through a file */

static ConciergeSavedReply *
find_saved_reply (ConciergePreferences *self,
                  gint64                id)
{
  for (guint i = 0; self->saved_replies != NULL && i < self->saved_replies->len; i++)
    if (concierge_saved_reply_get_id (g_ptr_array_index (self->saved_replies, i)) == id)
      return g_ptr_array_index (self->saved_replies, i);
  return NULL;
}

static GtkWidget *
reply_button_new (const char *icon_name,
                  const char *label,
                  const char *action_name,
                  gint64      id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", id);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  return button;
}

static void
show_saved_replies (ConciergePreferences *self)
{
  GtkWidget *child, *row;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->reply_list))) != NULL)
    gtk_list_box_remove (self->reply_list, child);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.export-saved-replies",
                                 self->saved_replies->len > 0);

  if (self->saved_replies->len == 0)
    {
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No saved replies yet"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add one below, or import the file your team "
                                                           "shares."));
      gtk_list_box_append (self->reply_list, row);
      return;
    }

  for (guint i = 0; i < self->saved_replies->len; i++)
    {
      ConciergeSavedReply *reply = g_ptr_array_index (self->saved_replies, i);
      const char *title = concierge_saved_reply_get_title (reply);
      gint64 id = concierge_saved_reply_get_id (reply);
      g_autofree char *subtitle = NULL;
      g_autofree char *edit = NULL;
      g_autofree char *delete = NULL;

      /* Translators: a saved reply's language and form of address, as in "German · formal" */
      subtitle = g_strdup_printf (_("%s · %s"), concierge_language_name (concierge_saved_reply_get_language (reply)),
                                  concierge_address_name (concierge_saved_reply_get_address (reply)));
      /* Translators: the tooltips and accessible names of a saved reply's buttons; %s is its title */
      edit = g_strdup_printf (_("Edit “%s”"), title);
      delete = g_strdup_printf (_("Delete “%s”"), title);

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 reply_button_new ("document-edit-symbolic", edit, "preferences.edit-saved-reply", id));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 reply_button_new ("user-trash-symbolic", delete, "preferences.delete-saved-reply",
                                                   id));
      gtk_list_box_append (self->reply_list, row);
    }
}

static void
saved_replies_loaded_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  ConciergePreferences *self;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  replies = concierge_store_load_saved_replies_finish (CONCIERGE_STORE (object), result, &error);
  if (replies == NULL)
    return;

  self = user_data;

  g_clear_pointer (&self->saved_replies, g_ptr_array_unref);
  self->saved_replies = g_steal_pointer (&replies);
  show_saved_replies (self);
}

static void
update_saved_replies (ConciergePreferences *self)
{
  concierge_store_load_saved_replies_async (self->store, self->cancellable, saved_replies_loaded_cb, self);
}

static void
show_toast (ConciergePreferences *self,
            const char           *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), concierge_toast_new (text));
}

static void
saved_reply_saved_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergePreferences *self = concierge_caller_get_widget (caller);
  g_autoptr(GError) error = NULL;

  if (concierge_store_save_saved_reply_finish (CONCIERGE_STORE (object), result, &error) == 0 && self != NULL)
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The saved reply could not be saved: %s"), error->message);

      show_toast (self, text);
    }
}

static void
save_saved_reply (ConciergePreferences *self,
                  ConciergeSavedReply  *reply)
{
  /* What the agent wrote is saved when Preferences closes meanwhile. */
  concierge_store_save_saved_reply_async (self->store, reply, NULL, saved_reply_saved_cb,
                                          concierge_caller_new (self, self->cancellable, NULL, NULL));
}

static void
reply_dialog_response_cb (ConciergeSavedReplyDialog *dialog,
                          const char                *response,
                          ConciergePreferences      *self)
{
  if (g_str_equal (response, "save"))
    save_saved_reply (self, concierge_saved_reply_dialog_get_reply (dialog));
}

static void
present_reply_dialog (ConciergePreferences *self,
                      ConciergeSavedReply  *reply)
{
  ConciergeSavedReplyDialog *dialog = concierge_saved_reply_dialog_new (GTK_WINDOW (self), reply);

  g_signal_connect_object (dialog, "response", G_CALLBACK (reply_dialog_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_saved_reply_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  present_reply_dialog (CONCIERGE_PREFERENCES (widget), NULL);
}

static void
edit_saved_reply_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  ConciergeSavedReply *reply = find_saved_reply (self, g_variant_get_int64 (parameter));

  if (reply != NULL)
    present_reply_dialog (self, reply);
}

/* Undo adds the reply again, as it was. */
static void
undo_delete_cb (AdwToast             *toast,
                ConciergePreferences *self)
{
  ConciergeSavedReply *deleted = g_object_get_data (G_OBJECT (toast), "reply");
  g_autoptr(ConciergeSavedReply) again = NULL;

  again = concierge_saved_reply_new (concierge_saved_reply_get_title (deleted),
                                     concierge_saved_reply_get_text (deleted),
                                     concierge_saved_reply_get_language (deleted),
                                     concierge_saved_reply_get_address (deleted));
  save_saved_reply (self, again);
}

static void
saved_reply_deleted_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergePreferences *self = concierge_caller_get_widget (caller);
  ConciergeSavedReply *reply = concierge_caller_get_data (caller);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  AdwToast *toast;

  if (!concierge_store_delete_saved_reply_finish (CONCIERGE_STORE (object), result, &error))
    {
      if (self != NULL)
        {
          /* Translators: %s says why */
          text = g_strdup_printf (_("The saved reply could not be deleted: %s"), error->message);
          show_toast (self, text);
        }
      return;
    }
  if (self == NULL)
    return;

  /* Translators: a toast; %s is a saved reply's title */
  text = g_strdup_printf (_("Deleted “%s”"), concierge_saved_reply_get_title (reply));
  toast = concierge_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "reply", g_object_ref (reply), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete_cb), self, 0);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
delete_saved_reply_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  ConciergeSavedReply *reply = find_saved_reply (self, g_variant_get_int64 (parameter));

  if (reply == NULL)
    return;

  concierge_store_delete_saved_reply_async (self->store, concierge_saved_reply_get_id (reply), NULL,
                                            saved_reply_deleted_cb,
                                            concierge_caller_new (self, self->cancellable, g_object_ref (reply),
                                                                  g_object_unref));
}

/* Importing and exporting */

/* An import or export the agent started goes through when Preferences
 * closes meanwhile; its caller's data is the count of replies in the
 * file. */
static ConciergeCaller *
sharing_new (ConciergePreferences *self,
             guint                 count)
{
  return concierge_caller_new (self, self->cancellable, GUINT_TO_POINTER (count), NULL);
}

static GtkNativeDialog *
file_chooser_new (ConciergePreferences *self,
                  const char           *title,
                  GtkFileChooserAction  action,
                  const char           *accept_label)
{
  return concierge_file_chooser_new (&self->chooser, GTK_WINDOW (self), title, action, accept_label,
                                     _("Saved Replies (JSON)"), "application/json", "json");
}

static void
imported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConciergeCaller) sharing = user_data;
  ConciergePreferences *self = concierge_caller_get_widget (sharing);
  guint count = GPOINTER_TO_UINT (concierge_caller_get_data (sharing));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  int added;

  added = concierge_store_import_saved_replies_finish (CONCIERGE_STORE (object), result, &error);
  if (self == NULL)
    return;
  if (added < 0)
    {
      concierge_show_message (GTK_WINDOW (self), _("Could Not Import Saved Replies"), error->message);
      return;
    }

  if (count == 0)
    text = g_strdup (_("The file holds no saved replies"));
  else if (added == 0)
    text = g_strdup (_("Every saved reply in the file is here already"));
  else if ((guint) added == count)
    /* Translators: a toast after an import */
    text = g_strdup_printf (g_dngettext (NULL, "Imported %d saved reply", "Imported %d saved replies", added),
                            added);
  else
    /* Translators: a toast after an import that skipped the saved replies already here */
    text = g_strdup_printf (g_dngettext (NULL, "Imported %d saved reply; the others were here already",
                                         "Imported %d saved replies; the others were here already", added),
                            added);
  show_toast (self, text);
}

static void
import_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergePreferences *self;
  g_autoptr(GPtrArray) replies = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  replies = concierge_saved_replies_read_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (replies == NULL)
    {
      concierge_show_message (GTK_WINDOW (self), _("Could Not Import Saved Replies"), error->message);
      return;
    }

  concierge_store_import_saved_replies_async (self->store, replies, NULL, imported_cb,
                                              sharing_new (self, replies->len));
}

static void
import_chosen_cb (GtkNativeDialog      *chooser,
                  int                   response,
                  ConciergePreferences *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);

  if (file != NULL)
    concierge_saved_replies_read_async (file, self->cancellable, import_read_cb, self);
}

static void
import_saved_replies_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  GtkNativeDialog *chooser;

  chooser = file_chooser_new (self, _("Import Saved Replies"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"));
  g_signal_connect_object (chooser, "response", G_CALLBACK (import_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ConciergeCaller) sharing = user_data;
  ConciergePreferences *self = concierge_caller_get_widget (sharing);
  guint count = GPOINTER_TO_UINT (concierge_caller_get_data (sharing));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (!concierge_saved_replies_write_finish (result, &error))
    {
      if (self != NULL)
        concierge_show_message (GTK_WINDOW (self), _("Could Not Export Saved Replies"), error->message);
      return;
    }
  if (self == NULL)
    return;

  /* Translators: a toast after an export */
  text = g_strdup_printf (g_dngettext (NULL, "Exported %u saved reply", "Exported %u saved replies", count), count);
  show_toast (self, text);
}

static void
export_chosen_cb (GtkNativeDialog      *chooser,
                  int                   response,
                  ConciergePreferences *self)
{
  g_autoptr(GFile) file = concierge_file_chooser_take_file (&self->chooser, chooser, response);

  if (file != NULL && self->saved_replies != NULL)
    concierge_saved_replies_write_async (file, self->saved_replies, NULL, exported_cb,
                                         sharing_new (self, self->saved_replies->len));
}

static void
export_saved_replies_action (GtkWidget  *widget,
                             const char *action_name,
                             GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  GtkNativeDialog *chooser;
  g_autofree char *name = NULL;

  chooser = file_chooser_new (self, _("Export Saved Replies"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"));
  /* Translators: the name the file of saved replies gets at first */
  name = g_strdup_printf ("%s.json", _("Saved Replies"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_chosen_cb), self, 0);
  gtk_native_dialog_show (chooser);
}

/* Lists of strings: the company's own data, its customer number formats
 * and the holidays. Each is a list of strings in the settings, shown as
 * rows with a remove button, under an entry that adds one. */

static void update_string_list (ConciergePreferences *self, const char *key);

static const char * const string_keys[] = { "privacy-allowed", "customer-number-patterns", "holidays" };

static GtkListBox *
list_for_key (ConciergePreferences *self,
              const char           *key)
{
  if (g_str_equal (key, "privacy-allowed"))
    return self->allowed_list;
  if (g_str_equal (key, "holidays"))
    return self->holiday_list;
  return self->pattern_list;
}

/* The key as a string that outlives the row that named it. */
static const char *
static_key (const char *key)
{
  for (guint k = 0; k < G_N_ELEMENTS (string_keys); k++)
    if (g_str_equal (key, string_keys[k]))
      return string_keys[k];
  g_return_val_if_reached (NULL);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
set_strings (ConciergePreferences *self,
             const char           *key,
             GPtrArray            *values)
{
  g_ptr_array_add (values, NULL);
  g_settings_set_strv (self->settings, key, (const char * const *) values->pdata);
  g_ptr_array_set_size (values, values->len - 1);
}

static GPtrArray *
get_strings (ConciergePreferences *self,
             const char           *key)
{
  g_auto(GStrv) strv = g_settings_get_strv (self->settings, key);
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);

  for (guint k = 0; strv[k] != NULL; k++)
    g_ptr_array_add (values, g_strdup (strv[k]));
  return values;
}

static void
undo_removal_cb (AdwToast             *toast,
                 ConciergePreferences *self)
{
  const char *key = g_object_get_data (G_OBJECT (toast), "key");
  const char *value = g_object_get_data (G_OBJECT (toast), "value");
  g_autoptr(GPtrArray) values = get_strings (self, key);

  g_ptr_array_add (values, g_strdup (value));
  set_strings (self, key, values);
}

static void
remove_string_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *text = NULL;
  const char *key, *value;
  AdwToast *toast;
  guint index;

  g_variant_get (parameter, "(&s&s)", &key, &value);
  values = get_strings (self, key);
  if (!g_ptr_array_find_with_equal_func (values, value, g_str_equal, &index))
    return;
  g_ptr_array_remove_index (values, index);
  set_strings (self, key, values);

  /* Translators: a toast; %s is what was removed from a list */
  text = g_strdup_printf (_("Removed “%s”"), value);
  toast = concierge_toast_new (text);
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "key", g_strdup (key), g_free);
  g_object_set_data_full (G_OBJECT (toast), "value", g_strdup (value), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_removal_cb), self, 0);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
string_added_cb (AdwEntryRow          *row,
                 ConciergePreferences *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "key");
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autoptr(GPtrArray) values = NULL;

  if (value[0] == '\0')
    return;

  /* A pattern that is no regular expression is refused with the reason. */
  if (g_str_equal (key, "customer-number-patterns"))
    {
      g_autoptr(ConciergeDetector) detector = concierge_detector_new ();
      const char *one[] = { value, NULL };
      g_autoptr(GError) error = NULL;

      if (!concierge_detector_set_patterns (detector, one, &error))
        {
          gtk_label_set_text (self->pattern_error, error->message);
          gtk_widget_set_visible (GTK_WIDGET (self->pattern_error), TRUE);
          return;
        }
      gtk_widget_set_visible (GTK_WIDGET (self->pattern_error), FALSE);
    }

  /* A holiday is a date, written the one way that sorts and reads the
   * same in every language. */
  if (g_str_equal (key, "holidays"))
    {
      GDate date;

      if (!concierge_business_hours_parse_holiday (value, &date))
        {
          /* Translators: %s is what was typed; keep YYYY-MM-DD as it is, or use your language's letters */
          g_autofree char *text = g_strdup_printf (_("“%s” is no date. Write it as YYYY-MM-DD, for example "
                                                     "2026-12-24."), value);

          gtk_label_set_text (self->holiday_error, text);
          gtk_widget_set_visible (GTK_WIDGET (self->holiday_error), TRUE);
          return;
        }
      gtk_widget_set_visible (GTK_WIDGET (self->holiday_error), FALSE);
    }

  values = get_strings (self, key);
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  if (!g_ptr_array_find_with_equal_func (values, value, g_str_equal, NULL))
    {
      g_ptr_array_add (values, g_steal_pointer (&value));
      if (g_str_equal (key, "holidays"))
        g_ptr_array_sort (values, (GCompareFunc) compare_strings);
      /* The list is built anew; the next one can be typed at once. */
      self->adding_to = static_key (key);
      set_strings (self, key, values);
    }
}

static void
add_clicked_cb (GtkButton   *button,
                AdwEntryRow *row)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (gtk_widget_get_root (GTK_WIDGET (row)));

  string_added_cb (row, self);
}

static void
update_string_list (ConciergePreferences *self,
                    const char           *key)
{
  GtkListBox *list = list_for_key (self, key);
  g_autoptr(GPtrArray) values = get_strings (self, key);
  const char *placeholder, *add_label;
  GtkWidget *child, *row, *add;

  if (list == self->pattern_list)
    {
      placeholder = _("Add a Format, for Example WF-\\d{8}");
      add_label = _("Add Format");
    }
  else if (list == self->holiday_list)
    {
      placeholder = _("Add a Holiday, for Example 2026-12-24");
      add_label = _("Add Holiday");
    }
  else
    {
      placeholder = _("Add Data, for Example Your Hotline");
      add_label = _("Add Data");
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);

  for (guint k = 0; k < values->len; k++)
    {
      const char *value = g_ptr_array_index (values, k);
      g_autofree char *label = NULL;
      GtkWidget *button;

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value);
      button = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      /* Translators: the tooltip and accessible name of a button that removes %s from a list */
      label = g_strdup_printf (_("Remove “%s”"), value);
      gtk_widget_set_tooltip_text (button, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", key, value);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "preferences.remove-string");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (list, row);
    }

  row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), placeholder);
  g_object_set_data_full (G_OBJECT (row), "key", g_strdup (key), g_free);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (string_added_cb), self, 0);
  /* A button as well as Enter: the row says how to add. */
  add = gtk_button_new_from_icon_name ("list-add-symbolic");
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "flat");
  gtk_widget_set_tooltip_text (add, add_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL, add_label, -1);
  g_signal_connect_object (add, "clicked", G_CALLBACK (add_clicked_cb), row, 0);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), add);
  gtk_list_box_append (list, row);
  if (g_strcmp0 (self->adding_to, key) == 0)
    {
      self->adding_to = NULL;
      gtk_widget_grab_focus (row);
    }
}

static void
string_setting_changed_cb (GSettings            *settings,
                           const char           *key,
                           ConciergePreferences *self)
{
  update_string_list (self, key);
}

/* Business hours: a row per weekday, open or closed, from when to when */

static const char *
weekday_name (GDateWeekday weekday)
{
  switch (weekday)
    {
    case G_DATE_MONDAY:
      return _("Monday");
    case G_DATE_TUESDAY:
      return _("Tuesday");
    case G_DATE_WEDNESDAY:
      return _("Wednesday");
    case G_DATE_THURSDAY:
      return _("Thursday");
    case G_DATE_FRIDAY:
      return _("Friday");
    case G_DATE_SATURDAY:
      return _("Saturday");
    case G_DATE_SUNDAY:
      return _("Sunday");
    case G_DATE_BAD_WEEKDAY:
    default:
      return "";
    }
}

/* A time of day as the spin button shows it: 08:30 */
static gboolean
time_output_cb (GtkSpinButton *spin)
{
  int minutes = (int) gtk_spin_button_get_value (spin);
  g_autofree char *text = g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);

  /* Through the text inside: the spin button's own set_text reads the
   * text back as a number first, which a time is not. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (gtk_editable_get_delegate (GTK_EDITABLE (spin)), text);
  return TRUE;
}

/* And as a person types it: 8, 8:30 or 08:30 */
static int
time_input_cb (GtkSpinButton *spin,
               double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  guint hours = 0, minutes = 0;
  char end;
  int n = sscanf (text, "%u:%u%c", &hours, &minutes, &end);

  if ((n != 1 && n != 2) || hours > 24 || minutes > 59 || hours * 60 + minutes > 24 * 60)
    return GTK_INPUT_ERROR;
  *value = hours * 60 + minutes;
  return TRUE;
}

static void
write_business_hours (ConciergePreferences *self)
{
  GVariantBuilder builder;

  if (self->showing_hours)
    return;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(yqq)"));
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      guint open = gtk_spin_button_get_value_as_int (self->day_opens[day]);
      guint close = gtk_spin_button_get_value_as_int (self->day_closes[day]);

      gtk_widget_set_sensitive (GTK_WIDGET (self->day_opens[day]), gtk_switch_get_active (self->day_switches[day]));
      gtk_widget_set_sensitive (GTK_WIDGET (self->day_closes[day]), gtk_switch_get_active (self->day_switches[day]));
      if (gtk_switch_get_active (self->day_switches[day]) && open < close)
        g_variant_builder_add (&builder, "(yqq)", (guint8) day, (guint16) open, (guint16) close);
    }
  g_settings_set_value (self->settings, "business-hours", g_variant_builder_end (&builder));
}

static void
show_business_hours (ConciergePreferences *self)
{
  g_autoptr(GVariant) days = g_settings_get_value (self->settings, "business-hours");
  GVariantIter iter;
  guint8 weekday;
  guint16 open, close;

  self->showing_hours = TRUE;
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    gtk_switch_set_active (self->day_switches[day], FALSE);
  g_variant_iter_init (&iter, days);
  while (g_variant_iter_next (&iter, "(yqq)", &weekday, &open, &close))
    if (g_date_valid_weekday (weekday) && open < close && close <= 24 * 60)
      {
        gtk_switch_set_active (self->day_switches[weekday], TRUE);
        gtk_spin_button_set_value (self->day_opens[weekday], open);
        gtk_spin_button_set_value (self->day_closes[weekday], close);
      }
  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      gboolean active = gtk_switch_get_active (self->day_switches[day]);

      gtk_widget_set_sensitive (GTK_WIDGET (self->day_opens[day]), active);
      gtk_widget_set_sensitive (GTK_WIDGET (self->day_closes[day]), active);
    }
  self->showing_hours = FALSE;
}

static GtkSpinButton *
time_spin_new (const char *accessible_name,
               guint       minutes)
{
  GtkSpinButton *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 24 * 60, 15));

  g_signal_connect (spin, "output", G_CALLBACK (time_output_cb), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (time_input_cb), NULL);
  gtk_spin_button_set_value (spin, minutes);
  time_output_cb (spin);
  gtk_widget_set_valign (GTK_WIDGET (spin), GTK_ALIGN_CENTER);
  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_name, -1);
  return spin;
}

static void
build_business_hours (ConciergePreferences *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *description = NULL;

  /* Translators: %s is a time zone's name or abbreviation, like CET */
  description = g_strdup_printf (_("Waiting time counts only during these hours, in this computer’s time zone "
                                   "(%s)."), g_date_time_get_timezone_abbreviation (now));
  adw_preferences_group_set_description (self->hours_group, description);

  for (GDateWeekday day = G_DATE_MONDAY; day <= G_DATE_SUNDAY; day++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *dash = gtk_label_new ("–");
      g_autofree char *open_name = NULL;
      g_autofree char *close_name = NULL;
      g_autofree char *switch_name = NULL;

      /* Translators: accessible names of a weekday's controls; %s is the weekday */
      switch_name = g_strdup_printf (_("Open on %s"), weekday_name (day));
      open_name = g_strdup_printf (_("%s opens at"), weekday_name (day));
      close_name = g_strdup_printf (_("%s closes at"), weekday_name (day));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), weekday_name (day));
      self->day_opens[day] = time_spin_new (open_name, 8 * 60);
      self->day_closes[day] = time_spin_new (close_name, 18 * 60);
      self->day_switches[day] = GTK_SWITCH (gtk_switch_new ());
      gtk_widget_set_valign (GTK_WIDGET (self->day_switches[day]), GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->day_switches[day]), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      switch_name, -1);
      gtk_accessible_update_property (GTK_ACCESSIBLE (dash), GTK_ACCESSIBLE_PROPERTY_LABEL, _("to"), -1);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->day_opens[day]));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), dash);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->day_closes[day]));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->day_switches[day]));
      gtk_list_box_append (self->hours_list, row);

      g_signal_connect_object (self->day_switches[day], "notify::active", G_CALLBACK (write_business_hours), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->day_opens[day], "value-changed", G_CALLBACK (write_business_hours), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->day_closes[day], "value-changed", G_CALLBACK (write_business_hours), self,
                               G_CONNECT_SWAPPED);
    }
  show_business_hours (self);
}

static void
concierge_preferences_dispose (GObject *object)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  forget_sign_in (self);
  g_clear_object (&self->signing_in_again);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->saved_replies, g_ptr_array_unref);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->session);
  g_clear_object (&self->mastodon_page);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  g_clear_object (&self->telegram_page);

  G_OBJECT_CLASS (concierge_preferences_parent_class)->dispose (object);
}

/* Retention: off is 0 days; the spin button keeps its number while off,
 * so that switching on again brings it back. */
static void
show_retention (ConciergePreferences *self)
{
  int days = g_settings_get_int (self->settings, "retention-days");

  if (days > 0)
    gtk_spin_button_set_value (self->retention_spin, days);
  gtk_switch_set_active (self->retention_switch, days > 0);
}

static void
retention_changed_cb (ConciergePreferences *self)
{
  int days = gtk_switch_get_active (self->retention_switch)
               ? gtk_spin_button_get_value_as_int (self->retention_spin) : 0;

  if (days != g_settings_get_int (self->settings, "retention-days"))
    g_settings_set_int (self->settings, "retention-days", days);
}

/* Damaged caches: files the app moved aside, which may still hold
 * customers' data; the agent can delete them. */

static void
damaged_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergePreferences *self;
  g_autoptr(GPtrArray) caches = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  caches = concierge_store_list_damaged_finish (result, &error);
  if (caches == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Listing damaged caches failed: %s", error->message);
      return;
    }

  self = user_data;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->damaged_list))) != NULL)
    gtk_list_box_remove (self->damaged_list, child);
  for (guint i = 0; i < caches->len; i++)
    {
      ConciergeDamagedCache *cache = g_ptr_array_index (caches, i);
      g_autofree char *when = concierge_format_date_time (cache->moved_at);
      /* Translators: %s is a date and time, as in "1 December 2026, 10:15" */
      g_autofree char *title = g_strdup_printf (_("Moved aside on %s"), when);
      g_autofree char *size = g_format_size (cache->size);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *delete = gtk_button_new_with_mnemonic (_("_Delete…"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), size);
      gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (delete, "destructive-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (delete), "preferences.delete-damaged");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (delete), "s", cache->path);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), delete);
      gtk_list_box_append (self->damaged_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->damaged_group), caches->len > 0);
}

static void
update_damaged (ConciergePreferences *self)
{
  g_autofree char *path = concierge_store_default_path ();

  concierge_store_list_damaged_async (path, self->cancellable, damaged_listed_cb, self);
}

/* A deletion goes through, and into the audit log, when Preferences
 * closes meanwhile. */
typedef struct
{
  ConciergeStore *store;
  char           *name;
} DamagedDeletion;

static void
damaged_deletion_free (DamagedDeletion *deletion)
{
  g_object_unref (deletion->store);
  g_free (deletion->name);
  g_free (deletion);
}

static void
damaged_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ConciergeCaller) caller = user_data;
  ConciergePreferences *self = concierge_caller_get_widget (caller);
  DamagedDeletion *deletion = concierge_caller_get_data (caller);
  g_autoptr(GError) error = NULL;

  if (!concierge_store_delete_damaged_finish (result, &error))
    {
      if (self != NULL)
        concierge_show_message (GTK_WINDOW (self), _("Could Not Delete the Damaged Cache"), error->message);
      return;
    }

  /* The audit log keeps that it went: its file name holds when it was
   * moved aside, and nothing of anyone's. */
  concierge_store_log_async (deletion->store, CONCIERGE_AUDIT_PURGE, 0, "damaged cache", deletion->name, NULL, NULL,
                             NULL);
  if (self == NULL)
    return;
  show_toast (self, _("Damaged cache deleted"));
  update_damaged (self);
}

static void
delete_damaged_response_cb (AdwMessageDialog *dialog,
                            const char       *response,
                            ConciergePreferences *self)
{
  g_autofree char *cache_path = concierge_store_default_path ();
  const char *path = g_object_get_data (G_OBJECT (dialog), "path");
  DamagedDeletion *deletion;

  if (!g_str_equal (response, "delete"))
    return;
  deletion = g_new0 (DamagedDeletion, 1);
  deletion->store = g_object_ref (self->store);
  deletion->name = g_path_get_basename (path);
  concierge_store_delete_damaged_async (cache_path, path, NULL, damaged_deleted_cb,
                                        concierge_caller_new (self, self->cancellable, deletion,
                                                              (GDestroyNotify) damaged_deletion_free));
}

static void
delete_damaged_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Delete the Damaged Cache?"),
                                                       _("It may hold conversations and customers’ personal "
                                                         "data. Deleting it cannot be undone.")));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_variant_dup_string (parameter, NULL), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_damaged_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
concierge_preferences_class_init (ConciergePreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, account_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, add_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, allowed_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, pattern_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, pattern_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, first_target_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, retention_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, retention_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, damaged_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, damaged_list);
  gtk_widget_class_install_action (widget_class, "preferences.delete-damaged", "s", delete_damaged_action);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, next_target_spin);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, hours_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, hours_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, holiday_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, holiday_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, single_key_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, background_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, login_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, private_messages_switch);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, agent_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, agent_name_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, reply_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, mastodon_page);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, mastodon_title);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, server_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, mastodon_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, mastodon_spinner);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, waiting_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, code_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_page);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_title);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, token_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_spinner);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_add_button);

  gtk_widget_class_bind_template_callback (widget_class, server_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_applied_cb);

  gtk_widget_class_install_action (widget_class, "preferences.add-account", "s", add_account_action);
  gtk_widget_class_install_action (widget_class, "preferences.sign-in-mastodon", NULL, sign_in_mastodon_action);
  gtk_widget_class_install_action (widget_class, "preferences.open-sign-in-page", "b", open_sign_in_page_action);
  gtk_widget_class_install_action (widget_class, "preferences.copy-code-page", NULL, copy_code_page_action);
  gtk_widget_class_install_action (widget_class, "preferences.sign-in-again", "x", sign_in_again_action);
  gtk_widget_class_install_action (widget_class, "preferences.check-telegram", NULL, check_telegram_action);
  gtk_widget_class_install_action (widget_class, "preferences.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-account", "(xs)", remove_account_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-string", "(ss)", remove_string_action);
  gtk_widget_class_install_action (widget_class, "preferences.add-saved-reply", NULL, add_saved_reply_action);
  gtk_widget_class_install_action (widget_class, "preferences.edit-saved-reply", "x", edit_saved_reply_action);
  gtk_widget_class_install_action (widget_class, "preferences.delete-saved-reply", "x", delete_saved_reply_action);
  gtk_widget_class_install_action (widget_class, "preferences.import-saved-replies", NULL,
                                   import_saved_replies_action);
  gtk_widget_class_install_action (widget_class, "preferences.export-saved-replies", NULL,
                                   export_saved_replies_action);
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
  g_autofree char *system_name = NULL;
  g_autofree char *agent_description = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  name_search_entries (GTK_WIDGET (self));
  build_add_rows (self);

  /* The subpages are no children until they are shown; they stay ours
   * meanwhile. */
  g_object_ref_sink (self->mastodon_page);
  g_object_ref_sink (self->telegram_page);
  self->cancellable = g_cancellable_new ();
  self->session = soup_session_new ();

  self->settings = g_settings_new (BASE_ID);
  for (guint k = 0; k < G_N_ELEMENTS (string_keys); k++)
    {
      g_autofree char *signal = g_strconcat ("changed::", string_keys[k], NULL);

      g_signal_connect_object (self->settings, signal, G_CALLBACK (string_setting_changed_cb), self, 0);
      update_string_list (self, string_keys[k]);
    }

  g_settings_bind (self->settings, "first-response-target", self->first_target_spin, "value", G_SETTINGS_BIND_DEFAULT);
  show_retention (self);
  g_signal_connect_swapped (self->retention_switch, "notify::active", G_CALLBACK (retention_changed_cb), self);
  g_signal_connect_swapped (self->retention_spin, "value-changed", G_CALLBACK (retention_changed_cb), self);
  g_settings_bind (self->settings, "next-response-target", self->next_target_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "single-key-shortcuts", self->single_key_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "start-at-login", self->login_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "notify-private-messages", self->private_messages_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  build_business_hours (self);
  g_signal_connect_object (self->settings, "changed::business-hours", G_CALLBACK (show_business_hours), self,
                           G_CONNECT_SWAPPED);

  g_settings_bind (self->settings, "agent-name", self->agent_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  system_name = concierge_agent_name (NULL);
  /* Translators: %s is the user's name on this computer; keep {agent.name} as it is */
  agent_description = g_strdup_printf (_("Saved replies put your name where they say {agent.name}. Left empty, "
                                         "they use your name on this computer: %s."), system_name);
  adw_preferences_group_set_description (self->agent_group, agent_description);
  /* Nothing to export until the replies are read. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.export-saved-replies", FALSE);
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

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);

  self = g_object_new (CONCIERGE_TYPE_PREFERENCES, "transient-for", parent, "modal", TRUE, NULL);
  self->store = g_object_ref (store);
  if (sync != NULL)
    {
      self->sync = g_object_ref (sync);
      g_signal_connect_object (sync, "state-changed", G_CALLBACK (update_accounts), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "accounts-changed", G_CALLBACK (update_accounts), self, G_CONNECT_SWAPPED);
    }
  update_accounts (self);
  g_signal_connect_object (store, "saved-replies-changed", G_CALLBACK (update_saved_replies), self,
                           G_CONNECT_SWAPPED);
  update_saved_replies (self);
  update_damaged (self);

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

  if (find_account (self, account_id) != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in-again", "x", account_id);
  else
    self->sign_in_when_loaded = account_id;
}
