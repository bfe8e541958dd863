/* concierge-sandbox-facebook-feed.c
 *
 * The page's posts, visitor posts and comments, as the Graph API serves
 * them. See tests/sandbox/README.md, "Facebook: the Graph API".
 *
 *   GET  /vX/PAGE-ID/feed           posts, newest first, with field expansion
 *   GET  /vX/OBJECT-ID/comments     filter, order, limit, after/before
 *   GET  /vX/OBJECT-ID              a post or comment; 100/33 once deleted
 *   POST /vX/OBJECT-ID/comments     message=…, as the page
 *   POST /vX/COMMENT-ID             is_hidden=true|false, or message=…
 *
 *   POST /_sandbox/facebook/comment {"action": "add", "object_id", "from",
 *        "message", "age_s"} | {"action": "edit"|"delete"|"get", "id", …}
 *        | {"action": "edit", "id", "can_hide": false}
 *   GET  /_sandbox/facebook/scontent/NAME.png   a picture, as Meta's CDN
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "concierge-sandbox-facebook.h"

#define PAGE_URL "https://www.facebook.com/" FACEBOOK_PAGE_ID
#define CDN_PATH "/_sandbox/facebook/scontent/"
/* Meta's default page size, and the feed's largest. */
#define DEFAULT_LIMIT 25
#define MAX_FEED_LIMIT 100
/* A private reply must come within 7 days of the comment. */
#define PRIVATE_REPLY_SECONDS (7 * 24 * 60 * 60)

typedef struct
{
  const char *id;
  const char *name;
} Person;

static const Person page = { FACEBOOK_PAGE_ID, FACEBOOK_PAGE_NAME };

static const Person people[] = {
  { "7100000000000001", "Jonas Weber" },
  { "7100000000000002", "Petra Schmitt" },
  { "7100000000000003", "Murat Yılmaz" },
  { "7100000000000004", "Lena Hoffmann" },
  { "7100000000000005", "Sabine Krüger" },
  { "7100000000000006", "Klaus Becker" },
  { "7100000000000007", "Andrea Wolf" },
};

typedef struct
{
  char         *id;      /* PAGE-ID_NUMBER */
  const Person *from;
  char         *message;
  gint64        created;
  gint64        updated; /* the post's last activity */
} Post;

typedef struct
{
  char         *id;        /* POST-NUMBER_NUMBER */
  Post         *post;
  char         *parent_id; /* the top-level comment's, or NULL */
  const Person *from;
  char         *message;
  gint64        created;
  gboolean      is_hidden;
  gboolean      private_replied;
  gboolean      deleted;
  gboolean      hide_refused; /* for tests: as an admin's comment */
  char         *picture;   /* the name under CDN_PATH, or NULL */
} Comment;

static struct
{
  GPtrArray *posts;
  GPtrArray *comments; /* in the order they were written */
  GBytes    *picture;
  guint64    next_number;
} feed;

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
next_number (void)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT, feed.next_number++);
}

static const Person *
find_person (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    if (g_strcmp0 (people[i].name, name) == 0)
      return &people[i];
  return NULL;
}

static Post *
add_post (const Person *from,
          const char   *message,
          gint64        created)
{
  Post *post = g_new0 (Post, 1);
  g_autofree char *number = next_number ();

  post->id = g_strdup_printf ("%s_%s", FACEBOOK_PAGE_ID, number);
  post->from = from;
  post->message = g_strdup (message);
  post->created = post->updated = created;
  g_ptr_array_add (feed.posts, post);
  return post;
}

/* The number of a post's id, after the page's: comments are named by it. */
static const char *
post_number (Post *post)
{
  return strchr (post->id, '_') + 1;
}

static Comment *
add_comment (Post         *post,
             Comment      *parent,
             const Person *from,
             const char   *message,
             gint64        created)
{
  Comment *comment = g_new0 (Comment, 1);
  g_autofree char *number = next_number ();

  comment->id = g_strdup_printf ("%s_%s", post_number (post), number);
  comment->post = post;
  /* Facebook's comments are two levels deep: an answer to a reply
   * belongs to the same top-level comment. */
  if (parent != NULL)
    comment->parent_id = g_strdup (parent->parent_id ? parent->parent_id : parent->id);
  comment->from = from;
  comment->message = g_strdup (message);
  comment->created = created;
  post->updated = MAX (post->updated, created);
  g_ptr_array_add (feed.comments, comment);
  return comment;
}

static Post *
find_post (const char *id)
{
  for (guint i = 0; id != NULL && i < feed.posts->len; i++)
    {
      Post *post = g_ptr_array_index (feed.posts, i);

      if (g_str_equal (post->id, id))
        return post;
    }
  return NULL;
}

static Comment *
find_comment (const char *id)
{
  for (guint i = 0; id != NULL && i < feed.comments->len; i++)
    {
      Comment *comment = g_ptr_array_index (feed.comments, i);

      if (g_str_equal (comment->id, id) && !comment->deleted)
        return comment;
    }
  return NULL;
}

/* A router with its lights, as a customer photographs it. */
static void
draw_router (cairo_t *cr,
             double   width,
             double   height)
{
  cairo_scale (cr, width / 640, height / 480);
  cairo_set_source_rgb (cr, 0.93, 0.92, 0.89);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.18, 0.19, 0.21);
  cairo_rectangle (cr, 120, 200, 400, 110);
  cairo_fill (cr);
  for (int i = 0; i < 5; i++)
    {
      if (i == 2)
        cairo_set_source_rgb (cr, 0.89, 0.11, 0.14);
      else
        cairo_set_source_rgb (cr, 0.20, 0.82, 0.48);
      cairo_arc (cr, 180 + i * 70, 255, 12, 0, 2 * G_PI);
      cairo_fill (cr);
    }
}

void
facebook_feed_seed (gboolean personal_data)
{
  gint64 t = now ();
  const gint64 hour = 60 * 60, day = 24 * hour;
  Post *maintenance, *tariffs, *visitor;
  Comment *jonas, *picture;

  feed.posts = g_ptr_array_new ();
  feed.comments = g_ptr_array_new ();
  feed.next_number = G_GUINT64_CONSTANT (1220000000000001);
  feed.picture = sandbox_draw_png (640, 480, draw_router);

  tariffs = add_post (&page, "Neue Tarife ab Januar: Glasfaser 500 für 39,99 € im Monat. Alle Details auf "
                             "wellenfunk.example/tarife", t - 10 * day);
  maintenance = add_post (&page, "Heute Nacht zwischen 2 und 5 Uhr arbeiten wir am Netz im Raum Köln. In dieser "
                                 "Zeit kann es zu kurzen Unterbrechungen kommen.", t - 3 * day);
  visitor = add_post (&people[3], "Seit gestern Abend habe ich in 50667 Köln kein Internet mehr, die Hotline ist "
                                  "dauernd besetzt. Wann geht es wieder?", t - 20 * hour);

  add_comment (tariffs, NULL, &people[5], "Wann kommt Glasfaser endlich nach Ehrenfeld?", t - 9 * day);
  add_comment (tariffs, NULL, &people[1], "Meine Rechnung für November ist doppelt so hoch wie vereinbart. "
                                          "Das ist nicht in Ordnung!", t - 2 * day);
  jonas = add_comment (maintenance, NULL, &people[0], "Bei mir ist seit heute Morgen das Internet weg. Gehört "
                                                      "das noch zu den Arbeiten?", t - 5 * hour);
  add_comment (maintenance, jonas, &page, "Hallo Jonas, die Arbeiten sind beendet. Bitte starten Sie den Router "
                                          "einmal neu.", t - 4 * hour);
  add_comment (maintenance, jonas, &people[0], "Hab ich gemacht, jetzt geht es wieder.", t - 3 * hour);
  add_comment (maintenance, NULL, &people[2], "Danke für die Info vorab, bei uns lief alles!", t - 2 * hour);
  picture = add_comment (maintenance, NULL, &people[4], "So sieht mein Router gerade aus, ist das normal?",
                         t - 1 * hour);
  picture->picture = g_strdup_printf ("%s_router.png", picture->id);

  if (personal_data)
    add_comment (tariffs, NULL, &people[6], "Sie haben zweimal abgebucht! Bitte erstatten Sie das Geld auf mein "
                                            "Konto DE89 3704 0044 0532 0130 00.", t - 1 * day);
  (void) visitor;
}

/* Field expansion: "id,from{name},comments.order(x).limit(2){id}".
 * https://developers.facebook.com/docs/graph-api/guides/field-expansion */

typedef struct
{
  char       *name;
  GHashTable *modifiers; /* name → argument */
  GPtrArray  *children;  /* of Field; NULL without braces */
} Field;

static void
field_free (Field *field)
{
  g_free (field->name);
  g_hash_table_unref (field->modifiers);
  g_clear_pointer (&field->children, g_ptr_array_unref);
  g_free (field);
}

static char *
read_name (const char **p)
{
  const char *start = *p;

  while (g_ascii_isalnum (**p) || **p == '_')
    (*p)++;
  return g_strndup (start, *p - start);
}

/* Returns NULL where the text is no field list. */
static GPtrArray *
parse_fields (const char **p)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);

  while (**p != '\0' && **p != '}')
    {
      Field *field = g_new0 (Field, 1);

      field->modifiers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_ptr_array_add (fields, field);
      while (**p == ' ')
        (*p)++;
      field->name = read_name (p);
      if (field->name[0] == '\0')
        return NULL;
      while (**p == '.')
        {
          g_autofree char *modifier = NULL;
          const char *close;

          (*p)++;
          modifier = read_name (p);
          if (**p != '(' || (close = strchr (*p, ')')) == NULL)
            return NULL;
          g_hash_table_replace (field->modifiers, g_steal_pointer (&modifier), g_strndup (*p + 1, close - *p - 1));
          *p = close + 1;
        }
      if (**p == '{')
        {
          (*p)++;
          field->children = parse_fields (p);
          if (field->children == NULL || **p != '}')
            return NULL;
          (*p)++;
        }
      if (**p == ',')
        (*p)++;
      else if (**p != '\0' && **p != '}')
        return NULL;
    }
  return g_steal_pointer (&fields);
}

static GPtrArray *
fields_or_default (const char *text,
                   const char *default_fields)
{
  const char *p = text && text[0] ? text : default_fields;

  return parse_fields (&p);
}

/* The request's fields, or its node's default ones; NULL after answering
 * an error for a list that cannot be read. */
static GPtrArray *
request_fields (GraphRequest *request,
                const char   *default_fields)
{
  GPtrArray *fields = fields_or_default (facebook_param (request, "fields"), default_fields);

  if (fields == NULL)
    facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) Syntax error in the fields parameter");
  return fields;
}

static void
nonexisting_field (GraphRequest *request,
                   const char   *name,
                   const char   *node_type)
{
  g_autofree char *message = g_strdup_printf ("(#100) Tried accessing nonexisting field (%s) on node type (%s)",
                                              name, node_type);

  facebook_reply_error (request, 400, "OAuthException", 100, 0, message);
}

/* Writing objects, with only the fields asked for. Each returns the name
 * of a field it does not know, or NULL. */

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static void
add_time (JsonBuilder *builder,
          const char  *name,
          gint64       time)
{
  g_autofree char *text = facebook_format_time (time);

  add_string (builder, name, text);
}

static const char *
add_person (JsonBuilder  *builder,
            const Person *person,
            GPtrArray    *fields)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < (fields ? fields->len : 2); i++)
    {
      const char *name = fields ? ((Field *) g_ptr_array_index (fields, i))->name : i == 0 ? "name" : "id";

      if (g_str_equal (name, "name"))
        add_string (builder, "name", person->name);
      else if (g_str_equal (name, "id"))
        add_string (builder, "id", person->id);
      else
        return name;
    }
  json_builder_end_object (builder);
  return NULL;
}

/* A photo attached to a comment, as a StoryAttachment.
 * https://developers.facebook.com/docs/graph-api/reference/story-attachment */
static void
add_picture (GraphRequest *request,
             JsonBuilder  *builder,
             Comment      *comment)
{
  GUri *uri = soup_server_message_get_uri (request->msg);
  g_autofree char *src = g_strdup_printf ("http://127.0.0.1:%d" CDN_PATH "%s?oh=00_sandbox&oe=6A1C2493",
                                          g_uri_get_port (uri), comment->picture);
  g_autofree char *photo = g_strdup_printf ("https://www.facebook.com/photo.php?fbid=%s",
                                            strchr (comment->id, '_') + 1);

  json_builder_set_member_name (builder, "attachment");
  json_builder_begin_object (builder);
  add_string (builder, "type", "photo");
  json_builder_set_member_name (builder, "media");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "image");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "height");
  json_builder_add_int_value (builder, 480);
  add_string (builder, "src", src);
  json_builder_set_member_name (builder, "width");
  json_builder_add_int_value (builder, 640);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "target");
  json_builder_begin_object (builder);
  add_string (builder, "id", strchr (comment->id, '_') + 1);
  add_string (builder, "url", photo);
  json_builder_end_object (builder);
  add_string (builder, "url", photo);
  json_builder_end_object (builder);
}

static gboolean
can_hide (Comment *comment)
{
  /* "You can hide most comments on Posts with the following exceptions:
   * comments made by the Page, …, comments made by any User on another
   * User's Post to the Page." */
  return comment->from != &page && comment->post->from == &page && !comment->hide_refused;
}

static gboolean
can_reply_privately (Comment *comment)
{
  return comment->from != &page && !comment->private_replied &&
         now () - comment->created < PRIVATE_REPLY_SECONDS;
}

static guint
count_replies (Comment *comment)
{
  guint count = 0;

  for (guint i = 0; i < feed.comments->len; i++)
    {
      Comment *reply = g_ptr_array_index (feed.comments, i);

      count += !reply->deleted && g_strcmp0 (reply->parent_id, comment->id) == 0;
    }
  return count;
}

static const char *
add_comment_object (GraphRequest *request,
                    JsonBuilder  *builder,
                    Comment      *comment,
                    GPtrArray    *fields)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < fields->len; i++)
    {
      Field *field = g_ptr_array_index (fields, i);
      const char *name = field->name;

      if (g_str_equal (name, "id"))
        add_string (builder, "id", comment->id);
      else if (g_str_equal (name, "message"))
        add_string (builder, "message", comment->message);
      else if (g_str_equal (name, "created_time"))
        add_time (builder, "created_time", comment->created);
      else if (g_str_equal (name, "from"))
        {
          const char *unknown;

          json_builder_set_member_name (builder, "from");
          if ((unknown = add_person (builder, comment->from, field->children)) != NULL)
            return unknown;
        }
      else if (g_str_equal (name, "parent"))
        {
          /* Only replies have a parent. */
          if (comment->parent_id == NULL)
            continue;
          json_builder_set_member_name (builder, "parent");
          json_builder_begin_object (builder);
          add_string (builder, "id", comment->parent_id);
          json_builder_end_object (builder);
        }
      else if (g_str_equal (name, "attachment"))
        {
          if (comment->picture != NULL)
            add_picture (request, builder, comment);
        }
      else if (g_str_equal (name, "can_hide") || g_str_equal (name, "can_reply_privately") ||
               g_str_equal (name, "is_hidden") || g_str_equal (name, "can_remove") ||
               g_str_equal (name, "can_comment") || g_str_equal (name, "can_like"))
        {
          json_builder_set_member_name (builder, name);
          json_builder_add_boolean_value (builder,
                                          g_str_equal (name, "can_hide") ? can_hide (comment)
                                          : g_str_equal (name, "can_reply_privately") ? can_reply_privately (comment)
                                          : g_str_equal (name, "is_hidden") ? comment->is_hidden
                                          : TRUE);
        }
      else if (g_str_equal (name, "private_reply_conversation"))
        {
          g_autofree char *conversation = NULL;

          /* Only a comment that had its private reply has one. */
          if (!comment->private_replied)
            continue;
          conversation = g_strdup_printf ("t_%s", comment->from->id);
          json_builder_set_member_name (builder, "private_reply_conversation");
          json_builder_begin_object (builder);
          add_string (builder, "id", conversation);
          json_builder_end_object (builder);
        }
      else if (g_str_equal (name, "comment_count") || g_str_equal (name, "like_count"))
        {
          json_builder_set_member_name (builder, name);
          json_builder_add_int_value (builder, g_str_equal (name, "comment_count") ? count_replies (comment) : 0);
        }
      else if (g_str_equal (name, "permalink_url"))
        {
          g_autofree char *url = g_strdup_printf (PAGE_URL "/posts/%s?comment_id=%s", post_number (comment->post),
                                                  strchr (comment->id, '_') + 1);

          add_string (builder, "permalink_url", url);
        }
      else
        return name;
    }
  json_builder_end_object (builder);
  return NULL;
}

/* Lists, with Meta's cursors: the id of the first and last object on the
 * page, as opaque text. https://developers.facebook.com/docs/graph-api/results */

static char *
encode_cursor (const char *id)
{
  g_autofree char *text = g_strdup_printf ("sandbox:%s", id);

  return g_base64_encode ((const guchar *) text, strlen (text));
}

/* The position after (or before) the object a cursor names; -1 for a
 * cursor this sandbox never gave. */
static int
cursor_position (GPtrArray  *ids,
                 const char *cursor)
{
  gsize length;
  g_autofree char *text = (char *) g_base64_decode (cursor, &length);

  if (!g_str_has_prefix (text, "sandbox:"))
    return -1;
  for (guint i = 0; i < ids->len; i++)
    if (g_str_equal (g_ptr_array_index (ids, i), text + strlen ("sandbox:")))
      return i;
  return -1;
}

static char *
next_url (GraphRequest *request,
          const char   *path,
          GHashTable   *query,
          const char   *after)
{
  GUri *uri = soup_server_message_get_uri (request->msg);
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  const char *version = g_uri_get_path (uri);
  g_autofree char *encoded = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, query);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_str_equal (key, "after") && !g_str_equal (key, "before") && !g_str_equal (key, "access_token"))
      g_hash_table_insert (params, key, value);
  g_hash_table_insert (params, (gpointer) "after", (gpointer) after);
  encoded = soup_form_encode_hash (params);
  /* The same version as the request's, "/v25.0". */
  return g_strdup_printf ("http://127.0.0.1:%d%.*s%s?%s", g_uri_get_port (uri),
                          (int) (strchr (version + 1, '/') ? strchr (version + 1, '/') - version : 0), version,
                          path, encoded);
}

typedef const char *(*AddObject) (GraphRequest *request,
                                  JsonBuilder  *builder,
                                  gpointer      object,
                                  GPtrArray    *fields);

typedef struct
{
  GPtrArray  *objects;  /* in the order asked for */
  GPtrArray  *ids;
  AddObject   add;
  const char *node_type;
  const char *path;     /* for "next": "/OBJECT-ID/comments" */
} List;

/* Writes {"data": […], "paging": {…}}; FALSE after answering an error. */
static gboolean
add_list (GraphRequest *request,
          JsonBuilder  *builder,
          List         *list,
          GHashTable   *query,
          GPtrArray    *fields,
          guint         max_limit)
{
  const char *limit_text = g_hash_table_lookup (query, "limit");
  const char *after = g_hash_table_lookup (query, "after");
  const char *before = g_hash_table_lookup (query, "before");
  guint64 limit = limit_text ? g_ascii_strtoull (limit_text, NULL, 10) : DEFAULT_LIMIT;
  int start = 0, end;

  if (limit > max_limit)
    {
      g_autofree char *message = g_strdup_printf ("(#100) The limit parameter must not exceed %u", max_limit);

      facebook_reply_error (request, 400, "OAuthException", 100, 0, message);
      return FALSE;
    }
  if (limit == 0)
    limit = DEFAULT_LIMIT;
  if (after != NULL && (start = cursor_position (list->ids, after)) >= 0)
    start++;
  else if (before != NULL && (end = cursor_position (list->ids, before)) >= 0)
    start = MAX (0, end - (int) limit);
  if (start < 0)
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) Invalid cursor");
      return FALSE;
    }
  end = MIN ((int) list->objects->len, start + (int) limit);

  json_builder_set_member_name (builder, "data");
  json_builder_begin_array (builder);
  for (int i = start; i < end; i++)
    {
      const char *unknown = list->add (request, builder, g_ptr_array_index (list->objects, i), fields);

      /* "" after an error answered already, deeper down. */
      if (unknown != NULL)
        {
          if (unknown[0] != '\0')
            nonexisting_field (request, unknown, list->node_type);
          return FALSE;
        }
    }
  json_builder_end_array (builder);

  if (end > start)
    {
      g_autofree char *first = encode_cursor (g_ptr_array_index (list->ids, start));
      g_autofree char *last = encode_cursor (g_ptr_array_index (list->ids, end - 1));

      json_builder_set_member_name (builder, "paging");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "cursors");
      json_builder_begin_object (builder);
      add_string (builder, "before", first);
      add_string (builder, "after", last);
      json_builder_end_object (builder);
      /* "If not included, this is the last page of data." */
      if (end < (int) list->objects->len)
        {
          g_autofree char *next = next_url (request, list->path, query, last);

          add_string (builder, "next", next);
        }
      json_builder_end_object (builder);
    }
  return TRUE;
}

static gint
older_first (gconstpointer a,
             gconstpointer b)
{
  const Comment *x = *(Comment **) a, *y = *(Comment **) b;

  return x->created < y->created ? -1 : x->created > y->created;
}

static gint
newer_first (gconstpointer a,
             gconstpointer b)
{
  return older_first (b, a);
}

/* The comments on a post or replies to a comment. "toplevel", the
 * default, leaves replies out; "stream" has all levels. */
static List *
comments_of (const char *object_id,
             const char *filter,
             const char *order)
{
  Post *post = find_post (object_id);
  List *list = g_new0 (List, 1);

  list->objects = g_ptr_array_new ();
  list->ids = g_ptr_array_new ();
  for (guint i = 0; i < feed.comments->len; i++)
    {
      Comment *comment = g_ptr_array_index (feed.comments, i);

      if (comment->deleted)
        continue;
      if (post != NULL ? comment->post != post || (g_strcmp0 (filter, "stream") != 0 && comment->parent_id != NULL)
                       : g_strcmp0 (comment->parent_id, object_id) != 0)
        continue;
      g_ptr_array_add (list->objects, comment);
    }
  g_ptr_array_sort (list->objects, g_strcmp0 (order, "reverse_chronological") == 0 ? newer_first : older_first);
  for (guint i = 0; i < list->objects->len; i++)
    g_ptr_array_add (list->ids, ((Comment *) g_ptr_array_index (list->objects, i))->id);
  list->add = (AddObject) add_comment_object;
  list->node_type = "Comment";
  list->path = g_strdup_printf ("/%s/comments", object_id);
  return list;
}

static void
list_free (List *list)
{
  g_ptr_array_unref (list->objects);
  g_ptr_array_unref (list->ids);
  g_free ((char *) list->path);
  g_free (list);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (List, list_free)

/* The comments edge inside a post: its modifiers are the parameters. */
static gboolean
add_comments_edge (GraphRequest *request,
                   JsonBuilder  *builder,
                   const char   *object_id,
                   Field        *field)
{
  g_autoptr(List) list = comments_of (object_id, g_hash_table_lookup (field->modifiers, "filter"),
                                      g_hash_table_lookup (field->modifiers, "order"));
  g_autoptr(GPtrArray) children = field->children ? g_ptr_array_ref (field->children)
                                                  : fields_or_default (NULL, "created_time,from,message,id");
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, field->modifiers);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (query, key, value);
  json_builder_set_member_name (builder, "comments");
  json_builder_begin_object (builder);
  if (!add_list (request, builder, list, query, children, G_MAXUINT))
    return FALSE;
  json_builder_end_object (builder);
  return TRUE;
}

/* Returns the name of a field a post does not have, "" after answering
 * an error of its comments, or NULL. */
static const char *
add_post_object (GraphRequest *request,
                 JsonBuilder  *builder,
                 Post         *post,
                 GPtrArray    *fields)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < fields->len; i++)
    {
      Field *field = g_ptr_array_index (fields, i);
      const char *name = field->name;

      if (g_str_equal (name, "id"))
        add_string (builder, "id", post->id);
      else if (g_str_equal (name, "message"))
        {
          if (post->message != NULL)
            add_string (builder, "message", post->message);
        }
      else if (g_str_equal (name, "created_time"))
        add_time (builder, "created_time", post->created);
      else if (g_str_equal (name, "updated_time"))
        add_time (builder, "updated_time", post->updated);
      else if (g_str_equal (name, "from"))
        {
          const char *unknown;

          json_builder_set_member_name (builder, "from");
          if ((unknown = add_person (builder, post->from, field->children)) != NULL)
            return unknown;
        }
      else if (g_str_equal (name, "permalink_url"))
        {
          g_autofree char *url = g_strdup_printf (PAGE_URL "/posts/%s", post_number (post));

          add_string (builder, "permalink_url", url);
        }
      else if (g_str_equal (name, "comments"))
        {
          if (!add_comments_edge (request, builder, post->id, field))
            return "";
        }
      else
        return name;
    }
  json_builder_end_object (builder);
  return NULL;
}

static void
reply_feed (GraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) fields = request_fields (request, "created_time,message,id");
  List list = { g_ptr_array_new (), g_ptr_array_new (), (AddObject) add_post_object, "PagePost",
                "/" FACEBOOK_PAGE_ID "/feed" };
  gboolean done;

  if (fields == NULL)
    {
      g_ptr_array_unref (list.objects);
      g_ptr_array_unref (list.ids);
      return;
    }
  /* Newest first, as the reference's sample has it. */
  for (guint i = feed.posts->len; i > 0; i--)
    {
      Post *post = g_ptr_array_index (feed.posts, i - 1);

      g_ptr_array_add (list.objects, post);
      g_ptr_array_add (list.ids, post->id);
    }
  json_builder_begin_object (builder);
  done = add_list (request, builder, &list, request->params, fields, MAX_FEED_LIMIT);
  json_builder_end_object (builder);
  if (done)
    facebook_reply_json (request, builder);
  g_ptr_array_unref (list.objects);
  g_ptr_array_unref (list.ids);
}

static void
reply_comments (GraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) fields = request_fields (request, "created_time,from,message,id");
  g_autoptr(List) list = comments_of (request->segments[0], facebook_param (request, "filter"),
                                      facebook_param (request, "order"));

  if (fields == NULL)
    return;
  json_builder_begin_object (builder);
  if (add_list (request, builder, list, request->params, fields, G_MAXUINT))
    {
      json_builder_end_object (builder);
      facebook_reply_json (request, builder);
    }
}

static void
reply_object (GraphRequest *request,
              Post         *post,
              Comment      *comment)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) fields = request_fields (request, post ? "created_time,message,id"
                                                                : "created_time,from,message,id");
  const char *unknown;

  if (fields == NULL)
    return;
  unknown = post ? add_post_object (request, builder, post, fields)
                 : add_comment_object (request, builder, comment, fields);
  if (unknown == NULL)
    facebook_reply_json (request, builder);
  else if (unknown[0] != '\0')
    nonexisting_field (request, unknown, post ? "PagePost" : "Comment");
}

static void
reply_id (GraphRequest *request,
          const char   *id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "id", id);
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

static void
reply_success (GraphRequest *request)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "success");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  facebook_reply_json (request, builder);
}

/* POST /OBJECT-ID/comments: the page comments on a post or answers a
 * comment. https://developers.facebook.com/docs/graph-api/reference/object/comments */
static void
post_comment (GraphRequest *request,
              Post         *post,
              Comment      *parent)
{
  const char *message = facebook_param (request, "message");
  Comment *comment;

  if (message == NULL || message[0] == '\0')
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0,
                            "(#100) Missing message or attachment");
      return;
    }
  comment = add_comment (post ? post : parent->post, parent, &page, message, now ());
  reply_id (request, comment->id);
}

/* POST /COMMENT-ID: hides, shows or edits a comment.
 * https://developers.facebook.com/docs/graph-api/reference/comment */
static void
update_comment (GraphRequest *request,
                Comment      *comment)
{
  const char *is_hidden = facebook_param (request, "is_hidden");
  const char *message = facebook_param (request, "message");

  if (is_hidden != NULL)
    {
      if (!can_hide (comment))
        {
          facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) This comment cannot be hidden");
          return;
        }
      comment->is_hidden = g_str_equal (is_hidden, "true") || g_str_equal (is_hidden, "1");
    }
  else if (message != NULL)
    {
      /* A page edits only its own comments. */
      if (comment->from != &page)
        {
          facebook_reply_error (request, 403, "OAuthException", 200, 0, "(#200) Permissions error");
          return;
        }
      g_free (comment->message);
      comment->message = g_strdup (message);
    }
  else
    {
      facebook_reply_error (request, 400, "OAuthException", 100, 0, "(#100) Missing parameters to update");
      return;
    }
  reply_success (request);
}

gboolean
facebook_feed_handle (GraphRequest *request)
{
  guint n = g_strv_length (request->segments);
  gboolean get = g_str_equal (request->method, "GET");
  gboolean post_method = g_str_equal (request->method, "POST");
  Post *post;
  Comment *comment;

  if (n == 2 && get && g_str_equal (request->segments[1], "feed") &&
      (g_str_equal (request->segments[0], FACEBOOK_PAGE_ID) || g_str_equal (request->segments[0], "me")))
    {
      reply_feed (request);
      return TRUE;
    }

  if (n < 1 || n > 2 || (n == 2 && !g_str_equal (request->segments[1], "comments")))
    return FALSE;
  post = find_post (request->segments[0]);
  comment = post ? NULL : find_comment (request->segments[0]);
  if (post == NULL && comment == NULL)
    return FALSE;

  if (n == 2 && get)
    reply_comments (request);
  else if (n == 2 && post_method)
    post_comment (request, post, comment);
  else if (get)
    reply_object (request, post, comment);
  else if (post_method && comment != NULL)
    update_comment (request, comment);
  else
    return FALSE;
  return TRUE;
}

/* For tests */

static void
control_reply (SoupServerMessage *msg,
               Comment           *comment)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_string (builder, "id", comment->id);
  add_string (builder, "message", comment->message);
  json_builder_set_member_name (builder, "is_hidden");
  json_builder_add_boolean_value (builder, comment->is_hidden);
  json_builder_set_member_name (builder, "private_replied");
  json_builder_add_boolean_value (builder, comment->private_replied);
  json_builder_end_object (builder);
  sandbox_reply_json (msg, 200, builder);
}

/* A customer writes, edits or deletes a comment; or a test reads one. */
static void
control_comment (SoupServerMessage *msg)
{
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonNode) node = json_from_string (g_bytes_get_data (bytes, NULL), NULL);
  JsonObject *object = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *action = object ? json_object_get_string_member_with_default (object, "action", "") : "";
  const char *message = object ? json_object_get_string_member_with_default (object, "message", NULL) : NULL;
  Comment *comment = object ? find_comment (json_object_get_string_member_with_default (object, "id", NULL)) : NULL;

  if (g_str_equal (action, "add"))
    {
      const char *object_id = json_object_get_string_member_with_default (object, "object_id", NULL);
      const Person *from = find_person (json_object_get_string_member_with_default (object, "from", NULL));
      Post *post = find_post (object_id);
      Comment *parent = post ? NULL : find_comment (object_id);

      if ((post == NULL && parent == NULL) || from == NULL || message == NULL)
        {
          soup_server_message_set_status (msg, 400, NULL);
          return;
        }
      comment = add_comment (post ? post : parent->post, parent, from, message,
                             now () - json_object_get_int_member_with_default (object, "age_s", 0));
    }
  else if (comment == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  else if (g_str_equal (action, "edit") && message != NULL)
    {
      /* An edit keeps the comment's time; nothing marks it. */
      g_free (comment->message);
      comment->message = g_strdup (message);
    }
  /* Meta refuses to hide some customers' comments, as those of the
   * page's admins: a test makes one such. */
  else if (g_str_equal (action, "edit") && json_object_has_member (object, "can_hide"))
    comment->hide_refused = !json_object_get_boolean_member (object, "can_hide");
  else if (g_str_equal (action, "delete"))
    comment->deleted = TRUE;
  else if (!g_str_equal (action, "get"))
    {
      soup_server_message_set_status (msg, 400, NULL);
      return;
    }
  control_reply (msg, comment);
}

gboolean
facebook_feed_control (SoupServerMessage *msg,
                       const char        *path)
{
  if (g_str_equal (path, "/_sandbox/facebook/comment") && g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      control_comment (msg);
      return TRUE;
    }
  /* Meta's CDN serves signed addresses without a token. */
  if (g_str_has_prefix (path, "/_sandbox/facebook/scontent/"))
    {
      const char *name = path + strlen (CDN_PATH);

      for (guint i = 0; i < feed.comments->len; i++)
        {
          Comment *comment = g_ptr_array_index (feed.comments, i);

          if (g_strcmp0 (comment->picture, name) == 0)
            {
              sandbox_reply_png (msg, feed.picture, FALSE);
              return TRUE;
            }
        }
      soup_server_message_set_status (msg, 404, NULL);
      return TRUE;
    }
  return FALSE;
}

gboolean
facebook_feed_lookup_comment (const char  *comment_id,
                              const char **from_id,
                              const char **from_name,
                              gint64      *created_time,
                              gboolean    *private_replied)
{
  Comment *comment = find_comment (comment_id);

  if (comment == NULL)
    return FALSE;
  *from_id = comment->from->id;
  *from_name = comment->from->name;
  *created_time = comment->created;
  *private_replied = comment->private_replied;
  return TRUE;
}

void
facebook_feed_set_private_replied (const char *comment_id)
{
  Comment *comment = find_comment (comment_id);

  if (comment != NULL)
    comment->private_replied = TRUE;
}
