/* concierge-preferences.c
 *
 * Preferences: the accounts, each with its state, and adding and removing
 * them without a terminal.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-accounts.h"
#include "channels/concierge-telegram.h"
#include "concierge-preferences.h"
#include "concierge-ui.h"

struct _ConciergePreferences
{
  AdwPreferencesWindow parent_instance;

  ConciergeStore *store;
  ConciergeSync  *sync;
  GCancellable   *cancellable;
  ConciergeTelegram *checking;

  /* Template widgets */
  GtkListBox     *account_list;
  GtkWidget      *telegram_page;
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

typedef struct
{
  ConciergePreferences *self;
  gint64                account_id;
} Removal;

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autofree Removal *removal = user_data;
  g_autoptr(ConciergePreferences) self = removal->self;
  g_autoptr(GError) error = NULL;

  if (!concierge_accounts_remove_finish (result, &error))
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("The account could not be removed: %s"), error->message);

      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
      return;
    }

  /* Sync stops at once, and whatever shows the cache reads it again. */
  if (self->sync != NULL)
    concierge_sync_remove_account (self->sync, removal->account_id);
  concierge_store_invalidate (self->store);
  update_accounts (self);
}

static void
remove_response_cb (AdwMessageDialog     *dialog,
                    const char           *response,
                    ConciergePreferences *self)
{
  Removal *removal;

  if (!g_str_equal (response, "keep") && !g_str_equal (response, "delete"))
    return;

  removal = g_new0 (Removal, 1);
  removal->self = g_object_ref (self);
  removal->account_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "account-id"));
  concierge_accounts_remove_async (self->store, removal->account_id, g_str_equal (response, "keep"), NULL,
                                   removed_cb, removal);
}

static void
remove_account_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  AdwMessageDialog *dialog;
  gint64 id;
  const char *name;

  g_variant_get (parameter, "(x&s)", &id, &name);

  /* Translators: %s is an account, like "Support on Mastodon" */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), NULL, NULL));
  adw_message_dialog_format_heading (dialog, _("Remove %s?"), name);
  adw_message_dialog_set_body (dialog, _("Concierge deletes the sign-in from the keyring and stops syncing "
                                         "the account. Its cached conversations can stay readable, or go "
                                         "with it. Nothing is deleted on the platform."));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "keep", _("_Keep Conversations"),
                                    "delete", _("_Delete Conversations"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "account-id", GSIZE_TO_POINTER ((gsize) id));
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
accounts_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ConciergePreferences) self = user_data;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *child;

  accounts = concierge_store_load_accounts_finish (CONCIERGE_STORE (object), result, &error);
  if (accounts == NULL)
    return;

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
  concierge_store_load_accounts_async (self->store, self->cancellable, accounts_loaded_cb, g_object_ref (self));
}

/* Adding a Telegram bot */

static void
show_telegram_error (ConciergePreferences *self,
                     const char           *text)
{
  gtk_label_set_text (self->telegram_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->telegram_error), text != NULL);
}

static void
set_checking (ConciergePreferences *self,
              gboolean              checking)
{
  gtk_spinner_set_spinning (self->telegram_spinner, checking);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preferences.check-telegram", !checking);
}

static void
bot_added_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ConciergePreferences) self = user_data;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  set_checking (self, FALSE);
  account = concierge_accounts_add_finish (result, &error);
  if (account == NULL)
    {
      show_telegram_error (self, error->message);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (self));
  /* Translators: %s is the bot's name */
  text = g_strdup_printf (_("%s was added"), concierge_account_get_display_name (account));
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
  update_accounts (self);
}

static void
add_bot (ConciergePreferences *self,
         ConciergeTelegramBot *bot)
{
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *handle = g_strdup_printf ("@%s", bot->username);
  g_autofree char *bot_id = g_strdup_printf ("%" G_GINT64_FORMAT, bot->id);

  account = concierge_account_new ("telegram", bot->name, handle,
                                   gtk_editable_get_text (GTK_EDITABLE (self->api_url_row)), bot_id);
  set_checking (self, TRUE);
  concierge_accounts_add_async (self->store, account, gtk_editable_get_text (GTK_EDITABLE (self->token_row)),
                                self->cancellable, bot_added_cb, g_object_ref (self));
}

typedef struct
{
  ConciergePreferences *self;
  ConciergeTelegramBot *bot;
} Webhook;

static void
webhook_free (Webhook *webhook)
{
  g_object_unref (webhook->self);
  concierge_telegram_bot_free (webhook->bot);
  g_free (webhook);
}

static void
webhook_deleted_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Webhook *webhook = user_data;
  g_autoptr(GError) error = NULL;

  if (!concierge_telegram_delete_webhook_finish (CONCIERGE_TELEGRAM (object), result, &error))
    {
      set_checking (webhook->self, FALSE);
      show_telegram_error (webhook->self, error->message);
    }
  else
    add_bot (webhook->self, webhook->bot);
  webhook_free (webhook);
}

static void
webhook_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  Webhook *webhook = user_data;

  if (!g_str_equal (response, "remove"))
    {
      set_checking (webhook->self, FALSE);
      webhook_free (webhook);
      return;
    }

  concierge_telegram_delete_webhook_async (webhook->self->checking, webhook->self->cancellable,
                                           webhook_deleted_cb, webhook);
}

static void
bot_checked_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ConciergePreferences) self = user_data;
  g_autoptr(ConciergeTelegramBot) bot = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  Webhook *webhook;

  bot = concierge_telegram_check_finish (CONCIERGE_TELEGRAM (object), result, &error);
  if (bot == NULL)
    {
      set_checking (self, FALSE);
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED))
        show_telegram_error (self, _("Telegram does not know this token. Copy it again from @BotFather."));
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_telegram_error (self, error->message);
      return;
    }

  if (bot->webhook_url == NULL)
    {
      set_checking (self, FALSE);
      add_bot (self, bot);
      return;
    }

  /* A webhook takes the updates that Concierge would read. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Remove the Bot’s Webhook?"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("Telegram sends this bot’s messages to %s. Concierge can read them only "
                                    "when no webhook is set. If another program uses the webhook, it stops "
                                    "receiving them."),
                                  bot->webhook_url);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove Webhook"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  webhook = g_new0 (Webhook, 1);
  webhook->self = g_object_ref (self);
  webhook->bot = g_steal_pointer (&bot);
  g_signal_connect (dialog, "response", G_CALLBACK (webhook_response_cb), webhook);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
check_telegram_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
  const char *api_url = gtk_editable_get_text (GTK_EDITABLE (self->api_url_row));

  if (token[0] == '\0')
    {
      show_telegram_error (self, _("Paste the bot’s token first."));
      return;
    }
  if (!concierge_accounts_server_url_is_ok (api_url, &error))
    {
      show_telegram_error (self, error->message);
      return;
    }

  show_telegram_error (self, NULL);
  set_checking (self, TRUE);
  session = soup_session_new ();
  g_clear_object (&self->checking);
  self->checking = concierge_telegram_new (session, 0, api_url, token);
  concierge_telegram_check_async (self->checking, self->cancellable, bot_checked_cb, g_object_ref (self));
}

static void
add_telegram_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (widget);

  show_telegram_error (self, NULL);
  adw_preferences_window_present_subpage (ADW_PREFERENCES_WINDOW (self), self->telegram_page);
  gtk_widget_grab_focus (GTK_WIDGET (self->token_row));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  adw_preferences_window_close_subpage (ADW_PREFERENCES_WINDOW (widget));
}

static void
concierge_preferences_dispose (GObject *object)
{
  ConciergePreferences *self = CONCIERGE_PREFERENCES (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->checking);
  g_clear_object (&self->store);
  g_clear_object (&self->sync);
  g_clear_object (&self->telegram_page);

  G_OBJECT_CLASS (concierge_preferences_parent_class)->dispose (object);
}

static void
concierge_preferences_class_init (ConciergePreferencesClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_preferences_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-preferences.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, account_list);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_page);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, token_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_error);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_spinner);
  gtk_widget_class_bind_template_child (widget_class, ConciergePreferences, telegram_add_button);

  gtk_widget_class_install_action (widget_class, "preferences.add-telegram", NULL, add_telegram_action);
  gtk_widget_class_install_action (widget_class, "preferences.check-telegram", NULL, check_telegram_action);
  gtk_widget_class_install_action (widget_class, "preferences.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "preferences.remove-account", "(xs)", remove_account_action);
}

static void
concierge_preferences_init (ConciergePreferences *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The subpage is no child until it is shown; it stays ours meanwhile. */
  g_object_ref_sink (self->telegram_page);
  self->cancellable = g_cancellable_new ();
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

  return GTK_WINDOW (self);
}
