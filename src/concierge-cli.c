/* concierge-cli.c
 *
 *   concierge account add PLATFORM --server URL --token-stdin [--name NAME]
 *   concierge account add facebook --page-id ID --token-stdin [--api-url URL]
 *   concierge account list
 *   concierge account remove [--force] ID
 *   concierge privacy scan [FILE]
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <gio/gunixinputstream.h>
#include <stdio.h>
#include <unistd.h>

#include "channels/concierge-accounts.h"
#include "channels/concierge-credentials.h"
#include "channels/concierge-platform.h"
#include "privacy/concierge-detector.h"
#include "store/concierge-store.h"
#include "concierge-cli.h"
#include "concierge-settings-schema.h"

static void
got_result (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* The commands are short-lived and have nothing else to do meanwhile. */
static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static int
fail (const char *message)
{
  g_printerr ("concierge: %s\n", message);
  return EXIT_FAILURE;
}

/* The platforms that have @flags, by their ids or their names, as in
 * "mastodon or telegram" */
static char *
list_platforms (ConciergePlatformFlags flags,
                gboolean               names)
{
  g_autoptr(GString) most = g_string_new (NULL);
  const ConciergePlatform *platform;
  const char *last = NULL;

  for (guint i = 0; (platform = concierge_platform_get (i)) != NULL; i++)
    {
      if (!concierge_platform_has (platform, flags))
        continue;
      if (last != NULL)
        g_string_append_printf (most, "%s%s", most->len > 0 ? ", " : "", last);
      last = names ? platform->name : platform->id;
    }

  if (most->len == 0)
    return g_strdup (last ? last : "");
  /* Translators: joins the last two of a list of platforms, as in "mastodon or telegram" */
  return g_strdup_printf (_("%s or %s"), most->str, last);
}

/* The account commands, a line each, the first after @first and the rest
 * after @rest, which stand in front of "concierge" */
static void
append_account_commands (GString    *text,
                         const char *first,
                         const char *rest)
{
  const ConciergePlatform *platform;

  for (guint i = 0; (platform = concierge_platform_get (i)) != NULL; i++)
    g_string_append_printf (text, "%sconcierge account add %s %s%s\n", i == 0 ? first : rest, platform->id,
                            concierge_platform_has (platform, CONCIERGE_PLATFORM_PAGE_ID) ? "--page-id ID " : "",
                            concierge_platform_has (platform, CONCIERGE_PLATFORM_FIXED_SERVER)
                              ? "--token-stdin [--api-url URL] [--name NAME]"
                              : "--server URL --token-stdin [--name NAME]");
  g_string_append_printf (text, "%sconcierge account list\n", rest);
  g_string_append_printf (text, "%sconcierge account remove [--force] ID", rest);
}

static void
print_usage (void)
{
  /* Translators: begins the account commands' usage; the lines after it
   * are indented to stand below the command */
  g_autofree char *usage = g_strconcat (_("Usage:"), " ", NULL);
  g_autofree char *indent = g_strnfill (g_utf8_strlen (usage, -1), ' ');
  g_autoptr(GString) text = g_string_new (NULL);

  append_account_commands (text, usage, indent);
  g_printerr ("%s\n", text->str);
}

/**
 * concierge_cli_describe:
 *
 * Returns: (transfer full): the commands, for the application's --help
 */
char *
concierge_cli_describe (void)
{
  GString *text = g_string_new (_("Commands that need no display:"));

  g_string_append_c (text, '\n');
  append_account_commands (text, "  ", "  ");
  g_string_append_printf (text, "\n  %s", _("concierge privacy scan [FILE]"));
  return g_string_free (text, FALSE);
}

/* Reads the options of a command that takes one argument after them.
 * Returns FALSE, having said how to call it, when they do not fit. */
static gboolean
parse_command (GOptionContext     *context,
               const GOptionEntry *entries,
               int                *argc,
               char             ***argv)
{
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      print_usage ();
      fail (error->message);
      return FALSE;
    }
  if (*argc != 2)
    {
      print_usage ();
      return FALSE;
    }
  return TRUE;
}

static ConciergeStore *
open_store (GError **error)
{
  g_autofree char *path = concierge_store_default_path ();
  g_autoptr(GAsyncResult) result = NULL;

  concierge_store_open_async (path, NULL, got_result, &result);
  return concierge_store_open_finish (wait_for (&result), error);
}

static char *
read_token (void)
{
  g_autoptr(GString) token = g_string_new (NULL);
  char buffer[512];
  size_t n;

  while ((n = fread (buffer, 1, sizeof buffer, stdin)) > 0)
    g_string_append_len (token, buffer, n);

  g_strstrip (token->str);
  token->len = strlen (token->str);
  return token->len > 0 ? g_string_free (g_steal_pointer (&token), FALSE) : NULL;
}

/* Whether --api-url and --page-id fit @platform; if not, says why. */
static char *
check_options (const ConciergePlatform *platform,
               const char              *api_url,
               const char              *page_id)
{
  if (api_url != NULL && !concierge_platform_has (platform, CONCIERGE_PLATFORM_FIXED_SERVER))
    {
      g_autofree char *fixed = list_platforms (CONCIERGE_PLATFORM_FIXED_SERVER, TRUE);

      /* Translators: the first %s are the platforms with one server, as in "Telegram", the second the one given,
       * as in "Mastodon" */
      return g_strdup_printf (_("Only %s accounts take --api-url; %s accounts take --server."), fixed,
                              platform->name);
    }
  if (page_id != NULL && !concierge_platform_has (platform, CONCIERGE_PLATFORM_PAGE_ID))
    {
      g_autofree char *paged = list_platforms (CONCIERGE_PLATFORM_PAGE_ID, TRUE);

      /* Translators: %s are the platforms whose accounts are pages, as in "Facebook" */
      return g_strdup_printf (_("Only %s accounts take --page-id."), paged);
    }
  if (page_id == NULL && concierge_platform_has (platform, CONCIERGE_PLATFORM_PAGE_ID))
    /* Translators: %s is a platform, as in "Facebook" */
    return g_strdup_printf (_("Name the %s page with --page-id: its id, as Meta Business Suite shows it under "
                              "the page’s settings."), platform->name);
  if (page_id != NULL && (page_id[0] == '\0' || strspn (page_id, "0123456789") != strlen (page_id)))
    /* Translators: %s is what was given after --page-id */
    return g_strdup_printf (_("“%s” is not a page id. A page id is a number, as in 104700000000001."), page_id);
  return NULL;
}

/* A token of one page does not add another. */
static char *
check_page (const char       *page_id,
            ConciergeAccount *identified)
{
  if (page_id == NULL || g_strcmp0 (concierge_account_get_remote_user_id (identified), page_id) == 0)
    return NULL;
  /* Translators: the first %s is a page's name, the second its id, the third and fourth the id asked for */
  return g_strdup_printf (_("This token belongs to the page “%s” (%s), not to page %s. Generate a token for page "
                            "%s in Meta Business Suite."),
                          concierge_account_get_display_name (identified),
                          concierge_account_get_remote_user_id (identified), page_id, page_id);
}

static int
account_add (int    argc,
             char **argv)
{
  g_autofree char *server = NULL;
  g_autofree char *api_url = NULL;
  g_autofree char *name = NULL;
  g_autofree char *page_id = NULL;
  g_autofree char *problem = NULL;
  gboolean token_stdin = FALSE;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &server, N_("The server’s address"), N_("URL") },
    { "api-url", 0, 0, G_OPTION_ARG_STRING, &api_url, N_("Another address of the platform’s API, for Telegram and Facebook, such as a test server"), N_("URL") },
    { "page-id", 0, 0, G_OPTION_ARG_STRING, &page_id, N_("The page’s id, for Facebook"), N_("ID") },
    { "token-stdin", 0, 0, G_OPTION_ARG_NONE, &token_stdin, N_("Read the access token from standard input"), NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The name the inbox shows for the account"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("PLATFORM"));
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(ConciergeAccount) identified = NULL;
  g_autoptr(ConciergeAccount) account = NULL;
  g_autoptr(ConciergeAccount) saved = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *secret = NULL;
  gboolean renewed = FALSE;
  const ConciergePlatform *platform;

  if (!parse_command (context, entries, &argc, &argv))
    return EXIT_FAILURE;

  platform = concierge_platform_lookup (argv[1]);
  if (platform == NULL)
    {
      g_autofree char *known = list_platforms (0, FALSE);
      /* Translators: the second %s lists the platforms, as in "mastodon or telegram" */
      g_autofree char *message = g_strdup_printf (_("Unknown platform “%s”. Use %s."), argv[1], known);

      return fail (message);
    }
  if ((problem = check_options (platform, api_url, page_id)) != NULL)
    return fail (problem);
  if (server == NULL)
    server = g_steal_pointer (&api_url);
  if (server == NULL)
    server = g_strdup (concierge_platform_has (platform, CONCIERGE_PLATFORM_FIXED_SERVER) ? platform->server_url : "");
  if (!concierge_credentials_server_url_is_ok (server, &error))
    return fail (error->message);
  if (!token_stdin || (token = read_token ()) == NULL)
    return fail (_("No access token. Pipe it into the command and pass --token-stdin."));

  /* The platform says whose the token is: the same account added again,
   * or signed in through the browser, is found by it. */
  session = soup_session_new ();
  concierge_accounts_identify_async (session, platform->id, server, token, NULL, got_result, &result);
  identified = concierge_accounts_identify_finish (wait_for (&result), NULL, &error);
  if (identified == NULL)
    return fail (error->message);
  if ((problem = check_page (page_id, identified)) != NULL)
    return fail (problem);

  store = open_store (&error);
  if (store == NULL)
    return fail (error->message);

  account = concierge_account_new (platform->id, name ? name : concierge_account_get_display_name (identified),
                                   concierge_account_get_handle (identified),
                                   concierge_account_get_server_url (identified),
                                   concierge_account_get_remote_user_id (identified));
  secret = concierge_credentials_to_json (token, NULL, NULL);
  memset (token, 0, strlen (token));
  g_clear_object (&result);
  concierge_accounts_add_async (store, account, secret, NULL, got_result, &result);
  memset (secret, 0, strlen (secret));
  saved = concierge_accounts_add_finish (wait_for (&result), &renewed, &error);
  if (saved == NULL)
    return fail (error->message);

  g_print ("%" G_GINT64_FORMAT "\n", concierge_account_get_id (saved));
  if (renewed)
    {
      g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, concierge_account_get_id (saved));

      /* Translators: the first %s is an account's name, like "Support", the
       * second its platform, the third the account's number */
      g_printerr (_("%s on %s is already account %s; the new token replaces its old one.\n"),
                  concierge_account_get_display_name (saved),
                  platform->name, id);
    }
  return EXIT_SUCCESS;
}

static int
account_list (void)
{
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;

  store = open_store (&error);
  if (store == NULL)
    return fail (error->message);

  concierge_store_load_accounts_async (store, NULL, got_result, &result);
  accounts = concierge_store_load_accounts_finish (store, wait_for (&result), &error);
  if (accounts == NULL)
    return fail (error->message);

  for (guint i = 0; i < accounts->len; i++)
    {
      ConciergeAccount *account = g_ptr_array_index (accounts, i);

      g_print ("%" G_GINT64_FORMAT "\t%s\t%s\t%s\n", concierge_account_get_id (account),
               concierge_account_get_platform (account), concierge_account_get_display_name (account),
               concierge_account_get_server_url (account));
    }

  return EXIT_SUCCESS;
}

static int
account_remove (int    argc,
                char **argv)
{
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Remove the account also while replies to its customers wait to be sent"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("ID"));
  g_autoptr(ConciergeStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *not_revoked = NULL;
  ConciergeAccount *account = NULL;
  const char *id_text;
  gssize waiting;
  guint64 id;

  if (!parse_command (context, entries, &argc, &argv))
    return EXIT_FAILURE;

  id_text = argv[1];
  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not an account number; "
                                                    "“concierge account list” shows them."), id_text);

      return fail (message);
    }

  store = open_store (&error);
  if (store == NULL)
    return fail (error->message);

  concierge_store_load_accounts_async (store, NULL, got_result, &result);
  accounts = concierge_store_load_accounts_finish (store, wait_for (&result), &error);
  if (accounts == NULL)
    return fail (error->message);
  for (guint i = 0; i < accounts->len && account == NULL; i++)
    if (concierge_account_get_id (g_ptr_array_index (accounts, i)) == (gint64) id)
      account = g_ptr_array_index (accounts, i);
  if (account == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("There is no account %s; "
                                                    "“concierge account list” shows them."), id_text);

      return fail (message);
    }

  /* Replies the customers do not have yet go with the account: only
   * when asked to. */
  g_clear_object (&result);
  concierge_store_count_waiting_replies_async (store, id, NULL, got_result, &result);
  waiting = concierge_store_count_waiting_replies_finish (store, wait_for (&result), &error);
  if (waiting < 0)
    return fail (error->message);
  if (waiting > 0 && !force)
    {
      g_autofree char *message = NULL;

      /* Translators: %u is a number of replies, the first %s an account's
       * name, like "Support", the second its platform */
      message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u reply to customers of %s on %s is still waiting to be sent. "
                                              "Remove the account with --force to delete it too.",
                                              "%u replies to customers of %s on %s are still waiting to be sent. "
                                              "Remove the account with --force to delete them too.",
                                              waiting),
                                 (guint) waiting, concierge_account_get_display_name (account),
                                 concierge_platform_name (concierge_account_get_platform (account)));
      return fail (message);
    }

  session = soup_session_new ();
  g_clear_object (&result);
  concierge_accounts_remove_async (store, session, account, FALSE, NULL, got_result, &result);
  if (!concierge_accounts_remove_finish (wait_for (&result), &not_revoked, &error))
    return fail (error->message);
  if (not_revoked != NULL)
    g_printerr ("%s\n", not_revoked);

  return EXIT_SUCCESS;
}

/**
 * concierge_cli_account:
 * @argv: the arguments after the program's name, starting with "account"
 *
 * Returns: the exit status
 */
int
concierge_cli_account (int    argc,
                       char **argv)
{
  if (argc >= 2 && g_str_equal (argv[1], "add"))
    return account_add (argc - 1, argv + 1);
  if (argc == 2 && g_str_equal (argv[1], "list"))
    return account_list ();
  if (argc >= 2 && g_str_equal (argv[1], "remove"))
    return account_remove (argc - 1, argv + 1);

  print_usage ();
  return EXIT_FAILURE;
}

/* Auditing text for personal data */

static void
print_finding (guint                   line,
               const ConciergeFinding *finding)
{
  char confidence[G_ASCII_DTOSTR_BUF_SIZE];

  /* Never the text itself: the output may go where the data must not. */
  g_ascii_formatd (confidence, sizeof confidence, "%.2f", finding->confidence);
  g_print ("{\"line\": %u, \"type\": \"%s\", \"start\": %u, \"end\": %u, \"confidence\": %s}\n",
           line, concierge_finding_type_to_string (finding->type), finding->start, finding->end, confidence);
}

static int
privacy_scan (const char *path)
{
  g_autoptr(ConciergeDetector) detector = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  guint number = 0;
  char *line;

  /* The company's own data counts as in the app, where there are settings
   * to read it from. */
  if (concierge_settings_schema_check (NULL))
    settings = g_settings_new (BASE_ID);
  detector = concierge_detector_new_for_settings (settings);

  if (path == NULL || g_str_equal (path, "-"))
    input = g_unix_input_stream_new (STDIN_FILENO, FALSE);
  else
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (path);

      input = G_INPUT_STREAM (g_file_read (file, NULL, &error));
      if (input == NULL)
        return fail (error->message);
    }

  lines = g_data_input_stream_new (input);
  g_data_input_stream_set_newline_type (lines, G_DATA_STREAM_NEWLINE_TYPE_ANY);
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, &error)) != NULL)
    {
      g_autofree char *text = g_utf8_make_valid (line, -1);
      g_autoptr(GArray) findings = NULL;

      g_free (line);
      number++;
      findings = concierge_detector_scan (detector, text);
      for (guint k = 0; k < findings->len; k++)
        print_finding (number, &g_array_index (findings, ConciergeFinding, k));
    }
  if (error != NULL)
    return fail (error->message);

  return EXIT_SUCCESS;
}

/**
 * concierge_cli_privacy:
 * @argv: the arguments after the program's name, starting with "privacy"
 *
 * Returns: the exit status
 */
int
concierge_cli_privacy (int    argc,
                       char **argv)
{
  if (argc >= 2 && argc <= 3 && g_str_equal (argv[1], "scan") &&
      (argc == 2 || !g_str_has_prefix (argv[2], "-") || g_str_equal (argv[2], "-")))
    return privacy_scan (argc == 3 ? argv[2] : NULL);

  g_printerr ("%s\n", _("Usage: concierge privacy scan [FILE]\n"
                        "Reads one message per line from FILE, or from standard input, and prints one JSON\n"
                        "object per finding: line, type, start, end (in characters) and confidence. The\n"
                        "text found is never printed."));
  return EXIT_FAILURE;
}
