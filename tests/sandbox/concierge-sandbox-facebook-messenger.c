/* concierge-sandbox-facebook-messenger.c
 *
 * The page's Messenger conversations and the Send API, as the Graph API serves
 * them. See tests/sandbox/README.md, "Facebook: the Graph API".
 *
 *   GET  /vX/PAGE-ID/conversations   platform, user_id, fields, limit, after
 *   GET  /vX/CONVERSATION-ID         fields
 *   GET  /vX/CONVERSATION-ID/messages fields, limit, after
 *   POST /vX/PAGE-ID/messages        recipient, messaging_type, tag, message
 *        (and /vX/me/messages)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-sandbox-facebook.h"

/* The Send API's "less than 2000 characters". */
#define MAX_TEXT 2000
/* Only the newest messages of a conversation are readable in detail. */
#define DETAILED_MESSAGES 20
#define DEFAULT_LIMIT 25
#define MAX_LIMIT 100
#define STANDARD_WINDOW (24 * 60 * 60)
#define HUMAN_AGENT_WINDOW (7 * 24 * 60 * 60)
#define PRIVATE_REPLY_WINDOW (7 * 24 * 60 * 60)
#define PICTURE_PATH "/_sandbox/facebook/cdn/messenger/"

typedef struct
{
  char     *id;
  gboolean  from_page;
  char     *text;
  gint64    created;
  gboolean  picture;
  char     *file_name;
} Message;

typedef struct
{
  char      *id;
  char      *psid;
  char      *name;
  gboolean   blocked;
  GPtrArray *messages; /* oldest first */
} Conversation;

static struct
{
  GPtrArray *conversations;
  gboolean   human_agent;
  guint      reply_delay_ms;
  guint64    next_id;
  GBytes    *picture;
} messenger;

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gint64
updated_time (Conversation *conversation)
{
  Message *last = conversation->messages->len > 0
                    ? g_ptr_array_index (conversation->messages, conversation->messages->len - 1) : NULL;

  return last ? last->created : 0;
}

static gint64
last_customer_time (Conversation *conversation)
{
  for (guint i = conversation->messages->len; i > 0; i--)
    {
      Message *message = g_ptr_array_index (conversation->messages, i - 1);

      if (!message->from_page)
        return message->created;
    }
  return 0;
}

static Conversation *
find_conversation (const char *id_or_psid)
{
  for (guint i = 0; id_or_psid != NULL && i < messenger.conversations->len; i++)
    {
      Conversation *conversation = g_ptr_array_index (messenger.conversations, i);

      if (g_str_equal (conversation->id, id_or_psid) || g_str_equal (conversation->psid, id_or_psid))
        return conversation;
    }
  return NULL;
}

static Conversation *
add_conversation (const char *psid,
                  const char *name)
{
  Conversation *conversation = g_new0 (Conversation, 1);

  conversation->id = g_strdup_printf ("t_%" G_GUINT64_FORMAT, 10160000000000000 + ++messenger.next_id);
  conversation->psid = g_strdup (psid);
  conversation->name = g_strdup (name);
  conversation->messages = g_ptr_array_new ();
  g_ptr_array_add (messenger.conversations, conversation);
  return conversation;
}

static Message *
add_message (Conversation *conversation,
             gboolean      from_page,
             const char   *text,
             gint64        created)
{
  Message *message = g_new0 (Message, 1);
  g_autofree char *raw = g_strdup_printf ("sandbox-message-%" G_GUINT64_FORMAT, ++messenger.next_id);
  g_autofree char *encoded = g_base64_encode ((const guchar *) raw, strlen (raw));

  /* Message ids look as Meta's, "m_" and URL-safe base64. */
  g_strdelimit (encoded, "+", '-');
  g_strdelimit (encoded, "/", '_');
  g_strdelimit (encoded, "=", '\0');
  message->id = g_strdup_printf ("m_%s", encoded);
  message->from_page = from_page;
  message->text = g_strdup (text ? text : "");
  message->created = created;

  /* Kept in time order, whatever age a test gives. */
  for (guint i = 0; i <= conversation->messages->len; i++)
    if (i == conversation->messages->len ||
        ((Message *) g_ptr_array_index (conversation->messages, i))->created > created)
      {
        g_ptr_array_insert (conversation->messages, i, message);
        break;
      }
  return message;
}

/* The router with its red light, as a customer photographs it. */
static void
draw_router (cairo_t *cr,
             double   width,
             double   height)
{
  cairo_set_source_rgb (cr, 0.93, 0.93, 0.9);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.15, 0.15, 0.18);
  cairo_rectangle (cr, width * 0.15, height * 0.45, width * 0.7, height * 0.25);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0.9, 0.1, 0.1);
  cairo_arc (cr, width * 0.3, height * 0.575, height * 0.04, 0, 2 * G_PI);
  cairo_fill (cr);
}

void
facebook_messenger_seed (gboolean personal_data)
{
  gint64 t = now ();
  Conversation *conversation;
  Message *message;

  messenger.conversations = g_ptr_array_new ();
  messenger.picture = sandbox_draw_png (640, 480, draw_router);

  /* Recent, with a picture: the window is open. */
  conversation = add_conversation ("7100000000000001", "Jonas Becker");
  add_message (conversation, FALSE,
               "Hallo, seit heute Morgen blinkt die DSL-Leuchte an meinem Router rot. Neu gestartet habe ich "
               "ihn schon.", t - 3 * 3600);
  add_message (conversation, TRUE,
               "Hallo Jonas, danke für deine Nachricht! Kannst du uns ein Foto vom Router schicken?",
               t - 2 * 3600 - 1800);
  message = add_message (conversation, FALSE, "Hier das Foto, die Leuchte ganz links.", t - 40 * 60);
  message->picture = TRUE;

  /* The customer's last message is 30 hours old: only the human-agent
   * tag still reaches her. */
  conversation = add_conversation ("7100000000000002", "Sabine Krüger");
  add_message (conversation, FALSE,
               "Guten Tag, ich möchte meinen Tarif auf 250 Mbit/s wechseln. Geht das zum nächsten Monat?",
               t - 30 * 3600);

  /* Eight days: nothing reaches him until he writes again. */
  conversation = add_conversation ("7100000000000003", "Mehmet Yılmaz");
  add_message (conversation, FALSE,
               "Hallo, wann kommt der Techniker für den Glasfaseranschluss? Ich warte seit zwei Wochen.",
               t - 8 * 24 * 3600);
  add_message (conversation, TRUE,
               "Guten Tag Herr Yılmaz, wir prüfen das und melden uns morgen bei Ihnen.",
               t - 8 * 24 * 3600 + 3600);

  /* She blocked the page after writing. */
  conversation = add_conversation ("7100000000000004", "Lena Hoffmann");
  conversation->blocked = TRUE;
  add_message (conversation, FALSE, "Bitte kündigen Sie meinen Vertrag zum Monatsende.", t - 2 * 3600);
  (void) personal_data;
}

void
facebook_messenger_set_reply_delay (guint ms)
{
  messenger.reply_delay_ms = ms;
}

void
facebook_messenger_set_human_agent (gboolean allowed)
{
  messenger.human_agent = allowed;
}

/* Fields */

/* One entry of a "fields" list, as "messages.limit(5){id,from}". */
typedef struct
{
  char *name;
  int   limit;   /* 0 when not given */
  char *fields;  /* inside the braces, or NULL */
} Field;

static void
field_clear (Field *field)
{
  g_free (field->name);
  g_free (field->fields);
}

/* Splits a fields list at its commas outside braces and parentheses. */
static GArray *
parse_fields (const char *list,
              const char *fallback)
{
  GArray *fields = g_array_new (FALSE, TRUE, sizeof (Field));
  const char *p = list && list[0] ? list : fallback;

  g_array_set_clear_func (fields, (GDestroyNotify) field_clear);
  while (*p != '\0')
    {
      const char *start = p;
      int depth = 0;
      g_autofree char *entry = NULL;
      Field field = { 0 };
      char *brace, *dot;

      for (; *p != '\0' && (depth > 0 || *p != ','); p++)
        depth += (*p == '{' || *p == '(') ? 1 : (*p == '}' || *p == ')') ? -1 : 0;
      entry = g_strstrip (g_strndup (start, p - start));
      if (*p == ',')
        p++;
      if (entry[0] == '\0')
        continue;

      brace = strchr (entry, '{');
      if (brace != NULL)
        {
          field.fields = g_strndup (brace + 1, strlen (brace + 1) - (g_str_has_suffix (brace, "}") ? 1 : 0));
          *brace = '\0';
        }
      dot = strstr (entry, ".limit(");
      if (dot != NULL)
        {
          field.limit = atoi (dot + strlen (".limit("));
          *dot = '\0';
        }
      field.name = g_strdup (entry);
      g_array_append_val (fields, field);
    }
  return fields;
}

static void
unknown_field (GraphRequest *request,
               const char   *name,
               const char   *node)
{
  g_autofree char *message = g_strdup_printf ("(#100) Tried accessing nonexisting field (%s) on node type (%s)",
                                              name, node);

  facebook_reply_error (request, 400, "OAuthException", 100, 0, message);
}

static gboolean
check_fields (GraphRequest       *request,
              GArray             *fields,
              const char * const *known,
              const char         *node)
{
  for (guint i = 0; i < fields->len; i++)
    if (!g_strv_contains (known, g_array_index (fields, Field, i).name))
      {
        unknown_field (request, g_array_index (fields, Field, i).name, node);
        return FALSE;
      }
  return TRUE;
}

static const char * const message_fields[] = { "id", "created_time", "from", "to", "message", "attachments", NULL };
static const char * const conversation_fields[] = { "id", "updated_time", "participants", "snippet", "message_count",
                                                    "unread_count", "messages", "link", NULL };

/* Building answers */

static void
add_person (JsonBuilder *builder,
            const char  *id,
            const char  *name)
{
  g_autofree char *email = g_strdup_printf ("%s@facebook.com", id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_end_object (builder);
}

static void
add_attachments (GraphRequest *request,
                 JsonBuilder  *builder,
                 Message      *message)
{
  SoupServerMessage *msg = request->msg;
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *url = g_strdup_printf ("http://%s:%d" PICTURE_PATH "%s.png?oh=00_sandbox&oe=7FFFFFFF",
                                          g_uri_get_host (uri), g_uri_get_port (uri), message->id);

  json_builder_set_member_name (builder, "attachments");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, message->id + 2);
  json_builder_set_member_name (builder, "mime_type");
  json_builder_add_string_value (builder, "image/png");
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, "image-router.png");
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, g_bytes_get_size (messenger.picture));
  json_builder_set_member_name (builder, "image_data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, 640);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, 480);
  json_builder_set_member_name (builder, "max_width");
  json_builder_add_int_value (builder, 640);
  json_builder_set_member_name (builder, "max_height");
  json_builder_add_int_value (builder, 480);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "preview_url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

/* A Message with the @fields asked for; one older than the newest 20
 * keeps only its id and time. */
static void
add_message_json (GraphRequest *request,
                  JsonBuilder  *builder,
                  Conversation *conversation,
                  Message      *message,
                  gboolean      detailed,
                  GArray       *fields)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < fields->len; i++)
    {
      const char *name = g_array_index (fields, Field, i).name;

      if (g_str_equal (name, "id"))
        {
          json_builder_set_member_name (builder, "id");
          json_builder_add_string_value (builder, message->id);
        }
      else if (g_str_equal (name, "created_time"))
        {
          g_autofree char *time = facebook_format_time (message->created);

          json_builder_set_member_name (builder, "created_time");
          json_builder_add_string_value (builder, time);
        }
      else if (!detailed)
        continue;
      else if (g_str_equal (name, "from"))
        {
          json_builder_set_member_name (builder, "from");
          if (message->from_page)
            add_person (builder, FACEBOOK_PAGE_ID, FACEBOOK_PAGE_NAME);
          else
            add_person (builder, conversation->psid, conversation->name);
        }
      else if (g_str_equal (name, "to"))
        {
          json_builder_set_member_name (builder, "to");
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "data");
          json_builder_begin_array (builder);
          if (message->from_page)
            add_person (builder, conversation->psid, conversation->name);
          else
            add_person (builder, FACEBOOK_PAGE_ID, FACEBOOK_PAGE_NAME);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      else if (g_str_equal (name, "message"))
        {
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, message->text);
        }
      else if (g_str_equal (name, "attachments") && message->picture)
        add_attachments (request, builder, message);
    }
  json_builder_end_object (builder);
}

/* A cursor names the last item of a page: Meta's are opaque base64. */
static char *
encode_cursor (const char *kind,
               guint       position)
{
  g_autofree char *raw = g_strdup_printf ("%s:%u", kind, position);

  return g_base64_encode ((const guchar *) raw, strlen (raw));
}

static gboolean
decode_cursor (const char *cursor,
               const char *kind,
               guint      *position)
{
  gsize length = 0;
  g_autofree char *raw = NULL;

  if (cursor == NULL)
    {
      *position = 0;
      return TRUE;
    }
  raw = (char *) g_base64_decode (cursor, &length);
  raw = g_realloc (raw, length + 1);
  raw[length] = '\0';
  if (!g_str_has_prefix (raw, kind) || raw[strlen (kind)] != ':')
    return FALSE;
  *position = (guint) g_ascii_strtoull (raw + strlen (kind) + 1, NULL, 10) + 1;
  return TRUE;
}

/* "paging" with its cursors, and "next" only when there is more. */
static void
add_paging (GraphRequest *request,
            JsonBuilder  *builder,
            const char   *kind,
            guint         first,
            guint         last,
            gboolean      more)
{
  g_autofree char *before = encode_cursor (kind, first);
  g_autofree char *after = encode_cursor (kind, last);

  json_builder_set_member_name (builder, "paging");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cursors");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "before");
  json_builder_add_string_value (builder, before);
  json_builder_set_member_name (builder, "after");
  json_builder_add_string_value (builder, after);
  json_builder_end_object (builder);
  if (more)
    {
      GUri *uri = soup_server_message_get_uri (request->msg);
      g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
      GHashTableIter iter;
      gpointer key, value;
      g_autofree char *form = NULL;
      g_autofree char *next = NULL;

      /* The token stays out: the sandbox's clients send it in a header. */
      g_hash_table_iter_init (&iter, request->params);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (!g_str_equal (key, "access_token") && !g_str_equal (key, "after") && !g_str_equal (key, "before"))
          g_hash_table_insert (query, key, value);
      g_hash_table_insert (query, "after", after);
      form = soup_form_encode_hash (query);
      next = g_strdup_printf ("http://%s:%d%s?%s", g_uri_get_host (uri), g_uri_get_port (uri),
                              g_uri_get_path (uri), form);
      json_builder_set_member_name (builder, "next");
      json_builder_add_string_value (builder, next);
    }
  json_builder_end_object (builder);
}

static guint
read_limit (const char *value,
            guint       fallback)
{
  guint64 limit = value ? g_ascii_strtoull (value, NULL, 10) : 0;

  return limit == 0 ? fallback : (guint) MIN (limit, MAX_LIMIT);
}

/* Newest first, a page of @limit from @cursor, as the messages edge and
 * a conversation's "messages" field answer. */
static gboolean
add_messages_page (GraphRequest *request,
                   JsonBuilder  *builder,
                   Conversation *conversation,
                   const char   *field_list,
                   guint         limit,
                   const char   *cursor)
{
  g_autoptr(GArray) fields = parse_fields (field_list, "id,created_time");
  guint n = conversation->messages->len, start, i;

  if (!check_fields (request, fields, message_fields, "Message"))
    return FALSE;
  if (!decode_cursor (cursor, "message", &start))
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) The after cursor is not valid");
      return FALSE;
    }

  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (i = start; i < n && i < start + limit; i++)
    add_message_json (request, builder, conversation, g_ptr_array_index (conversation->messages, n - 1 - i),
                      i < DETAILED_MESSAGES, fields);
  json_builder_end_array (builder);
  if (i > start)
    add_paging (request, builder, "message", start, i - 1, i < n);
  return TRUE;
}

/* A conversation with the fields asked for; FALSE once answered with
 * an error. */
static gboolean
add_conversation_json (GraphRequest *request,
                       JsonBuilder  *builder,
                       Conversation *conversation,
                       GArray       *fields)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < fields->len; i++)
    {
      Field *field = &g_array_index (fields, Field, i);
      Message *last = conversation->messages->len > 0
                        ? g_ptr_array_index (conversation->messages, conversation->messages->len - 1) : NULL;

      json_builder_set_member_name (builder, field->name);
      if (g_str_equal (field->name, "id"))
        json_builder_add_string_value (builder, conversation->id);
      else if (g_str_equal (field->name, "updated_time"))
        {
          g_autofree char *time = facebook_format_time (updated_time (conversation));

          json_builder_add_string_value (builder, time);
        }
      else if (g_str_equal (field->name, "participants"))
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "data");
          json_builder_begin_array (builder);
          add_person (builder, conversation->psid, conversation->name);
          add_person (builder, FACEBOOK_PAGE_ID, FACEBOOK_PAGE_NAME);
          json_builder_end_array (builder);
          json_builder_end_object (builder);
        }
      else if (g_str_equal (field->name, "snippet"))
        json_builder_add_string_value (builder, last ? last->text : "");
      else if (g_str_equal (field->name, "message_count"))
        json_builder_add_int_value (builder, conversation->messages->len);
      else if (g_str_equal (field->name, "unread_count"))
        json_builder_add_int_value (builder, last && !last->from_page ? 1 : 0);
      else if (g_str_equal (field->name, "link"))
        {
          g_autofree char *link = g_strdup_printf ("/%s/inbox/%s", FACEBOOK_PAGE_ID, conversation->id);

          json_builder_add_string_value (builder, link);
        }
      else if (g_str_equal (field->name, "messages"))
        {
          json_builder_begin_object (builder);
          if (!add_messages_page (request, builder, conversation, field->fields,
                                  field->limit > 0 ? (guint) field->limit : DEFAULT_LIMIT, NULL))
            return FALSE;
          json_builder_end_object (builder);
        }
    }
  json_builder_end_object (builder);
  return TRUE;
}

static int
compare_updated (gconstpointer a,
                 gconstpointer b)
{
  Conversation *first = *(Conversation **) a;
  Conversation *second = *(Conversation **) b;
  gint64 difference = updated_time (second) - updated_time (first);

  return difference != 0 ? (difference > 0 ? 1 : -1) : strcmp (second->id, first->id);
}

/* GET /PAGE-ID/conversations: most recently updated first, in pages. */
static void
reply_conversations (GraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) fields = parse_fields (facebook_param (request, "fields"), "id,updated_time");
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  const char *platform = facebook_param (request, "platform");
  const char *user_id = facebook_param (request, "user_id");
  guint limit = read_limit (facebook_param (request, "limit"), DEFAULT_LIMIT), start, i;

  if (platform != NULL && g_ascii_strcasecmp (platform, "messenger") != 0 &&
      g_ascii_strcasecmp (platform, "instagram") != 0)
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0,
                            "(#100) param platform must be one of {INSTAGRAM, MESSENGER}");
      return;
    }
  if (!check_fields (request, fields, conversation_fields, "UnifiedThread"))
    return;
  if (!decode_cursor (facebook_param (request, "after"), "conversation", &start))
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) The after cursor is not valid");
      return;
    }

  /* The page has no Instagram account: that list is empty. */
  for (i = 0; i < messenger.conversations->len && g_ascii_strcasecmp (platform ? platform : "", "instagram"); i++)
    {
      Conversation *conversation = g_ptr_array_index (messenger.conversations, i);

      if (conversation->messages->len > 0 && (user_id == NULL || g_str_equal (user_id, conversation->psid)))
        g_ptr_array_add (list, conversation);
    }
  g_ptr_array_sort (list, compare_updated);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (i = start; i < list->len && i < start + limit; i++)
    if (!add_conversation_json (request, builder, g_ptr_array_index (list, i), fields))
      return;
  json_builder_end_array (builder);
  if (i > start)
    add_paging (request, builder, "conversation", start, i - 1, i < list->len);
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

static void
reply_conversation (GraphRequest *request,
                    Conversation *conversation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) fields = parse_fields (facebook_param (request, "fields"), "id,updated_time");

  if (!check_fields (request, fields, conversation_fields, "UnifiedThread"))
    return;
  if (add_conversation_json (request, builder, conversation, fields))
    facebook_reply_json (request, builder);
}

static void
reply_messages (GraphRequest *request,
                Conversation *conversation)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (!add_messages_page (request, builder, conversation, facebook_param (request, "fields"),
                          read_limit (facebook_param (request, "limit"), DEFAULT_LIMIT),
                          facebook_param (request, "after")))
    return;
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

/* Sending */

/* {"@first": @first_value, "@second": @second_value} */
static JsonBuilder *
two_strings (const char *first,
             const char *first_value,
             const char *second,
             const char *second_value)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, first);
  json_builder_add_string_value (builder, first_value);
  json_builder_set_member_name (builder, second);
  json_builder_add_string_value (builder, second_value);
  json_builder_end_object (builder);
  return builder;
}

static gboolean
customer_answers_cb (gpointer data)
{
  g_autofree char *psid = data;
  Conversation *conversation = find_conversation (psid);

  if (conversation != NULL)
    add_message (conversation, FALSE, "Danke, das hilft mir weiter!", now ());
  return G_SOURCE_REMOVE;
}

static JsonObject *
object_param (GraphRequest *request,
              const char   *name,
              JsonNode    **holder)
{
  const char *value = facebook_param (request, name);

  *holder = value ? json_from_string (value, NULL) : NULL;
  if (*holder == NULL || !JSON_NODE_HOLDS_OBJECT (*holder))
    return NULL;
  return json_node_get_object (*holder);
}

static void
window_closed (GraphRequest *request)
{
  facebook_reply_error (request, 400, "OAuthException", 10, 2018278,
                        "(#10) This message is sent outside of allowed window. Learn more about the new policy "
                        "here: https://developers.facebook.com/docs/messenger-platform/policy-overview");
}

/* Whether the Send API lets the page write now, or answered why not. */
static gboolean
check_window (GraphRequest *request,
              Conversation *conversation,
              const char   *messaging_type,
              const char   *tag)
{
  gint64 last = last_customer_time (conversation);
  gint64 age = last > 0 ? now () - last : G_MAXINT64;

  if (g_str_equal (messaging_type, "RESPONSE") || g_str_equal (messaging_type, "UPDATE"))
    {
      if (age > STANDARD_WINDOW)
        {
          window_closed (request);
          return FALSE;
        }
      return TRUE;
    }

  if (g_strcmp0 (tag, "HUMAN_AGENT") != 0)
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0,
                            tag ? "(#100) Param tag must be one of {CONFIRMED_EVENT_UPDATE, POST_PURCHASE_UPDATE, "
                                  "ACCOUNT_UPDATE, HUMAN_AGENT, CUSTOMER_FEEDBACK}"
                                : "(#100) Param tag is required for messaging_type MESSAGE_TAG");
      return FALSE;
    }
  if (!messenger.human_agent)
    {
      facebook_reply_error (request, 400, "OAuthException", 10, 0,
                            "(#10) Application does not have permission for this action");
      return FALSE;
    }
  if (age > HUMAN_AGENT_WINDOW)
    {
      window_closed (request);
      return FALSE;
    }
  return TRUE;
}

/* A private reply: once per comment, within 7 days of it, to its author,
 * who gets a conversation with the page if they had none. */
static Conversation *
private_reply_conversation (GraphRequest *request,
                            const char   *comment_id)
{
  const char *from_id = NULL, *from_name = NULL;
  gint64 created = 0;
  gboolean replied = FALSE;
  g_autofree char *psid = NULL;
  Conversation *conversation;

  if (!facebook_feed_lookup_comment (comment_id, &from_id, &from_name, &created, &replied))
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 2018292, "(#100) Invalid comment_id parameter");
      return NULL;
    }
  if (replied)
    {
      facebook_reply_error (request, 400, "OAuthException", 10900, 0, "(#10900) Activity already replied to");
      return NULL;
    }
  if (now () - created > PRIVATE_REPLY_WINDOW)
    {
      facebook_reply_error (request, 400, "OAuthException", 10903, 0, "(#10903) This user can't reply to this "
                                                                     "activity");
      return NULL;
    }

  /* A comment's author id is not their PSID: Messenger has its own. */
  psid = g_strdup_printf ("72%014u", g_str_hash (from_id));
  conversation = find_conversation (psid);
  if (conversation == NULL)
    conversation = add_conversation (psid, from_name);
  facebook_feed_set_private_replied (comment_id);
  return conversation;
}

static void
send_message (GraphRequest *request)
{
  g_autoptr(JsonNode) recipient_node = NULL;
  g_autoptr(JsonNode) message_node = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  JsonObject *recipient = object_param (request, "recipient", &recipient_node);
  JsonObject *message = object_param (request, "message", &message_node);
  const char *messaging_type = facebook_param (request, "messaging_type");
  const char *tag = facebook_param (request, "tag");
  const char *text = message ? json_object_get_string_member_with_default (message, "text", NULL) : NULL;
  const char *comment_id = recipient ? json_object_get_string_member_with_default (recipient, "comment_id", NULL)
                                     : NULL;
  Conversation *conversation;
  Message *sent;

  if (recipient == NULL)
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) param recipient must be non-empty.");
      return;
    }
  if (text == NULL || text[0] == '\0')
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0,
                            "(#100) Must send either message or state");
      return;
    }
  if (g_utf8_strlen (text, -1) >= MAX_TEXT)
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0,
                            "(#100) Param message[text] must be less than 2000 characters");
      return;
    }
  if (comment_id == NULL &&
      (messaging_type == NULL || !g_strv_contains ((const char * const[]) { "RESPONSE", "UPDATE", "MESSAGE_TAG", NULL },
                                                    messaging_type)))
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0,
                            "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}");
      return;
    }

  if (comment_id != NULL)
    conversation = private_reply_conversation (request, comment_id);
  else
    {
      conversation = find_conversation (json_object_get_string_member_with_default (recipient, "id", NULL));
      if (conversation == NULL)
        facebook_reply_error (request, 400, "OAuthException", 100, 2018001, "(#100) No matching user found");
      else if (conversation->blocked)
        facebook_reply_error (request, 400, "OAuthException", 551, 1545041,
                              "(#551) This person isn't available right now.");
      else if (!check_window (request, conversation, messaging_type, tag))
        conversation = NULL;
    }
  if (conversation == NULL || soup_server_message_get_status (request->msg) >= 400)
    return;

  sent = add_message (conversation, TRUE, text, now ());
  if (messenger.reply_delay_ms > 0 && comment_id == NULL)
    g_timeout_add (messenger.reply_delay_ms, customer_answers_cb, g_strdup (conversation->psid));

  builder = two_strings ("recipient_id", conversation->psid, "message_id", sent->id);
  facebook_reply_json (request, builder);
}

gboolean
facebook_messenger_handle (GraphRequest *request)
{
  guint n = g_strv_length (request->segments);
  gboolean get = g_str_equal (request->method, "GET");
  gboolean page = n >= 1 && (g_str_equal (request->segments[0], "me") ||
                             g_str_equal (request->segments[0], FACEBOOK_PAGE_ID));
  Conversation *conversation = n >= 1 && g_str_has_prefix (request->segments[0], "t_")
                                 ? find_conversation (request->segments[0]) : NULL;

  if (page && n == 2 && get && g_str_equal (request->segments[1], "conversations"))
    reply_conversations (request);
  else if (page && n == 2 && !get && g_str_equal (request->segments[1], "messages"))
    send_message (request);
  else if (conversation != NULL && n == 1 && get)
    reply_conversation (request, conversation);
  else if (conversation != NULL && n == 2 && get && g_str_equal (request->segments[1], "messages"))
    reply_messages (request, conversation);
  else
    return FALSE;
  return TRUE;
}

/* Test endpoints */

/* A customer writes to the page, @age_seconds ago: {"psid", "name",
 * "text", "age_seconds", "picture"}; a new PSID starts a conversation. */
static void
customer_writes (SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  JsonObject *object = sandbox_request_object (msg, &node);
  const char *psid, *text;
  Conversation *conversation;
  Message *message;

  if (object == NULL)
    return;
  if ((psid = json_object_get_string_member_with_default (object, "psid", NULL)) == NULL ||
      (text = json_object_get_string_member_with_default (object, "text", NULL)) == NULL)
    {
      sandbox_reply_error (msg, 400, "A message needs \"psid\" and \"text\"");
      return;
    }
  conversation = find_conversation (psid);
  if (conversation == NULL)
    conversation = add_conversation (psid, json_object_get_string_member_with_default (object, "name", "Kunde"));
  message = add_message (conversation, json_object_get_boolean_member_with_default (object, "from_page", FALSE), text,
                         now () - json_object_get_int_member_with_default (object, "age_seconds", 0));
  message->picture = json_object_get_boolean_member_with_default (object, "picture", FALSE);

  builder = two_strings ("conversation_id", conversation->id, "message_id", message->id);
  sandbox_reply_json (msg, 200, builder);
}

static void
set_human_agent (SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object = sandbox_request_object (msg, &node);

  if (object == NULL)
    return;
  if (!json_object_has_member (object, "allowed"))
    {
      sandbox_reply_error (msg, 400, "Say {\"allowed\": true} or false");
      return;
    }
  messenger.human_agent = json_object_get_boolean_member (object, "allowed");
  soup_server_message_set_status (msg, 204, NULL);
}

gboolean
facebook_messenger_control (SoupServerMessage *msg,
                            const char        *path)
{
  if (g_str_equal (path, "/_sandbox/facebook/message"))
    customer_writes (msg);
  else if (g_str_equal (path, "/_sandbox/facebook/human-agent"))
    set_human_agent (msg);
  else if (g_str_has_prefix (path, PICTURE_PATH))
    sandbox_reply_png (msg, messenger.picture, FALSE);
  else
    return FALSE;
  return TRUE;
}
