/* concierge-token-sign-in-page.c
 *
 * Adding an account by a token the agent pastes, as a Telegram bot or a
 * Facebook page: the token is checked with the platform, a webhook that
 * would take the account's news is removed when the agent agrees, and a
 * page is shown by its name and id before it is added. The words are the
 * platform's, from its entry in the platform table.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-accounts.h"
#include "channels/concierge-credentials.h"
#include "concierge-token-sign-in-page.h"

struct _ConciergeTokenSignInPage
{
  ConciergeSignInPage parent_instance;

  /* Template widgets */
  AdwWindowTitle       *title;
  AdwPreferencesGroup  *intro_group;
  AdwEntryRow          *token_row;
  AdwEntryRow          *api_url_row;
  GtkButton            *add_button;
  GtkLabel             *error_label;
  GtkSpinner           *spinner;
};

G_DEFINE_FINAL_TYPE (ConciergeTokenSignInPage, concierge_token_sign_in_page, CONCIERGE_TYPE_SIGN_IN_PAGE)

static char *
dup_token (ConciergeTokenSignInPage *self)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));
}

static void
add_account (ConciergeTokenSignInPage *self,
             ConciergeAccount         *account)
{
  g_autofree char *token = dup_token (self);
  g_autofree char *secret = concierge_credentials_to_json (token, NULL, NULL);

  concierge_sign_in_page_save_account (CONCIERGE_SIGN_IN_PAGE (self), account, secret);
  memset (token, 0, strlen (token));
  memset (secret, 0, strlen (secret));
}

typedef struct
{
  ConciergeTokenSignInPage *self; /* only until the call is cancelled */
  ConciergeAccount         *account;
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
          concierge_sign_in_page_set_busy (CONCIERGE_SIGN_IN_PAGE (webhook->self), FALSE);
          concierge_sign_in_page_show_error (CONCIERGE_SIGN_IN_PAGE (webhook->self), error->message);
        }
    }
  else
    add_account (webhook->self, webhook->account);
  webhook_free (webhook);
}

static void
webhook_response_cb (AdwMessageDialog         *dialog,
                     const char               *response,
                     ConciergeTokenSignInPage *self)
{
  ConciergeSignInPage *page = CONCIERGE_SIGN_IN_PAGE (self);
  g_autofree char *token = NULL;
  Webhook *webhook;

  if (!g_str_equal (response, "remove"))
    {
      concierge_sign_in_page_set_busy (page, FALSE);
      return;
    }

  webhook = g_new0 (Webhook, 1);
  webhook->self = self;
  webhook->account = g_object_steal_data (G_OBJECT (dialog), "account");
  token = dup_token (self);
  concierge_accounts_remove_webhook_async (concierge_sign_in_page_get_session (page),
                                           concierge_account_get_platform (webhook->account),
                                           concierge_account_get_server_url (webhook->account), token,
                                           concierge_sign_in_page_get_cancellable (page), webhook_deleted_cb,
                                           webhook);
  memset (token, 0, strlen (token));
}

static void
confirm_response_cb (AdwMessageDialog         *dialog,
                     const char               *response,
                     ConciergeTokenSignInPage *self)
{
  concierge_sign_in_page_set_busy (CONCIERGE_SIGN_IN_PAGE (self), FALSE);
  if (g_str_equal (response, "add"))
    add_account (self, g_object_get_data (G_OBJECT (dialog), "account"));
}

/* A token may reach another page than the agent thinks: the page is
 * named, by its name and its id, before it is added. */
static void
confirm_page (ConciergeTokenSignInPage *self,
              ConciergeAccount         *account)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (concierge_sign_in_page_get_window (CONCIERGE_SIGN_IN_PAGE (self)),
                                                       NULL, NULL));
  /* Translators: %s is a page's name, as in "Wellenfunk" */
  adw_message_dialog_format_heading (dialog, _("Add the Page “%s”?"), concierge_account_get_display_name (account));
  /* Translators: %s is the page's id, a number */
  adw_message_dialog_format_body (dialog, _("The token belongs to the page with the id %s. Concierge reads its "
                                            "comments and Messenger chats and answers as the page."),
                                  concierge_account_get_remote_user_id (account));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "add", _("_Add Page"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "add", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "add");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "account", g_object_ref (account), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
account_checked_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  ConciergeTokenSignInPage *self;
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
      concierge_sign_in_page_set_busy (CONCIERGE_SIGN_IN_PAGE (self), FALSE);
      concierge_sign_in_page_show_error (CONCIERGE_SIGN_IN_PAGE (self), error->message);
      return;
    }

  if (webhook_url == NULL &&
      concierge_platform_has (concierge_sign_in_page_get_platform (CONCIERGE_SIGN_IN_PAGE (self)),
                              CONCIERGE_PLATFORM_PAGE_ID))
    {
      confirm_page (self, account);
      return;
    }
  if (webhook_url == NULL)
    {
      concierge_sign_in_page_set_busy (CONCIERGE_SIGN_IN_PAGE (self), FALSE);
      add_account (self, account);
      return;
    }

  /* A webhook takes the updates that Concierge would read. */
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (concierge_sign_in_page_get_window (CONCIERGE_SIGN_IN_PAGE (self)),
                                                       _("Remove the Bot’s Webhook?"), NULL));
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
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  ConciergeTokenSignInPage *self = CONCIERGE_TOKEN_SIGN_IN_PAGE (widget);
  ConciergeSignInPage *page = CONCIERGE_SIGN_IN_PAGE (widget);
  const ConciergePlatform *platform = concierge_sign_in_page_get_platform (page);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = dup_token (self);
  const char *api_url = gtk_editable_get_text (GTK_EDITABLE (self->api_url_row));

  if (platform == NULL)
    return;
  if (token[0] == '\0')
    {
      concierge_sign_in_page_show_error (page, _(platform->token_missing));
      return;
    }
  if (!concierge_credentials_server_url_is_ok (api_url, &error))
    {
      concierge_sign_in_page_show_error (page, error->message);
      return;
    }

  concierge_sign_in_page_show_error (page, NULL);
  concierge_sign_in_page_set_busy (page, TRUE);
  concierge_accounts_identify_async (concierge_sign_in_page_get_session (page), platform->id, api_url, token,
                                     concierge_sign_in_page_get_cancellable (page), account_checked_cb, self);
  memset (token, 0, strlen (token));
}

static GtkWidget *
prepare (ConciergeSignInPage *page)
{
  ConciergeTokenSignInPage *self = CONCIERGE_TOKEN_SIGN_IN_PAGE (page);
  const ConciergePlatform *platform = concierge_sign_in_page_get_platform (page);
  ConciergeAccount *again = concierge_sign_in_page_get_signing_in_again (page);

  concierge_sign_in_page_set_busy (page, FALSE);
  concierge_sign_in_page_show_error (page, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  adw_window_title_set_title (self->title, concierge_sign_in_page_get_title (page));
  adw_preferences_group_set_description (self->intro_group, _(platform->token_intro));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _(platform->token_label));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->api_url_row), _(platform->api_url_label));
  gtk_button_set_label (self->add_button, _(platform->token_add_label));
  gtk_editable_set_text (GTK_EDITABLE (self->api_url_row),
                         again ? concierge_account_get_server_url (again)
                               : platform->server_url ? platform->server_url : "");
  return GTK_WIDGET (self->token_row);
}

static void
reset (ConciergeSignInPage *page)
{
  concierge_sign_in_page_set_busy (page, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (CONCIERGE_TOKEN_SIGN_IN_PAGE (page)->token_row), "");
}

static void
concierge_token_sign_in_page_class_init (ConciergeTokenSignInPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ConciergeSignInPageClass *page_class = CONCIERGE_SIGN_IN_PAGE_CLASS (klass);

  page_class->prepare = prepare;
  page_class->reset = reset;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-token-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, title);
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, intro_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, token_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, api_url_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, add_button);
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeTokenSignInPage, spinner);

  gtk_widget_class_install_action (widget_class, "preferences.check-token", NULL, check_action);
}

static void
concierge_token_sign_in_page_init (ConciergeTokenSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  concierge_sign_in_page_set_feedback (CONCIERGE_SIGN_IN_PAGE (self), self->error_label, self->spinner,
                                       "preferences.check-token");
}
