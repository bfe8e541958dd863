/* concierge-sandbox-telegram.c
 *
 * The sandbox's subset of the Telegram Bot API, served next to Mastodon
 * when the sandbox was started with --telegram-token. The bot is
 * "Wellenfunk Hilfe" (@WellenfunkHilfeBot, id 7000000001), the help desk of
 * the ISP Wellenfunk, with two private chats and a supergroup that it
 * administers. Shapes follow https://core.telegram.org/bots/api.
 *
 *   /bot<BOT_TOKEN>/getMe
 *   /bot<BOT_TOKEN>/getUpdates       offset, limit, timeout, allowed_updates
 *   /bot<BOT_TOKEN>/sendMessage      chat_id, text, reply_parameters,
 *                                    reply_to_message_id, parse_mode,
 *                                    disable_notification,
 *                                    link_preview_options
 *   /bot<BOT_TOKEN>/deleteMessage    chat_id, message_id
 *   /bot<BOT_TOKEN>/getWebhookInfo
 *   /bot<BOT_TOKEN>/deleteWebhook    drop_pending_updates
 *   /bot<BOT_TOKEN>/getFile          file_id
 *   /bot<BOT_TOKEN>/getChatMember    chat_id, user_id
 *   /file/bot<BOT_TOKEN>/<file_path> the file's bytes, for a GET
 *
 * The seeded chats and updates, how each method answers and the source of
 * each behaviour are in tests/sandbox/README.md, "Telegram: the Bot API".
 * Requests are recorded as they came, the token in the path included;
 * faults match the path with the token as <redacted>:
 * /bot<redacted>/sendMessage, /file/bot<redacted>/photos/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-sandbox.h"

#define FIRST_UPDATE_ID 870000001
#define MAX_TEXT_LENGTH 4096
#define FAULT_TOKEN "<redacted>"

#define CONFLICT_TERMINATED \
  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
#define CONFLICT_WEBHOOK \
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"

typedef struct
{
  gint64      id;
  gboolean    is_bot;
  const char *first_name;
  const char *last_name;
  const char *username;
  const char *language_code;
} TgUser;

typedef struct
{
  gint64        id;
  const char   *type;
  const char   *title;    /* groups */
  const TgUser *user;     /* private chats: the customer */
  gint64        next_message_id;
  /* Groups: the bot's ChatMember status there, "administrator" or
   * "member", and whether as an administrator it may delete messages. */
  const char   *bot_status;
  gboolean      bot_can_delete;
} TgChat;

/* A file that is not a photo, as Message.document, .voice, .audio,
 * .video, .video_note or .sticker carries it. */
typedef struct
{
  const char *kind;           /* the Message field: "document", "voice"… */
  const char *file_id;
  const char *file_unique_id;
  const char *file_path;      /* as getFile names it */
  const char *file_name;      /* documents, audio and video only */
  const char *mime_type;
  gint64      file_size;
  int         duration;       /* seconds; voice, audio, video, video notes */
  int         width;          /* video, stickers; a video note's length */
  int         height;
  const char *emoji;          /* stickers */
  GBytes     *bytes;          /* made when the sandbox starts */
} TgAttachment;

/* One version of a message: an edit adds a version with the same id, so
 * that the update that brought the first still shows the first text. */
typedef struct
{
  gint64        message_id;
  TgChat       *chat;
  const TgUser *from;
  gint64        date;
  gint64        edit_date;   /* 0 if not edited */
  gint64        reply_to_id; /* 0 if no reply; in the same chat */
  char         *text;        /* the caption, with a photo */
  gboolean      with_photo;  /* photo_sizes, the only photo */
  TgAttachment *attachment;  /* or NULL; its caption is text */
  gboolean      deleted;
} TgMessage;

/* A file the bot may download, as getFile names it. */
typedef struct
{
  const char *file_id;
  const char *file_unique_id;
  const char *file_path;
  int         width;
  int         height;
  GBytes     *bytes;
} TgFile;

typedef struct
{
  gint64      update_id;
  const char *kind;      /* "message", "edited_message" or "my_chat_member" */
  TgMessage  *message;
  JsonNode   *member;    /* my_chat_member: the ChatMemberUpdated */
} TgUpdate;

typedef struct
{
  SoupServerMessage *msg;
  char              *bot_method;
  /* The path with the token as "<redacted>": faults are asked for by
   * that, so that a test need not know the token. */
  char              *fault_path;
  JsonObject        *params;
  gboolean           token_ok;
  Fault             *fault;
  char              *file_path;  /* a download's, which has no bot_method */

  /* While getUpdates waits */
  gint64             offset;
  guint              limit;
  guint              timeout_id;
  gulong             disconnected_id;
} Request;

static const TgUser bot = {
  G_GINT64_CONSTANT (7000000001), TRUE, "Wellenfunk Hilfe", NULL, "WellenfunkHilfeBot", NULL
};
static const TgUser mehmet = { G_GINT64_CONSTANT (5551000102), FALSE, "Mehmet", "Yılmaz", "mehmet_y", "de" };
static const TgUser sabine = { G_GINT64_CONSTANT (5551000103), FALSE, "Sabine", "Krüger", "sabinek", "de" };
static const TgUser lukas = { G_GINT64_CONSTANT (5551000104), FALSE, "Lukas", "Hoffmann", "lukas_h", "de" };
static const TgUser petra = { G_GINT64_CONSTANT (5551000105), FALSE, "Petra", "Neumann", "petra_n", "de" };
static const TgUser jonas = { G_GINT64_CONSTANT (5551000106), FALSE, "Jonas", "Richter", "jonas_richter", "de" };

/* The customers, whether or not they started the bot: a client may name
 * any of them by user id. */
static const TgUser * const customers[] = { &mehmet, &sabine, &lukas, &petra, &jonas };

/* Message ids count per chat; each chat's start makes them easy to tell
 * apart in a test. Only the customers who started the bot, Sabine and
 * Lukas, have a private chat with it. */
static TgChat chats[] = {
  { G_GINT64_CONSTANT (5551000103), "private", NULL, &sabine, 101 },
  { G_GINT64_CONSTANT (5551000104), "private", NULL, &lukas, 201 },
  { G_GINT64_CONSTANT (-1001234567890), "supergroup", "Wellenfunk Community", NULL, 2201, "administrator", TRUE },
  { G_GINT64_CONSTANT (-1009876543210), "supergroup", "Nachbarschaft Gohlis", NULL, 3101, "member", FALSE },
};
#define GROUP (&chats[2])
#define NEIGHBOURS (&chats[3])

#define MEGABYTE (1024 * 1024)
/* What getFile hands out at most, "up to 20 MB in size". */
#define MAX_GET_FILE_SIZE (20 * MEGABYTE)

/* The files of --seed-telegram-chats, in Lukas's private chat. Their
 * bytes are made up; only their sizes and types matter. */
static TgAttachment attachments[] = {
  { "document", "BQACAgIAAxkBAAIBLukas-Mietvertrag", "AgADdoc3", "documents/file_3.pdf", "Mietvertrag_Gohlis.pdf",
    "application/pdf", 48213, 0, 0, 0, NULL, NULL },
  { "voice", "AwACAgIAAxkBAAIBLukas-Sprachnachricht", "AgADvoc4", "voice/file_4.oga", NULL,
    "audio/ogg", 30720, 7, 0, 0, NULL, NULL },
  { "audio", "CQACAgIAAxkBAAIBLukas-Warteschleife", "AgADaud5", "music/file_5.mp3", "Warteschleife.mp3",
    "audio/mpeg", 2936012, 184, 0, 0, NULL, NULL },
  { "video", "BAACAgIAAxkBAAIBLukas-Router-LED", "AgADvid6", "videos/file_6.mp4", "router-led.mp4",
    "video/mp4", 1887437, 12, 640, 360, NULL, NULL },
  { "video_note", "DQACAgIAAxkBAAIBLukas-Videonachricht", "AgADvno7", "video_notes/file_7.mp4", NULL,
    NULL, 734003, 9, 240, 240, NULL, NULL },
  { "sticker", "CAACAgIAAxkBAAIBLukas-Daumen", "AgADstk8", "stickers/file_8.webp", NULL,
    NULL, 24576, 0, 512, 512, "👍", NULL },
  { "document", "BQACAgIAAxkBAAIBLukas-Kontoauszuege", "AgADdoc9", "documents/file_9.pdf", "Kontoauszuege_2024.pdf",
    "application/pdf", 12 * MEGABYTE, 0, 0, 0, NULL, NULL },
  { "document", "BQACAgIAAxkBAAIBLukas-Router-Protokolle", "AgADdoc10", "documents/file_10.zip",
    "Router-Protokolle.zip", "application/zip", 24 * MEGABYTE, 0, 0, 0, NULL, NULL },
};

/* Lukas's photo of his moving box, in the sizes Telegram keeps of a photo,
 * smallest first as in Message.photo. Every size is a file of its own. */
static TgFile photo_sizes[] = {
  { "AgACAgIAAxkBAAPKZ2Lukas202-90x68_s", "AQADymcx_s", "photos/file_0.png", 90, 68, NULL },
  { "AgACAgIAAxkBAAPKZ2Lukas202-320x240_m", "AQADymcx_m", "photos/file_1.png", 320, 240, NULL },
  { "AgACAgIAAxkBAAPKZ2Lukas202-800x600_x", "AQADymcx_x", "photos/file_2.png", 800, 600, NULL },
};

static struct
{
  char      *token;          /* NULL: Telegram is not served */
  char      *webhook_url;    /* NULL: none set */
  guint      reply_delay_ms;
  guint      live_turn;
  GPtrArray *messages;       /* every version, oldest first */
  GPtrArray *updates;        /* unconfirmed, oldest first */
  gint64     next_update_id;
  GStrv      allowed_updates; /* NULL or empty: every kind */
  GPtrArray *polls;          /* Request waiting in getUpdates */
  gboolean   privacy_off;    /* --telegram-privacy off */
} telegram;

/* Tokens */

/* As BotFather issues them: the bot's id, a colon and the secret. Nothing
 * else, so that the token is exactly one segment of a path. */
gboolean
telegram_token_is_valid (const char *token)
{
  const char *p = token;

  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p++ != ':' || *p == '\0')
    return FALSE;
  for (; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      return FALSE;
  return TRUE;
}

gboolean
telegram_enabled (void)
{
  return telegram.token != NULL;
}

/* Chats and messages */

static TgChat *
find_chat (gint64 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (chats); i++)
    if (chats[i].id == id)
      return &chats[i];
  return NULL;
}

static const TgUser *
find_customer (gint64 id)
{
  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    if (customers[i]->id == id)
      return customers[i];
  return NULL;
}

/* The newest version of a message that was not deleted. */
static TgMessage *
find_message (TgChat *chat,
              gint64  message_id)
{
  for (guint i = telegram.messages->len; i > 0; i--)
    {
      TgMessage *message = g_ptr_array_index (telegram.messages, i - 1);

      if (message->chat == chat && message->message_id == message_id)
        return message->deleted ? NULL : message;
    }
  return NULL;
}

static gboolean
deliverable (TgUpdate *update,
             gint64    offset)
{
  return update->update_id >= offset && (update->message == NULL || !update->message->deleted) &&
         (telegram.allowed_updates == NULL || telegram.allowed_updates[0] == NULL ||
          g_strv_contains ((const char * const *) telegram.allowed_updates, update->kind));
}

static guint
count_deliverable (gint64 offset)
{
  guint count = 0;

  for (guint i = 0; i < telegram.updates->len; i++)
    if (deliverable (g_ptr_array_index (telegram.updates, i), offset))
      count++;
  return count;
}

static void wake_polls (void);
static gboolean reaches_bot (TgMessage *message);

static void
add_update (const char *kind,
            TgMessage  *message)
{
  TgUpdate *update = g_new0 (TgUpdate, 1);

  update->update_id = telegram.next_update_id++;
  update->kind = kind;
  update->message = message;
  g_ptr_array_add (telegram.updates, update);
  wake_polls ();
}

/* A bot never receives its own messages, so only the others' are updates. */
static TgMessage *
post (TgChat       *chat,
      const TgUser *from,
      const char   *text,
      gint64        reply_to_id,
      gint64        date)
{
  TgMessage *message = g_new0 (TgMessage, 1);

  message->message_id = chat->next_message_id++;
  message->chat = chat;
  message->from = from;
  message->date = date;
  message->reply_to_id = reply_to_id;
  message->text = g_strdup (text);
  g_ptr_array_add (telegram.messages, message);
  if (from != &bot && reaches_bot (message))
    add_update ("message", message);

  return message;
}

static void
edit (TgMessage  *message,
      const char *text,
      gint64      edit_date)
{
  TgMessage *edited = g_memdup2 (message, sizeof *message);

  edited->text = g_strdup (text);
  edited->edit_date = edit_date;
  g_ptr_array_add (telegram.messages, edited);
  add_update ("edited_message", edited);
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* A taped cardboard box on a pale blue floor, drawn on 800x600 and scaled
 * to any size: nothing like Mastodon's router. */
static void
draw_moving_box (cairo_t *cr,
                 double   width,
                 double   height)
{
  cairo_scale (cr, width / 800, height / 600);
  cairo_set_source_rgb (cr, 0.86, 0.91, 0.96);
  cairo_paint (cr);

  cairo_set_source_rgb (cr, 0.78, 0.59, 0.31);
  cairo_rectangle (cr, 220, 220, 360, 260);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.66, 0.48, 0.23);
  cairo_move_to (cr, 220, 220);
  cairo_line_to (cr, 300, 150);
  cairo_line_to (cr, 500, 150);
  cairo_line_to (cr, 580, 220);
  cairo_close_path (cr);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0.91, 0.83, 0.63);
  cairo_rectangle (cr, 380, 220, 40, 260);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 250, 390, 100, 60);
  cairo_fill (cr);
}

static TgFile *
find_file (const char *file_id,
           const char *file_path)
{
  for (guint i = 0; i < G_N_ELEMENTS (photo_sizes); i++)
    if (g_strcmp0 (photo_sizes[i].file_id, file_id) == 0 || g_strcmp0 (photo_sizes[i].file_path, file_path) == 0)
      return &photo_sizes[i];
  return NULL;
}

static void
seed (void)
{
  gint64 start = now ();
  TgMessage *question, *announcement, *photo;

  announcement = post (GROUP, &bot,
                       "Heute Nacht von 2 bis 4 Uhr warten wir unser Netz im Raum Leipzig. In dieser Zeit "
                       "kann es zu kurzen Unterbrechungen kommen.",
                       0, start - 7200);
  question = post (&chats[0], &sabine,
                   "Guten Tag, auf meiner Rechnung für März stehen 59,90 € statt der vereinbarten 39,90 €. "
                   "Woher kommt der Unterschied?",
                   0, start - 3000);
  post (&chats[1], &lukas,
        "Hallo, ich ziehe am 15. nach Leipzig-Gohlis um. Kann ich meinen Internetvertrag mitnehmen?",
        0, start - 2400);
  /* Photo and caption are one message, as Telegram sends them. */
  photo = post (&chats[1], &lukas,
                "Und falls ja: Nehme ich den Router einfach mit, oder schickt ihr mir einen neuen?",
                0, start - 2340);
  photo->with_photo = TRUE;
  post (GROUP, &mehmet,
        "Guten Morgen 👋 @WellenfunkHilfeBot, seit dem Router-Update gestern habe ich nur noch 16 statt "
        "100 Mbit/s. Könnt ihr meinen Anschluss prüfen?",
        0, start - 1800);
  post (GROUP, &petra,
        "Hat noch jemand seit gestern Abend Aussetzer beim Streaming? Bei mir hängt es alle paar Minuten.",
        0, start - 1500);
  post (GROUP, &jonas,
        "Gilt das auch für Markkleeberg? Ich arbeite nachts im Homeoffice und brauche die Verbindung.",
        announcement->message_id, start - 1200);
  edit (question,
        "Guten Tag, auf meiner Rechnung für März (RE-2024-204817) stehen 59,90 € statt der vereinbarten "
        "39,90 €. Woher kommt der Unterschied?",
        start - 600);
}

void
telegram_init (const char *token,
               const char *webhook_url,
               guint       reply_delay_ms)
{
  telegram.token = g_strdup (token);
  telegram.webhook_url = g_strdup (webhook_url);
  telegram.reply_delay_ms = reply_delay_ms;
  telegram.messages = g_ptr_array_new ();
  telegram.updates = g_ptr_array_new_with_free_func (g_free);
  telegram.next_update_id = FIRST_UPDATE_ID;
  telegram.polls = g_ptr_array_new ();
  for (guint i = 0; i < G_N_ELEMENTS (photo_sizes); i++)
    photo_sizes[i].bytes = sandbox_draw_png (photo_sizes[i].width, photo_sizes[i].height, draw_moving_box);
  seed ();
}

/* Customers who post their personal data where the whole group reads it,
 * as the demo shows: the case for moving to a private chat, once where the
 * bot can write privately and once where it can't. After the default
 * seed, so that its update and message ids stay as they are. */
void
telegram_seed_personal_data (void)
{
  gint64 start = now ();

  post (GROUP, &sabine,
        "@WellenfunkHilfeBot Mein Anschluss ist seit Tagen tot. Ruft mich bitte an: 0171 2345678. "
        "Die Lastschrift geht von DE02 1203 0000 0000 2020 51 ab.",
        0, start - 420);
  post (GROUP, &mehmet,
        "@WellenfunkHilfeBot Bitte schickt mir die Kündigungsbestätigung an mehmet.yilmaz@example.org, "
        "ich warte seit zwei Wochen.",
        0, start - 300);
}

/* Customers who write in while the demo runs */

static const char * const live_private_texts[] = {
  "Kurze Rückfrage: Wird die Gutschrift mit der nächsten Rechnung verrechnet oder aufs Konto überwiesen?",
  "Der Techniker sollte heute zwischen 8 und 12 Uhr kommen, bisher war niemand da. Wissen Sie mehr?",
  "Ich habe Ihnen die Kopie des Kontoauszugs per E-Mail geschickt. Ist sie angekommen?",
  "Seit dem Umzug zeigt der Router „DSL nicht synchron“. Muss ich noch etwas freischalten lassen?",
};

static const char * const live_group_texts[] = {
  "@WellenfunkHilfeBot Gibt es gerade eine Störung im Raum Halle? Bei mir lädt keine Seite.",
  "Frage an @WellenfunkHilfeBot: Wann kommt das Glasfaser-Angebot nach Connewitz?",
  "Moin zusammen 🙂 @WellenfunkHilfeBot, mein Festnetztelefon hat seit heute früh kein Freizeichen.",
  "@WellenfunkHilfeBot Kann man die Rufnummernanzeige im Kundenportal irgendwo abschalten?",
};

/* Private chats and the group take turns; Sabine and Lukas take turns in
 * private, the members round the group. */
void
telegram_live_turn (void)
{
  static const TgUser * const members[] = { &mehmet, &petra, &jonas };
  guint turn = telegram.live_turn++;
  guint round = turn / 2;

  if (turn % 2 == 0)
    {
      TgChat *chat = &chats[round % 2];

      post (chat, chat->user, live_private_texts[round % G_N_ELEMENTS (live_private_texts)], 0, now ());
    }
  else
    post (GROUP, members[round % G_N_ELEMENTS (members)],
          live_group_texts[round % G_N_ELEMENTS (live_group_texts)], 0, now ());
}

typedef struct
{
  TgChat *chat;
  gint64  message_id;
} Sent;

/* Who answers the bot in the group: whom it replied to, or else whoever
 * wrote there last. */
static const TgUser *
group_customer_for (TgMessage *sent)
{
  TgMessage *target = sent->reply_to_id ? find_message (sent->chat, sent->reply_to_id) : NULL;

  if (target != NULL && target->from != &bot)
    return target->from;
  for (guint i = telegram.messages->len; i > 0; i--)
    {
      TgMessage *message = g_ptr_array_index (telegram.messages, i - 1);

      if (message->chat == sent->chat && message->from != &bot)
        return message->from;
    }
  return &mehmet;
}

static gboolean
customer_answers_cb (gpointer data)
{
  g_autofree Sent *sent = data;
  TgMessage *message = find_message (sent->chat, sent->message_id);

  /* Nothing to answer once the bot deleted what it said. */
  if (message == NULL)
    return G_SOURCE_REMOVE;

  if (sent->chat->user != NULL)
    post (sent->chat, sent->chat->user, "Danke, das hilft mir weiter!", 0, now ());
  else
    post (sent->chat, group_customer_for (message), "Danke, das hilft mir weiter!", message->message_id, now ());
  return G_SOURCE_REMOVE;
}

/* JSON */

static gboolean
is_username_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

/* Telegram's offsets and lengths count UTF-16 code units. */
static gint64
utf16_length (const char *text,
              gsize       bytes)
{
  gint64 units = 0;

  for (const char *p = text; p < text + bytes; p = g_utf8_next_char (p))
    units += g_utf8_get_char (p) > 0xFFFF ? 2 : 1;
  return units;
}

/* Mentions only: "@" and 5 to 32 letters, digits or underscores, as
 * Telegram finds them in plain text. @name is entities, or
 * caption_entities for a caption. */
static void
add_entities (JsonBuilder *builder,
              const char  *name,
              const char  *text)
{
  gboolean any = FALSE;

  for (const char *p = text; *p != '\0'; p++)
    {
      const char *end = p + 1;

      if (*p != '@' || (p > text && is_username_char (p[-1])))
        continue;
      while (is_username_char (*end))
        end++;
      if (end - p - 1 < 5 || end - p - 1 > 32)
        continue;

      if (!any)
        {
          json_builder_set_member_name (builder, name);
          json_builder_begin_array (builder);
          any = TRUE;
        }
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "offset");
      json_builder_add_int_value (builder, utf16_length (text, p - text));
      json_builder_set_member_name (builder, "length");
      json_builder_add_int_value (builder, utf16_length (p, end - p));
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "mention");
      json_builder_end_object (builder);
      p = end - 1;
    }
  if (any)
    json_builder_end_array (builder);
}

static void
add_user (JsonBuilder  *builder,
          const TgUser *user,
          gboolean      as_get_me)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, user->id);
  json_builder_set_member_name (builder, "is_bot");
  json_builder_add_boolean_value (builder, user->is_bot);
  json_builder_set_member_name (builder, "first_name");
  json_builder_add_string_value (builder, user->first_name);
  if (user->last_name != NULL)
    {
      json_builder_set_member_name (builder, "last_name");
      json_builder_add_string_value (builder, user->last_name);
    }
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user->username);
  if (user->language_code != NULL)
    {
      json_builder_set_member_name (builder, "language_code");
      json_builder_add_string_value (builder, user->language_code);
    }
  /* Only getMe tells these. */
  if (as_get_me)
    {
      json_builder_set_member_name (builder, "can_join_groups");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_set_member_name (builder, "can_read_all_group_messages");
      json_builder_add_boolean_value (builder, telegram.privacy_off);
      json_builder_set_member_name (builder, "supports_inline_queries");
      json_builder_add_boolean_value (builder, FALSE);
    }
  json_builder_end_object (builder);
}

static void
add_chat (JsonBuilder *builder,
          TgChat      *chat)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, chat->id);
  if (chat->user != NULL)
    {
      json_builder_set_member_name (builder, "first_name");
      json_builder_add_string_value (builder, chat->user->first_name);
      if (chat->user->last_name != NULL)
        {
          json_builder_set_member_name (builder, "last_name");
          json_builder_add_string_value (builder, chat->user->last_name);
        }
      json_builder_set_member_name (builder, "username");
      json_builder_add_string_value (builder, chat->user->username);
    }
  else
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, chat->title);
    }
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, chat->type);
  json_builder_end_object (builder);
}

/* A PhotoSize, or with @file_path the File that getFile answers. */
static void
add_file (JsonBuilder *builder,
          TgFile      *file,
          gboolean     with_file_path)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file_id");
  json_builder_add_string_value (builder, file->file_id);
  json_builder_set_member_name (builder, "file_unique_id");
  json_builder_add_string_value (builder, file->file_unique_id);
  json_builder_set_member_name (builder, "file_size");
  json_builder_add_int_value (builder, g_bytes_get_size (file->bytes));
  if (with_file_path)
    {
      json_builder_set_member_name (builder, "file_path");
      json_builder_add_string_value (builder, file->file_path);
    }
  else
    {
      json_builder_set_member_name (builder, "width");
      json_builder_add_int_value (builder, file->width);
      json_builder_set_member_name (builder, "height");
      json_builder_add_int_value (builder, file->height);
    }
  json_builder_end_object (builder);
}

static void
add_int_member (JsonBuilder *builder,
                const char  *name,
                gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Document, Voice, Audio, Video, VideoNote or Sticker, with the fields
 * the Bot API gives each, and the message's caption. A sticker and a
 * video note have no caption. */
static void
add_attachment (JsonBuilder *builder,
                TgMessage   *message)
{
  TgAttachment *file = message->attachment;
  gboolean sized = g_str_equal (file->kind, "video") || g_str_equal (file->kind, "sticker");

  json_builder_set_member_name (builder, file->kind);
  json_builder_begin_object (builder);
  add_string_member (builder, "file_id", file->file_id);
  add_string_member (builder, "file_unique_id", file->file_unique_id);
  if (sized)
    {
      add_int_member (builder, "width", file->width);
      add_int_member (builder, "height", file->height);
    }
  if (g_str_equal (file->kind, "video_note"))
    add_int_member (builder, "length", file->width);
  if (file->duration > 0)
    add_int_member (builder, "duration", file->duration);
  if (g_str_equal (file->kind, "sticker"))
    {
      add_string_member (builder, "type", "regular");
      json_builder_set_member_name (builder, "is_animated");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "is_video");
      json_builder_add_boolean_value (builder, FALSE);
      add_string_member (builder, "emoji", file->emoji);
      add_string_member (builder, "set_name", "WellenfunkSupport");
    }
  add_string_member (builder, "file_name", file->file_name);
  add_string_member (builder, "mime_type", file->mime_type);
  add_int_member (builder, "file_size", file->file_size);
  json_builder_end_object (builder);

  if (message->text != NULL && message->text[0] != '\0')
    {
      add_string_member (builder, "caption", message->text);
      add_entities (builder, "caption_entities", message->text);
    }
}

/* The message replied to has no reply_to_message of its own, as on
 * Telegram, and none once it was deleted. */
static void
add_message (JsonBuilder *builder,
             TgMessage   *message,
             gboolean     with_reply)
{
  TgMessage *reply_to = with_reply && message->reply_to_id ? find_message (message->chat, message->reply_to_id)
                                                            : NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "message_id");
  json_builder_add_int_value (builder, message->message_id);
  json_builder_set_member_name (builder, "from");
  add_user (builder, message->from, FALSE);
  json_builder_set_member_name (builder, "chat");
  add_chat (builder, message->chat);
  json_builder_set_member_name (builder, "date");
  json_builder_add_int_value (builder, message->date);
  if (message->edit_date != 0)
    {
      json_builder_set_member_name (builder, "edit_date");
      json_builder_add_int_value (builder, message->edit_date);
    }
  if (reply_to != NULL)
    {
      json_builder_set_member_name (builder, "reply_to_message");
      add_message (builder, reply_to, FALSE);
    }
  if (message->attachment != NULL)
    add_attachment (builder, message);
  else if (message->with_photo)
    {
      json_builder_set_member_name (builder, "photo");
      json_builder_begin_array (builder);
      for (guint i = 0; i < G_N_ELEMENTS (photo_sizes); i++)
        add_file (builder, &photo_sizes[i], FALSE);
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "caption");
      json_builder_add_string_value (builder, message->text);
      add_entities (builder, "caption_entities", message->text);
    }
  else
    {
      json_builder_set_member_name (builder, "text");
      json_builder_add_string_value (builder, message->text);
      add_entities (builder, "entities", message->text);
    }
  json_builder_end_object (builder);
}

static void
add_update_json (JsonBuilder *builder,
                 TgUpdate    *update)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "update_id");
  json_builder_add_int_value (builder, update->update_id);
  json_builder_set_member_name (builder, update->kind);
  if (update->member != NULL)
    json_builder_add_value (builder, json_node_copy (update->member));
  else
    add_message (builder, update->message, TRUE);
  json_builder_end_object (builder);
}

/* Answers, always in Telegram's envelope */

static void
set_response (Request     *request,
              guint        status_code,
              JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (request->msg, status_code, NULL);
  soup_server_message_set_response (request->msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

/* A builder in {"ok": true, "result": — the caller adds the result and
 * hands it to reply_ok(). */
static JsonBuilder *
begin_ok (void)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "result");
  return builder;
}

static void
reply_ok (Request     *request,
          JsonBuilder *builder)
{
  json_builder_end_object (builder);
  set_response (request, 200, builder);
}

static void
reply_true (Request    *request,
            const char *description)
{
  g_autoptr(JsonBuilder) builder = begin_ok ();

  json_builder_add_boolean_value (builder, TRUE);
  if (description != NULL)
    {
      json_builder_set_member_name (builder, "description");
      json_builder_add_string_value (builder, description);
    }
  reply_ok (request, builder);
}

/* @retry_after is left out when negative. */
static void
reply_error_full (Request    *request,
                  guint       error_code,
                  const char *description,
                  gint64      retry_after)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ok");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "error_code");
  json_builder_add_int_value (builder, error_code);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, description);
  if (retry_after >= 0)
    {
      json_builder_set_member_name (builder, "parameters");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "retry_after");
      json_builder_add_int_value (builder, retry_after);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  set_response (request, error_code, builder);
}

static void
reply_error (Request    *request,
             guint       error_code,
             const char *description)
{
  reply_error_full (request, error_code, description, -1);
}

static void G_GNUC_PRINTF (2, 3)
bad_request (Request    *request,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *reason = NULL;
  g_autofree char *description = NULL;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  description = g_strconcat ("Bad Request: ", reason, NULL);
  reply_error (request, 400, description);
}

/* A refusal a request can meet although the client checked it: Telegram
 * measures a text after parsing its entities, in UTF-16 code units, a
 * message sent more than 48 hours ago can't be deleted, and a bot may
 * download no file over 20 MB. */
static void
refuse (Request *request)
{
  if (request->file_path != NULL || g_ascii_strcasecmp (request->bot_method, "getFile") == 0)
    bad_request (request, "file is too big");
  else if (g_ascii_strcasecmp (request->bot_method, "deleteMessage") == 0)
    bad_request (request, "message can't be deleted");
  else
    bad_request (request, "message is too long");
}

/* Parameters */

/* Form fields are strings; the query's come first, so that the body wins. */
static void
add_form_fields (JsonObject *params,
                 GHashTable *fields)
{
  GHashTableIter iter;
  gpointer key, value;

  if (fields == NULL)
    return;
  g_hash_table_iter_init (&iter, fields);
  while (g_hash_table_iter_next (&iter, &key, &value))
    json_object_set_string_member (params, key, value);
}

/* NULL if the parameters could be read, else why not. */
static char *
read_parameters (Request    *request,
                 GHashTable *query)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (request->msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (request->msg));
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  gsize size = g_bytes_get_size (bytes);

  add_form_fields (request->params, query);
  if (size == 0)
    return NULL;

  if (g_strcmp0 (type, "application/x-www-form-urlencoded") == 0)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), size);
      g_autoptr(GHashTable) fields = soup_form_decode (text);

      add_form_fields (request->params, fields);
    }
  else if (g_strcmp0 (type, "multipart/form-data") == 0)
    {
      SoupMultipart *multipart = soup_multipart_new_from_message (headers, bytes);
      g_autoptr(GHashTable) fields = multipart ? soup_form_decode_multipart (multipart, NULL, NULL, NULL, NULL)
                                               : NULL;

      if (fields == NULL)
        return g_strdup ("Bad Request: can't parse multipart form");
      add_form_fields (request->params, fields);
    }
  else if (g_strcmp0 (type, "application/json") == 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;
      JsonObjectIter iter;
      const char *name;
      JsonNode *node;

      if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), size, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        return g_strdup ("Bad Request: can't parse JSON object");
      json_object_iter_init_ordered (&iter, json_node_get_object (root));
      while (json_object_iter_next_ordered (&iter, &name, &node))
        json_object_set_member (request->params, name, json_node_copy (node));
    }
  else
    return g_strdup_printf ("Bad Request: unsupported Content-Type %s", type ? type : "(none)");

  return NULL;
}

static gboolean
only_known_members (Request            *request,
                    JsonObject         *object,
                    const char         *within,
                    const char * const *known)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      if (g_strv_contains (known, name))
        continue;
      if (within != NULL)
        bad_request (request, "unknown parameter %s.%s", within, name);
      else
        bad_request (request, "unknown parameter %s", name);
      return FALSE;
    }
  return TRUE;
}

/* A member, or NULL if absent or null. */
static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static gboolean
parse_int (JsonNode *node,
           gint64   *value)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_string_to_signed (json_node_get_string (node), 10, G_MININT64, G_MAXINT64, value, NULL);
  return FALSE;
}

/* FALSE, answered, if @name is there but no integer; *value keeps its
 * default when @name is absent. */
static gboolean
int_param (Request    *request,
           JsonObject *object,
           const char *name,
           gint64     *value)
{
  JsonNode *node = member (object, name);

  if (node == NULL || parse_int (node, value))
    return TRUE;
  bad_request (request, "%s must be an integer", name);
  return FALSE;
}

static gboolean
bool_param (Request    *request,
            JsonObject *object,
            const char *name,
            gboolean   *value)
{
  JsonNode *node = member (object, name);
  const char *text;

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *value = json_node_get_boolean (node);
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
      (json_node_get_int (node) == 0 || json_node_get_int (node) == 1))
    {
      *value = json_node_get_int (node) == 1;
      return TRUE;
    }
  text = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
           ? json_node_get_string (node) : "";
  if (g_str_equal (text, "true") || g_str_equal (text, "1") ||
      g_str_equal (text, "false") || g_str_equal (text, "0"))
    {
      *value = g_str_equal (text, "true") || g_str_equal (text, "1");
      return TRUE;
    }
  bad_request (request, "%s must be a boolean", name);
  return FALSE;
}

/* A string; a number in a JSON body counts as its digits, as Telegram
 * takes it. NULL if absent or no string. */
static char *
string_param (JsonObject *object,
              const char *name)
{
  JsonNode *node = member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

/* An object, or in a form its JSON text: FALSE, answered, if it is
 * neither; *value is NULL when absent. */
static gboolean
object_param (Request     *request,
              JsonObject  *object,
              const char  *name,
              JsonObject **value)
{
  JsonNode *node = member (object, name);
  g_autoptr(JsonNode) parsed = NULL;

  *value = NULL;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    node = parsed = json_from_string (json_node_get_string (node), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      bad_request (request, "can't parse %s JSON object", name);
      return FALSE;
    }
  *value = json_object_ref (json_node_get_object (node));
  return TRUE;
}

/* The chat @name names, or NULL, answered. A customer's user id names
 * their private chat only once they started the bot: until then a bot
 * @sending there meets Telegram's 403, as a bot can't write first. */
static TgChat *
chat_param (Request    *request,
            JsonObject *object,
            const char *name,
            gboolean    sending)
{
  JsonNode *node = member (object, name);
  gboolean is_id;
  gint64 id = 0;
  TgChat *chat;

  if (node == NULL)
    {
      bad_request (request, "%s is empty", name);
      return NULL;
    }
  /* An @username names a public group or channel; none here has one. */
  is_id = parse_int (node, &id);
  if (is_id && (chat = find_chat (id)) != NULL)
    return chat;

  if (is_id && sending && find_customer (id) != NULL)
    reply_error (request, 403, "Forbidden: bot can't initiate conversation with a user");
  else
    bad_request (request, "chat not found");
  return NULL;
}

/* The record */

static void
record (Request *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_builder_begin_object (builder);
  sandbox_record_request (builder, request->msg);
  /* A download calls no method. */
  if (request->file_path == NULL)
    {
      json_builder_set_member_name (builder, "bot_method");
      json_builder_add_string_value (builder, request->bot_method);
    }
  json_builder_set_member_name (builder, "query");
  json_builder_begin_object (builder);
  json_object_iter_init_ordered (&iter, request->params);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder, json_node_copy (node));
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "token_ok");
  json_builder_add_boolean_value (builder, request->token_ok);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, soup_server_message_get_status (request->msg));
  json_builder_end_object (builder);

  sandbox_write_record (builder);
}

static void
request_free (Request *request)
{
  g_object_unref (request->msg);
  g_free (request->bot_method);
  g_free (request->fault_path);
  g_free (request->file_path);
  json_object_unref (request->params);
  g_free (request);
}

/* Records the answer, lets a fault act on it, and lets go of @request. */
static void
finish (Request  *request,
        gboolean  paused)
{
  record (request);
  sandbox_finish_fault (request->msg, request->fault, paused);
  request_free (request);
}

/* getUpdates */

static void
reply_updates (Request *request)
{
  g_autoptr(JsonBuilder) builder = begin_ok ();
  guint count = 0;

  json_builder_begin_array (builder);
  for (guint i = 0; i < telegram.updates->len && count < request->limit; i++)
    {
      TgUpdate *update = g_ptr_array_index (telegram.updates, i);

      if (deliverable (update, request->offset))
        {
          add_update_json (builder, update);
          count++;
        }
    }
  json_builder_end_array (builder);
  reply_ok (request, builder);
}

/* Off the list of waiting polls, with nothing left that could wake it. */
static void
stop_waiting (Request *request)
{
  g_ptr_array_remove (telegram.polls, request);
  g_clear_handle_id (&request->timeout_id, g_source_remove);
  g_clear_signal_handler (&request->disconnected_id, request->msg);
}

static gboolean
poll_timeout_cb (gpointer data)
{
  Request *request = data;

  request->timeout_id = 0;
  stop_waiting (request);
  reply_updates (request);
  finish (request, TRUE);
  return G_SOURCE_REMOVE;
}

/* The client gave up, or an outage cut it off: nothing can be sent. */
static void
poll_disconnected_cb (SoupServerMessage *msg,
                      gpointer           data)
{
  Request *request = data;

  stop_waiting (request);
  record (request);
  request_free (request);
}

static void
wake_polls (void)
{
  g_autoptr(GPtrArray) polls = g_ptr_array_copy (telegram.polls, NULL, NULL);

  for (guint i = 0; i < polls->len; i++)
    {
      Request *request = g_ptr_array_index (polls, i);

      if (count_deliverable (request->offset) == 0)
        continue;
      stop_waiting (request);
      reply_updates (request);
      finish (request, TRUE);
    }
}

static gboolean
read_allowed_updates (Request    *request,
                      JsonObject *params)
{
  JsonNode *node = member (params, "allowed_updates");
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GStrvBuilder) kinds = g_strv_builder_new ();
  JsonArray *array;

  /* Absent, the previous setting stays, as on Telegram. */
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    node = parsed = json_from_string (json_node_get_string (node), NULL);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      bad_request (request, "can't parse allowed_updates JSON array");
      return FALSE;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          bad_request (request, "can't parse allowed_updates JSON array");
          return FALSE;
        }
      g_strv_builder_add (kinds, json_node_get_string (element));
    }

  g_strfreev (telegram.allowed_updates);
  telegram.allowed_updates = g_strv_builder_end (kinds);
  return TRUE;
}

/* FALSE if the answer waits for an update. */
static gboolean
get_updates (Request *request)
{
  static const char * const known[] = { "offset", "limit", "timeout", "allowed_updates", NULL };
  gint64 offset = 0, limit = 100, timeout = 0;

  if (!only_known_members (request, request->params, NULL, known))
    return TRUE;
  if (telegram.webhook_url != NULL)
    {
      reply_error (request, 409, CONFLICT_WEBHOOK);
      return TRUE;
    }
  if (!int_param (request, request->params, "offset", &offset) ||
      !int_param (request, request->params, "limit", &limit) ||
      !int_param (request, request->params, "timeout", &timeout) ||
      !read_allowed_updates (request, request->params))
    return TRUE;

  /* Only one poll at a time, as Telegram allows: the newer one wins. */
  while (telegram.polls->len > 0)
    {
      Request *other = g_ptr_array_index (telegram.polls, 0);

      stop_waiting (other);
      reply_error (other, 409, CONFLICT_TERMINATED);
      finish (other, TRUE);
    }

  /* An offset confirms what came before it, which is then gone for good;
   * a negative one keeps that many of the newest. */
  if (offset > 0)
    {
      guint confirmed = 0;

      while (confirmed < telegram.updates->len &&
             ((TgUpdate *) g_ptr_array_index (telegram.updates, confirmed))->update_id < offset)
        confirmed++;
      g_ptr_array_remove_range (telegram.updates, 0, confirmed);
    }
  else if (offset < 0 && (gint64) telegram.updates->len > -offset)
    g_ptr_array_remove_range (telegram.updates, 0, telegram.updates->len + offset);

  request->offset = MAX (offset, 0);
  request->limit = CLAMP (limit, 1, 100);

  if (request->fault != NULL && g_str_equal (request->fault->kind, "ignore-timeout"))
    timeout = 0;

  if (timeout <= 0 || count_deliverable (request->offset) > 0)
    {
      reply_updates (request);
      return TRUE;
    }

  soup_server_message_pause (request->msg);
  request->timeout_id = g_timeout_add ((guint) MIN (timeout, 24 * 60 * 60) * 1000, poll_timeout_cb, request);
  request->disconnected_id = g_signal_connect (request->msg, "disconnected",
                                               G_CALLBACK (poll_disconnected_cb), request);
  g_ptr_array_add (telegram.polls, request);
  return FALSE;
}

/* Chats, privacy mode and files */

/* With privacy mode on, which is how BotFather makes every bot, a bot
 * that does not administer a group receives only the messages there that
 * mention it or reply to one of its own; an administrator, and a bot with
 * privacy mode off, receives them all. Private chats always reach it. */
static gboolean
reaches_bot (TgMessage *message)
{
  g_autofree char *folded = NULL;
  g_autofree char *mention = NULL;
  TgMessage *replied;

  if (message->chat->user != NULL || telegram.privacy_off ||
      g_strcmp0 (message->chat->bot_status, "administrator") == 0)
    return TRUE;

  replied = message->reply_to_id ? find_message (message->chat, message->reply_to_id) : NULL;
  if (replied != NULL && replied->from == &bot)
    return TRUE;
  folded = g_utf8_casefold (message->text ? message->text : "", -1);
  mention = g_utf8_casefold ("@" "WellenfunkHilfeBot", -1);
  return strstr (folded, mention) != NULL;
}

void
telegram_set_privacy_mode (gboolean on)
{
  telegram.privacy_off = !on;
}

/* ChatMemberAdministrator or ChatMemberMember of the bot in @chat. */
static void
add_bot_member (JsonBuilder *builder,
                TgChat      *chat)
{
  static const char * const rights[] = {
    "can_manage_chat", "can_manage_video_chats", "can_restrict_members", "can_promote_members",
    "can_change_info", "can_invite_users", "can_post_stories", "can_edit_stories", "can_delete_stories",
    "can_pin_messages",
  };
  gboolean admin = g_strcmp0 (chat->bot_status, "administrator") == 0;

  json_builder_begin_object (builder);
  add_string_member (builder, "status", admin ? "administrator" : "member");
  json_builder_set_member_name (builder, "user");
  add_user (builder, &bot, FALSE);
  if (admin)
    {
      json_builder_set_member_name (builder, "can_be_edited");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "is_anonymous");
      json_builder_add_boolean_value (builder, FALSE);
      json_builder_set_member_name (builder, "can_delete_messages");
      json_builder_add_boolean_value (builder, chat->bot_can_delete);
      for (guint i = 0; i < G_N_ELEMENTS (rights); i++)
        {
          json_builder_set_member_name (builder, rights[i]);
          json_builder_add_boolean_value (builder, g_str_equal (rights[i], "can_manage_chat"));
        }
    }
  json_builder_end_object (builder);
}

static void
get_chat_member (Request *request)
{
  static const char * const known[] = { "chat_id", "user_id", NULL };
  g_autoptr(JsonBuilder) builder = NULL;
  const TgUser *customer;
  gint64 user_id = 0;
  TgChat *chat;

  if (!only_known_members (request, request->params, NULL, known) ||
      (chat = chat_param (request, request->params, "chat_id", FALSE)) == NULL ||
      !int_param (request, request->params, "user_id", &user_id))
    return;

  builder = begin_ok ();
  if (user_id == bot.id && chat->user == NULL)
    add_bot_member (builder, chat);
  else if ((customer = user_id == bot.id ? &bot : find_customer (user_id)) != NULL)
    {
      json_builder_begin_object (builder);
      add_string_member (builder, "status", "member");
      json_builder_set_member_name (builder, "user");
      add_user (builder, customer, FALSE);
      json_builder_end_object (builder);
    }
  else
    {
      bad_request (request, "user not found");
      return;
    }
  reply_ok (request, builder);
}

/* An administrator of the group changes the bot's rights: the bot
 * learns of it through a my_chat_member update. */
void
telegram_set_bot_member (SoupServerMessage *msg)
{
  static const TgUser owner = { G_GINT64_CONSTANT (5551000100), FALSE, "Anna", "Berger", "anna_wellenfunk", "de" };
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  TgChat *chat = object ? find_chat (json_object_get_int_member_with_default (object, "chat_id", 0)) : NULL;
  const char *status = object ? json_object_get_string_member_with_default (object, "status", "") : "";
  TgUpdate *update;

  if (chat == NULL || chat->user != NULL || (!g_str_equal (status, "administrator") && !g_str_equal (status, "member")))
    {
      soup_server_message_set_status (msg, 400, NULL);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "chat");
  add_chat (builder, chat);
  json_builder_set_member_name (builder, "from");
  add_user (builder, &owner, FALSE);
  add_int_member (builder, "date", now ());
  json_builder_set_member_name (builder, "old_chat_member");
  add_bot_member (builder, chat);
  chat->bot_status = g_str_equal (status, "administrator") ? "administrator" : "member";
  chat->bot_can_delete = json_object_get_boolean_member_with_default (object, "can_delete_messages", FALSE);
  json_builder_set_member_name (builder, "new_chat_member");
  add_bot_member (builder, chat);
  json_builder_end_object (builder);

  update = g_new0 (TgUpdate, 1);
  update->update_id = telegram.next_update_id++;
  update->kind = "my_chat_member";
  update->member = json_builder_get_root (builder);
  g_ptr_array_add (telegram.updates, update);
  wake_polls ();
  soup_server_message_set_status (msg, 204, NULL);
}

static TgAttachment *
find_attachment (const char *file_id,
                 const char *file_path)
{
  for (guint i = 0; i < G_N_ELEMENTS (attachments); i++)
    if (g_strcmp0 (attachments[i].file_id, file_id) == 0 || g_strcmp0 (attachments[i].file_path, file_path) == 0)
      return &attachments[i];
  return NULL;
}

/* getFile for a file that is not a photo: "up to 20 MB", beyond which
 * Telegram answers "file is too big". */
static void
get_attachment_file (Request      *request,
                     TgAttachment *file)
{
  g_autoptr(JsonBuilder) builder = NULL;

  if (file->file_size > MAX_GET_FILE_SIZE)
    {
      bad_request (request, "file is too big");
      return;
    }
  builder = begin_ok ();
  json_builder_begin_object (builder);
  add_string_member (builder, "file_id", file->file_id);
  add_string_member (builder, "file_unique_id", file->file_unique_id);
  add_int_member (builder, "file_size", file->file_size);
  add_string_member (builder, "file_path", file->file_path);
  json_builder_end_object (builder);
  reply_ok (request, builder);
}

static void
download_attachment (Request      *request,
                     TgAttachment *file)
{
  if (file->bytes == NULL)
    file->bytes = g_bytes_new_take (g_malloc0 (file->file_size), file->file_size);
  soup_server_message_set_status (request->msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (request->msg),
                                         file->mime_type ? file->mime_type : "application/octet-stream", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (request->msg), file->bytes);
}

static void
post_attachment (TgAttachment *file,
                 const char   *caption,
                 gint64        date)
{
  TgMessage *message = post (&chats[1], &lukas, caption, 0, date);

  message->attachment = file;
}

/* For --seed-telegram-chats, after telegram_init(): the group where the
 * bot is a plain member, an old message edited today, and files. */
void
telegram_seed_chats (void)
{
  gint64 start = now ();
  TgMessage *old;

  post (NEIGHBOURS, &petra,
        "@WellenfunkHilfeBot Seit heute früh kein Internet in der Landsberger Straße. Rückruf bitte unter "
        "0170 9876543.",
        0, start - 960);
  post (NEIGHBOURS, &jonas, "Bei mir in der Georg-Schumann-Straße läuft alles.", 0, start - 900);

  /* Three days old: its update is gone, as Telegram keeps updates for 24
   * hours; the edit brings it back with its first date. */
  old = post (GROUP, &mehmet,
              "@WellenfunkHilfeBot Meine Kundennummer ist 4711-0815, bitte ruft mich an: 0151 23456789.",
              0, start - 72 * 3600);
  g_ptr_array_remove_index (telegram.updates, telegram.updates->len - 1);
  edit (old,
        "@WellenfunkHilfeBot Meine Kundennummer ist 4711-0815, bitte ruft mich unter 0151 23456789 an.",
        start - 840);

  post_attachment (&attachments[0], "Hier der Mietvertrag für die neue Wohnung.", start - 780);
  post_attachment (&attachments[1], NULL, start - 720);
  post_attachment (&attachments[2], NULL, start - 660);
  post_attachment (&attachments[3], "So blinkt der Router seit dem Umzug.", start - 600);
  post_attachment (&attachments[4], NULL, start - 540);
  post_attachment (&attachments[5], NULL, start - 480);
  post_attachment (&attachments[6], "Die Kontoauszüge, wie gewünscht.", start - 420);
  post_attachment (&attachments[7], NULL, start - 360);
}

/* The other methods */

static void
get_me (Request *request)
{
  static const char * const known[] = { NULL };
  g_autoptr(JsonBuilder) builder = NULL;

  if (!only_known_members (request, request->params, NULL, known))
    return;
  builder = begin_ok ();
  add_user (builder, &bot, TRUE);
  reply_ok (request, builder);
}

/* Replies within the chat only: a reply elsewhere would be an external
 * reply, which the subset leaves out. Sets *reply_to_id, 0 for none. */
static gboolean
read_reply_target (Request *request,
                   TgChat  *chat,
                   gint64  *reply_to_id)
{
  static const char * const known[] = { "message_id", "chat_id", "allow_sending_without_reply", NULL };
  g_autoptr(JsonObject) parameters = NULL;
  gint64 message_id = 0, chat_id = chat->id;
  gboolean allow_without = FALSE;

  *reply_to_id = 0;
  if (!object_param (request, request->params, "reply_parameters", &parameters) ||
      !int_param (request, request->params, "reply_to_message_id", &message_id))
    return FALSE;
  if (parameters != NULL)
    {
      message_id = 0;
      if (!only_known_members (request, parameters, "reply_parameters", known) ||
          !int_param (request, parameters, "message_id", &message_id) ||
          !int_param (request, parameters, "chat_id", &chat_id) ||
          !bool_param (request, parameters, "allow_sending_without_reply", &allow_without))
        return FALSE;
    }
  if (parameters == NULL && message_id == 0)
    return TRUE;

  if (chat_id == chat->id && message_id != 0 && find_message (chat, message_id) != NULL)
    *reply_to_id = message_id;
  else if (!allow_without)
    {
      bad_request (request, "message to be replied not found");
      return FALSE;
    }
  return TRUE;
}

static void
send_message (Request *request)
{
  static const char * const known[] = { "chat_id", "text", "reply_parameters", "reply_to_message_id", "parse_mode",
                                        "disable_notification", "link_preview_options", NULL };
  static const char * const link_preview_known[] = { "is_disabled", "url", "prefer_small_media",
                                                     "prefer_large_media", "show_above_text", NULL };
  static const char * const parse_modes[] = { "HTML", "Markdown", "MarkdownV2", NULL };
  g_autofree char *text = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *parse_mode = NULL;
  g_autoptr(JsonObject) link_preview = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  gboolean silent = FALSE;
  gint64 reply_to_id;
  TgChat *chat;
  TgMessage *message;
  Sent *sent;

  if (!only_known_members (request, request->params, NULL, known) ||
      (chat = chat_param (request, request->params, "chat_id", TRUE)) == NULL)
    return;

  text = string_param (request->params, "text");
  if (text != NULL && !g_utf8_validate (text, -1, NULL))
    {
      bad_request (request, "strings must be encoded in UTF-8");
      return;
    }
  /* Telegram trims what it sends, so blanks alone are empty. */
  trimmed = g_strstrip (g_strdup (text ? text : ""));
  if (trimmed[0] == '\0')
    {
      bad_request (request, "message text is empty");
      return;
    }
  if (g_utf8_strlen (text, -1) > MAX_TEXT_LENGTH)
    {
      bad_request (request, "message is too long");
      return;
    }

  parse_mode = string_param (request->params, "parse_mode");
  if (parse_mode != NULL && parse_mode[0] != '\0' && !g_strv_contains (parse_modes, parse_mode))
    {
      bad_request (request, "unsupported parse_mode");
      return;
    }
  if (!bool_param (request, request->params, "disable_notification", &silent) ||
      !object_param (request, request->params, "link_preview_options", &link_preview) ||
      (link_preview != NULL &&
       !only_known_members (request, link_preview, "link_preview_options", link_preview_known)) ||
      !read_reply_target (request, chat, &reply_to_id))
    return;

  /* The text goes out as it came: the sandbox does not apply parse_mode. */
  message = post (chat, &bot, text, reply_to_id, now ());

  sent = g_new0 (Sent, 1);
  sent->chat = chat;
  sent->message_id = message->message_id;
  g_timeout_add (telegram.reply_delay_ms, customer_answers_cb, sent);

  builder = begin_ok ();
  add_message (builder, message, TRUE);
  reply_ok (request, builder);
}

/* In a group, only an administrator with can_delete_messages deletes
 * others' messages, and only within 48 hours of their sending. */
static gboolean
may_delete (TgChat    *chat,
            TgMessage *message)
{
  if (message->from == &bot)
    return TRUE;
  return g_strcmp0 (chat->bot_status, "administrator") == 0 && chat->bot_can_delete &&
         now () - message->date < 48 * 3600;
}

static void
delete_message (Request *request)
{
  static const char * const known[] = { "chat_id", "message_id", NULL };
  gint64 message_id = 0;
  TgChat *chat;

  if (!only_known_members (request, request->params, NULL, known) ||
      (chat = chat_param (request, request->params, "chat_id", FALSE)) == NULL ||
      !int_param (request, request->params, "message_id", &message_id))
    return;
  if (message_id == 0)
    {
      bad_request (request, "message identifier is not specified");
      return;
    }
  /* Telegram would let a bot delete in private chats too; the sandbox
   * refuses, so that a client meets the refusal. */
  if (chat->user != NULL)
    {
      bad_request (request, "message can't be deleted");
      return;
    }
  if (find_message (chat, message_id) == NULL)
    {
      bad_request (request, "message to delete not found");
      return;
    }
  if (!may_delete (chat, find_message (chat, message_id)))
    {
      bad_request (request, "message can't be deleted");
      return;
    }

  for (guint i = 0; i < telegram.messages->len; i++)
    {
      TgMessage *message = g_ptr_array_index (telegram.messages, i);

      if (message->chat == chat && message->message_id == message_id)
        message->deleted = TRUE;
    }
  reply_true (request, NULL);
}

static void
get_webhook_info (Request *request)
{
  static const char * const known[] = { NULL };
  g_autoptr(JsonBuilder) builder = NULL;

  if (!only_known_members (request, request->params, NULL, known))
    return;

  builder = begin_ok ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, telegram.webhook_url ? telegram.webhook_url : "");
  json_builder_set_member_name (builder, "has_custom_certificate");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "pending_update_count");
  json_builder_add_int_value (builder, count_deliverable (0));
  json_builder_end_object (builder);
  reply_ok (request, builder);
}

static void
delete_webhook (Request *request)
{
  static const char * const known[] = { "drop_pending_updates", NULL };
  gboolean drop = FALSE;
  gboolean was_set = telegram.webhook_url != NULL;

  if (!only_known_members (request, request->params, NULL, known) ||
      !bool_param (request, request->params, "drop_pending_updates", &drop))
    return;

  g_clear_pointer (&telegram.webhook_url, g_free);
  if (drop)
    g_ptr_array_set_size (telegram.updates, 0);
  reply_true (request, was_set ? "Webhook was deleted" : "Webhook is already deleted");
}

static void
get_file (Request *request)
{
  static const char * const known[] = { "file_id", NULL };
  g_autofree char *file_id = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  TgFile *file;

  if (!only_known_members (request, request->params, NULL, known))
    return;
  file_id = string_param (request->params, "file_id");
  if (file_id != NULL && find_attachment (file_id, NULL) != NULL)
    {
      get_attachment_file (request, find_attachment (file_id, NULL));
      return;
    }
  if (file_id == NULL || (file = find_file (file_id, NULL)) == NULL)
    {
      bad_request (request, "invalid file_id");
      return;
    }

  builder = begin_ok ();
  add_file (builder, file, TRUE);
  reply_ok (request, builder);
}

/* A download, of the file or, when @truncated, of its first half. */
static void
download (Request  *request,
          gboolean  truncated)
{
  TgFile *file = find_file (NULL, request->file_path);
  TgAttachment *attachment = find_attachment (NULL, request->file_path);

  if (file == NULL && attachment != NULL && attachment->file_size <= MAX_GET_FILE_SIZE)
    download_attachment (request, attachment);
  else if (file == NULL)
    reply_error (request, 404, "Not Found");
  else
    sandbox_reply_png (request->msg, file->bytes, truncated);
}

/* FALSE if the answer waits. */
static gboolean
call_method (Request *request)
{
  const char *name = request->bot_method;

  if (request->file_path != NULL)
    download (request, FALSE);
  else if (g_ascii_strcasecmp (name, "getUpdates") == 0)
    return get_updates (request);
  else if (g_ascii_strcasecmp (name, "getMe") == 0)
    get_me (request);
  else if (g_ascii_strcasecmp (name, "sendMessage") == 0)
    send_message (request);
  else if (g_ascii_strcasecmp (name, "deleteMessage") == 0)
    delete_message (request);
  else if (g_ascii_strcasecmp (name, "getWebhookInfo") == 0)
    get_webhook_info (request);
  else if (g_ascii_strcasecmp (name, "deleteWebhook") == 0)
    delete_webhook (request);
  else if (g_ascii_strcasecmp (name, "getFile") == 0)
    get_file (request);
  else if (g_ascii_strcasecmp (name, "getChatMember") == 0)
    get_chat_member (request);
  else
    reply_error (request, 404, "Not Found");
  return TRUE;
}

/* Requests */

void
telegram_handle (SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query)
{
  gboolean is_download = g_str_has_prefix (path, "/file/bot");
  const char *after = path + strlen (is_download ? "/file/bot" : "/bot");
  const char *slash = strchr (after, '/');
  g_autofree char *given = slash ? g_strndup (after, slash - after) : g_strdup (after);
  g_autofree char *given_token = g_uri_unescape_string (given, NULL);
  g_autofree char *unreadable = NULL;
  Request *request = g_new0 (Request, 1);
  Fault *fault;

  request->msg = g_object_ref (msg);
  if (is_download)
    {
      /* The token is in the path here too; the rest is the file's. */
      request->file_path = g_strdup (slash ? slash + 1 : "");
      request->fault_path = g_strconcat ("/file/bot" FAULT_TOKEN "/", request->file_path, NULL);
    }
  else
    {
      request->bot_method = g_strdup (slash ? slash + 1 : "");
      request->fault_path = g_strconcat ("/bot" FAULT_TOKEN "/", request->bot_method, NULL);
    }
  request->params = json_object_new ();
  request->token_ok = telegram.token != NULL && g_strcmp0 (given_token, telegram.token) == 0;
  unreadable = read_parameters (request, query);

  fault = request->fault = request->token_ok
                            ? sandbox_take_fault (soup_server_message_get_method (msg), request->fault_path)
                            : NULL;
  if (fault != NULL && g_str_equal (fault->kind, "drop-before"))
    {
      record (request);
      sandbox_drop_connection (msg);
      request_free (request);
      return;
    }

  /* A download with a wrong token finds no file, as on Telegram. */
  if (telegram.token == NULL || (!request->token_ok && is_download))
    reply_error (request, 404, "Not Found");
  else if (!request->token_ok)
    reply_error (request, 401, "Unauthorized");
  else if (fault != NULL && g_str_equal (fault->kind, "500"))
    reply_error (request, 500, "Internal Server Error");
  else if (fault != NULL && g_str_equal (fault->kind, "404"))
    reply_error (request, 404, "Not Found");
  else if (fault != NULL && g_str_equal (fault->kind, "409"))
    reply_error (request, 409, CONFLICT_TERMINATED);
  else if (fault != NULL && g_str_equal (fault->kind, "refuse"))
    refuse (request);
  else if (fault != NULL && g_str_equal (fault->kind, "429"))
    {
      g_autofree char *retry = g_strdup_printf ("%u", fault->retry_after);
      g_autofree char *description = g_strdup_printf ("Too Many Requests: retry after %u", fault->retry_after);

      /* Both, as a client may read either. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", retry);
      reply_error_full (request, 429, description, fault->retry_after);
    }
  else if (fault != NULL && g_str_equal (fault->kind, "malformed") && is_download)
    download (request, TRUE);
  else if (fault != NULL && g_str_equal (fault->kind, "malformed"))
    {
      static const char broken[] = "{\"ok\":true,\"result\":[{\"update_id\":870000001,\"message\":{\"message_id\":";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, broken, sizeof broken - 1);
    }
  else if (unreadable != NULL)
    reply_error (request, 400, unreadable);
  else if (!call_method (request))
    return;

  finish (request, FALSE);
}
