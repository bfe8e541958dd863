/* concierge-browser-sign-in-page.c
 *
 * Signing an account in through the browser, as to Mastodon: the agent
 * names the server, signs in on its page, and the browser comes back; or,
 * where it cannot, the agent pastes the code the server's code page
 * shows.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-browser-sign-in-page.h"
#include "concierge-ui.h"

struct _ConciergeBrowserSignInPage
{
  ConciergeSignInPage parent_instance;

  /* A sign-in under way */
  ConciergeSignIn *sign_in;
  GCancellable    *sign_in_cancellable;
  GCancellable    *waiting_cancellable; /* for the browser to come back */
  char            *authorize_uri;
  char            *code_page_uri;

  /* Template widgets */
  AdwWindowTitle  *title;
  AdwEntryRow     *server_row;
  GtkLabel        *error_label;
  GtkSpinner      *spinner;
  GtkWidget       *waiting_group;
  AdwEntryRow     *code_row;
};

G_DEFINE_FINAL_TYPE (ConciergeBrowserSignInPage, concierge_browser_sign_in_page, CONCIERGE_TYPE_SIGN_IN_PAGE)

static void
forget_sign_in (ConciergeBrowserSignInPage *self)
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
reset_sign_in (ConciergeSignInPage *page)
{
  ConciergeBrowserSignInPage *self = CONCIERGE_BROWSER_SIGN_IN_PAGE (page);

  forget_sign_in (self);
  gtk_widget_set_visible (self->waiting_group, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->code_row), "");
  concierge_sign_in_page_set_busy (page, FALSE);
}

static void
browser_opened_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ConciergeSignInPage *self = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  if (!g_app_info_launch_default_for_uri_finish (result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Translators: %s says why */
      g_autofree char *text = g_strdup_printf (_("No browser opened: %s. Copy the code page’s address below into "
                                                 "a browser."), error->message);

      concierge_sign_in_page_show_error (self, text);
    }
}

static void
open_in_browser (ConciergeBrowserSignInPage *self,
                 const char                 *uri)
{
  g_autoptr(GdkAppLaunchContext) context = NULL;

  context = gdk_display_get_app_launch_context (gtk_widget_get_display (GTK_WIDGET (self)));
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (context), self->sign_in_cancellable,
                                           browser_opened_cb, self);
}

/* Returns the account that signed in, or %NULL after showing why not.
 * Cancelled, it touches nothing: Preferences may be gone. */
static ConciergeAccount *
finish_sign_in (ConciergeSignInPage  *self,
                GObject              *sign_in,
                GAsyncResult         *result,
                char                **secret,
                gboolean             *cancelled)
{
  g_autoptr(GError) error = NULL;
  ConciergeAccount *account;

  account = concierge_sign_in_complete_finish (CONCIERGE_SIGN_IN (sign_in), result, secret, &error);
  *cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  if (account == NULL && !*cancelled)
    concierge_sign_in_page_show_error (self, error->message);
  return account;
}

static void
signed_in (ConciergeSignInPage *self,
           ConciergeAccount    *account,
           char                *secret)
{
  concierge_sign_in_page_show_error (self, NULL);
  concierge_sign_in_page_save_account (self, account, secret);
  memset (secret, 0, strlen (secret));
}

/* The browser came back, with access or without. */
static void
browser_returned_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  ConciergeSignInPage *self = user_data;
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

static void wait_for_browser (ConciergeBrowserSignInPage *self);

static void
code_pasted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ConciergeSignInPage *self = user_data;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autofree char *secret = NULL;
  gboolean cancelled;

  account = finish_sign_in (self, object, result, &secret, &cancelled);
  if (account != NULL)
    signed_in (self, account, secret);
  /* A mistyped code leaves the sign-in as it was: the browser may still
   * come back, and another code may be pasted. */
  else if (!cancelled)
    wait_for_browser (CONCIERGE_BROWSER_SIGN_IN_PAGE (self));
}

static void
wait_for_browser (ConciergeBrowserSignInPage *self)
{
  if (self->sign_in == NULL)
    return;

  g_cancellable_cancel (self->waiting_cancellable);
  g_clear_object (&self->waiting_cancellable);
  self->waiting_cancellable = g_cancellable_new ();
  concierge_sign_in_complete_async (self->sign_in, NULL, self->waiting_cancellable, browser_returned_cb, self);
}

static void
code_applied_cb (ConciergeBrowserSignInPage *self)
{
  const char *code = gtk_editable_get_text (GTK_EDITABLE (self->code_row));

  if (self->sign_in == NULL)
    return;

  concierge_sign_in_page_show_error (CONCIERGE_SIGN_IN_PAGE (self), NULL);
  g_cancellable_cancel (self->waiting_cancellable);
  concierge_sign_in_complete_async (self->sign_in, code, self->sign_in_cancellable, code_pasted_cb, self);
}

static void
begun_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  ConciergeBrowserSignInPage *self = user_data;
  ConciergeSignIn *sign_in = CONCIERGE_SIGN_IN (object);
  g_autoptr(GError) error = NULL;

  /* Cancelled, too, when Preferences closed: it may be gone. */
  if (!concierge_sign_in_begin_finish (sign_in, result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          concierge_sign_in_page_show_error (CONCIERGE_SIGN_IN_PAGE (self), error->message);
          reset_sign_in (CONCIERGE_SIGN_IN_PAGE (self));
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
sign_in_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ConciergeBrowserSignInPage *self = CONCIERGE_BROWSER_SIGN_IN_PAGE (widget);
  ConciergeSignInPage *page = CONCIERGE_SIGN_IN_PAGE (widget);
  const ConciergePlatform *platform = concierge_sign_in_page_get_platform (page);
  g_autoptr(GError) error = NULL;

  if (platform == NULL || platform->new_sign_in == NULL)
    return;

  reset_sign_in (page);
  concierge_sign_in_page_show_error (page, NULL);
  self->sign_in = platform->new_sign_in (concierge_sign_in_page_get_session (page),
                                         gtk_editable_get_text (GTK_EDITABLE (self->server_row)), &error);
  if (self->sign_in == NULL)
    {
      concierge_sign_in_page_show_error (page, error->message);
      return;
    }

  concierge_sign_in_page_set_busy (page, TRUE);
  self->sign_in_cancellable = g_cancellable_new ();
  concierge_sign_in_begin_async (self->sign_in, self->sign_in_cancellable, begun_cb, self);
}

static void
server_activated_cb (ConciergeBrowserSignInPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "preferences.sign-in-mastodon", NULL);
}

/* @parameter: whether the page is the one that shows a code to paste */
static void
open_sign_in_page_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  ConciergeBrowserSignInPage *self = CONCIERGE_BROWSER_SIGN_IN_PAGE (widget);
  const char *uri = g_variant_get_boolean (parameter) ? self->code_page_uri : self->authorize_uri;

  if (uri != NULL)
    open_in_browser (self, uri);
}

static void
copy_code_page_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ConciergeBrowserSignInPage *self = CONCIERGE_BROWSER_SIGN_IN_PAGE (widget);

  if (self->code_page_uri == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->code_page_uri);
  concierge_sign_in_page_add_toast (CONCIERGE_SIGN_IN_PAGE (self), concierge_toast_new (_("Address copied")));
}

static GtkWidget *
prepare (ConciergeSignInPage *page)
{
  ConciergeBrowserSignInPage *self = CONCIERGE_BROWSER_SIGN_IN_PAGE (page);
  ConciergeAccount *again = concierge_sign_in_page_get_signing_in_again (page);

  reset_sign_in (page);
  concierge_sign_in_page_show_error (page, NULL);
  adw_window_title_set_title (self->title, concierge_sign_in_page_get_title (page));
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
  return GTK_WIDGET (self->server_row);
}

static void
concierge_browser_sign_in_page_dispose (GObject *object)
{
  forget_sign_in (CONCIERGE_BROWSER_SIGN_IN_PAGE (object));

  G_OBJECT_CLASS (concierge_browser_sign_in_page_parent_class)->dispose (object);
}

static void
concierge_browser_sign_in_page_class_init (ConciergeBrowserSignInPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  ConciergeSignInPageClass *page_class = CONCIERGE_SIGN_IN_PAGE_CLASS (klass);

  G_OBJECT_CLASS (klass)->dispose = concierge_browser_sign_in_page_dispose;
  page_class->prepare = prepare;
  page_class->reset = reset_sign_in;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "ui/concierge-browser-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ConciergeBrowserSignInPage, title);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBrowserSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBrowserSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBrowserSignInPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBrowserSignInPage, waiting_group);
  gtk_widget_class_bind_template_child (widget_class, ConciergeBrowserSignInPage, code_row);
  gtk_widget_class_bind_template_callback (widget_class, server_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, code_applied_cb);

  gtk_widget_class_install_action (widget_class, "preferences.sign-in-mastodon", NULL, sign_in_action);
  gtk_widget_class_install_action (widget_class, "preferences.open-sign-in-page", "b", open_sign_in_page_action);
  gtk_widget_class_install_action (widget_class, "preferences.copy-code-page", NULL, copy_code_page_action);
}

static void
concierge_browser_sign_in_page_init (ConciergeBrowserSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  concierge_sign_in_page_set_feedback (CONCIERGE_SIGN_IN_PAGE (self), self->error_label, self->spinner,
                                       "preferences.sign-in-mastodon");
}
