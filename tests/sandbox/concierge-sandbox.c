/* concierge-sandbox.c
 *
 * The sandbox platform server: the subset of the Mastodon API that Concierge
 * uses (mentions, direct conversations, a status, several statuses at
 * once, a status's context, an account's statuses, posting, marking read,
 * the instance's limits, the files of media attachments), on 127.0.0.1,
 * with customers who post, mention the support account, write privately,
 * and answer what the agent sends after a short delay. It serves
 * Mastodon's OAuth 2 sign-in too (concierge-sandbox-oauth.c) and, given a
 * bot token, a subset of the Telegram Bot API on the same port
 * (concierge-sandbox-telegram.c). This file also keeps the record of
 * requests and the faults tests ask for.
 *
 *   concierge-sandbox --token TOKEN [--port N] [--record FILE]
 *                     [--reply-delay-ms N] [--live-interval-ms N]
 *                     [--max-characters N] [--seed-mentions N]
 *                     [--rate-limit N] [--rate-period-s S] [--seed-mentions-days N]
 *                     [--seed-personal-data] [--seed-same-customer] [--no-pkce]
 *                     [--telegram-token BOT_TOKEN [--telegram-webhook URL]]
 *
 * What it does, point by point, and where each behaviour comes from
 * (Mastodon's documentation or source, the Bot API reference, the RFCs)
 * or that it is the sandbox's own, is in tests/sandbox/README.md. In
 * short: the record has every request as it came, tokens and secrets
 * included; faults come through POST /_sandbox/fault, and Telegram's are
 * asked for with the bot token written as <redacted>
 * ({"path": "/bot<redacted>/sendMessage", "kind": "500"}); the other
 * /_sandbox/ endpoints release held answers, revoke every token, delete a
 * status as its author and simulate an outage.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "concierge-sandbox.h"

#define OWN_ACCOUNT_ID "1"

#define MEDIA_PATH "/system/media_attachments/files/"

typedef struct
{
  char *id;
  char *username;
  char *display_name;
} Person;

/* An image a customer attached, in the sizes a media server keeps. */
typedef struct
{
  const char *id;
  const char *file_name;
  const char *description;
  const char *blurhash;
  int         width;
  int         height;
  int         small_width;
  int         small_height;
  GBytes     *original;
  GBytes     *small;
} Media;

typedef struct
{
  char   *id;
  char   *in_reply_to_id;
  Person *author;
  char   *visibility;
  char   *text;
  gint64  created_at;
  char   *conversation_id;
  Media  *media;           /* NULL: none attached */
} Status;

typedef struct
{
  SoupServer *server;
  GSocketAddress *address;
  FILE       *record;
  guint       reply_delay_ms;
  guint       max_characters;
  guint       live_turn;          /* how many customers wrote in live */
  char       *base_url;    /* http://127.0.0.1:PORT, for the media's URLs */
  gboolean    pkce;        /* FALSE: a Mastodon before 4.3 */
  GPtrArray  *people;
  GPtrArray  *statuses;    /* oldest first */
  GPtrArray  *deleted;     /* Status its author deleted, oldest first */
  GPtrArray  *media;
  GHashTable *idempotency; /* key → Status */
  GPtrArray  *faults;
  GPtrArray  *held;        /* SoupServerMessage waiting for release */
  guint64     next_id;
} Sandbox;

static Sandbox sandbox;

/* The people and their statuses */

static Person *
person_new (const char *id,
            const char *username,
            const char *display_name)
{
  Person *person = g_new0 (Person, 1);

  person->id = g_strdup (id);
  person->username = g_strdup (username);
  person->display_name = g_strdup (display_name);
  g_ptr_array_add (sandbox.people, person);
  return person;
}

static Person *
find_person (const char *id)
{
  for (guint i = 0; i < sandbox.people->len; i++)
    {
      Person *person = g_ptr_array_index (sandbox.people, i);

      if (g_str_equal (person->id, id))
        return person;
    }
  return NULL;
}

static Status *
find_status_in (GPtrArray  *statuses,
                const char *id)
{
  for (guint i = 0; id != NULL && i < statuses->len; i++)
    {
      Status *status = g_ptr_array_index (statuses, i);

      if (g_str_equal (status->id, id))
        return status;
    }
  return NULL;
}

/* Deleted statuses are gone for every endpoint, as on Mastodon. */
static Status *
find_status (const char *id)
{
  return find_status_in (sandbox.statuses, id);
}

/* Whom support talks with in @status's conversation: the author of its
 * first status unless that is support, who stays the customer when they
 * delete that status. */
static Person *
conversation_customer (Status *status)
{
  Status *first = find_status_in (sandbox.statuses, status->conversation_id);

  if (first == NULL)
    first = find_status_in (sandbox.deleted, status->conversation_id);
  return first && first->author != find_person (OWN_ACCOUNT_ID) ? first->author : status->author;
}

static Status *
post (Person     *author,
      const char *visibility,
      const char *text,
      const char *in_reply_to_id)
{
  Status *status = g_new0 (Status, 1);
  Status *parent = find_status (in_reply_to_id);

  status->id = g_strdup_printf ("%" G_GUINT64_FORMAT, sandbox.next_id++);
  status->in_reply_to_id = g_strdup (in_reply_to_id);
  status->author = author;
  status->visibility = g_strdup (visibility);
  status->text = g_strdup (text);
  status->created_at = g_get_real_time () / G_USEC_PER_SEC;
  status->conversation_id = g_strdup (parent ? parent->conversation_id : status->id);
  g_ptr_array_add (sandbox.statuses, status);

  return status;
}

/* Jana's photo: a router whose lights are green but for the one that
 * blinks red, drawn on 640x480 and scaled to any size. */
static void
draw_router (cairo_t *cr,
             double   width,
             double   height)
{
  static const double box_x = 120, box_y = 180, box_width = 400, box_height = 140, radius = 24;

  cairo_scale (cr, width / 640, height / 480);
  cairo_set_source_rgb (cr, 0.93, 0.93, 0.91);
  cairo_paint (cr);

  cairo_set_source_rgb (cr, 0.23, 0.23, 0.25);
  cairo_rectangle (cr, 175, 90, 12, 100);
  cairo_rectangle (cr, 453, 90, 12, 100);
  cairo_fill (cr);
  cairo_new_sub_path (cr);
  cairo_arc (cr, box_x + box_width - radius, box_y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, box_x + box_width - radius, box_y + box_height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, box_x + radius, box_y + box_height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, box_x + radius, box_y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_fill (cr);

  for (guint i = 0; i < 6; i++)
    {
      if (i < 5)
        cairo_set_source_rgb (cr, 0.25, 0.78, 0.30);
      else
        cairo_set_source_rgb (cr, 0.88, 0.19, 0.16);
      cairo_arc (cr, 190 + 52 * i, box_y + box_height / 2, 10, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

/* The URLs take the id where Mastodon splits it into a path of its own. */
static Media *
media_new (const char      *id,
           const char      *file_name,
           const char      *description,
           const char      *blurhash,
           int              width,
           int              height,
           int              small_width,
           int              small_height,
           SandboxDrawFunc  draw)
{
  Media *media = g_new0 (Media, 1);

  media->id = id;
  media->file_name = file_name;
  media->description = description;
  media->blurhash = blurhash;
  media->width = width;
  media->height = height;
  media->small_width = small_width;
  media->small_height = small_height;
  media->original = sandbox_draw_png (width, height, draw);
  media->small = sandbox_draw_png (small_width, small_height, draw);
  g_ptr_array_add (sandbox.media, media);
  return media;
}

static void
seed (void)
{
  Person *support = person_new (OWN_ACCOUNT_ID, "support", "Wellenfunk Support");
  Person *jana = person_new ("101", "jana", "Jana Becker");
  Person *tom = person_new ("102", "tom", "Tom Schulz");
  Person *emma = person_new ("103", "emma", "Emma Walsh");
  Status *router;

  (void) support;
  router = post (jana, "public", "@support Seit heute Morgen kein Internet, der Router blinkt rot.", NULL);
  router->media = media_new ("109500000000000001", "router.png", "Router, dessen Leuchte rot blinkt",
                             "UFBWY:8_0Jxu00%M%MRj00Rj%Mt7~qRjWBof", 640, 480, 400, 300, draw_router);
  post (tom, "direct", "@support Hallo, meine Rechnung für November ist doppelt abgebucht.", NULL);
  post (emma, "unlisted", "@support Does my SIM work for roaming in Switzerland?", NULL);
}

/* A customer who posts her IBAN in public, as the demo shows: the case
 * for moving to a private conversation. */
static void
seed_personal_data (void)
{
  Person *lena = person_new ("104", "lena_k", "Lena Krause");

  post (lena, "public",
        "@support Die Gutschrift über 39,99 € ist immer noch nicht da! Meine IBAN ist "
        "DE89 3704 0044 0532 0130 00, das schreibe ich jetzt zum dritten Mal.", NULL);
}

static void
seed_same_customer (void)
{
  Person *sabine = person_new ("105", "sabine_k", "Sabine Krüger");

  post (sabine, "public",
        "@support Seit dem Tarifwechsel ist mein Internet abends sehr langsam. "
        "Ich habe euch deswegen auch schon auf Telegram geschrieben.", NULL);
}

/* A customer who posts for her followers only, and mentions support:
 * Mastodon's "private" visibility, which the mention lets support read. */
static void
seed_followers_only (void)
{
  Person *paula = person_new ("106", "paula", "Paula Richter");

  post (paula, "private", "@support Mein Vertrag läuft im März aus. Gibt es ein Angebot für Bestandskunden?", NULL);
}

/* Many customers who mentioned support before the sandbox started: the
 * benchmark's load. Each mention is a thread of its own. */
static void
seed_mentions (guint n,
               guint days)
{
  Person *customers[100];

  /* The live customers take turns among all people: no extra ones unless
   * asked for. */
  if (n == 0)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (customers); i++)
    {
      g_autofree char *id = g_strdup_printf ("%u", 5000 + i);
      g_autofree char *username = g_strdup_printf ("kunde%u", i);
      g_autofree char *name = g_strdup_printf ("Kundin %u", i);

      customers[i] = person_new (id, username, name);
    }

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("@support Frage Nummer %u: <b>Router</b> &amp; Rechnung, bitte um Rückruf.", i);

      Status *status = post (customers[i % G_N_ELEMENTS (customers)], "public", text, NULL);

      /* Spread evenly over the days asked for, the newest now. */
      status->created_at -= (gint64) days * 24 * 60 * 60 * (n - 1 - i) / n;
    }
}

/* Customers who write in while the demo runs */

static const char * const live_public_texts[] = {
  "@support Mein neuer Router sollte gestern geliefert werden, die Sendungsverfolgung zeigt seit drei Tagen nichts Neues. Könnt ihr nachsehen?",
  "@support Auf meiner Rechnung steht eine Gebühr für eine Premium-Hotline, die ich nie bestellt habe. Was hat es damit auf sich?",
  "@support Ich komme nicht mehr ins Kundenportal: Nach dem Zurücksetzen des Passworts kommt keine E-Mail an.",
  "@support Seit gestern Abend bricht das WLAN alle paar Minuten ab, ein Neustart des Routers hilft nur kurz.",
  "@support Ich ziehe Ende des Monats um. Kann ich meinen Vertrag an die neue Adresse mitnehmen?",
  "@support Die Lastschrift für Oktober ist zurückgegangen, weil sich meine IBAN geändert hat. Wo trage ich die neue ein?",
  "@support Das Paket mit der Ersatz-SIM wurde laut Sendungsverfolgung beim Nachbarn abgegeben, dort ist es aber nicht. Was nun?",
  "@support Die Anmeldung schickt den Bestätigungscode noch an meine alte Handynummer. Wie komme ich wieder in mein Konto?",
};

/* What customers would rather not say in public. */
static const char * const live_direct_texts[] = {
  "@support Meine Kundennummer ist 4711-2093. Können Sie bitte prüfen, ob meine Zahlung eingegangen ist?",
  "@support Nachtrag: Die Rechnungsnummer ist RE-2024-118734, falls Sie die brauchen.",
  "@support Die neue Lieferadresse lautet Lindenstraße 12, 04109 Leipzig. Bitte schicken Sie das Paket dorthin.",
  "@support Ich habe das Passwort zurückgesetzt, aber das Portal meldet immer noch „Konto gesperrt“.",
};

/* The newest direct status of the conversation @customer has with support,
 * telling the customer apart the way get_conversations() does. */
static Status *
latest_direct_of (Person *customer)
{
  for (guint i = sandbox.statuses->len; i > 0; i--)
    {
      Status *status = g_ptr_array_index (sandbox.statuses, i - 1);

      if (g_str_equal (status->visibility, "direct") && conversation_customer (status) == customer)
        return status;
    }
  return NULL;
}

/* Every third turn is a direct message, so that both inboxes fill; public
 * and direct turns each go round the customers on their own, so that every
 * customer takes both kinds. */
static gboolean
live_customer_cb (gpointer data)
{
  guint turn = sandbox.live_turn++;
  guint customers = sandbox.people->len - 1; /* all but support, the first */

  if (turn % 3 == 2)
    {
      guint index = turn / 3;
      Person *customer = g_ptr_array_index (sandbox.people, 1 + index % customers);
      Status *last = latest_direct_of (customer);

      /* Answering the newest status keeps it in the same conversation. */
      post (customer, "direct", live_direct_texts[index % G_N_ELEMENTS (live_direct_texts)],
            last ? last->id : NULL);
    }
  else
    {
      guint index = 2 * (turn / 3) + turn % 3;
      Person *customer = g_ptr_array_index (sandbox.people, 1 + index % customers);

      post (customer, "public", live_public_texts[index % G_N_ELEMENTS (live_public_texts)], NULL);
    }

  /* Alongside, not instead: Mastodon's turns stay as they are. */
  if (telegram_enabled () && turn % 3 == 0)
    telegram_live_turn ();

  return G_SOURCE_CONTINUE;
}

/* JSON */

static void
add_person (JsonBuilder *builder,
            Person      *person)
{
  g_autofree char *acct = g_str_equal (person->id, OWN_ACCOUNT_ID)
                            ? g_strdup (person->username)
                            : g_strdup_printf ("%s@customers.example", person->username);
  g_autofree char *url = g_strdup_printf ("https://customers.example/@%s", person->username);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, person->id);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, person->username);
  json_builder_set_member_name (builder, "acct");
  json_builder_add_string_value (builder, acct);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, person->display_name);
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_end_object (builder);
}

static char *
iso8601 (gint64 time)
{
  g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (time);

  return g_date_time_format_iso8601 (date);
}

static void
add_media_size (JsonBuilder *builder,
                const char  *name,
                int          width,
                int          height)
{
  g_autofree char *size = g_strdup_printf ("%dx%d", width, height);

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, width);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, height);
  json_builder_set_member_name (builder, "size");
  json_builder_add_string_value (builder, size);
  json_builder_set_member_name (builder, "aspect");
  json_builder_add_double_value (builder, (double) width / height);
  json_builder_end_object (builder);
}

/* Served by the sandbox itself, as an instance without a separate media
 * host serves its files. */
static void
add_media (JsonBuilder *builder,
           Media       *media)
{
  g_autofree char *url = g_strdup_printf ("%s" MEDIA_PATH "%s/original/%s", sandbox.base_url, media->id,
                                          media->file_name);
  g_autofree char *preview_url = g_strdup_printf ("%s" MEDIA_PATH "%s/small/%s", sandbox.base_url, media->id,
                                                  media->file_name);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, media->id);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "image");
  json_builder_set_member_name (builder, "url");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "preview_url");
  json_builder_add_string_value (builder, preview_url);
  json_builder_set_member_name (builder, "remote_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "preview_remote_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "text_url");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "meta");
  json_builder_begin_object (builder);
  add_media_size (builder, "original", media->width, media->height);
  add_media_size (builder, "small", media->small_width, media->small_height);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, media->description);
  json_builder_set_member_name (builder, "blurhash");
  json_builder_add_string_value (builder, media->blurhash);
  json_builder_end_object (builder);
}

static void
add_status (JsonBuilder *builder,
            Status      *status)
{
  g_autofree char *escaped = g_markup_escape_text (status->text, -1);
  g_autofree char *content = g_strdup_printf ("<p>%s</p>", escaped);
  g_autofree char *created_at = iso8601 (status->created_at);
  Status *parent = find_status (status->in_reply_to_id);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, status->id);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_string_value (builder, created_at);
  json_builder_set_member_name (builder, "in_reply_to_id");
  if (parent != NULL)
    json_builder_add_string_value (builder, parent->id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "in_reply_to_account_id");
  if (parent != NULL)
    json_builder_add_string_value (builder, parent->author->id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "sensitive");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "spoiler_text");
  json_builder_add_string_value (builder, "");
  json_builder_set_member_name (builder, "visibility");
  json_builder_add_string_value (builder, status->visibility);
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, content);
  json_builder_set_member_name (builder, "edited_at");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "account");
  add_person (builder, status->author);
  json_builder_set_member_name (builder, "mentions");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "media_attachments");
  json_builder_begin_array (builder);
  if (status->media != NULL)
    add_media (builder, status->media);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}

void
sandbox_reply_json (SoupServerMessage *msg,
            guint              status_code,
            JsonBuilder       *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  char *body = json_to_string (root, FALSE);

  soup_server_message_set_status (msg, status_code, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, body, strlen (body));
}

void
sandbox_reply_error (SoupServerMessage *msg,
             guint              status_code,
             const char        *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, status_code, builder);
}

/* Pictures */

static cairo_status_t
append_png_cb (void                *closure,
               const unsigned char *data,
               unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
sandbox_draw_png (int             width,
                  int             height,
                  SandboxDrawFunc draw)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  GByteArray *png = g_byte_array_new ();

  draw (cr, width, height);
  cairo_destroy (cr);
  if (cairo_surface_write_to_png_stream (surface, append_png_cb, png) != CAIRO_STATUS_SUCCESS)
    g_error ("Cannot draw a %dx%d PNG", width, height);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (png);
}

void
sandbox_reply_png (SoupServerMessage *msg,
                   GBytes            *png,
                   gboolean           truncated)
{
  gsize size = g_bytes_get_size (png);
  g_autoptr(GBytes) sent = g_bytes_new_from_bytes (png, 0, truncated ? size / 2 : size);

  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_set_content_type (soup_server_message_get_response_headers (msg), "image/png", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), sent);
}

/* Requests */

void
sandbox_write_record (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *line = NULL;

  if (sandbox.record == NULL)
    return;

  root = json_builder_get_root (builder);
  line = json_to_string (root, FALSE);
  fprintf (sandbox.record, "%s\n", line);
  fflush (sandbox.record);
}

void
sandbox_record_request (JsonBuilder       *builder,
                        SoupServerMessage *msg)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  json_builder_set_member_name (builder, "method");
  json_builder_add_string_value (builder, soup_server_message_get_method (msg));
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, g_uri_get_path (soup_server_message_get_uri (msg)));
  json_builder_set_member_name (builder, "authorization");
  if (authorization != NULL)
    json_builder_add_string_value (builder, authorization);
  else
    json_builder_add_null_value (builder);
}

static void
record (SoupServerMessage *msg,
        GHashTable        *query,
        gboolean           token_ok)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  if (sandbox.record == NULL)
    return;

  json_builder_begin_object (builder);
  sandbox_record_request (builder, msg);
  json_builder_set_member_name (builder, "query");
  json_builder_begin_object (builder);
  if (query != NULL)
    {
      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          json_builder_set_member_name (builder, key);
          json_builder_add_string_value (builder, value);
        }
    }
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "token_ok");
  json_builder_add_boolean_value (builder, token_ok);
  json_builder_set_member_name (builder, "status");
  json_builder_add_int_value (builder, soup_server_message_get_status (msg));
  json_builder_end_object (builder);

  sandbox_write_record (builder);
}

static gboolean
only_known_parameters (SoupServerMessage  *msg,
                       GHashTable         *query,
                       const char * const *known)
{
  GHashTableIter iter;
  gpointer key;

  if (query == NULL)
    return TRUE;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_strv_contains (known, key))
        {
          g_autofree char *error = g_strdup_printf ("Unknown parameter %s", (char *) key);

          sandbox_reply_error (msg, 422, error);
          return FALSE;
        }
    }

  return TRUE;
}

/* Mastodon pages by id: since_id and min_id return newer items, max_id
 * older ones; the Link header points both ways. */
static GPtrArray *
page_of (GPtrArray   *items,
         GHashTable  *query,
         const char *(*id_of) (gpointer))
{
  const char *max_id = query ? g_hash_table_lookup (query, "max_id") : NULL;
  const char *since_id = query ? g_hash_table_lookup (query, "since_id") : NULL;
  const char *min_id = query ? g_hash_table_lookup (query, "min_id") : NULL;
  const char *limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  guint limit = limit_text ? (guint) CLAMP (atoi (limit_text), 1, 40) : 20;
  GPtrArray *page = g_ptr_array_new ();

  /* min_id asks for the page right after that id, as Mastodon answers it:
   * the oldest newer items, listed newest first. */
  if (min_id != NULL)
    {
      guint64 min = g_ascii_strtoull (min_id, NULL, 10);

      for (guint i = 0; i < items->len && page->len < limit; i++)
        {
          gpointer item = g_ptr_array_index (items, i);

          if (g_ascii_strtoull (id_of (item), NULL, 10) > min)
            g_ptr_array_insert (page, 0, item);
        }
      return page;
    }

  /* Newest first, as Mastodon lists them. */
  for (guint i = items->len; i > 0 && page->len < limit; i--)
    {
      gpointer item = g_ptr_array_index (items, i - 1);
      guint64 id = g_ascii_strtoull (id_of (item), NULL, 10);

      if (max_id && id >= g_ascii_strtoull (max_id, NULL, 10))
        continue;
      if (since_id && id <= g_ascii_strtoull (since_id, NULL, 10))
        continue;
      g_ptr_array_add (page, item);
    }

  return page;
}

static void
set_link_header (SoupServerMessage *msg,
                 GPtrArray         *page,
                 const char *(*id_of) (gpointer))
{
  GUri *uri = soup_server_message_get_uri (msg);
  g_autofree char *base = NULL;
  g_autofree char *link = NULL;

  if (page->len == 0)
    return;

  base = g_strdup_printf ("http://%s:%d%s", g_uri_get_host (uri), g_uri_get_port (uri), g_uri_get_path (uri));
  link = g_strdup_printf ("<%s?max_id=%s>; rel=\"next\", <%s?min_id=%s>; rel=\"prev\"",
                          base, id_of (g_ptr_array_index (page, page->len - 1)),
                          base, id_of (g_ptr_array_index (page, 0)));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Link", link);
}

static const char *
status_id_of (gpointer item)
{
  return ((Status *) item)->id;
}

static gboolean
mentions_support (Status *status)
{
  return status->author != find_person (OWN_ACCOUNT_ID) && strstr (status->text, "@support") != NULL;
}

/* Mastodon 4.3's default notification policy filters private mentions
 * (for_private_mentions: filter): a direct status from someone support
 * does not follow stays out of the notifications unless it answers a
 * conversation support began. Support follows nobody here. */
static gboolean
filtered_by_policy (Status *status)
{
  Status *first = find_status_in (sandbox.statuses, status->conversation_id);

  if (first == NULL)
    first = find_status_in (sandbox.deleted, status->conversation_id);
  return g_str_equal (status->visibility, "direct") &&
         (first == NULL || first->author != find_person (OWN_ACCOUNT_ID));
}

static void
get_notifications (SoupServerMessage *msg,
                   GHashTable        *query)
{
  static const char * const known[] = { "types[]", "max_id", "since_id", "min_id", "limit",
                                        "include_filtered", NULL };
  const char *include_filtered = query ? g_hash_table_lookup (query, "include_filtered") : NULL;
  g_autoptr(GPtrArray) mentions = g_ptr_array_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!only_known_parameters (msg, query, known))
    return;

  for (guint i = 0; i < sandbox.statuses->len; i++)
    if (mentions_support (g_ptr_array_index (sandbox.statuses, i)) &&
        (g_strcmp0 (include_filtered, "true") == 0 || !filtered_by_policy (g_ptr_array_index (sandbox.statuses, i))))
      g_ptr_array_add (mentions, g_ptr_array_index (sandbox.statuses, i));

  /* A notification shares its status's id here; Mastodon's differ, but
   * clients treat both as opaque. */
  page = page_of (mentions, query, status_id_of);
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->len; i++)
    {
      Status *status = g_ptr_array_index (page, i);
      g_autofree char *created_at = iso8601 (status->created_at);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, status->id);
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, "mention");
      json_builder_set_member_name (builder, "created_at");
      json_builder_add_string_value (builder, created_at);
      json_builder_set_member_name (builder, "account");
      add_person (builder, status->author);
      json_builder_set_member_name (builder, "status");
      add_status (builder, status);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  set_link_header (msg, page, status_id_of);
  sandbox_reply_json (msg, 200, builder);
}

/* Conversations have a next page only when this one is full
 * (records_continue? in Mastodon's ConversationsController). */
static void
drop_next_link_of_last_page (SoupServerMessage *msg,
                             GPtrArray         *page,
                             guint              limit)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *link = soup_message_headers_get_one (headers, "Link");
  const char *prev;
  g_autofree char *only_prev = NULL;

  if (link == NULL || page->len >= limit || (prev = strstr (link, ", <")) == NULL)
    return;
  only_prev = g_strdup (prev + 2);
  soup_message_headers_replace (headers, "Link", only_prev);
}

static void
get_conversations (SoupServerMessage *msg,
                   GHashTable        *query)
{
  static const char * const known[] = { "max_id", "since_id", "min_id", "limit", NULL };
  const char *limit_text;
  g_autoptr(GPtrArray) last = g_ptr_array_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!only_known_parameters (msg, query, known))
    return;

  /* The newest direct status of each conversation, oldest conversation
   * first, so that paging works as for notifications. */
  for (guint i = sandbox.statuses->len; i > 0; i--)
    {
      Status *status = g_ptr_array_index (sandbox.statuses, i - 1);

      if (g_str_equal (status->visibility, "direct") && !g_hash_table_contains (seen, status->conversation_id))
        {
          g_hash_table_add (seen, status->conversation_id);
          g_ptr_array_insert (last, 0, status);
        }
    }

  page = page_of (last, query, status_id_of);
  limit_text = query ? g_hash_table_lookup (query, "limit") : NULL;
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->len; i++)
    {
      Status *status = g_ptr_array_index (page, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, status->conversation_id);
      json_builder_set_member_name (builder, "unread");
      json_builder_add_boolean_value (builder, status->author != find_person (OWN_ACCOUNT_ID));
      json_builder_set_member_name (builder, "accounts");
      json_builder_begin_array (builder);
      add_person (builder, conversation_customer (status));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "last_status");
      add_status (builder, status);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  set_link_header (msg, page, status_id_of);
  drop_next_link_of_last_page (msg, page, limit_text ? (guint) CLAMP (atoi (limit_text), 1, 40) : 20);
  sandbox_reply_json (msg, 200, builder);
}

static void
get_context (SoupServerMessage *msg,
             const char        *id)
{
  Status *status = find_status (id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) ancestors = g_ptr_array_new ();

  if (status == NULL)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }

  for (Status *parent = find_status (status->in_reply_to_id); parent; parent = find_status (parent->in_reply_to_id))
    g_ptr_array_insert (ancestors, 0, parent);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ancestors");
  json_builder_begin_array (builder);
  for (guint i = 0; i < ancestors->len; i++)
    add_status (builder, g_ptr_array_index (ancestors, i));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "descendants");
  json_builder_begin_array (builder);
  for (guint i = 0; i < sandbox.statuses->len; i++)
    {
      Status *other = g_ptr_array_index (sandbox.statuses, i);

      /* Every later status of the same conversation descends from it here. */
      if (other != status && g_str_equal (other->conversation_id, status->conversation_id) &&
          g_ascii_strtoull (other->id, NULL, 10) > g_ascii_strtoull (status->id, NULL, 10))
        add_status (builder, other);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, 200, builder);
}

static void
get_status (SoupServerMessage *msg,
            GHashTable        *query,
            const char        *id)
{
  static const char * const known[] = { NULL };
  Status *status = find_status (id);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!only_known_parameters (msg, query, known))
    return;
  if (status == NULL)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }

  add_status (builder, status);
  sandbox_reply_json (msg, 200, builder);
}

/* Mastodon 4.3's way to refresh many statuses at once: those that are
 * gone are left out, the others come in the order asked, each once. */
static void
get_statuses (SoupServerMessage *msg,
              GHashTable        *query)
{
  static const char * const known[] = { "id[]", NULL };
  const char *ids = query ? g_hash_table_lookup (query, "id[]") : NULL;
  g_auto(GStrv) asked = g_strsplit (ids ? ids : "", "\n", -1);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!sandbox.pkce)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }
  if (!only_known_parameters (msg, query, known))
    return;

  json_builder_begin_array (builder);
  for (guint i = 0; asked[i] != NULL; i++)
    {
      Status *status = find_status (asked[i]);

      if (status != NULL && g_hash_table_add (seen, status))
        add_status (builder, status);
    }
  json_builder_end_array (builder);
  sandbox_reply_json (msg, 200, builder);
}

/* As Mastodon filters them: its author sees every status of an account,
 * direct ones too; anyone else what is public or unlisted and what mentions
 * them. Support is the only one with a token here. */
static gboolean
shown_among_statuses_of (Status *status,
                         Person *account)
{
  if (status->author != account)
    return FALSE;
  if (account == find_person (OWN_ACCOUNT_ID))
    return TRUE;
  return g_str_equal (status->visibility, "public") || g_str_equal (status->visibility, "unlisted") ||
         mentions_support (status);
}

static void
get_account_statuses (SoupServerMessage *msg,
                      GHashTable        *query,
                      const char        *id)
{
  /* exclude_replies is accepted but not applied: the list always holds the
   * replies, so a client that counts on their absence is not caught here. */
  static const char * const known[] = { "max_id", "since_id", "min_id", "limit", "exclude_replies", NULL };
  Person *account = find_person (id);
  g_autoptr(GPtrArray) statuses = g_ptr_array_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!only_known_parameters (msg, query, known))
    return;
  if (account == NULL)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }

  for (guint i = 0; i < sandbox.statuses->len; i++)
    if (shown_among_statuses_of (g_ptr_array_index (sandbox.statuses, i), account))
      g_ptr_array_add (statuses, g_ptr_array_index (sandbox.statuses, i));

  page = page_of (statuses, query, status_id_of);
  json_builder_begin_array (builder);
  for (guint i = 0; i < page->len; i++)
    add_status (builder, g_ptr_array_index (page, i));
  json_builder_end_array (builder);

  set_link_header (msg, page, status_id_of);
  sandbox_reply_json (msg, 200, builder);
}

/* As Mastodon refuses a status over the instance's limit. Also the refuse
 * fault's answer: Mastodon counts every link as 23 characters, however
 * short, so a status a client counted within the limit can be refused. */
static void
reply_too_long (SoupServerMessage *msg)
{
  g_autofree char *error = g_strdup_printf ("Validation failed: Text character limit of %u exceeded",
                                            sandbox.max_characters);

  sandbox_reply_error (msg, 422, error);
}

static gboolean
customer_replies_cb (gpointer data)
{
  g_autofree char *parent_id = data;
  Status *parent = find_status (parent_id);
  Status *customer_status;

  if (parent == NULL || (customer_status = find_status (parent->in_reply_to_id)) == NULL)
    return G_SOURCE_REMOVE;

  post (customer_status->author, parent->visibility, "@support Danke, das hilft mir weiter!", parent->id);
  return G_SOURCE_REMOVE;
}

static void
post_status (SoupServerMessage *msg,
             GHashTable        *query)
{
  static const char * const known[] = { "status", "in_reply_to_id", "visibility", "spoiler_text",
                                        "language", NULL };
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");
  const char *text = query ? g_hash_table_lookup (query, "status") : NULL;
  const char *visibility = query ? g_hash_table_lookup (query, "visibility") : NULL;
  const char *in_reply_to_id = query ? g_hash_table_lookup (query, "in_reply_to_id") : NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  Status *status;

  if (!only_known_parameters (msg, query, known))
    return;

  /* Mastodon forgets the key with the status: the same post again is new. */
  if (key != NULL && (status = g_hash_table_lookup (sandbox.idempotency, key)) != NULL &&
      find_status (status->id) != NULL)
    {
      add_status (builder, status);
      sandbox_reply_json (msg, 200, builder);
      return;
    }

  if (text == NULL || text[0] == '\0')
    {
      sandbox_reply_error (msg, 422, "Validation failed: Text can't be blank");
      return;
    }
  if (g_utf8_strlen (text, -1) > (glong) sandbox.max_characters)
    {
      reply_too_long (msg);
      return;
    }
  if (in_reply_to_id != NULL && find_status (in_reply_to_id) == NULL)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }
  if (!throttle_record_status (msg))
    return;

  /* The status keeps the visibility as given. Without one Mastodon takes
   * the account's default (PostStatusService#preprocess_attributes!,
   * User#setting_default_privacy), which is public for an unlocked account
   * that never changed it, and that for a reply too: the server never
   * narrows a reply to its parent's, only clients do. */
  status = post (find_person (OWN_ACCOUNT_ID), visibility ? visibility : "public", text, in_reply_to_id);
  if (key != NULL)
    g_hash_table_insert (sandbox.idempotency, g_strdup (key), status);
  if (in_reply_to_id != NULL)
    g_timeout_add (sandbox.reply_delay_ms, customer_replies_cb, g_strdup (status->id));

  add_status (builder, status);
  sandbox_reply_json (msg, 200, builder);
}

static void
get_instance (SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uri");
  json_builder_add_string_value (builder, "sandbox.example");
  json_builder_set_member_name (builder, "configuration");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "statuses");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "max_characters");
  json_builder_add_int_value (builder, sandbox.max_characters);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, 200, builder);
}

/* Faults */

static void
add_fault (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  JsonObject *object;
  Fault *fault;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      sandbox_reply_error (msg, 400, "A fault is a JSON object");
      return;
    }

  object = json_node_get_object (node);
  fault = g_new0 (Fault, 1);
  fault->path = g_strdup (json_object_get_string_member_with_default (object, "path", "/"));
  fault->method = g_strdup (json_object_get_string_member_with_default (object, "method", NULL));
  fault->kind = g_strdup (json_object_get_string_member_with_default (object, "kind", "500"));
  fault->skip = MAX (json_object_get_int_member_with_default (object, "skip", 0), 0);
  fault->count = json_object_get_int_member_with_default (object, "count", 1);
  fault->retry_after = json_object_get_int_member_with_default (object, "retry_after", 1);
  fault->retry_after_given = json_object_has_member (object, "retry_after");
  fault->retry_after_http_date =
    g_strcmp0 (json_object_get_string_member_with_default (object, "retry_after_format", NULL), "http-date") == 0;
  fault->reset_after = (gint) json_object_get_int_member_with_default (object, "reset_after", -1);
  fault->delay_ms = json_object_get_int_member_with_default (object, "delay_ms", 2000);
  g_ptr_array_add (sandbox.faults, fault);

  soup_server_message_set_status (msg, 204, NULL);
}

Fault *
sandbox_take_fault (const char *method,
                    const char *path)
{
  for (guint i = 0; i < sandbox.faults->len; i++)
    {
      Fault *fault = g_ptr_array_index (sandbox.faults, i);

      if (!g_str_has_prefix (path, fault->path) || fault->count == 0 ||
          (fault->method != NULL && !g_str_equal (method, fault->method)))
        continue;

      /* A request let through is still this fault's, so that no later
       * fault for the same path takes it instead. */
      if (fault->skip > 0)
        {
          fault->skip--;
          return NULL;
        }
      fault->count--;
      return fault;
    }
  return NULL;
}

void
sandbox_drop_connection (SoupServerMessage *msg)
{
  g_autoptr(GIOStream) stream = soup_server_message_steal_connection (msg);

  g_io_stream_close (stream, NULL, NULL);
}

static gboolean
unpause_cb (gpointer data)
{
  soup_server_message_unpause (data);
  g_object_unref (data);
  return G_SOURCE_REMOVE;
}

void
sandbox_finish_fault (SoupServerMessage *msg,
                      Fault             *fault,
                      gboolean           paused)
{
  if (fault != NULL && g_str_equal (fault->kind, "drop-after"))
    sandbox_drop_connection (msg);
  else if (fault != NULL && g_str_equal (fault->kind, "slow"))
    {
      if (!paused)
        soup_server_message_pause (msg);
      g_timeout_add (fault->delay_ms, unpause_cb, g_object_ref (msg));
    }
  else if (fault != NULL && g_str_equal (fault->kind, "hold"))
    {
      if (!paused)
        soup_server_message_pause (msg);
      g_ptr_array_add (sandbox.held, msg);
    }
  else if (paused)
    soup_server_message_unpause (msg);
}

static void handle_api (SoupServerMessage *msg, const char *path, GHashTable *query);

/* The author deletes a status, as a customer may while support reads it.
 * It moves aside rather than away, so that its conversation still knows
 * its customer and its id is never given again. */
static void
delete_status (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonNode *id;
  Status *status;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      sandbox_reply_error (msg, 400, "A deletion is a JSON object");
      return;
    }
  /* Ids are strings in Mastodon's JSON; a number here is a test's slip. */
  id = json_object_get_member (json_node_get_object (node), "id");
  if (id == NULL || !JSON_NODE_HOLDS_VALUE (id) || json_node_get_value_type (id) != G_TYPE_STRING)
    {
      sandbox_reply_error (msg, 400, "A deletion names the status by its id, a string");
      return;
    }

  status = find_status (json_node_get_string (id));
  if (status == NULL)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }

  g_ptr_array_remove (sandbox.statuses, status);
  g_ptr_array_add (sandbox.deleted, status);
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, 200, builder);
}

/* The media server: /system/media_attachments/files/<id>/<style>/<name>,
 * as Mastodon's paths end, with style original or small. */
static void
get_media (SoupServerMessage *msg,
           const char        *path,
           gboolean           truncated)
{
  g_auto(GStrv) parts = g_strsplit (path + strlen (MEDIA_PATH), "/", -1);

  for (guint i = 0; g_strv_length (parts) == 3 && i < sandbox.media->len; i++)
    {
      Media *media = g_ptr_array_index (sandbox.media, i);

      if (!g_str_equal (parts[0], media->id) || !g_str_equal (parts[2], media->file_name))
        continue;
      if (g_str_equal (parts[1], "original"))
        {
          sandbox_reply_png (msg, media->original, truncated);
          return;
        }
      if (g_str_equal (parts[1], "small"))
        {
          sandbox_reply_png (msg, media->small, truncated);
          return;
        }
    }
  sandbox_reply_error (msg, 404, "Record not found");
}

/* The query string's parameters, where one given more than once, as
 * id[], has its values one a line: the server's table keeps the last. */
static GHashTable *
decode_query (SoupServerMessage *msg)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (msg));
  g_auto(GStrv) pairs = NULL;
  GHashTable *query;

  if (raw == NULL)
    return NULL;

  query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  pairs = g_strsplit (raw, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      g_autoptr(GHashTable) pair = soup_form_decode (pairs[i]);
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, pair);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          const char *before = g_hash_table_lookup (query, key);
          char *values = before ? g_strconcat (before, "\n", value, NULL) : g_strdup (value);

          g_hash_table_replace (query, g_strdup (key), values);
        }
    }
  return query;
}

static gboolean
outage_end_cb (gpointer data)
{
  g_autoptr(GError) error = NULL;

  if (!soup_server_listen (sandbox.server, sandbox.address, 0, &error))
    g_error ("Cannot listen again after the outage: %s", error->message);
  return G_SOURCE_REMOVE;
}

/* After the answer to the request that asked for it has gone out. */
static gboolean
outage_start_cb (gpointer data)
{
  soup_server_disconnect (sandbox.server);
  g_timeout_add_seconds (GPOINTER_TO_UINT (data), outage_end_cb, NULL);
  return G_SOURCE_REMOVE;
}

static void
start_outage (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  gint64 seconds;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      sandbox_reply_error (msg, 400, "An outage is a JSON object");
      return;
    }

  seconds = json_object_get_int_member_with_default (json_node_get_object (node), "seconds", 5);
  g_timeout_add (100, outage_start_cb, GUINT_TO_POINTER ((guint) CLAMP (seconds, 1, 600)));
  soup_server_message_set_status (msg, 204, NULL);
}

static JsonObject *
request_object (SoupServerMessage *msg,
                JsonNode         **node)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));

  *node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  if (*node == NULL || !JSON_NODE_HOLDS_OBJECT (*node))
    {
      sandbox_reply_error (msg, 400, "The body is a JSON object");
      return NULL;
    }
  return json_node_get_object (*node);
}

JsonObject *
sandbox_request_object (SoupServerMessage *msg,
                        JsonNode         **node)
{
  return request_object (msg, node);
}

/* Statuses support posts "from the web": no Idempotency-Key, no customer
 * answering them, as a colleague's reply in the browser; they count
 * against the account's limit of new statuses only when posted through
 * the API. {"count": N} posts N public statuses of its own and answers
 * 204; otherwise one status, as asked, which the answer has. */
static void
post_as_support (SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *object = request_object (msg, &node);
  const char *in_reply_to_id;
  Status *status;
  gint64 count;

  if (object == NULL)
    return;
  if ((count = json_object_get_int_member_with_default (object, "count", -1)) >= 0)
    {
      for (gint64 i = 0; i < count; i++)
        {
          g_autofree char *text = g_strdup_printf ("Unser Tipp Nummer %" G_GINT64_FORMAT ": Router neu starten.",
                                                   i + 1);

          post (find_person (OWN_ACCOUNT_ID), "public", text, NULL);
        }
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }
  in_reply_to_id = json_object_get_string_member_with_default (object, "in_reply_to_id", NULL);
  if (in_reply_to_id != NULL && find_status (in_reply_to_id) == NULL)
    {
      sandbox_reply_error (msg, 404, "Record not found");
      return;
    }
  status = post (find_person (OWN_ACCOUNT_ID),
                 json_object_get_string_member_with_default (object, "visibility", "public"),
                 json_object_get_string_member_with_default (object, "text", "Answered on the web."),
                 in_reply_to_id);
  add_status (builder, status);
  sandbox_reply_json (msg, 200, builder);
}

/* A new customer, whom support does not follow, who sends "count" direct
 * messages in a row, each answering the one before, as a person who
 * writes on in the same conversation. Answers the last one. */
static void
direct_burst (SoupServerMessage *msg)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  JsonObject *object = request_object (msg, &node);
  g_autofree char *id = NULL, *username = NULL;
  Person *customer;
  Status *last = NULL;
  gint64 count;

  if (object == NULL)
    return;
  count = CLAMP (json_object_get_int_member_with_default (object, "count", 3), 1, 100);
  id = g_strdup_printf ("%u", 7000 + sandbox.people->len);
  username = g_strdup_printf ("neu%u", sandbox.people->len);
  customer = person_new (id, username, "Neue Kundin");
  for (gint64 i = 1; i <= count; i++)
    {
      g_autofree char *text = g_strdup_printf ("@support Nachricht %" G_GINT64_FORMAT " von %" G_GINT64_FORMAT,
                                               i, count);

      last = post (customer, "direct", text, last ? last->id : NULL);
    }
  add_status (builder, last);
  sandbox_reply_json (msg, 200, builder);
}

static void
server_callback (SoupServer        *server,
                 SoupServerMessage *msg,
                 const char        *path,
                 GHashTable        *query,
                 gpointer           user_data)
{
  const char *authorization;
  gboolean token_ok;
  gboolean sign_in = oauth_handles (path);
  gboolean media = g_str_has_prefix (path, MEDIA_PATH);
  Fault *fault;

  if (g_str_equal (path, "/_sandbox/fault"))
    {
      add_fault (msg);
      return;
    }
  if (g_str_equal (path, "/_sandbox/outage"))
    {
      start_outage (msg);
      return;
    }
  if (g_str_equal (path, "/_sandbox/delete"))
    {
      delete_status (msg);
      return;
    }
  if (g_str_equal (path, "/_sandbox/post-as-support"))
    {
      post_as_support (msg);
      return;
    }
  if (g_str_equal (path, "/_sandbox/expire-idempotency"))
    {
      g_hash_table_remove_all (sandbox.idempotency);
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }
  if (g_str_equal (path, "/_sandbox/direct-burst"))
    {
      direct_burst (msg);
      return;
    }
  if (g_str_equal (path, "/_sandbox/telegram/bot-member") && telegram_enabled ())
    {
      telegram_set_bot_member (msg);
      return;
    }
  if (g_str_equal (path, "/_sandbox/revoke-all"))
    {
      oauth_revoke_all ();
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }
  if (g_str_equal (path, "/_sandbox/release"))
    {
      for (guint i = 0; i < sandbox.held->len; i++)
        soup_server_message_unpause (g_ptr_array_index (sandbox.held, i));
      g_ptr_array_set_size (sandbox.held, 0);
      soup_server_message_set_status (msg, 204, NULL);
      return;
    }

  if (facebook_control (msg, path))
    return;
  /* The Graph API names its version first and answers in its own shape. */
  if (facebook_enabled () && facebook_handles (path))
    {
      facebook_handle (msg, path, query);
      return;
    }

  /* The Telegram Bot API has the token in the path and answers in its own
   * envelope; a path under /bot or /file/bot is never Mastodon's. */
  if (g_str_has_prefix (path, "/bot") || g_str_has_prefix (path, "/file/bot"))
    {
      telegram_handle (msg, path, query);
      return;
    }

  /* Form bodies count as parameters, as they do for Mastodon. */
  if (g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);

      if (g_strcmp0 (type, "application/x-www-form-urlencoded") == 0 && g_bytes_get_size (bytes) > 0)
        {
          g_autofree char *form_text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

          query = soup_form_decode (form_text);
        }
      else if (sign_in && g_strcmp0 (type, "application/json") == 0 && g_bytes_get_size (bytes) > 0)
        query = oauth_decode_json (bytes);
      else
        query = decode_query (msg);
    }
  else
    query = decode_query (msg);

  authorization = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  token_ok = oauth_authorization_is_valid (authorization);

  /* Mastodon's throttles come before anything else answers. */
  if (g_str_has_prefix (path, "/api/") && !throttle_admit (msg, token_ok ? authorization : NULL, query))
    {
      record (msg, query, token_ok);
      g_clear_pointer (&query, g_hash_table_unref);
      return;
    }

  /* The sign-in and the media have no token to match, yet they fail as
   * the API does. */
  fault = token_ok || sign_in || media ? sandbox_take_fault (soup_server_message_get_method (msg), path) : NULL;
  if (fault != NULL && g_str_equal (fault->kind, "drop-before"))
    {
      record (msg, query, token_ok);
      sandbox_drop_connection (msg);
      g_clear_pointer (&query, g_hash_table_unref);
      return;
    }

  if (!token_ok && !sign_in && !media)
    sandbox_reply_error (msg, 401, "The access token is invalid");
  else if (fault != NULL && g_str_equal (fault->kind, "500"))
    sandbox_reply_error (msg, 503, "The sandbox was asked to fail");
  else if (fault != NULL && g_str_equal (fault->kind, "404"))
    sandbox_reply_error (msg, 404, "Record not found");
  else if (fault != NULL && g_str_equal (fault->kind, "429"))
    throttle_reply_fault (msg, fault);
  else if (fault != NULL && g_str_equal (fault->kind, "refuse"))
    reply_too_long (msg);
  else if (fault != NULL && g_str_equal (fault->kind, "malformed") && media)
    get_media (msg, path, TRUE);
  else if (fault != NULL && g_str_equal (fault->kind, "malformed"))
    {
      static const char broken[] = "[{\"id\": \"1\", \"type\": \"mention\", \"status\": {\"id\": ";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, broken, sizeof broken - 1);
    }
  else if (sign_in)
    oauth_handle (msg, path, query);
  else if (media && g_str_equal (soup_server_message_get_method (msg), "GET"))
    get_media (msg, path, FALSE);
  else if (media)
    sandbox_reply_error (msg, 404, "Record not found");
  else
    handle_api (msg, path, query);

  record (msg, query, token_ok);
  g_clear_pointer (&query, g_hash_table_unref);

  sandbox_finish_fault (msg, fault, FALSE);
}

/* The id in @path between @prefix and @suffix, or NULL if there is none:
 * "/api/v1/statuses/context" is no status's context. */
static char *
id_between (const char *path,
            const char *prefix,
            const char *suffix)
{
  gsize length = strlen (path);
  gsize before = strlen (prefix);
  gsize after = strlen (suffix);
  g_autofree char *id = NULL;

  if (length <= before + after || !g_str_has_prefix (path, prefix) || !g_str_has_suffix (path, suffix))
    return NULL;

  id = g_strndup (path + before, length - before - after);
  return strchr (id, '/') == NULL ? g_steal_pointer (&id) : NULL;
}

static void
handle_api (SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query)
{
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *context_id = id_between (path, "/api/v1/statuses/", "/context");
  g_autofree char *status_id = id_between (path, "/api/v1/statuses/", "");
  g_autofree char *account_id = id_between (path, "/api/v1/accounts/", "/statuses");

  if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/notifications"))
    get_notifications (msg, query);
  else if (g_str_equal (method, "POST") && g_str_equal (path, "/api/v1/statuses"))
    post_status (msg, query);
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/statuses"))
    get_statuses (msg, query);
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/conversations"))
    get_conversations (msg, query);
  else if (g_str_equal (method, "GET") && context_id != NULL)
    get_context (msg, context_id);
  else if (g_str_equal (method, "GET") && status_id != NULL)
    get_status (msg, query, status_id);
  else if (g_str_equal (method, "GET") && account_id != NULL)
    get_account_statuses (msg, query, account_id);
  else if (g_str_equal (method, "POST") && g_str_has_prefix (path, "/api/v1/conversations/") &&
           g_str_has_suffix (path, "/read"))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_end_object (builder);
      sandbox_reply_json (msg, 200, builder);
    }
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/instance"))
    get_instance (msg);
  else if (g_str_equal (method, "GET") && g_str_equal (path, "/api/v1/accounts/verify_credentials"))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      add_person (builder, find_person (OWN_ACCOUNT_ID));
      sandbox_reply_json (msg, 200, builder);
    }
  else
    sandbox_reply_error (msg, 404, "Record not found");
}

/* For --help and for a wrong command line alike. */
static const char oauth_help[] =
  "Mastodon's sign-in needs no token: POST /api/v1/apps registers an app; GET /oauth/authorize\n"
  "shows the page that posts decision=approve or decision=deny back to /oauth/authorize, which\n"
  "redirects with the code or shows it for urn:ietf:wg:oauth:2.0:oob; POST /oauth/token\n"
  "exchanges the code (PKCE with S256) for a token as good as --token; POST /oauth/revoke\n"
  "revokes either. GET /.well-known/oauth-authorization-server has the metadata; --no-pkce\n"
  "answers it with 404 and ignores the PKCE parameters, as Mastodon before 4.3. The record\n"
  "has every request as it came, secrets and the Authorization header included.";

static const char telegram_help[] =
  "With --telegram-token, the Telegram Bot API on the same port: /bot<BOT_TOKEN>/<method>\n"
  "for getMe, getUpdates (offset, limit, timeout for long polling, allowed_updates),\n"
  "sendMessage (chat_id, text, reply_parameters, reply_to_message_id, parse_mode,\n"
  "disable_notification, link_preview_options), deleteMessage (chat_id, message_id; in the\n"
  "group only), getWebhookInfo, deleteWebhook (drop_pending_updates) and getFile (file_id),\n"
  "and downloads from /file/bot<BOT_TOKEN>/<file_path>. Parameters in the query, a form or a\n"
  "JSON body; unknown ones are refused with 400. A bot token is digits, a colon and letters,\n"
  "digits, - or _ (123456789:AAH...); the record has the path as it came, token included,\n"
  "while faults are asked for as /bot<redacted>/<method> or /file/bot<redacted>/<file_path>.\n"
  "--telegram-webhook starts with a webhook set, so that getUpdates answers 409 until\n"
  "deleteWebhook. getChatMember (chat_id,\n"
  "user_id) tells the bot's rights; --telegram-privacy on|off sets its privacy mode, and\n"
  "--seed-telegram-chats seeds a group where it is a plain member, an old message edited,\n"
  "and documents, voice, audio, video, a video note and a sticker.";

int
main (int   argc,
      char *argv[])
{
  g_autofree char *token = NULL;
  g_autofree char *record_path = NULL;
  g_autofree char *telegram_token = NULL;
  g_autofree char *telegram_webhook = NULL;
  g_autofree char *telegram_privacy = NULL;
  g_autofree char *facebook_token = NULL;
  g_autofree char *facebook_system_token = NULL;
  gboolean seed_telegram_chats = FALSE;
  gboolean facebook_human_agent = FALSE;
  int port = 0, reply_delay_ms = 3000, live_interval_ms = 0, max_characters = 500, seed_count = 0, seed_days = 0;
  int rate_limit = 0, rate_period_s = 0;
  int facebook_call_limit = 0, facebook_window_s = 0;
  gboolean seed_personal = FALSE;
  gboolean seed_same = FALSE;
  gboolean seed_followers = FALSE;
  gboolean no_pkce = FALSE;
  const GOptionEntry entries[] = {
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "The access token clients must send", "TOKEN" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port on 127.0.0.1 (0 picks a free one)", "PORT" },
    { "record", 0, 0, G_OPTION_ARG_FILENAME, &record_path, "Where to record the requests", "FILE" },
    { "reply-delay-ms", 0, 0, G_OPTION_ARG_INT, &reply_delay_ms, "How long customers take to answer", "MS" },
    { "live-interval-ms", 0, 0, G_OPTION_ARG_INT, &live_interval_ms,
      "How often a customer writes in (0, the default, never)", "MS" },
    { "max-characters", 0, 0, G_OPTION_ARG_INT, &max_characters,
      "The longest status the instance accepts (default 500)", "N" },
    { "rate-limit", 0, 0, G_OPTION_ARG_INT, &rate_limit,
      "For tests: this many requests per token in a window instead of Mastodon's 300", "N" },
    { "rate-period-s", 0, 0, G_OPTION_ARG_INT, &rate_period_s,
      "For tests: windows of this many seconds instead of Mastodon's 5 minutes", "S" },
    { "seed-mentions-days", 0, 0, G_OPTION_ARG_INT, &seed_days,
      "Date the seeded mentions back over that many days", "DAYS" },
    { "seed-mentions", 0, 0, G_OPTION_ARG_INT, &seed_count,
      "Seed this many more public mentions of support, for load", "N" },
    { "seed-personal-data", 0, 0, G_OPTION_ARG_NONE, &seed_personal,
      "Seed public messages that hold personal data, as the demo shows", NULL },
    { "seed-same-customer", 0, 0, G_OPTION_ARG_NONE, &seed_same,
      "Add a customer who writes on Mastodon and on Telegram", NULL },
    { "seed-followers-only", 0, 0, G_OPTION_ARG_NONE, &seed_followers,
      "Add a customer who asks in a post for her followers only", NULL },
    { "no-pkce", 0, 0, G_OPTION_ARG_NONE, &no_pkce,
      "Sign in as with Mastodon before 4.3: no PKCE, no authorization server metadata", NULL },
    { "telegram-token", 0, 0, G_OPTION_ARG_STRING, &telegram_token,
      "Serve the Telegram Bot API too, to the bot with this token", "BOT_TOKEN" },
    { "telegram-webhook", 0, 0, G_OPTION_ARG_STRING, &telegram_webhook,
      "Start with this webhook set for the bot, so that getUpdates is refused", "URL" },
    { "telegram-privacy", 0, 0, G_OPTION_ARG_STRING, &telegram_privacy,
      "The bot's privacy mode in groups: on (the default, as BotFather sets it) or off", "on|off" },
    { "seed-telegram-chats", 0, 0, G_OPTION_ARG_NONE, &seed_telegram_chats,
      "Seed a group where the bot is a plain member, an old message edited, and files", NULL },
    { "facebook-token", 0, 0, G_OPTION_ARG_STRING, &facebook_token,
      "Serve Meta's Graph API too, for the page with this page token", "PAGE_TOKEN" },
    { "facebook-system-token", 0, 0, G_OPTION_ARG_STRING, &facebook_system_token,
      "The token of a System User who was given the page", "TOKEN" },
    { "facebook-human-agent", 0, 0, G_OPTION_ARG_NONE, &facebook_human_agent,
      "The app has Meta's Human Agent permission: the page may answer on Messenger for 7 days", NULL },
    { "facebook-call-limit", 0, 0, G_OPTION_ARG_INT, &facebook_call_limit,
      "For tests: this many calls of the page per window instead of Meta's 4800", "N" },
    { "facebook-window-s", 0, 0, G_OPTION_ARG_INT, &facebook_window_s,
      "For tests: windows of this many seconds instead of Meta's hour", "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *description = g_strconcat (oauth_help, "\n\n", telegram_help, NULL);
  GSList *uris;

  /* A test that crashes must not leave its server behind, holding the
   * test's output open. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_set_description (context, description);
  if (!g_option_context_parse (context, &argc, &argv, &error) || token == NULL ||
      reply_delay_ms < 0 || live_interval_ms < 0 || max_characters < 1 || seed_count < 0 || seed_days < 0 ||
      rate_limit < 0 || rate_period_s < 0 || facebook_call_limit < 0 || facebook_window_s < 0 ||
      (telegram_token != NULL && !telegram_token_is_valid (telegram_token)) ||
      (telegram_webhook != NULL && (telegram_token == NULL || telegram_webhook[0] == '\0')) ||
      (telegram_privacy != NULL && !g_str_equal (telegram_privacy, "on") && !g_str_equal (telegram_privacy, "off")) ||
      (facebook_token != NULL && facebook_token[0] == '\0') ||
      (facebook_system_token != NULL && (facebook_token == NULL || facebook_system_token[0] == '\0')))
    {
      g_printerr ("usage: concierge-sandbox --token TOKEN [--port N] [--record FILE] [--reply-delay-ms N]\n"
                  "                         [--live-interval-ms N] [--max-characters N] [--seed-mentions N]\n"
                  "                         [--rate-limit N] [--rate-period-s S] [--seed-mentions-days N]\n"
                  "                         [--seed-personal-data] [--seed-same-customer] [--seed-followers-only]\n"
                  "                         [--no-pkce] [--telegram-token BOT_TOKEN [--telegram-webhook URL]\n"
                  "                         [--telegram-privacy on|off] [--seed-telegram-chats]]\n"
                  "                         [--facebook-token PAGE_TOKEN [--facebook-system-token TOKEN]\n"
                  "                         [--facebook-human-agent] [--facebook-call-limit N] [--facebook-window-s S]]\n"
                  "\n%s\n", description);
      return 2;
    }

  sandbox.reply_delay_ms = reply_delay_ms;
  sandbox.max_characters = max_characters;
  sandbox.next_id = 109000000000000000;
  sandbox.pkce = !no_pkce;
  sandbox.people = g_ptr_array_new ();
  sandbox.statuses = g_ptr_array_new ();
  sandbox.deleted = g_ptr_array_new ();
  sandbox.media = g_ptr_array_new ();
  sandbox.idempotency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sandbox.faults = g_ptr_array_new ();
  sandbox.held = g_ptr_array_new ();
  if (record_path != NULL && (sandbox.record = fopen (record_path, "a")) == NULL)
    g_error ("Cannot write %s", record_path);
  oauth_init (token, !no_pkce);
  throttle_init (rate_limit, rate_period_s);
  seed ();
  if (seed_personal)
    seed_personal_data ();
  if (seed_same)
    seed_same_customer ();
  if (seed_followers)
    seed_followers_only ();
  seed_mentions (seed_count, seed_days);
  if (telegram_token != NULL)
    {
      telegram_set_privacy_mode (g_strcmp0 (telegram_privacy, "off") != 0);
      telegram_init (telegram_token, telegram_webhook, reply_delay_ms);
      if (seed_personal)
        telegram_seed_personal_data ();
      if (seed_telegram_chats)
        telegram_seed_chats ();
    }
  if (facebook_token != NULL)
    {
      facebook_limits_init (facebook_call_limit, facebook_window_s);
      facebook_init (facebook_token, facebook_system_token, seed_personal);
      facebook_messenger_set_reply_delay (reply_delay_ms);
      facebook_messenger_set_human_agent (facebook_human_agent);
    }

  sandbox.server = soup_server_new ("server-header", "concierge-sandbox", NULL);
  soup_server_add_handler (sandbox.server, NULL, server_callback, NULL, NULL);

  /* Loopback only: the sandbox is never reachable from another machine. */
  address = g_inet_socket_address_new (loopback, port);
  if (!soup_server_listen (sandbox.server, address, 0, &error))
    g_error ("Cannot listen on 127.0.0.1:%d: %s", port, error->message);

  uris = soup_server_get_uris (sandbox.server);
  /* An outage listens again on the same port. */
  sandbox.address = g_inet_socket_address_new (loopback, g_uri_get_port (uris->data));
  sandbox.base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_print ("listening on %s\n", sandbox.base_url);
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  if (live_interval_ms > 0)
    g_timeout_add (live_interval_ms, live_customer_cb, NULL);

  g_main_loop_run (loop);
  return 0;
}
