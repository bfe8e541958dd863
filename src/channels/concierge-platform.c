/* concierge-platform.c
 *
 * The table of platforms. Adding one is a folder beside facebook/,
 * mastodon/ and telegram/, and an entry here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "concierge-platform.h"
#include "facebook/concierge-facebook.h"
#include "facebook/concierge-facebook-channel.h"
#include "facebook/concierge-facebook-sign-in.h"
#include "mastodon/concierge-mastodon.h"
#include "mastodon/concierge-mastodon-channel.h"
#include "mastodon/concierge-mastodon-handle.h"
#include "mastodon/concierge-mastodon-sign-in.h"
#include "telegram/concierge-telegram.h"
#include "telegram/concierge-telegram-channel.h"
#include "telegram/concierge-telegram-handle.h"
#include "telegram/concierge-telegram-sign-in.h"

static const ConciergePlatform platforms[] = {
  {
    .id = CONCIERGE_MASTODON_ID,
    .name = "Mastodon",
    .icon_name = "concierge-mastodon-symbolic",
    .flags = CONCIERGE_PLATFORM_BROWSER_SIGN_IN,
    .credentials = CONCIERGE_CREDENTIALS_TOKEN | CONCIERGE_CREDENTIALS_CLIENT,
    .add_label = N_("Add a _Mastodon Account"),
    .add_description = N_("Sign in to your server in the browser"),
    .add_title = N_("Add a Mastodon Account"),
    .sign_in_again_title = N_("Sign In to Mastodon Again"),
    .get_channel_type = concierge_mastodon_get_type,
    .new_channel = concierge_mastodon_new_for_account,
    .new_sign_in = concierge_mastodon_browser_sign_in_new,
    .identify_async = concierge_mastodon_identify_async,
    .identify_finish = concierge_mastodon_identify_finish,
    .handle_from_address = concierge_mastodon_handle_from_address,
    .handle_from_text = concierge_mastodon_handle_from_text,
    .dup_full_handle = concierge_mastodon_full_handle,
    .dup_profile_address = concierge_mastodon_profile_address,
    .dup_profile_link = concierge_mastodon_profile_link,
  },
  {
    .id = CONCIERGE_TELEGRAM_ID,
    .name = "Telegram",
    .icon_name = "concierge-telegram-symbolic",
    .flags = CONCIERGE_PLATFORM_FIXED_SERVER,
    .server_url = CONCIERGE_TELEGRAM_API_URL,
    .credentials = CONCIERGE_CREDENTIALS_TOKEN,
    .add_label = N_("Add a _Telegram Bot"),
    .add_description = N_("With the token that @BotFather gave you"),
    .add_title = N_("Add a Telegram Bot"),
    .sign_in_again_title = N_("Sign In to Telegram Again"),
    .token_intro = N_("Create a bot with @BotFather in Telegram, then paste the token it gives you. Customers "
                      "reach the bot in private chats, and in groups where they mention it."),
    .token_label = N_("Bot Token"),
    .api_url_label = N_("Bot API Address"),
    .token_add_label = N_("_Add Bot"),
    .token_missing = N_("Paste the bot’s token first."),
    .get_channel_type = concierge_telegram_get_type,
    .new_channel = concierge_telegram_new_for_account,
    .identify_async = concierge_telegram_identify_async,
    .identify_finish = concierge_telegram_identify_finish,
    .remove_webhook_async = concierge_telegram_remove_webhook_async,
    .remove_webhook_finish = concierge_telegram_remove_webhook_finish,
    .handle_from_address = concierge_telegram_handle_from_address,
    .handle_from_text = concierge_telegram_handle_from_text,
    .dup_profile_address = concierge_telegram_profile_address,
    .dup_profile_link = concierge_telegram_profile_link,
  },
  {
    .id = CONCIERGE_FACEBOOK_ID,
    .name = "Facebook",
    .icon_name = "concierge-facebook-symbolic",
    .flags = CONCIERGE_PLATFORM_FIXED_SERVER | CONCIERGE_PLATFORM_PAGE_ID,
    .server_url = CONCIERGE_FACEBOOK_GRAPH_URL,
    .credentials = CONCIERGE_CREDENTIALS_TOKEN,
    .add_label = N_("Add a _Facebook Page"),
    .add_description = N_("With a page token of your company’s System User"),
    .add_title = N_("Add a Facebook Page"),
    .sign_in_again_title = N_("Sign In to Facebook Again"),
    .token_intro = N_("Paste the page token that your company generated for its System User in Meta Business "
                      "Suite. Concierge reads the page’s name and id with it and shows them before adding the "
                      "page."),
    .token_label = N_("Page Token"),
    .api_url_label = N_("Graph API Address"),
    .token_add_label = N_("_Check Token"),
    .token_missing = N_("Paste the page’s token first."),
    .get_channel_type = concierge_facebook_get_type,
    .new_channel = concierge_facebook_new_for_account,
    .identify_async = concierge_facebook_identify_async,
    .identify_finish = concierge_facebook_identify_finish,
  },
};

/**
 * concierge_platform_lookup:
 * @id: (nullable): a platform's id, as an account or a thread names it
 *
 * Returns: (nullable): the platform, or %NULL for one Concierge does not
 *   know, such as one of a newer version's accounts
 */
const ConciergePlatform *
concierge_platform_lookup (const char *id)
{
  for (guint i = 0; id != NULL && i < G_N_ELEMENTS (platforms); i++)
    if (g_str_equal (platforms[i].id, id))
      return &platforms[i];
  return NULL;
}

/**
 * concierge_platform_get:
 * @index: from 0 up
 *
 * Walks the table in its order, which is how lists of platforms read.
 *
 * Returns: (nullable): the platform at @index, or %NULL past the last
 */
const ConciergePlatform *
concierge_platform_get (guint index)
{
  return index < G_N_ELEMENTS (platforms) ? &platforms[index] : NULL;
}

gboolean
concierge_platform_has (const ConciergePlatform *platform,
                        ConciergePlatformFlags   flags)
{
  g_return_val_if_fail (platform != NULL, FALSE);

  return (platform->flags & flags) == flags;
}

/**
 * concierge_platform_name:
 * @id: (nullable): a platform's id
 *
 * Returns: the platform's name, or @id itself for a platform Concierge
 *   does not know
 */
const char *
concierge_platform_name (const char *id)
{
  const ConciergePlatform *platform = concierge_platform_lookup (id);

  return platform ? platform->name : id ? id : "";
}

/**
 * concierge_platform_icon_name:
 * @id: (nullable): a platform's id
 *
 * Returns: the icon that stands beside a platform's name, or a general
 *   one for a platform without its own
 */
const char *
concierge_platform_icon_name (const char *id)
{
  const ConciergePlatform *platform = concierge_platform_lookup (id);

  return platform ? platform->icon_name : "concierge-conversation-symbolic";
}

/**
 * concierge_platform_new_channel:
 * @session: the one session every channel shares
 * @secret_json: the account's secret from the keyring; "{}" when it has
 *   none
 *
 * Returns: (transfer full): the channel for @account's platform, or %NULL
 *   with @error set when Concierge cannot serve that platform yet or the
 *   secret is unusable
 */
ConciergeChannel *
concierge_platform_new_channel (SoupSession       *session,
                                ConciergeAccount  *account,
                                const char        *secret_json,
                                GError           **error)
{
  g_autoptr(ConciergeCredentials) credentials = NULL;
  const ConciergePlatform *platform;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (CONCIERGE_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (secret_json != NULL, NULL);

  platform = concierge_platform_lookup (concierge_account_get_platform (account));
  if (platform == NULL)
    {
      g_set_error (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                   _("This version of Concierge cannot sync %s accounts yet."),
                   concierge_account_get_platform (account));
      return NULL;
    }

  credentials = concierge_credentials_from_json (secret_json, platform->credentials);
  if (credentials == NULL)
    {
      g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                           _("The keyring holds no usable sign-in for this account. Sign in again."));
      return NULL;
    }

  return platform->new_channel (session, account, credentials);
}
