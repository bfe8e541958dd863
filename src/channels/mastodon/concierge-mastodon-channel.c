/* concierge-mastodon-channel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "channels/concierge-credentials.h"
#include "channels/concierge-json.h"
#include "concierge-mastodon-channel.h"


static gboolean
has_class (xmlNode    *node,
           const char *name)
{
  g_autofree char *classes = (char *) xmlGetProp (node, (const xmlChar *) "class");
  g_auto(GStrv) words = NULL;

  if (classes == NULL)
    return FALSE;

  words = g_strsplit (classes, " ", -1);
  return g_strv_contains ((const char * const *) words, name);
}

static gboolean
is_element (xmlNode    *node,
            const char *name)
{
  return node->type == XML_ELEMENT_NODE && g_ascii_strcasecmp ((const char *) node->name, name) == 0;
}

static void append_children (GString *text, xmlNode *node);

static void
append_node (GString *text,
             xmlNode *node)
{
  if (node->type == XML_TEXT_NODE)
    {
      g_string_append (text, (const char *) node->content);
      return;
    }
  if (node->type != XML_ELEMENT_NODE)
    return;

  if (is_element (node, "script") || is_element (node, "style"))
    return;

  if (is_element (node, "br"))
    {
      g_string_append_c (text, '\n');
      return;
    }

  /* Mastodon shortens a link's text with hidden parts; a reader of plain
   * text needs the whole address, which the href has. Mentions and hashtags
   * keep their visible text, "@name" and "#tag". */
  if (is_element (node, "a") && !has_class (node, "mention") && !has_class (node, "hashtag"))
    {
      g_autofree char *href = (char *) xmlGetProp (node, (const xmlChar *) "href");
      g_autoptr(GString) visible = g_string_new (NULL);

      append_children (visible, node);
      if (href != NULL && (g_str_has_prefix (href, "https://") || g_str_has_prefix (href, "http://")))
        g_string_append (text, href);
      else
        g_string_append (text, visible->str);
      return;
    }

  if (is_element (node, "p") && text->len > 0)
    g_string_append (text, "\n\n");

  append_children (text, node);
}

static void
append_children (GString *text,
                 xmlNode *node)
{
  for (xmlNode *child = node->children; child != NULL; child = child->next)
    append_node (text, child);
}

/**
 * concierge_mastodon_html_to_text:
 * @html: a status's content, as Mastodon's HTML
 *
 * Returns: the text a person reads: paragraphs and line breaks kept, links
 *   as their full address, mentions, hashtags and emoji as written, entities
 *   decoded, and no markup at all
 */
char *
concierge_mastodon_html_to_text (const char *html)
{
  g_autoptr(GString) text = g_string_new (NULL);
  htmlDocPtr doc;

  g_return_val_if_fail (html != NULL, NULL);

  if (html[0] == '\0')
    return g_strdup ("");

  /* NONET: content never makes the parser fetch anything. */
  doc = htmlReadMemory (html, strlen (html), NULL, "UTF-8",
                        HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == NULL)
    return g_strdup ("");

  /* The parser puts the content into an implied <html><body>. Without
   * them it would wrap loose text in paragraphs of its own. */
  for (xmlNode *node = xmlDocGetRootElement (doc); node != NULL; node = node->next)
    {
      if (!is_element (node, "html"))
        continue;
      for (xmlNode *part = node->children; part != NULL; part = part->next)
        if (is_element (part, "body") || is_element (part, "head"))
          append_children (text, part);
    }
  xmlFreeDoc (doc);

  concierge_channel_clean_text (text->str);

  return g_strstrip (g_string_free (g_steal_pointer (&text), FALSE));
}

static gint64
parse_time (const char *iso8601)
{
  g_autoptr(GDateTime) time = NULL;

  if (iso8601 == NULL)
    return 0;
  time = g_date_time_new_from_iso8601 (iso8601, NULL);
  return time ? g_date_time_to_unix (time) : 0;
}

static guint
meta_size (JsonObject *attachment,
           const char *size,
           const char *dimension)
{
  JsonObject *meta = concierge_json_object (concierge_json_object (attachment, "meta"), size);

  return (guint) CLAMP (concierge_json_int (meta, dimension), 0, G_MAXUINT16);
}

/* A picture is kept as it was posted, so that the agent can read a
 * screenshot; of a video or an animation only its still preview. */
static void
add_images (ConciergeMessage *message,
            JsonObject       *status)
{
  JsonNode *node = json_object_get_member (status, "media_attachments");
  JsonArray *attachments;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  attachments = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (attachments); i++)
    {
      JsonNode *element = json_array_get_element (attachments, i);
      g_autoptr(ConciergeImage) image = NULL;
      JsonObject *attachment;
      const char *type, *source, *size;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      attachment = json_node_get_object (element);
      type = concierge_json_string (attachment, "type");
      if (g_strcmp0 (type, "image") == 0)
        {
          source = concierge_json_string (attachment, "url");
          size = "original";
        }
      else if (g_strcmp0 (type, "gifv") == 0 || g_strcmp0 (type, "video") == 0)
        {
          source = concierge_json_string (attachment, "preview_url");
          size = "small";
        }
      else
        continue;
      if (source == NULL)
        continue;

      image = concierge_image_new (source, concierge_json_string (attachment, "description"),
                                   meta_size (attachment, size, "width"),
                                   meta_size (attachment, size, "height"));
      concierge_message_add_image (message, image);
    }
}

/**
 * concierge_mastodon_message_from_status:
 * @status: a Status entity
 * @own_account_id: the agent's account id on this server
 * @visibility: (out): public for public, unlisted and followers-only
 *   statuses, private for direct ones
 *
 * Returns: (transfer full): the status as a message, with its author's
 *   identity when someone else wrote it
 */
ConciergeMessage *
concierge_mastodon_message_from_status (JsonNode             *status,
                                        const char           *own_account_id,
                                        ConciergeVisibility  *visibility,
                                        GError              **error)
{
  JsonObject *object, *account;
  const char *id, *content, *spoiler, *account_id, *visibility_name;
  g_autofree char *text = NULL;
  g_autoptr(ConciergeMessage) message = NULL;
  gboolean own;
  gint64 created_at;

  g_return_val_if_fail (status != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (status) ||
      !json_object_has_member ((object = json_node_get_object (status)), "account") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "account")))
    {
      g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("The server sent a post Concierge cannot read."));
      return NULL;
    }

  account = json_object_get_object_member (object, "account");
  id = concierge_json_string (object, "id");
  content = concierge_json_string (object, "content");
  account_id = concierge_json_string (account, "id");
  created_at = parse_time (concierge_json_string (object, "created_at"));
  if (id == NULL || content == NULL || account_id == NULL || created_at == 0)
    {
      g_set_error_literal (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("The server sent a post Concierge cannot read."));
      return NULL;
    }

  text = concierge_mastodon_html_to_text (content);

  own = own_account_id != NULL && g_str_equal (account_id, own_account_id);
  message = concierge_message_new (id, own ? CONCIERGE_DIRECTION_OUT : CONCIERGE_DIRECTION_IN,
                                   text, created_at);
  concierge_message_set_edited_at (message, parse_time (concierge_json_string (object, "edited_at")));

  /* The conversation shows the warning and keeps the text collapsed. */
  spoiler = concierge_json_string (object, "spoiler_text");
  concierge_message_set_content_warning (message, spoiler);

  if (!own)
    {
      const char *acct = concierge_json_string (account, "acct");
      const char *display_name = concierge_json_string (account, "display_name");
      g_autofree char *handle = acct ? g_strdup_printf ("@%s", acct) : NULL;
      g_autoptr(ConciergeIdentity) author =
        concierge_identity_new ("mastodon", NULL, account_id, handle,
                                display_name && display_name[0] ? display_name : acct);

      concierge_message_set_author (message, author);
    }

  add_images (message, object);

  visibility_name = concierge_json_string (object, "visibility");
  if (visibility != NULL)
    *visibility = g_strcmp0 (visibility_name, "direct") == 0 ? CONCIERGE_VISIBILITY_PRIVATE
                                                             : CONCIERGE_VISIBILITY_PUBLIC;

  return g_steal_pointer (&message);
}

/* Talking to the server */

#define DEFAULT_MAX_CHARACTERS 500

struct _ConciergeMastodon
{
  GObject      parent_instance;

  SoupSession *session;
  gint64       account_id;
  char        *server_url;
  char        *own_account_id;
  char        *access_token; /* in memory only; never logged */
  char        *client_id;    /* the app the token was granted to, if known */
  char        *client_secret;
  gboolean     signing_in;   /* errors speak of the sign-in, not of syncing */
  guint        retry_after;
  guint        max_characters;
  gboolean     more;          /* the last fetch stopped at its page limit */
};

static void concierge_mastodon_channel_init (ConciergeChannelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeMastodon, concierge_mastodon, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (CONCIERGE_TYPE_CHANNEL, concierge_mastodon_channel_init))

#define PAGE_LIMIT "40"
#define MAX_PAGES  10
/* The first fetch brings this many pages of earlier mentions at most. */
#define MAX_BACKFILL_PAGES 250
/* Statuses turned into messages per turn of the main loop. */
#define STATUSES_PER_TURN 40

static void
concierge_mastodon_finalize (GObject *object)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (object);

  g_clear_object (&self->session);
  g_free (self->server_url);
  g_free (self->own_account_id);
  if (self->access_token != NULL)
    memset (self->access_token, 0, strlen (self->access_token));
  g_free (self->access_token);
  g_free (self->client_id);
  if (self->client_secret != NULL)
    memset (self->client_secret, 0, strlen (self->client_secret));
  g_free (self->client_secret);

  G_OBJECT_CLASS (concierge_mastodon_parent_class)->finalize (object);
}

static void
concierge_mastodon_class_init (ConciergeMastodonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_mastodon_finalize;
}

static void
concierge_mastodon_init (ConciergeMastodon *self)
{
}

/**
 * concierge_mastodon_new:
 * @session: the one session every channel shares
 * @own_account_id: (nullable): the agent's account id on the server, whose
 *   statuses are the agent's replies; asked from the server when %NULL or
 *   empty
 */
ConciergeMastodon *
concierge_mastodon_new (SoupSession *session,
                        gint64       account_id,
                        const char  *server_url,
                        const char  *own_account_id,
                        const char  *access_token)
{
  ConciergeMastodon *self;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (access_token != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_MASTODON, NULL);
  self->session = g_object_ref (session);
  self->account_id = account_id;
  self->server_url = g_strdup (server_url);
  self->own_account_id = own_account_id && own_account_id[0] ? g_strdup (own_account_id) : NULL;
  self->access_token = g_strdup (access_token);

  return self;
}

/**
 * concierge_mastodon_set_client:
 * @client_id: (nullable): the app the access token was granted to
 * @client_secret: (nullable): its secret
 *
 * Mastodon revokes a token only when asked by the app it belongs to.
 */
void
concierge_mastodon_set_client (ConciergeMastodon *self,
                               const char        *client_id,
                               const char        *client_secret)
{
  g_return_if_fail (CONCIERGE_IS_MASTODON (self));

  g_free (self->client_id);
  self->client_id = g_strdup (client_id);
  g_free (self->client_secret);
  self->client_secret = g_strdup (client_secret);
}

typedef void (*JsonCallback) (GTask *task, JsonNode *root);

typedef struct
{
  GTask        *task;
  SoupMessage  *message;
  JsonCallback  callback;
} Request;

static void
request_free (Request *request)
{
  g_object_unref (request->task);
  g_object_unref (request->message);
  g_free (request);
}

static void
parsed_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = concierge_channel_parse_json_finish (result, &error);
  if (root == NULL)
    g_task_return_error (request->task, error);
  else
    request->callback (request->task, root);
  request_free (request);
}

/* Mastodon tells how many requests are left until when; a client that
 * waits for the reset never meets a 429. */
static void
note_rate_limit (ConciergeMastodon *self,
                 SoupMessage       *message)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (message);
  const char *remaining = soup_message_headers_get_one (headers, "X-RateLimit-Remaining");
  const char *reset = soup_message_headers_get_one (headers, "X-RateLimit-Reset");
  g_autoptr(GDateTime) reset_time = NULL;
  gint64 wait;

  if (remaining == NULL || reset == NULL || g_ascii_strtoull (remaining, NULL, 10) > 0)
    return;
  if ((reset_time = g_date_time_new_from_iso8601 (reset, NULL)) == NULL)
    return;
  wait = g_date_time_to_unix (reset_time) - g_get_real_time () / G_USEC_PER_SEC;
  self->retry_after = (guint) CLAMP (wait, 1, 3600);
}

static GError *
error_for_status (ConciergeMastodon *self,
                  SoupMessage       *message)
{
  guint status = soup_message_get_status (message);

  if (self->signing_in && status == 404)
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                        _("%s does not answer like a Mastodon server. Check the address."), self->server_url);
  if (self->signing_in && status >= 400 && status < 500 && status != 429)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                _("The server did not accept the sign-in. Start it again."));
  if (status == SOUP_STATUS_UNAUTHORIZED)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                _("Mastodon no longer accepts this account’s sign-in. Sign in again."));
  if (status == 429)
    {
      const char *retry = soup_message_headers_get_one (soup_message_get_response_headers (message), "Retry-After");

      self->retry_after = retry ? (guint) CLAMP (g_ascii_strtoull (retry, NULL, 10), 1, 3600) : 60;
      return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_RATE_LIMITED,
                          _("Mastodon asks to wait %u seconds before the next request."), self->retry_after);
    }
  if (status == 422)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                _("Mastodon refused the post, for example because it is too long."));
  if (status == 404)
    return g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                                _("The post this answers no longer exists on Mastodon."));
  if (status >= 400 && status < 500)
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED,
                        _("Mastodon refused the request (%u)."), status);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    return g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                        _("Mastodon answered with an error (%u)."), status);
  return NULL;
}

static void
received_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Request *request = user_data;
  ConciergeMastodon *self = g_task_get_source_object (request->task);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL || (error = error_for_status (self, request->message)) != NULL)
    {
      g_task_return_error (request->task, error);
      request_free (request);
      return;
    }
  note_rate_limit (self, request->message);

  concierge_channel_parse_json_async (bytes, g_task_get_cancellable (request->task), parsed_cb, request);
}

/* @form: (nullable): parameters of a POST, form-encoded */
static void
request_json (GTask        *task,
              const char   *method,
              const char   *path,
              const char   *query,
              GHashTable   *form,
              const char   *idempotency_key,
              JsonCallback  callback)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  g_autofree char *url = g_strdup_printf ("%s%s%s%s", self->server_url, path, query ? "?" : "", query ? query : "");
  SoupMessage *message;
  Request *request;

  message = form ? soup_message_new_from_encoded_form (method, url, soup_form_encode_hash (form))
                 : soup_message_new (method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("“%s” is not a server address."), self->server_url);
      return;
    }

  if (self->access_token != NULL)
    {
      g_autofree char *authorization = g_strdup_printf ("Bearer %s", self->access_token);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    }
  /* A redirect could carry the token to another host; the API has none. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (idempotency_key != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (message), "Idempotency-Key", idempotency_key);

  request = g_new0 (Request, 1);
  request->task = g_object_ref (task);
  request->message = message;
  request->callback = callback;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), received_cb, request);
}

static void
get_json (GTask        *task,
          const char   *path,
          const char   *query,
          JsonCallback  callback)
{
  request_json (task, SOUP_METHOD_GET, path, query, NULL, NULL, callback);
}

static void
return_unreadable (GTask *task)
{
  g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                           _("The server sent an answer Concierge cannot read."));
}

/* Fetching */

/* One fetch walks through several requests; this is its state. */
typedef struct
{
  ConciergeIngest *ingest;
  char            *cursor;
  char            *newest;
  GQueue           contexts;      /* statuses (JsonNode) whose thread root needs their context */
  GQueue           directs;       /* direct statuses (JsonNode), for their conversation */
  guint            pages;
  char            *oldest;        /* on the first fetch, where the next page back starts */
  gboolean         backfill;      /* the first fetch reads back in time */
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_clear_pointer (&fetch->ingest, concierge_ingest_free);
  g_free (fetch->cursor);
  g_free (fetch->newest);
  g_free (fetch->oldest);
  g_queue_clear_full (&fetch->contexts, (GDestroyNotify) json_node_unref);
  g_queue_clear_full (&fetch->directs, (GDestroyNotify) json_node_unref);
  g_free (fetch);
}

static void fetch_notifications (GTask *task);
static void fetch_next_context (GTask *task);
static void fetch_conversations (GTask *task);

static gboolean
add_status (GTask      *task,
            JsonNode   *status,
            const char *thread_remote_id)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(ConciergeMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  ConciergeVisibility visibility;

  message = concierge_mastodon_message_from_status (status, self->own_account_id, &visibility, &error);
  if (message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return FALSE;
    }

  concierge_ingest_add_message (fetch->ingest, thread_remote_id, visibility, message);
  return TRUE;
}

static gboolean
is_newer (const char *id,
          const char *than)
{
  /* Mastodon ids are numbers that grow; compare them as such. */
  return than == NULL || strlen (id) > strlen (than) || (strlen (id) == strlen (than) && strcmp (id, than) > 0);
}

static void
instance_cb (GTask    *task,
             JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonObject *configuration = NULL, *statuses = NULL;

  /* Version 4 of the instance API nests the limit in configuration; older
   * servers that lack it keep Mastodon's default. */
  if (object != NULL && json_object_has_member (object, "configuration") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "configuration")))
    configuration = json_object_get_object_member (object, "configuration");
  if (configuration != NULL && json_object_has_member (configuration, "statuses") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (configuration, "statuses")))
    statuses = json_object_get_object_member (configuration, "statuses");
  if (statuses != NULL)
    self->max_characters = (guint) CLAMP (json_object_get_int_member_with_default (statuses, "max_characters",
                                                                                   DEFAULT_MAX_CHARACTERS),
                                          1, 1000000);
  else
    self->max_characters = DEFAULT_MAX_CHARACTERS;

  fetch_notifications (task);
}

static void
credentials_cb (GTask    *task,
                JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  Fetch *fetch = g_task_get_task_data (task);
  const char *id = concierge_json_node_string (root, "id");

  if (id == NULL)
    {
      return_unreadable (task);
      return;
    }

  self->own_account_id = g_strdup (id);
  concierge_ingest_set_remote_user_id (fetch->ingest, id);
  get_json (task, "/api/v1/instance", NULL, instance_cb);
}

static void
notifications_cb (GTask    *task,
                  JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  JsonArray *notifications;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      return_unreadable (task);
      return;
    }

  notifications = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (notifications); i++)
    {
      JsonNode *notification = json_array_get_element (notifications, i);
      const char *id = concierge_json_node_string (notification, "id");
      JsonNode *status = JSON_NODE_HOLDS_OBJECT (notification)
                           ? json_object_get_member (json_node_get_object (notification), "status") : NULL;
      const char *visibility = status ? concierge_json_node_string (status, "visibility") : NULL;

      if (id == NULL || status == NULL)
        continue;
      if (is_newer (id, fetch->newest))
        {
          g_free (fetch->newest);
          fetch->newest = g_strdup (id);
        }
      if (fetch->oldest == NULL || is_newer (fetch->oldest, id))
        {
          g_free (fetch->oldest);
          fetch->oldest = g_strdup (id);
        }

      /* Direct messages arrive as mentions too, but they belong to their
       * conversation, which becomes a private thread. */
      if (g_strcmp0 (visibility, "direct") == 0)
        {
          g_queue_push_tail (&fetch->directs, json_node_ref (status));
          continue;
        }

      g_queue_push_tail (&fetch->contexts, json_node_ref (status));
    }

  /* The first fetch reads back in time, page by page, so that the inbox
   * starts with the mentions that came before. */
  if (fetch->backfill)
    {
      if (json_array_get_length (notifications) > 0 && ++fetch->pages < MAX_BACKFILL_PAGES)
        {
          g_autofree char *query = g_strdup_printf ("types[]=mention&limit=" PAGE_LIMIT "&max_id=%s", fetch->oldest);

          get_json (task, "/api/v1/notifications", query, notifications_cb);
          return;
        }
      fetch_next_context (task);
      return;
    }

  /* Later ones read forward from the cursor until nothing is newer. A
   * server busier than the pages can follow stops after some; the cursor
   * keeps the place for the next fetch. */
  if (json_array_get_length (notifications) > 0 && ++fetch->pages < MAX_PAGES)
    {
      fetch_notifications (task);
      return;
    }
  ((ConciergeMastodon *) g_task_get_source_object (task))->more = json_array_get_length (notifications) > 0;

  fetch_next_context (task);
}

static void
fetch_notifications (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *query = NULL;

  query = fetch->newest ? g_strdup_printf ("types[]=mention&limit=" PAGE_LIMIT "&min_id=%s", fetch->newest)
                        : g_strdup ("types[]=mention&limit=" PAGE_LIMIT);
  get_json (task, "/api/v1/notifications", query, notifications_cb);
}

/* A public thread is named after its first status, which the context's
 * ancestors give; its earlier statuses join the thread too. */
static void
context_cb (GTask    *task,
            JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(JsonNode) status = g_queue_pop_head (&fetch->contexts);
  JsonArray *ancestors = NULL;
  const char *thread_id;

  if (JSON_NODE_HOLDS_OBJECT (root) && json_object_has_member (json_node_get_object (root), "ancestors") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (json_node_get_object (root), "ancestors")))
    ancestors = json_object_get_array_member (json_node_get_object (root), "ancestors");

  thread_id = ancestors && json_array_get_length (ancestors) > 0
                ? concierge_json_node_string (json_array_get_element (ancestors, 0), "id")
                : concierge_json_node_string (status, "id");
  if (thread_id == NULL)
    thread_id = concierge_json_node_string (status, "id");

  for (guint i = 0; ancestors != NULL && i < json_array_get_length (ancestors); i++)
    if (!add_status (task, json_array_get_element (ancestors, i), thread_id))
      return;
  if (!add_status (task, status, thread_id))
    return;

  fetch_next_context (task);
}

static gboolean
next_context_cb (gpointer data)
{
  GTask *task = data;

  if (!g_task_return_error_if_cancelled (task))
    fetch_next_context (task);
  return G_SOURCE_REMOVE;
}

static void
fetch_next_context (GTask *task)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  JsonNode *status;

  /* A status that answers none is a thread of its own. Many of them, as
   * on a first fetch, are taken a few per turn of the main loop, so that
   * no frame waits for all. */
  for (guint n = 0; (status = g_queue_peek_head (&fetch->contexts)) != NULL &&
                    concierge_json_node_string (status, "in_reply_to_id") == NULL; n++)
    {
      g_autoptr(JsonNode) alone = NULL;

      if (n == STATUSES_PER_TURN)
        {
          g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, next_context_cb, g_object_ref (task), g_object_unref);
          return;
        }

      alone = g_queue_pop_head (&fetch->contexts);
      if (!add_status (task, alone, concierge_json_node_string (alone, "id")))
        return;
    }

  if (status == NULL)
    {
      fetch_conversations (task);
      return;
    }

  path = g_strdup_printf ("/api/v1/statuses/%s/context", concierge_json_node_string (status, "id"));
  get_json (task, path, NULL, context_cb);
}

static void
conversations_cb (GTask    *task,
                  JsonNode *root)
{
  Fetch *fetch = g_task_get_task_data (task);
  g_autoptr(GHashTable) by_participant = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) added = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) thread_ids = g_ptr_array_new_with_free_func (g_free);
  JsonArray *conversations;
  JsonNode *direct;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      return_unreadable (task);
      return;
    }

  conversations = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (conversations); i++)
    {
      JsonNode *conversation = json_array_get_element (conversations, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (conversation) ? json_node_get_object (conversation) : NULL;
      JsonNode *last = object ? json_object_get_member (object, "last_status") : NULL;
      JsonNode *accounts = object ? json_object_get_member (object, "accounts") : NULL;
      const char *id = concierge_json_node_string (conversation, "id");
      char *thread_id;

      if (id == NULL || last == NULL || !JSON_NODE_HOLDS_OBJECT (last))
        continue;

      thread_id = g_strdup_printf ("conversation:%s", id);
      g_ptr_array_add (thread_ids, thread_id);
      if (!add_status (task, last, thread_id))
        return;
      if (concierge_json_node_string (last, "id") != NULL)
        g_hash_table_add (added, (gpointer) concierge_json_node_string (last, "id"));

      /* The customer's other direct messages since the last fetch belong
       * here too: the conversation shows only its newest. */
      for (guint j = 0; accounts != NULL && JSON_NODE_HOLDS_ARRAY (accounts) &&
                        j < json_array_get_length (json_node_get_array (accounts)); j++)
        {
          JsonNode *participant_node = json_array_get_element (json_node_get_array (accounts), j);
          const char *participant = concierge_json_node_string (participant_node, "id");

          if (participant != NULL && !g_hash_table_contains (by_participant, participant))
            g_hash_table_insert (by_participant, (gpointer) participant, thread_id);
        }
    }

  while ((direct = g_queue_pop_head (&fetch->directs)) != NULL)
    {
      JsonNode *account = JSON_NODE_HOLDS_OBJECT (direct)
                            ? json_object_get_member (json_node_get_object (direct), "account") : NULL;
      const char *author = account ? concierge_json_node_string (account, "id") : NULL;
      const char *thread_id = author ? g_hash_table_lookup (by_participant, author) : NULL;
      gboolean ok = TRUE;

      if (thread_id != NULL && !g_hash_table_contains (added, concierge_json_node_string (direct, "id") ?: ""))
        ok = add_status (task, direct, thread_id);
      json_node_unref (direct);
      if (!ok)
        return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
fetch_conversations (GTask *task)
{
  get_json (task, "/api/v1/conversations", "limit=" PAGE_LIMIT, conversations_cb);
}

/* Fetches mentions newer than @cursor, each with the statuses before it in
 * its thread, and the direct conversations, as one ingest batch. The first
 * fetch also learns the account's own id and the server's length limit. */
static void
concierge_mastodon_fetch_async (ConciergeChannel    *channel,
                                const char          *cursor,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = NULL;
  Fetch *fetch;

  fetch = g_new0 (Fetch, 1);
  fetch->ingest = concierge_ingest_new (self->account_id);
  fetch->cursor = g_strdup (cursor);
  fetch->newest = g_strdup (cursor);
  fetch->backfill = cursor == NULL;
  g_queue_init (&fetch->contexts);
  g_queue_init (&fetch->directs);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_fetch_async);
  g_task_set_task_data (task, fetch, (GDestroyNotify) fetch_free);

  self->retry_after = 0;
  self->more = FALSE;
  if (self->own_account_id == NULL)
    get_json (task, "/api/v1/accounts/verify_credentials", NULL, credentials_cb);
  else if (self->max_characters == 0)
    get_json (task, "/api/v1/instance", NULL, instance_cb);
  else
    fetch_notifications (task);
}

static ConciergeIngest *
concierge_mastodon_fetch_finish (ConciergeChannel  *channel,
                                 GAsyncResult      *result,
                                 char             **cursor,
                                 GError           **error)
{
  Fetch *fetch;

  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;

  fetch = g_task_get_task_data (G_TASK (result));
  if (fetch->newest != NULL && g_strcmp0 (fetch->newest, fetch->cursor) != 0)
    concierge_ingest_set_cursor (fetch->ingest, CONCIERGE_MASTODON_CURSOR_STREAM, fetch->newest);
  if (cursor != NULL)
    *cursor = g_strdup (fetch->newest);
  return g_steal_pointer (&fetch->ingest);
}

/* Sending */

/* A status reaches only whom it mentions, and a reply without the
 * customer's handle would not reach them. */
static char *
status_text (ConciergeOutboxEntry *entry)
{
  g_autofree char *folded_text = NULL;
  g_autofree char *folded_handle = NULL;

  if (entry->recipient_handle == NULL || entry->recipient_handle[0] == '\0')
    return g_strdup (entry->text);

  folded_text = g_utf8_casefold (entry->text, -1);
  folded_handle = g_utf8_casefold (entry->recipient_handle, -1);
  if (strstr (folded_text, folded_handle) != NULL)
    return g_strdup (entry->text);

  return g_strdup_printf ("%s %s", entry->recipient_handle, entry->text);
}

static void
sent_cb (GTask    *task,
         JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  ConciergeMessage *message;
  GError *error = NULL;

  message = concierge_mastodon_message_from_status (root, self->own_account_id, NULL, &error);
  if (message == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, message, g_object_unref);
}

static void
concierge_mastodon_send_async (ConciergeChannel     *channel,
                               ConciergeOutboxEntry *entry,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);

  g_task_set_source_tag (task, concierge_mastodon_send_async);

  g_hash_table_insert (form, (gpointer) "status", status_text (entry));
  g_hash_table_insert (form, (gpointer) "visibility",
                       g_strdup (entry->visibility == CONCIERGE_VISIBILITY_PRIVATE ? "direct" : "public"));
  if (entry->in_reply_to_remote_id != NULL)
    g_hash_table_insert (form, (gpointer) "in_reply_to_id", g_strdup (entry->in_reply_to_remote_id));

  /* Mastodon answers a repeated key with the status it already made. */
  request_json (task, SOUP_METHOD_POST, "/api/v1/statuses", NULL, form, entry->idempotency_key, sent_cb);
}

static ConciergeMessage *
concierge_mastodon_send_finish (ConciergeChannel  *channel,
                                GAsyncResult      *result,
                                GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
normalize_space (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \t\n", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (joined, "%s%s", joined->len ? " " : "", words[i]);

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static void
own_statuses_cb (GTask    *task,
                 JsonNode *root)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  ConciergeOutboxEntry *entry = g_task_get_task_data (task);
  g_autofree char *wanted = NULL;
  g_autofree char *text = NULL;
  JsonArray *statuses;

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      return_unreadable (task);
      return;
    }

  text = status_text (entry);
  wanted = normalize_space (text);
  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      JsonNode *status = json_array_get_element (statuses, i);
      g_autoptr(ConciergeMessage) message = NULL;
      g_autofree char *found = NULL;

      if (g_strcmp0 (concierge_json_node_string (status, "in_reply_to_id"), entry->in_reply_to_remote_id) != 0)
        continue;
      message = concierge_mastodon_message_from_status (status, self->own_account_id, NULL, NULL);
      if (message == NULL || concierge_message_get_created_at (message) < entry->created_at - 60)
        continue;

      found = normalize_space (concierge_message_get_body (message));
      if (g_str_equal (found, wanted))
        {
          g_task_return_pointer (task, g_steal_pointer (&message), g_object_unref);
          return;
        }
    }

  g_task_return_pointer (task, NULL, NULL);
}

/* Mastodon keeps idempotency keys for about an hour only, so after a
 * restart the app looks among its own recent statuses first. */
static void
concierge_mastodon_find_sent_async (ConciergeChannel     *channel,
                                    ConciergeOutboxEntry *entry,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *path = NULL;
  ConciergeOutboxEntry *copy;

  g_task_set_source_tag (task, concierge_mastodon_find_sent_async);
  if (self->own_account_id == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                               _("Concierge does not know this account’s own posts yet."));
      return;
    }

  copy = g_new0 (ConciergeOutboxEntry, 1);
  copy->text = g_strdup (entry->text);
  copy->recipient_handle = g_strdup (entry->recipient_handle);
  copy->in_reply_to_remote_id = g_strdup (entry->in_reply_to_remote_id);
  copy->created_at = entry->created_at;
  g_task_set_task_data (task, copy, (GDestroyNotify) concierge_outbox_entry_free);

  path = g_strdup_printf ("/api/v1/accounts/%s/statuses", self->own_account_id);
  get_json (task, path, "limit=" PAGE_LIMIT, own_statuses_cb);
}

static ConciergeMessage *
concierge_mastodon_find_sent_finish (ConciergeChannel  *channel,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Marking read */

static void
read_cb (GTask    *task,
         JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
}

static void
concierge_mastodon_mark_read_async (ConciergeChannel    *channel,
                                    const char          *thread_remote_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, concierge_mastodon_mark_read_async);

  /* Mastodon keeps a read state for direct conversations only. */
  if (!g_str_has_prefix (thread_remote_id, "conversation:"))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  path = g_strdup_printf ("/api/v1/conversations/%s/read", thread_remote_id + strlen ("conversation:"));
  request_json (task, SOUP_METHOD_POST, path, NULL, NULL, NULL, read_cb);
}

static gboolean
concierge_mastodon_boolean_finish (ConciergeChannel  *channel,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Revoking */

static void
revoked_cb (GTask    *task,
            JsonNode *root)
{
  g_task_return_boolean (task, TRUE);
}

static void
concierge_mastodon_revoke_async (ConciergeChannel    *channel,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GHashTable) form = NULL;

  g_task_set_source_tag (task, concierge_mastodon_revoke_async);

  /* A token added on the command line came from an app Concierge does not
   * know; only that app may revoke it. */
  if (self->client_id == NULL || self->client_secret == NULL)
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_NOT_SUPPORTED,
                               _("This token was not issued to Concierge, so only the app it came from can "
                                 "revoke it."));
      return;
    }

  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "client_secret", self->client_secret);
  g_hash_table_insert (form, "token", self->access_token);
  request_json (task, SOUP_METHOD_POST, "/oauth/revoke", NULL, form, NULL, revoked_cb);
}

/* Images and deleted posts */

static void
concierge_mastodon_fetch_image_async (ConciergeChannel    *channel,
                                      const char          *source,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);

  /* Media lives on the server or its file host, which take no token. */
  concierge_channel_download_image_async (channel, self->session, source, cancellable, callback, user_data);
}

static GBytes *
concierge_mastodon_fetch_image_finish (ConciergeChannel  *channel,
                                       GAsyncResult      *result,
                                       GError           **error)
{
  return concierge_channel_download_image_finish (channel, result, error);
}

typedef struct
{
  GStrv      ids;
  GPtrArray *deleted;
  guint      next;   /* asked one by one, on a server without the batch */
} FindDeleted;

static void
find_deleted_free (FindDeleted *find)
{
  g_strfreev (find->ids);
  g_ptr_array_unref (find->deleted);
  g_free (find);
}

static void
return_deleted (GTask *task)
{
  FindDeleted *find = g_task_get_task_data (task);

  g_ptr_array_add (find->deleted, NULL);
  g_task_return_pointer (task, g_ptr_array_steal (find->deleted, NULL), (GDestroyNotify) g_strfreev);
}

static void
step_root_cb (GTask    *step,
              JsonNode *root)
{
  g_task_return_pointer (step, json_node_ref (root), (GDestroyNotify) json_node_unref);
}

static void ask_next_status (GTask *task);

static void
status_asked_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(JsonNode) root = NULL;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL && !g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A post that is gone answers 404. */
  if (root == NULL)
    {
      g_ptr_array_add (find->deleted, g_strdup (find->ids[find->next]));
      g_clear_error (&error);
    }
  find->next++;
  ask_next_status (task);
}

static void
ask_next_status (GTask *task)
{
  ConciergeMastodon *self = g_task_get_source_object (task);
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GTask) step = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  if (find->ids[find->next] == NULL)
    {
      return_deleted (task);
      return;
    }

  step = g_task_new (self, g_task_get_cancellable (task), status_asked_cb, g_object_ref (task));
  escaped = g_uri_escape_string (find->ids[find->next], NULL, FALSE);
  path = g_strdup_printf ("/api/v1/statuses/%s", escaped);
  get_json (step, path, NULL, step_root_cb);
}

static void
statuses_asked_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FindDeleted *find = g_task_get_task_data (task);
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *statuses;
  GError *error = NULL;

  root = g_task_propagate_pointer (G_TASK (result), &error);
  if (root == NULL)
    {
      /* A server before Mastodon 4.3 has no batch: ask one by one. */
      if (g_error_matches (error, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_REJECTED))
        {
          g_clear_error (&error);
          ask_next_status (task);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  if (!JSON_NODE_HOLDS_ARRAY (root))
    {
      g_task_return_new_error (task, CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_INVALID,
                               _("The server sent a post Concierge cannot read."));
      return;
    }

  statuses = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (statuses); i++)
    {
      const char *id = concierge_json_node_string (json_array_get_element (statuses, i), "id");

      if (id != NULL)
        g_hash_table_add (present, (gpointer) id);
    }

  /* The batch leaves out what is gone. */
  for (guint i = 0; find->ids[i] != NULL; i++)
    if (!g_hash_table_contains (present, find->ids[i]))
      g_ptr_array_add (find->deleted, g_strdup (find->ids[i]));
  return_deleted (task);
}

/* Mastodon allows 40 ids in one batch. */
#define MAX_IDS_ASKED 40

static void
concierge_mastodon_find_deleted_async (ConciergeChannel    *channel,
                                       const char * const  *message_remote_ids,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (channel, cancellable, callback, user_data);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  g_autoptr(GString) query = g_string_new (NULL);
  FindDeleted *find;
  GTask *step;

  g_task_set_source_tag (task, concierge_mastodon_find_deleted_async);

  for (guint i = 0; message_remote_ids[i] != NULL && i < MAX_IDS_ASKED; i++)
    {
      g_strv_builder_add (ids, message_remote_ids[i]);
      if (query->len > 0)
        g_string_append_c (query, '&');
      g_string_append (query, "id%5B%5D=");
      g_string_append_uri_escaped (query, message_remote_ids[i], NULL, FALSE);
    }

  find = g_new0 (FindDeleted, 1);
  find->ids = g_strv_builder_end (ids);
  find->deleted = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, find, (GDestroyNotify) find_deleted_free);

  if (find->ids[0] == NULL)
    {
      return_deleted (task);
      return;
    }

  step = g_task_new (channel, cancellable, statuses_asked_cb, g_steal_pointer (&task));
  get_json (step, "/api/v1/statuses", query->str, step_root_cb);
  g_object_unref (step);
}

static GStrv
concierge_mastodon_find_deleted_finish (ConciergeChannel  *channel,
                                        GAsyncResult      *result,
                                        GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, channel), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* What Mastodon can do */

static const char *
concierge_mastodon_get_cursor_stream (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON_CURSOR_STREAM;
}

/* Mastodon lets an account hide nothing of another's: it can only block
 * or report. Hiding and removing stay off. */
static void
concierge_mastodon_get_capabilities (ConciergeChannel             *channel,
                                     ConciergeChannelCapabilities *capabilities)
{
  ConciergeMastodon *self = CONCIERGE_MASTODON (channel);

  capabilities->can_hide = FALSE;
  capabilities->can_remove_for_personal_data = FALSE;
  capabilities->can_reply_privately = TRUE;
  capabilities->has_idempotency = TRUE;
  capabilities->reply_window_seconds = 0;
  capabilities->max_length = self->max_characters ? self->max_characters : DEFAULT_MAX_CHARACTERS;
}

static guint
concierge_mastodon_get_retry_after (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON (channel)->retry_after;
}

static gboolean
concierge_mastodon_has_more (ConciergeChannel *channel)
{
  return CONCIERGE_MASTODON (channel)->more;
}

static void
concierge_mastodon_channel_init (ConciergeChannelInterface *iface)
{
  iface->has_more = concierge_mastodon_has_more;
  iface->get_cursor_stream = concierge_mastodon_get_cursor_stream;
  iface->get_capabilities = concierge_mastodon_get_capabilities;
  iface->get_retry_after = concierge_mastodon_get_retry_after;
  iface->fetch_async = concierge_mastodon_fetch_async;
  iface->fetch_finish = concierge_mastodon_fetch_finish;
  iface->send_async = concierge_mastodon_send_async;
  iface->send_finish = concierge_mastodon_send_finish;
  iface->find_sent_async = concierge_mastodon_find_sent_async;
  iface->find_sent_finish = concierge_mastodon_find_sent_finish;
  iface->mark_read_async = concierge_mastodon_mark_read_async;
  iface->mark_read_finish = concierge_mastodon_boolean_finish;
  iface->fetch_image_async = concierge_mastodon_fetch_image_async;
  iface->fetch_image_finish = concierge_mastodon_fetch_image_finish;
  iface->find_deleted_async = concierge_mastodon_find_deleted_async;
  iface->find_deleted_finish = concierge_mastodon_find_deleted_finish;
  iface->revoke_async = concierge_mastodon_revoke_async;
  iface->revoke_finish = concierge_mastodon_boolean_finish;
}

/* Signing in
 *
 * OAuth 2 by hand rather than with librest's RestOAuth2Proxy: Mastodon
 * wants the app registered before and the token revoked after, which
 * librest has no part in; its proxy keeps a SoupSession of its own, outside
 * the shared one and its no-redirect rule; and the GNOME runtime lacks
 * librest. What is left, an authorize address and two form posts, is
 * short. */

#define SIGN_IN_SCOPES "read:accounts read:notifications read:statuses write:statuses write:conversations"
#define OUT_OF_BAND_URI "urn:ietf:wg:oauth:2.0:oob"

struct _ConciergeMastodonSignIn
{
  GObject            parent_instance;

  ConciergeMastodon *api;            /* the server, without a token until one is issued */
  SoupServer        *loopback;
  char              *redirect_uri;   /* the loopback's */
  char              *client_id;
  char              *client_secret;
  char              *state;
  char              *code_verifier;  /* NULL when the server has no PKCE */
  GTask             *waiting;        /* for the browser to come back */
  GSource           *waiting_cancelled;
  char              *code;           /* came back before anyone waited */
  GError            *code_error;
};

G_DEFINE_FINAL_TYPE (ConciergeMastodonSignIn, concierge_mastodon_sign_in, G_TYPE_OBJECT)

static void
stop_waiting (ConciergeMastodonSignIn *self)
{
  if (self->waiting_cancelled != NULL)
    {
      g_source_destroy (self->waiting_cancelled);
      g_clear_pointer (&self->waiting_cancelled, g_source_unref);
    }
  g_clear_object (&self->waiting);
}

static void
concierge_mastodon_sign_in_dispose (GObject *object)
{
  ConciergeMastodonSignIn *self = CONCIERGE_MASTODON_SIGN_IN (object);

  if (self->loopback != NULL)
    soup_server_disconnect (self->loopback);
  g_clear_object (&self->loopback);
  stop_waiting (self);

  G_OBJECT_CLASS (concierge_mastodon_sign_in_parent_class)->dispose (object);
}

static void
concierge_mastodon_sign_in_finalize (GObject *object)
{
  ConciergeMastodonSignIn *self = CONCIERGE_MASTODON_SIGN_IN (object);

  g_clear_object (&self->api);
  g_free (self->redirect_uri);
  g_free (self->client_id);
  concierge_credentials_forget (&self->client_secret);
  g_free (self->state);
  concierge_credentials_forget (&self->code_verifier);
  concierge_credentials_forget (&self->code);
  g_clear_error (&self->code_error);

  G_OBJECT_CLASS (concierge_mastodon_sign_in_parent_class)->finalize (object);
}

static void
concierge_mastodon_sign_in_class_init (ConciergeMastodonSignInClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = concierge_mastodon_sign_in_dispose;
  object_class->finalize = concierge_mastodon_sign_in_finalize;
}

static void
concierge_mastodon_sign_in_init (ConciergeMastodonSignIn *self)
{
}

/* Base64url without padding, as PKCE and tokens use it. */
static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);

  for (char *c = text; *c != '\0'; c++)
    {
      if (*c == '+')
        *c = '-';
      else if (*c == '/')
        *c = '_';
      else if (*c == '=')
        {
          *c = '\0';
          break;
        }
    }
  return text;
}

/* State and verifier must be unguessable, which GRand is not: the
 * kernel's random bytes, without a file to read on the main thread. */
static char *
random_text (void)
{
  guint8 bytes[32];
  gsize got = 0;

  while (got < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n < 0 && errno != EINTR)
        g_error ("The kernel gives no random bytes: %s", g_strerror (errno));
      if (n > 0)
        got += n;
    }
  return base64url (bytes, sizeof bytes);
}

/**
 * concierge_mastodon_sign_in_new:
 * @server: what the agent typed: "mastodon.social", or an https:// address
 *
 * Returns: (transfer full): a sign-in on @server, or %NULL with @error set
 *   when @server is no address Concierge may send a sign-in to
 */
ConciergeMastodonSignIn *
concierge_mastodon_sign_in_new (SoupSession  *session,
                                const char   *server,
                                GError      **error)
{
  g_autoptr(ConciergeMastodonSignIn) self = NULL;
  g_autofree char *text = NULL;
  g_autofree char *with_scheme = NULL;
  g_autofree char *server_url = NULL;
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (SOUP_IS_SESSION (session), NULL);
  g_return_val_if_fail (server != NULL, NULL);

  text = g_strstrip (g_strdup (server));
  if (text[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Enter the address of your Mastodon server, for example mastodon.social."));
      return NULL;
    }

  /* People type the host, or paste a profile's address. */
  with_scheme = strstr (text, "://") ? g_strdup (text) : g_strconcat ("https://", text, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address. Enter it like mastodon.social."), text);
      return NULL;
    }
  server_url = g_uri_join (G_URI_FLAGS_NONE, g_uri_get_scheme (uri), NULL, g_uri_get_host (uri),
                           g_uri_get_port (uri), "", NULL, NULL);
  if (!concierge_credentials_server_url_is_ok (server_url, error))
    return NULL;

  self = g_object_new (CONCIERGE_TYPE_MASTODON_SIGN_IN, NULL);
  self->api = g_object_new (CONCIERGE_TYPE_MASTODON, NULL);
  self->api->session = g_object_ref (session);
  self->api->server_url = g_steal_pointer (&server_url);
  self->api->signing_in = TRUE;
  self->state = random_text ();

  return g_steal_pointer (&self);
}

const char *
concierge_mastodon_sign_in_get_server_url (ConciergeMastodonSignIn *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self), NULL);

  return self->api->server_url;
}

/* Each request of a sign-in is a step: a task of the server's, whose task
 * data is the sign-in's task. */
static void
sign_in_step (GTask               *task,
              const char          *method,
              const char          *path,
              GHashTable          *form,
              JsonCallback         parse,
              GAsyncReadyCallback  done)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);
  g_autoptr(GTask) step = g_task_new (self->api, g_task_get_cancellable (task), done, g_object_ref (task));

  g_task_set_task_data (step, g_object_ref (task), g_object_unref);
  request_json (step, method, path, NULL, form, NULL, parse);
}

/* A server that cannot be reached gets a sentence, not libsoup's. */
static void
return_sign_in_error (GTask  *task,
                      GError *error)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);

  if (error->domain == G_RESOLVER_ERROR || error->domain == G_TLS_ERROR ||
      (error->domain == G_IO_ERROR && error->code != G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) cause = error;

      error = g_error_new (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_FAILED,
                           _("Concierge cannot reach %s. Check the address and the network connection."),
                           self->api->server_url);
    }
  g_task_return_error (task, error);
}

static void
loopback_page (SoupServerMessage *msg,
               guint              status,
               const char        *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);
  g_autofree char *page = NULL;

  page = g_strdup_printf ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Concierge</title></head>"
                          "<body style=\"font-family: sans-serif; margin: 4em auto; max-width: 32em\">"
                          "<p>%s</p></body></html>\n", escaped);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE, page, strlen (page));
  g_steal_pointer (&page);
}

static void exchange_code (GTask *task, const char *code, const char *redirect_uri);

static void
loopback_cb (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  ConciergeMastodonSignIn *self = user_data;
  const char *state = query ? g_hash_table_lookup (query, "state") : NULL;
  const char *code = query ? g_hash_table_lookup (query, "code") : NULL;
  const char *refused = query ? g_hash_table_lookup (query, "error") : NULL;
  g_autoptr(GTask) waiting = NULL;

  /* Only the browser that the server sent back with our state may end
   * the sign-in; anything else on this computer could knock here. */
  if (!g_str_equal (path, "/callback") || g_strcmp0 (state, self->state) != 0 || (code == NULL && refused == NULL))
    {
      loopback_page (msg, 400, _("This page does not belong to a sign-in that Concierge started."));
      return;
    }

  if (self->code != NULL || self->code_error != NULL)
    {
      loopback_page (msg, 200, _("You can close this page and return to Concierge."));
      return;
    }

  if (code != NULL)
    {
      self->code = g_strdup (code);
      loopback_page (msg, 200, _("Concierge received your sign-in. You can close this page and return to Concierge."));
    }
  else
    {
      self->code_error = g_error_new_literal (CONCIERGE_CHANNEL_ERROR, CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED,
                                              _("Access was not allowed in the browser. Sign in again and "
                                                "choose Authorize."));
      loopback_page (msg, 200, _("Concierge was not allowed access. You can close this page."));
    }

  if (self->waiting == NULL)
    return;

  waiting = g_object_ref (self->waiting);
  stop_waiting (self);
  if (self->code_error != NULL)
    g_task_return_error (waiting, g_error_copy (self->code_error));
  else
    exchange_code (waiting, self->code, self->redirect_uri);
}

static gboolean
start_loopback (ConciergeMastodonSignIn  *self,
                GError                  **error)
{
  GSList *uris;

  if (self->loopback != NULL)
    return TRUE;

  /* A new port each time, so Mastodon, which wants the redirect exactly,
   * gets the app registered again for each sign-in. */
  self->loopback = soup_server_new ("server-header", "Concierge", NULL);
  soup_server_add_handler (self->loopback, NULL, loopback_cb, self, NULL);
  if (!soup_server_listen_local (self->loopback, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, error))
    {
      g_clear_object (&self->loopback);
      return FALSE;
    }

  uris = soup_server_get_uris (self->loopback);
  self->redirect_uri = g_strdup_printf ("http://127.0.0.1:%d/callback", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

static void
app_registered_cb (GTask    *step,
                   JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  const char *id = concierge_json_node_string (root, "client_id");
  const char *secret = concierge_json_node_string (root, "client_secret");

  if (id == NULL || secret == NULL)
    {
      return_unreadable (step);
      return;
    }

  g_free (self->client_id);
  self->client_id = g_strdup (id);
  concierge_credentials_forget (&self->client_secret);
  self->client_secret = g_strdup (secret);
  g_task_return_boolean (step, TRUE);
}

static void
registered_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    return_sign_in_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
metadata_cb (GTask    *step,
             JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  JsonNode *methods = JSON_NODE_HOLDS_OBJECT (root)
                        ? json_object_get_member (json_node_get_object (root), "code_challenge_methods_supported")
                        : NULL;

  if (methods != NULL && JSON_NODE_HOLDS_ARRAY (methods))
    {
      JsonArray *array = json_node_get_array (methods);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (g_strcmp0 (json_array_get_string_element (array, i), "S256") == 0 && self->code_verifier == NULL)
          self->code_verifier = random_text ();
    }
  g_task_return_boolean (step, TRUE);
}

static void
metadata_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) form = NULL;
  g_autofree char *redirect_uris = NULL;
  GError *error = NULL;

  /* Servers before Mastodon 4.3 have no metadata and no PKCE; that is no
   * reason to stop, but a server out of reach is. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) && error->domain != CONCIERGE_CHANNEL_ERROR)
    {
      return_sign_in_error (task, error);
      return;
    }
  g_clear_error (&error);

  /* Both ways back: the browser to the loopback, or the agent pasting the
   * code the server shows, when the browser cannot reach this computer. */
  redirect_uris = g_strconcat (self->redirect_uri, "\n" OUT_OF_BAND_URI, NULL);
  form = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (form, "client_name", "Concierge");
  g_hash_table_insert (form, "redirect_uris", redirect_uris);
  g_hash_table_insert (form, "scopes", SIGN_IN_SCOPES);
  sign_in_step (task, SOUP_METHOD_POST, "/api/v1/apps", form, app_registered_cb, registered_cb);
}

/**
 * concierge_mastodon_sign_in_begin_async:
 *
 * Opens the loopback that the browser returns to, asks the server whether
 * it knows PKCE, and registers Concierge as an app with the server. Then
 * concierge_mastodon_sign_in_get_authorize_uri() tells where the browser
 * goes.
 */
void
concierge_mastodon_sign_in_begin_async (ConciergeMastodonSignIn *self,
                                        GCancellable            *cancellable,
                                        GAsyncReadyCallback      callback,
                                        gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_sign_in_begin_async);

  if (!start_loopback (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  sign_in_step (task, SOUP_METHOD_GET, "/.well-known/oauth-authorization-server", NULL,
                metadata_cb, metadata_done_cb);
}

gboolean
concierge_mastodon_sign_in_begin_finish (ConciergeMastodonSignIn  *self,
                                         GAsyncResult             *result,
                                         GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
append_parameter (GString    *uri,
                  const char *name,
                  const char *value)
{
  g_string_append_c (uri, strchr (uri->str, '?') ? '&' : '?');
  g_string_append_uri_escaped (uri, name, NULL, FALSE);
  g_string_append_c (uri, '=');
  g_string_append_uri_escaped (uri, value, NULL, FALSE);
}

/**
 * concierge_mastodon_sign_in_get_authorize_uri:
 * @out_of_band: whether the server shows the code for the agent to paste,
 *   instead of sending the browser back to Concierge
 *
 * Returns: (transfer full): the page where the agent allows access
 */
char *
concierge_mastodon_sign_in_get_authorize_uri (ConciergeMastodonSignIn *self,
                                              gboolean                 out_of_band)
{
  GString *uri;

  g_return_val_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self), NULL);
  g_return_val_if_fail (self->client_id != NULL, NULL);

  uri = g_string_new (self->api->server_url);
  g_string_append (uri, "/oauth/authorize");
  append_parameter (uri, "response_type", "code");
  append_parameter (uri, "client_id", self->client_id);
  append_parameter (uri, "redirect_uri", out_of_band ? OUT_OF_BAND_URI : self->redirect_uri);
  append_parameter (uri, "scope", SIGN_IN_SCOPES);
  append_parameter (uri, "state", self->state);
  if (self->code_verifier != NULL)
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
      guint8 digest[32];
      gsize length = sizeof digest;
      g_autofree char *challenge = NULL;

      g_checksum_update (checksum, (const guchar *) self->code_verifier, -1);
      g_checksum_get_digest (checksum, digest, &length);
      challenge = base64url (digest, length);
      append_parameter (uri, "code_challenge", challenge);
      append_parameter (uri, "code_challenge_method", "S256");
    }

  return g_string_free (uri, FALSE);
}

/**
 * concierge_mastodon_sign_in_uses_pkce:
 *
 * Returns: whether the server takes a PKCE challenge, which keeps a code
 *   that another program on this computer catches useless to it
 */
gboolean
concierge_mastodon_sign_in_uses_pkce (ConciergeMastodonSignIn *self)
{
  g_return_val_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self), FALSE);

  return self->code_verifier != NULL;
}

static void
credentials_done_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  ConciergeAccount *account;

  account = g_task_propagate_pointer (G_TASK (result), &error);
  if (account == NULL)
    return_sign_in_error (task, error);
  else
    g_task_return_pointer (task, account, g_object_unref);
}

static void
own_account_cb (GTask    *step,
                JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  const char *id = concierge_json_node_string (root, "id");
  const char *username = concierge_json_node_string (root, "username");
  const char *display_name = concierge_json_node_string (root, "display_name");
  g_autofree char *handle = NULL;
  g_autofree char *name = NULL;

  if (id == NULL || username == NULL)
    {
      return_unreadable (step);
      return;
    }

  handle = g_strdup_printf ("@%s", username);
  name = concierge_channel_clean_text (g_strdup (display_name && display_name[0] ? display_name : username));
  g_task_return_pointer (step, concierge_account_new ("mastodon", name, handle, self->api->server_url, id),
                         g_object_unref);
}

static void
token_cb (GTask    *step,
          JsonNode *root)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (g_task_get_task_data (step));
  const char *token = concierge_json_node_string (root, "access_token");

  if (token == NULL || token[0] == '\0')
    {
      return_unreadable (step);
      return;
    }

  concierge_credentials_forget (&self->api->access_token);
  self->api->access_token = g_strdup (token);
  g_task_return_boolean (step, TRUE);
}

static void
token_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      return_sign_in_error (task, error);
      return;
    }

  sign_in_step (task, SOUP_METHOD_GET, "/api/v1/accounts/verify_credentials", NULL,
                own_account_cb, credentials_done_cb);
}

static void
exchange_code (GTask      *task,
               const char *code,
               const char *redirect_uri)
{
  ConciergeMastodonSignIn *self = g_task_get_source_object (task);
  g_autoptr(GHashTable) form = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (form, "grant_type", "authorization_code");
  g_hash_table_insert (form, "code", (char *) code);
  g_hash_table_insert (form, "client_id", self->client_id);
  g_hash_table_insert (form, "client_secret", self->client_secret);
  g_hash_table_insert (form, "redirect_uri", (char *) redirect_uri);
  g_hash_table_insert (form, "scope", SIGN_IN_SCOPES);
  if (self->code_verifier != NULL)
    g_hash_table_insert (form, "code_verifier", self->code_verifier);
  sign_in_step (task, SOUP_METHOD_POST, "/oauth/token", form, token_cb, token_done_cb);
}

static gboolean
waiting_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  ConciergeMastodonSignIn *self = user_data;
  g_autoptr(GTask) waiting = g_object_ref (self->waiting);

  stop_waiting (self);
  g_task_return_new_error (waiting, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sign-in was cancelled."));
  return G_SOURCE_REMOVE;
}

/**
 * concierge_mastodon_sign_in_complete_async:
 * @pasted: (nullable): what the agent pasted: the code the server showed,
 *   or the address the browser could not open; %NULL waits for the
 *   browser to come back to the loopback
 *
 * Trades the code for a token and asks the server whose account it is.
 */
void
concierge_mastodon_sign_in_complete_async (ConciergeMastodonSignIn *self,
                                           const char              *pasted,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self));
  g_return_if_fail (self->client_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_sign_in_complete_async);

  if (pasted != NULL)
    {
      g_autofree char *text = g_strstrip (g_strdup (pasted));
      g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_ENCODED_QUERY, NULL);
      g_autoptr(GHashTable) query = NULL;
      const char *code;

      if (text[0] == '\0')
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                   _("Paste the authorization code that the server showed."));
          return;
        }

      /* A browser on another computer cannot open the loopback, but its
       * address bar holds the code. */
      if (uri != NULL && g_uri_get_query (uri) != NULL)
        query = soup_form_decode (g_uri_get_query (uri));
      code = query ? g_hash_table_lookup (query, "code") : NULL;
      if (code != NULL && g_strcmp0 (g_hash_table_lookup (query, "state"), self->state) == 0)
        exchange_code (task, code, self->redirect_uri);
      else if (code != NULL || strpbrk (text, " /?&") != NULL)
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                                 _("This is not the code of this sign-in. Copy the code the server "
                                   "showed after you chose Authorize."));
      else
        exchange_code (task, text, OUT_OF_BAND_URI);
      return;
    }

  if (self->code_error != NULL)
    {
      g_task_return_error (task, g_error_copy (self->code_error));
      return;
    }
  if (self->code != NULL)
    {
      exchange_code (task, self->code, self->redirect_uri);
      return;
    }

  /* Only the latest wait counts. */
  if (self->waiting != NULL)
    {
      g_autoptr(GTask) earlier = g_object_ref (self->waiting);

      stop_waiting (self);
      g_task_return_new_error (earlier, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The sign-in was cancelled."));
    }
  self->waiting = g_object_ref (task);
  if (cancellable != NULL)
    {
      self->waiting_cancelled = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->waiting_cancelled, G_SOURCE_FUNC (waiting_cancelled_cb), self, NULL);
      g_source_attach (self->waiting_cancelled, g_main_context_get_thread_default ());
    }
}

/**
 * concierge_mastodon_sign_in_complete_finish:
 * @secret_json: (out): what the keyring keeps for the account: the token
 *   and the app it was granted to, which revoking needs
 *
 * Returns: (transfer full): the account that signed in, not saved yet
 */
ConciergeAccount *
concierge_mastodon_sign_in_complete_finish (ConciergeMastodonSignIn  *self,
                                            GAsyncResult             *result,
                                            char                    **secret_json,
                                            GError                  **error)
{
  ConciergeAccount *account;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (secret_json != NULL, NULL);

  account = g_task_propagate_pointer (G_TASK (result), error);
  if (account != NULL)
    *secret_json = concierge_credentials_to_json (self->api->access_token, self->client_id, self->client_secret);
  return account;
}

/**
 * concierge_mastodon_sign_in_with_token_async:
 * @token: an access token made on the server, as its Development settings
 *   make one
 *
 * Signs in without the browser: asks the server whose account @token
 * signs in.
 */
void
concierge_mastodon_sign_in_with_token_async (ConciergeMastodonSignIn *self,
                                             const char              *token,
                                             GCancellable            *cancellable,
                                             GAsyncReadyCallback      callback,
                                             gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CONCIERGE_IS_MASTODON_SIGN_IN (self));
  g_return_if_fail (token != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, concierge_mastodon_sign_in_with_token_async);
  concierge_credentials_forget (&self->api->access_token);
  self->api->access_token = g_strdup (token);
  sign_in_step (task, SOUP_METHOD_GET, "/api/v1/accounts/verify_credentials", NULL,
                own_account_cb, credentials_done_cb);
}

/**
 * concierge_mastodon_sign_in_with_token_finish:
 *
 * Returns: (transfer full): the account that @token signs in, not saved
 *   yet; a token the server refuses is
 *   %CONCIERGE_CHANNEL_ERROR_UNAUTHORIZED
 */
ConciergeAccount *
concierge_mastodon_sign_in_with_token_finish (ConciergeMastodonSignIn  *self,
                                              GAsyncResult             *result,
                                              GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
