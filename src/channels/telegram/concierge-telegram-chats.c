/* concierge-telegram-chats.c
 *
 * What the bot may do in each chat, and what it sees there. A bot deletes
 * a customer's message in a group only as an administrator with the right
 * to delete messages, and only within 48 hours of its sending; whether it
 * is one, getChatMember tells, and a my_chat_member update says when an
 * administrator changed it. With privacy mode on, which is how BotFather
 * makes every bot, it receives in a group where it is not an
 * administrator only the messages that mention it or answer its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "model/concierge-json.h"
#include "concierge-telegram-channel-private.h"

/* deleteMessage: "A message can only be deleted if it was sent less than
 * 48 hours ago." */
#define DELETE_WINDOW_SECONDS (48 * 3600)

/* What the bot may do in a chat, as the cache keeps it. */
enum
{
  RIGHTS_UNKNOWN,
  RIGHTS_DELETE,
  RIGHTS_NONE,
};

/* A ChatMember of the bot: "creator", or "administrator" with
 * can_delete_messages, may delete the others' messages. */
static guint
rights_of_member (JsonObject *member)
{
  const char *status = concierge_json_string (member, "status");

  if (g_strcmp0 (status, "creator") == 0)
    return RIGHTS_DELETE;
  if (g_strcmp0 (status, "administrator") == 0 &&
      json_object_get_boolean_member_with_default (member, "can_delete_messages", FALSE))
    return RIGHTS_DELETE;
  return RIGHTS_NONE;
}

static void
remember_rights (ConciergeTelegram *self,
                 gint64             chat_id,
                 guint              rights)
{
  if (self->chat_rights == NULL)
    self->chat_rights = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_hash_table_insert (self->chat_rights, g_memdup2 (&chat_id, sizeof chat_id), GUINT_TO_POINTER (rights));
}

static guint
known_rights (ConciergeTelegram *self,
              gint64             chat_id)
{
  if (self->chat_rights == NULL)
    return RIGHTS_UNKNOWN;
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->chat_rights, &chat_id));
}

/**
 * concierge_telegram_note_update:
 * @update: an Update
 *
 * Takes what an update says about the bot itself: a my_chat_member
 * update, sent when an administrator changed the bot's rights in a chat
 * or it was added or removed, replaces what the cache knew of that chat.
 */
void
concierge_telegram_note_update (ConciergeTelegram *self,
                                JsonObject        *update)
{
  JsonObject *changed = concierge_json_object (update, "my_chat_member");
  JsonObject *member = concierge_json_object (changed, "new_chat_member");
  gint64 chat_id = concierge_json_int (concierge_json_object (changed, "chat"), "id");

  if (member == NULL || chat_id == 0 ||
      (self->bot_id != 0 && concierge_json_int (concierge_json_object (member, "user"), "id") != self->bot_id))
    return;
  remember_rights (self, chat_id, rights_of_member (member));
}

/**
 * concierge_telegram_take_me:
 * @task: whose source object is the #ConciergeTelegram
 * @result: getMe's result, a User
 *
 * Learns who the bot is: its id tells its own messages, its username the
 * group messages that mention it. can_read_all_group_messages is "True,
 * if privacy mode is disabled for the bot", and only getMe tells it.
 *
 * Returns: %FALSE, with @task returned an error, if @result is unreadable
 */
gboolean
concierge_telegram_take_me (GTask    *task,
                            JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  JsonObject *me = result && JSON_NODE_HOLDS_OBJECT (result) ? json_node_get_object (result) : NULL;
  JsonNode *node;

  if (concierge_json_int (me, "id") == 0 || concierge_json_string (me, "username") == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent an answer Concierge cannot read."));
      return FALSE;
    }

  self->bot_id = concierge_json_int (me, "id");
  g_free (self->bot_username);
  self->bot_username = g_strdup (concierge_json_string (me, "username"));

  node = json_object_get_member (me, "can_read_all_group_messages");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    self->privacy_mode = PRIVACY_MODE_UNKNOWN;
  else
    self->privacy_mode = json_node_get_boolean (node) ? PRIVACY_MODE_OFF : PRIVACY_MODE_ON;
  return TRUE;
}

/* Asking */

typedef struct
{
  gint64 chat_id;
  gint64 sent_at;
} Removal;

static ConciergeRemoval
answer (ConciergeTelegram *self,
        Removal           *removal)
{
  if (known_rights (self, removal->chat_id) != RIGHTS_DELETE)
    return CONCIERGE_REMOVAL_NOT_PERMITTED;
  if (g_get_real_time () / G_USEC_PER_SEC - removal->sent_at >= DELETE_WINDOW_SECONDS)
    return CONCIERGE_REMOVAL_TOO_OLD;
  return CONCIERGE_REMOVAL_ALLOWED;
}

static void
member_cb (GTask    *task,
           JsonNode *result)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  Removal *removal = g_task_get_task_data (task);

  if (result == NULL || !JSON_NODE_HOLDS_OBJECT (result))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent an answer Concierge cannot read."));
      return;
    }

  remember_rights (self, removal->chat_id, rights_of_member (json_node_get_object (result)));
  g_task_return_int (task, answer (self, removal));
}

static void
ask_member (GTask *task)
{
  ConciergeTelegram *self = g_task_get_source_object (task);
  Removal *removal = g_task_get_task_data (task);
  JsonNode *chat_id = json_node_new (JSON_NODE_VALUE);
  JsonNode *user_id = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (chat_id, removal->chat_id);
  json_node_set_int (user_id, self->bot_id);
  concierge_telegram_call_method (task, "getChatMember",
                                  concierge_telegram_parameters_new ("chat_id", chat_id, "user_id", user_id, NULL),
                                  member_cb);
}

/* The bot's own id, for getChatMember, before it synced once. */
static void
me_cb (GTask    *task,
       JsonNode *result)
{
  if (concierge_telegram_take_me (task, result))
    ask_member (task);
}

/* "chat:<id>" or "chat:<id>:user:<id>". A private chat is the customer's
 * and the bot's: there it may delete their messages, within the 48 hours
 * too. Groups are asked once, then kept up to date by my_chat_member. */
static void
concierge_telegram_get_removal_async (ConciergeChannel    *channel,
                                      const char          *thread_remote_id,
                                      gint64               sent_at,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ConciergeTelegram *self = CONCIERGE_TELEGRAM (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Removal *removal = g_new0 (Removal, 1);
  char *end = NULL;

  g_task_set_source_tag (task, concierge_telegram_get_removal_async);
  g_task_set_task_data (task, removal, g_free);
  removal->sent_at = sent_at;
  if (g_str_has_prefix (thread_remote_id, "chat:"))
    removal->chat_id = g_ascii_strtoll (thread_remote_id + strlen ("chat:"), &end, 10);
  if (removal->chat_id == 0)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                               _("Concierge does not know which Telegram chat this is."));
      return;
    }

  if (removal->chat_id > 0)
    remember_rights (self, removal->chat_id, RIGHTS_DELETE);
  if (known_rights (self, removal->chat_id) != RIGHTS_UNKNOWN)
    g_task_return_int (task, answer (self, removal));
  else if (self->bot_id == 0)
    concierge_telegram_call_method (task, "getMe", concierge_telegram_parameters_new (NULL), me_cb);
  else
    ask_member (task);
}

static ConciergeRemoval
concierge_telegram_get_removal_finish (ConciergeChannel  *channel,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  gssize removal;

  g_return_val_if_fail (g_task_is_valid (result, channel), CONCIERGE_REMOVAL_ALLOWED);

  removal = g_task_propagate_int (G_TASK (result), error);
  return removal < 0 ? CONCIERGE_REMOVAL_ALLOWED : (ConciergeRemoval) removal;
}

static char *
concierge_telegram_dup_notice (ConciergeChannel *channel)
{
  switch (CONCIERGE_TELEGRAM (channel)->privacy_mode)
    {
    case PRIVACY_MODE_ON:
      return g_strdup (_("In groups, the bot sees only messages that mention it or reply to it, unless it is an "
                         "administrator there. Turn off privacy mode with @BotFather to see every message."));
    case PRIVACY_MODE_OFF:
      return g_strdup (_("In groups, the bot sees every message: privacy mode is off."));
    case PRIVACY_MODE_UNKNOWN:
    default:
      return NULL;
    }
}

void
concierge_telegram_chats_init_iface (ConciergeChannelInterface *iface)
{
  iface->get_removal_async = concierge_telegram_get_removal_async;
  iface->get_removal_finish = concierge_telegram_get_removal_finish;
  iface->dup_notice = concierge_telegram_dup_notice;
}
