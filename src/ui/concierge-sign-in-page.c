/* concierge-sign-in-page.c
 *
 * What the pages that sign an account in share, however it signs in: the
 * platform and the account they are for, saving the account that signed
 * in, and going back to the list.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "channels/concierge-accounts.h"
#include "concierge-sign-in-page.h"
#include "concierge-ui.h"

typedef struct
{
  ConciergeStore          *store;
  ConciergeSync           *sync;
  SoupSession             *session;          /* for checks and sign-ins */
  GCancellable            *cancellable;
  AdwPreferencesWindow    *window;           /* weak: the one it shows in */
  const ConciergePlatform *platform;         /* whose account it adds or signs in */
  ConciergeAccount        *signing_in_again; /* whose sign-in it renews, or NULL to add */

  /* The subclass's widgets that say how it goes */
  GtkLabel                *error_label;
  GtkSpinner              *spinner;
  const char              *action_name;      /* disabled while busy */
} ConciergeSignInPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (ConciergeSignInPage, concierge_sign_in_page, GTK_TYPE_BOX)

enum
{
  ACCOUNT_SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define PRIV(self) ((ConciergeSignInPagePrivate *) concierge_sign_in_page_get_instance_private (self))

/**
 * concierge_sign_in_page_set_feedback:
 * @error_label: where what went wrong shows
 * @spinner: what turns while the page waits
 * @action_name: the action that signs in, which waits meanwhile
 *
 * For subclasses, as their template is read.
 */
void
concierge_sign_in_page_set_feedback (ConciergeSignInPage *self,
                                     GtkLabel            *error_label,
                                     GtkSpinner          *spinner,
                                     const char          *action_name)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));

  priv->error_label = error_label;
  priv->spinner = spinner;
  priv->action_name = action_name;
}

/* @text: (nullable): what went wrong, or %NULL to show nothing */
void
concierge_sign_in_page_show_error (ConciergeSignInPage *self,
                                   const char          *text)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));

  gtk_label_set_text (priv->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (priv->error_label), text != NULL);
}

void
concierge_sign_in_page_set_busy (ConciergeSignInPage *self,
                                 gboolean             busy)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));

  gtk_spinner_set_spinning (priv->spinner, busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), priv->action_name, !busy);
}

/**
 * concierge_sign_in_page_add_toast:
 * @toast: (transfer full): the toast
 *
 * Shows @toast in the window the page was last shown in, when the page
 * went back meanwhile, too.
 */
void
concierge_sign_in_page_add_toast (ConciergeSignInPage *self,
                                  AdwToast            *toast)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  if (priv->window != NULL)
    adw_preferences_window_add_toast (priv->window, toast);
  else
    g_object_unref (toast);
}

/* An account that signed in is saved, and syncs, when Preferences closes
 * meanwhile. */
typedef struct
{
  ConciergeSignInPage *self;        /* only while cancellable is not cancelled */
  GCancellable        *cancellable; /* the page's own */
  ConciergeSync       *sync;
  ConciergeStore      *store;
  ConciergeAccount    *account;
  char                *secret;
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
  ConciergeSignInPage *self;
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
      concierge_sign_in_page_set_busy (self, FALSE);
      concierge_sign_in_page_show_error (self, error->message);
      saving_free (saving);
      return;
    }

  /* Adding an account that is here already signs it in again. */
  if (PRIV (self)->signing_in_again != NULL || renewed)
    /* Translators: %s is an account's or a bot's name */
    text = g_strdup_printf (_("%s is signed in again"), concierge_account_get_display_name (account));
  else
    text = g_strdup_printf (_("%s was added"), concierge_account_get_display_name (account));
  concierge_sign_in_page_close (self);
  concierge_sign_in_page_add_toast (self, concierge_toast_new (text));
  g_signal_emit (self, signals[ACCOUNT_SAVED], 0);
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
          concierge_sign_in_page_set_busy (saving->self, FALSE);
          concierge_sign_in_page_show_error (saving->self, error->message);
        }
      saving_free (saving);
      return;
    }

  concierge_accounts_add_async (saving->store, saving->account, saving->secret, NULL, account_saved_cb, saving);
}

/**
 * concierge_sign_in_page_save_account:
 * @account: the account that signed in
 * @secret_json: its sign-in, for the keyring
 *
 * Saves @account, or renews the sign-in of the account the page signs in
 * again, and closes the page when it is saved. What goes wrong shows on
 * the page.
 */
void
concierge_sign_in_page_save_account (ConciergeSignInPage *self,
                                     ConciergeAccount    *account,
                                     const char          *secret_json)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);
  g_autoptr(ConciergeAccount) saved = NULL;
  const char *remote_id = NULL;
  Saving *saving;

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (CONCIERGE_IS_ACCOUNT (account));

  if (priv->signing_in_again != NULL)
    {
      remote_id = concierge_account_get_remote_user_id (priv->signing_in_again);

      /* Signing in again must not swap one account for another. An account
       * added on the command line learns its id only when it syncs. */
      if (remote_id[0] != '\0' && !g_str_equal (remote_id, concierge_account_get_remote_user_id (account)))
        {
          g_autofree char *text = NULL;

          /* Translators: %s are accounts' handles, like @support */
          text = g_strdup_printf (_("You signed in as %s, but this is the account %s. Sign in as %s, or add "
                                    "the other account from the account list."),
                                  concierge_account_get_handle (account),
                                  concierge_account_get_handle (priv->signing_in_again),
                                  concierge_account_get_handle (priv->signing_in_again));
          concierge_sign_in_page_set_busy (self, FALSE);
          concierge_sign_in_page_show_error (self, text);
          return;
        }

      /* The same server address and id keep the same account. */
      saved = concierge_account_new (concierge_account_get_platform (account),
                                     concierge_account_get_display_name (account),
                                     concierge_account_get_handle (account),
                                     concierge_account_get_server_url (priv->signing_in_again),
                                     concierge_account_get_remote_user_id (account));
    }

  /* The writes go on when Preferences closes meanwhile, so they are not
   * cancelled with it; only what they show is. */
  saving = g_new0 (Saving, 1);
  saving->self = self;
  saving->cancellable = g_object_ref (priv->cancellable);
  saving->sync = priv->sync ? g_object_ref (priv->sync) : NULL;
  saving->store = g_object_ref (priv->store);
  saving->account = g_object_ref (saved ? saved : account);
  saving->secret = g_strdup (secret_json);
  concierge_sign_in_page_set_busy (self, TRUE);

  /* An account without an id, which this page may have read before its
   * first sync learnt one, takes the id of the sign-in first: then it is
   * the account that the sign-in renews, whatever it knows by now. */
  if (remote_id != NULL && remote_id[0] == '\0' && concierge_account_get_remote_user_id (account)[0] != '\0')
    concierge_store_identify_account_async (priv->store, concierge_account_get_id (priv->signing_in_again),
                                            concierge_account_get_remote_user_id (account), NULL,
                                            account_identified_cb, saving);
  else
    concierge_accounts_add_async (priv->store, saving->account, secret_json, NULL, account_saved_cb, saving);
}

/**
 * concierge_sign_in_page_present:
 * @again: (nullable): the account whose sign-in the page renews, or %NULL
 *   to add one
 *
 * Shows the page in @window, for an account of @platform: the page's
 * parent, that is, a holder that stays its parent. The window takes a
 * subpage out when it closes and puts it back when it shows again, and
 * GTK 4.8 leaves the actions of a widget that was taken out and put back
 * disabled: only the holder may come and go.
 */
void
concierge_sign_in_page_present (ConciergeSignInPage     *self,
                                AdwPreferencesWindow    *window,
                                const ConciergePlatform *platform,
                                ConciergeAccount        *again)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);
  GtkWidget *focus;

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (ADW_IS_PREFERENCES_WINDOW (window));
  g_return_if_fail (platform != NULL);

  g_return_if_fail (gtk_widget_get_parent (GTK_WIDGET (self)) != NULL);

  g_set_weak_pointer (&priv->window, window);
  priv->platform = platform;
  g_set_object (&priv->signing_in_again, again);
  focus = CONCIERGE_SIGN_IN_PAGE_GET_CLASS (self)->prepare (self);
  adw_preferences_window_present_subpage (window, gtk_widget_get_parent (GTK_WIDGET (self)));
  gtk_widget_grab_focus (focus);
}

/* Back to the list of accounts. */
void
concierge_sign_in_page_close (ConciergeSignInPage *self)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));

  CONCIERGE_SIGN_IN_PAGE_GET_CLASS (self)->reset (self);
  g_clear_object (&priv->signing_in_again);
  if (priv->window != NULL)
    adw_preferences_window_close_subpage (priv->window);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  concierge_sign_in_page_close (CONCIERGE_SIGN_IN_PAGE (widget));
}

const ConciergePlatform *
concierge_sign_in_page_get_platform (ConciergeSignInPage *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self), NULL);

  return PRIV (self)->platform;
}

/* Returns: (nullable): the account whose sign-in the page renews */
ConciergeAccount *
concierge_sign_in_page_get_signing_in_again (ConciergeSignInPage *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self), NULL);

  return PRIV (self)->signing_in_again;
}

SoupSession *
concierge_sign_in_page_get_session (ConciergeSignInPage *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self), NULL);

  return PRIV (self)->session;
}

/* Cancelled when the page goes, with Preferences. */
GCancellable *
concierge_sign_in_page_get_cancellable (ConciergeSignInPage *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self), NULL);

  return PRIV (self)->cancellable;
}

/* Returns: (nullable): the window the page was last shown in, for dialogs */
GtkWindow *
concierge_sign_in_page_get_window (ConciergeSignInPage *self)
{
  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self), NULL);

  return GTK_WINDOW (PRIV (self)->window);
}

/* Returns: the page's title, translated: adding an account, or signing
 * one in again */
const char *
concierge_sign_in_page_get_title (ConciergeSignInPage *self)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_return_val_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self), NULL);
  g_return_val_if_fail (priv->platform != NULL, NULL);

  return priv->signing_in_again ? _(priv->platform->sign_in_again_title) : _(priv->platform->add_title);
}

/**
 * concierge_sign_in_page_set_store:
 * @sync: (nullable): where an account that signed in starts syncing
 * @session: the session for checks and sign-ins
 */
void
concierge_sign_in_page_set_store (ConciergeSignInPage *self,
                                  ConciergeStore      *store,
                                  ConciergeSync       *sync,
                                  SoupSession         *session)
{
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_return_if_fail (CONCIERGE_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (CONCIERGE_IS_STORE (store));
  g_return_if_fail (SOUP_IS_SESSION (session));

  g_set_object (&priv->store, store);
  g_set_object (&priv->sync, sync);
  g_set_object (&priv->session, session);
}

static void
concierge_sign_in_page_dispose (GObject *object)
{
  ConciergeSignInPage *self = CONCIERGE_SIGN_IN_PAGE (object);
  ConciergeSignInPagePrivate *priv = PRIV (self);

  g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  g_clear_weak_pointer (&priv->window);
  g_clear_object (&priv->signing_in_again);
  g_clear_object (&priv->session);
  g_clear_object (&priv->store);
  g_clear_object (&priv->sync);

  G_OBJECT_CLASS (concierge_sign_in_page_parent_class)->dispose (object);
}

static void
concierge_sign_in_page_class_init (ConciergeSignInPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_sign_in_page_dispose;

  /**
   * ConciergeSignInPage::account-saved:
   *
   * An account signed in, and was added or renewed.
   */
  signals[ACCOUNT_SAVED] = g_signal_new ("account-saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "preferences.back", NULL, back_action);
}

static void
concierge_sign_in_page_init (ConciergeSignInPage *self)
{
  PRIV (self)->cancellable = g_cancellable_new ();
}
