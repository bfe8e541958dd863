/* concierge-mastodon-status.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <libxml/HTMLparser.h>
#include <string.h>

#include "channels/concierge-channel.h"
#include "model/concierge-json.h"
#include "concierge-mastodon.h"
#include "concierge-mastodon-status.h"

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

/* Mastodon's names for whom a status reaches; "private" is followers-only.
 * https://docs.joinmastodon.org/entities/Status/#visibility */
static const struct
{
  const char       *name;
  ConciergeAudience audience;
} audiences[] = {
  { "public", CONCIERGE_AUDIENCE_PUBLIC },
  { "unlisted", CONCIERGE_AUDIENCE_UNLISTED },
  { "private", CONCIERGE_AUDIENCE_FOLLOWERS },
  { "direct", CONCIERGE_AUDIENCE_DIRECT },
};

/**
 * concierge_mastodon_audience_from_visibility:
 * @visibility: (nullable): a status's visibility, as Mastodon names it
 *
 * Returns: whom it reaches; unknown for a name Mastodon does not use
 */
ConciergeAudience
concierge_mastodon_audience_from_visibility (const char *visibility)
{
  for (guint i = 0; i < G_N_ELEMENTS (audiences); i++)
    if (g_strcmp0 (visibility, audiences[i].name) == 0)
      return audiences[i].audience;
  return CONCIERGE_AUDIENCE_UNKNOWN;
}

/**
 * concierge_mastodon_visibility_for_audience:
 *
 * Returns: the visibility a status needs to reach @audience; a direct one
 *   where the audience is unknown, which reaches the fewest
 */
const char *
concierge_mastodon_visibility_for_audience (ConciergeAudience audience)
{
  for (guint i = 0; i < G_N_ELEMENTS (audiences); i++)
    if (audiences[i].audience == audience)
      return audiences[i].name;
  return "direct";
}

/**
 * concierge_mastodon_message_from_status:
 * @status: a Status entity
 * @own_account_id: the agent's account id on this server
 * @visibility: (out): public for public, unlisted and followers-only
 *   statuses, private for direct ones
 *
 * Returns: (transfer full): the status as a message, with its author's
 *   identity when someone else wrote it, and whom it reached
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
        concierge_identity_new (CONCIERGE_MASTODON_ID, NULL, account_id, handle,
                                display_name && display_name[0] ? display_name : acct);

      concierge_message_set_author (message, author);
    }

  add_images (message, object);

  visibility_name = concierge_json_string (object, "visibility");
  concierge_message_set_audience (message, concierge_mastodon_audience_from_visibility (visibility_name));
  if (visibility != NULL)
    *visibility = g_strcmp0 (visibility_name, "direct") == 0 ? CONCIERGE_VISIBILITY_PRIVATE
                                                             : CONCIERGE_VISIBILITY_PUBLIC;

  return g_steal_pointer (&message);
}
