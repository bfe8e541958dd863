/* concierge-model.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-model-private.h"

#include <string.h>
#include <glib/gi18n.h>

/* The strings are the values the database stores. */
static const char * const visibility_names[] = { "public", "private" };
/* Unknown has no string: the visibility stands for it. */
static const char * const audience_names[] = { NULL, "public", "unlisted", "followers", "direct" };
static const char * const status_names[] = { "open", "pending", "snoozed", "resolved" };
static const char * const direction_names[] = { "in", "out" };
static const char * const send_state_names[] = { "queued", "sending", "sent", "failed", "unknown" };
/* Unknown has no string: nothing stores it. */
static const char * const language_names[] = { NULL, "de", "en" };
static const char * const address_names[] = { NULL, "formal", "informal" };

static gboolean
lookup_name (const char * const *names,
             guint               n_names,
             const char         *string,
             int                *value)
{
  for (guint i = 0; string != NULL && i < n_names; i++)
    {
      if (g_strcmp0 (names[i], string) == 0)
        {
          *value = (int) i;
          return TRUE;
        }
    }

  return FALSE;
}

#define DEFINE_ENUM_STRINGS(Type, prefix, names)                                  \
  const char *                                                                    \
  prefix##_to_string (Type value)                                                 \
  {                                                                               \
    g_return_val_if_fail ((guint) value < G_N_ELEMENTS (names), NULL);            \
    return names[value];                                                          \
  }                                                                               \
                                                                                  \
  gboolean                                                                        \
  prefix##_from_string (const char *string,                                       \
                        Type       *value)                                        \
  {                                                                               \
    int v;                                                                        \
                                                                                  \
    if (!lookup_name (names, G_N_ELEMENTS (names), string, &v))                   \
      return FALSE;                                                               \
    *value = (Type) v;                                                            \
    return TRUE;                                                                  \
  }

DEFINE_ENUM_STRINGS (ConciergeVisibility, concierge_visibility, visibility_names)
DEFINE_ENUM_STRINGS (ConciergeAudience, concierge_audience, audience_names)
DEFINE_ENUM_STRINGS (ConciergeThreadStatus, concierge_thread_status, status_names)
DEFINE_ENUM_STRINGS (ConciergeDirection, concierge_direction, direction_names)
DEFINE_ENUM_STRINGS (ConciergeSendState, concierge_send_state, send_state_names)
DEFINE_ENUM_STRINGS (ConciergeLanguage, concierge_language, language_names)
DEFINE_ENUM_STRINGS (ConciergeAddress, concierge_address, address_names)

/**
 * concierge_audience_or_visibility:
 *
 * A conversation on a platform that knows no audiences reaches everyone
 * when it is public and only the customer when it is private. Nothing in
 * a private one ever reaches more than the customer.
 *
 * Returns: @audience, or where it is unknown, the one @visibility means
 */
ConciergeAudience
concierge_audience_or_visibility (ConciergeAudience   audience,
                                  ConciergeVisibility visibility)
{
  if (visibility == CONCIERGE_VISIBILITY_PRIVATE)
    return CONCIERGE_AUDIENCE_DIRECT;
  if (audience != CONCIERGE_AUDIENCE_UNKNOWN)
    return audience;
  return CONCIERGE_AUDIENCE_PUBLIC;
}

/**
 * concierge_language_name:
 *
 * Returns: a language's name, as in "German"
 */
const char *
concierge_language_name (ConciergeLanguage language)
{
  switch (language)
    {
    case CONCIERGE_LANGUAGE_GERMAN:
      return _("German");
    case CONCIERGE_LANGUAGE_ENGLISH:
      return _("English");
    case CONCIERGE_LANGUAGE_UNKNOWN:
    default:
      return _("Unknown language");
    }
}

/* Account */

G_DEFINE_FINAL_TYPE (ConciergeAccount, concierge_account, G_TYPE_OBJECT)

static void
concierge_account_finalize (GObject *object)
{
  ConciergeAccount *self = CONCIERGE_ACCOUNT (object);

  g_free (self->platform);
  g_free (self->display_name);
  g_free (self->handle);
  g_free (self->server_url);
  g_free (self->remote_user_id);

  G_OBJECT_CLASS (concierge_account_parent_class)->finalize (object);
}

static void
concierge_account_class_init (ConciergeAccountClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_account_finalize;
}

static void
concierge_account_init (ConciergeAccount *self)
{
}

ConciergeAccount *
concierge_account_new_empty (void)
{
  return g_object_new (CONCIERGE_TYPE_ACCOUNT, NULL);
}

ConciergeAccount *
concierge_account_new (const char *platform,
                       const char *display_name,
                       const char *handle,
                       const char *server_url,
                       const char *remote_user_id)
{
  ConciergeAccount *self;

  g_return_val_if_fail (platform != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);

  self = concierge_account_new_empty ();
  self->platform = g_strdup (platform);
  self->display_name = g_strdup (display_name);
  self->handle = g_strdup (handle ? handle : "");
  self->server_url = g_strdup (server_url ? server_url : "");
  self->remote_user_id = g_strdup (remote_user_id ? remote_user_id : "");

  return self;
}

gint64 concierge_account_get_id (ConciergeAccount *self) { return self->id; }
const char *concierge_account_get_platform (ConciergeAccount *self) { return self->platform; }
const char *concierge_account_get_display_name (ConciergeAccount *self) { return self->display_name; }
const char *concierge_account_get_handle (ConciergeAccount *self) { return self->handle; }
const char *concierge_account_get_server_url (ConciergeAccount *self) { return self->server_url; }
const char *concierge_account_get_remote_user_id (ConciergeAccount *self) { return self->remote_user_id; }
/* Removed by the agent, its cached conversations kept. */
gboolean concierge_account_get_signed_out (ConciergeAccount *self) { return self->signed_out; }

/* Identity */

G_DEFINE_FINAL_TYPE (ConciergeIdentity, concierge_identity, G_TYPE_OBJECT)

static void
concierge_identity_finalize (GObject *object)
{
  ConciergeIdentity *self = CONCIERGE_IDENTITY (object);

  g_free (self->platform);
  g_free (self->server_url);
  g_free (self->remote_id);
  g_free (self->handle);
  g_free (self->display_name);

  G_OBJECT_CLASS (concierge_identity_parent_class)->finalize (object);
}

static void
concierge_identity_class_init (ConciergeIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_identity_finalize;
}

static void
concierge_identity_init (ConciergeIdentity *self)
{
}

ConciergeIdentity *
concierge_identity_new_empty (void)
{
  return g_object_new (CONCIERGE_TYPE_IDENTITY, NULL);
}

ConciergeIdentity *
concierge_identity_new (const char *platform,
                        const char *server_url,
                        const char *remote_id,
                        const char *handle,
                        const char *display_name)
{
  ConciergeIdentity *self;

  g_return_val_if_fail (platform != NULL, NULL);
  g_return_val_if_fail (remote_id != NULL, NULL);

  self = concierge_identity_new_empty ();
  self->platform = g_strdup (platform);
  self->server_url = g_strdup (server_url ? server_url : "");
  self->remote_id = g_strdup (remote_id);
  self->handle = g_strdup (handle ? handle : "");
  self->display_name = g_strdup (display_name ? display_name : "");

  return self;
}

gint64 concierge_identity_get_id (ConciergeIdentity *self) { return self->id; }
gint64 concierge_identity_get_contact_id (ConciergeIdentity *self) { return self->contact_id; }
const char *concierge_identity_get_platform (ConciergeIdentity *self) { return self->platform; }
const char *concierge_identity_get_server_url (ConciergeIdentity *self) { return self->server_url; }
const char *concierge_identity_get_remote_id (ConciergeIdentity *self) { return self->remote_id; }
const char *concierge_identity_get_handle (ConciergeIdentity *self) { return self->handle; }
const char *concierge_identity_get_display_name (ConciergeIdentity *self) { return self->display_name; }

/* Contact */

G_DEFINE_FINAL_TYPE (ConciergeContact, concierge_contact, G_TYPE_OBJECT)

static void
concierge_contact_finalize (GObject *object)
{
  ConciergeContact *self = CONCIERGE_CONTACT (object);

  for (guint i = 0; i < CONCIERGE_CONTACT_N_FIELDS; i++)
    g_free (self->fields[i]);
  g_clear_object (&self->identities);

  G_OBJECT_CLASS (concierge_contact_parent_class)->finalize (object);
}

static void
concierge_contact_class_init (ConciergeContactClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_contact_finalize;
}

static void
concierge_contact_init (ConciergeContact *self)
{
  self->identities = g_list_store_new (CONCIERGE_TYPE_IDENTITY);
  for (guint i = 0; i < CONCIERGE_CONTACT_N_FIELDS; i++)
    self->fields[i] = g_strdup ("");
}

ConciergeContact *
concierge_contact_new_empty (void)
{
  return g_object_new (CONCIERGE_TYPE_CONTACT, NULL);
}

/**
 * concierge_contact_new:
 *
 * A customer not yet in the store, as an import reads them.
 */
ConciergeContact *
concierge_contact_new (const char *name)
{
  ConciergeContact *self = concierge_contact_new_empty ();

  concierge_contact_set_field (self, CONCIERGE_CONTACT_NAME, name);
  return self;
}

gint64 concierge_contact_get_id (ConciergeContact *self) { return self->id; }
const char *concierge_contact_get_name (ConciergeContact *self) { return self->fields[CONCIERGE_CONTACT_NAME]; }
GListModel *concierge_contact_get_identities (ConciergeContact *self) { return G_LIST_MODEL (self->identities); }
/* As the agent chose it; unknown until then. */
ConciergeLanguage concierge_contact_get_language (ConciergeContact *self) { return self->language; }
ConciergeAddress concierge_contact_get_address (ConciergeContact *self) { return self->address; }
gint64 concierge_contact_get_created_at (ConciergeContact *self) { return self->created_at; }

const char *
concierge_contact_get_field (ConciergeContact     *self,
                             ConciergeContactField field)
{
  g_return_val_if_fail (CONCIERGE_IS_CONTACT (self), NULL);
  g_return_val_if_fail (field < CONCIERGE_CONTACT_N_FIELDS, NULL);

  return self->fields[field];
}

/**
 * concierge_contact_set_field:
 *
 * Sets a field as a person would have meant it: without the spaces around
 * it, and a list field in the one way it is written.
 */
void
concierge_contact_set_field (ConciergeContact     *self,
                             ConciergeContactField field,
                             const char           *value)
{
  g_auto(GStrv) items = NULL;

  g_return_if_fail (CONCIERGE_IS_CONTACT (self));
  g_return_if_fail (field < CONCIERGE_CONTACT_N_FIELDS);

  g_free (self->fields[field]);
  switch (field)
    {
    case CONCIERGE_CONTACT_CONTRACTS:
    case CONCIERGE_CONTACT_ORDERS:
    case CONCIERGE_CONTACT_TAGS:
      items = g_strsplit (value ? value : "", ",", -1);
      self->fields[field] = concierge_contact_join_list ((const char * const *) items);
      break;
    case CONCIERGE_CONTACT_NOTE:
      self->fields[field] = g_strdup (value ? value : "");
      break;
    case CONCIERGE_CONTACT_NAME:
    case CONCIERGE_CONTACT_EMAIL:
    case CONCIERGE_CONTACT_PHONE:
    case CONCIERGE_CONTACT_CUSTOMER_NUMBER:
    case CONCIERGE_CONTACT_N_FIELDS:
    default:
      self->fields[field] = g_strstrip (g_strdup (value ? value : ""));
      break;
    }
}

/**
 * concierge_contact_join_list:
 * @items: the items of a list field, perhaps with spaces and empty ones
 *
 * Returns: the items as a list field holds them: "a, b"
 */
char *
concierge_contact_join_list (const char * const *items)
{
  GString *joined = g_string_new ("");

  for (guint i = 0; items != NULL && items[i] != NULL; i++)
    {
      g_autofree char *item = g_strstrip (g_strdup (items[i]));

      if (item[0] == '\0')
        continue;
      if (joined->len > 0)
        g_string_append (joined, ", ");
      g_string_append (joined, item);
    }

  return g_string_free (joined, FALSE);
}

/**
 * concierge_contact_dup_list:
 *
 * Returns: (transfer full): the items of a list field
 */
char **
concierge_contact_dup_list (ConciergeContact     *self,
                            ConciergeContactField field)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) items = NULL;

  g_return_val_if_fail (CONCIERGE_IS_CONTACT (self), NULL);
  g_return_val_if_fail (field < CONCIERGE_CONTACT_N_FIELDS, NULL);

  items = g_strsplit (self->fields[field], ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_strstrip (items[i]);
      if (items[i][0] != '\0')
        g_strv_builder_add (builder, items[i]);
    }

  return g_strv_builder_end (builder);
}

void
concierge_contact_add_identity (ConciergeContact  *self,
                                ConciergeIdentity *identity)
{
  g_return_if_fail (CONCIERGE_IS_CONTACT (self));
  g_return_if_fail (CONCIERGE_IS_IDENTITY (identity));

  g_list_store_append (self->identities, identity);
}

void
concierge_contact_set_language (ConciergeContact *self,
                                ConciergeLanguage language,
                                ConciergeAddress  address)
{
  g_return_if_fail (CONCIERGE_IS_CONTACT (self));

  self->language = language;
  self->address = address;
}

/* Thread */

G_DEFINE_FINAL_TYPE (ConciergeThread, concierge_thread, G_TYPE_OBJECT)

static void
concierge_thread_finalize (GObject *object)
{
  ConciergeThread *self = CONCIERGE_THREAD (object);

  g_free (self->contact_name);
  g_free (self->platform);
  g_free (self->remote_id);
  g_free (self->snippet);
  g_clear_pointer (&self->row_facts, concierge_row_facts_unref);

  G_OBJECT_CLASS (concierge_thread_parent_class)->finalize (object);
}

static guint thread_changed_signal;

static void
concierge_thread_class_init (ConciergeThreadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_thread_finalize;

  /**
   * ConciergeThread::changed:
   *
   * The store has newer data for this thread, or its row finished loading.
   */
  thread_changed_signal =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

/* An inbox keeps one object per thread, so that views keep their widgets
 * for it; newer data from the store is copied into that object. */
void
concierge_thread_update_from (ConciergeThread *self,
                              ConciergeThread *newer)
{
  g_return_if_fail (CONCIERGE_IS_THREAD (self));
  g_return_if_fail (CONCIERGE_IS_THREAD (newer));
  g_return_if_fail (self->id == newer->id);

  if (self == newer)
    return;

  g_free (self->contact_name);
  g_free (self->platform);
  g_free (self->remote_id);
  g_free (self->snippet);
  self->account_id = newer->account_id;
  self->contact_id = newer->contact_id;
  self->contact_name = g_strdup (newer->contact_name);
  self->platform = g_strdup (newer->platform);
  self->visibility = newer->visibility;
  self->audience = newer->audience;
  self->remote_id = g_strdup (newer->remote_id);
  self->snippet = g_strdup (newer->snippet);
  self->status = newer->status;
  self->snooze_until = newer->snooze_until;
  self->waiting_since = newer->waiting_since;
  self->first_response_at = newer->first_response_at;
  self->last_activity_at = newer->last_activity_at;
  self->last_incoming_at = newer->last_incoming_at;
  self->moved_to_id = newer->moved_to_id;
  self->personal_data = newer->personal_data;
  concierge_thread_set_row_facts (self, newer->row_facts);
  self->unread = newer->unread;
  self->placeholder = newer->placeholder;

  g_signal_emit (self, thread_changed_signal, 0);
}

static void
concierge_thread_init (ConciergeThread *self)
{
}

ConciergeThread *
concierge_thread_new_empty (void)
{
  return g_object_new (CONCIERGE_TYPE_THREAD, NULL);
}

gint64 concierge_thread_get_id (ConciergeThread *self) { return self->id; }
gint64 concierge_thread_get_account_id (ConciergeThread *self) { return self->account_id; }
gint64 concierge_thread_get_contact_id (ConciergeThread *self) { return self->contact_id; }
const char *concierge_thread_get_contact_name (ConciergeThread *self) { return self->contact_name ? self->contact_name : ""; }
const char *concierge_thread_get_platform (ConciergeThread *self) { return self->platform ? self->platform : ""; }
ConciergeVisibility concierge_thread_get_visibility (ConciergeThread *self) { return self->visibility; }
/* Whom the customer's latest post reached, and a reply reaches; never unknown. */
ConciergeAudience concierge_thread_get_audience (ConciergeThread *self) { return concierge_audience_or_visibility (self->audience, self->visibility); }
const char *concierge_thread_get_remote_id (ConciergeThread *self) { return self->remote_id ? self->remote_id : ""; }
const char *concierge_thread_get_snippet (ConciergeThread *self) { return self->snippet ? self->snippet : ""; }
gboolean concierge_thread_is_complaint (ConciergeThread *self) { return self->complaint; }
ConciergeThreadStatus concierge_thread_get_status (ConciergeThread *self) { return self->status; }
gint64 concierge_thread_get_snooze_until (ConciergeThread *self) { return self->snooze_until; }
gint64 concierge_thread_get_waiting_since (ConciergeThread *self) { return self->waiting_since; }
gint64 concierge_thread_get_first_response_at (ConciergeThread *self) { return self->first_response_at; }
gint64 concierge_thread_get_last_activity_at (ConciergeThread *self) { return self->last_activity_at; }
/* When the customer last wrote, or 0: a platform's reply window counts from it. */
gint64 concierge_thread_get_last_incoming_at (ConciergeThread *self) { return self->last_incoming_at; }
gboolean concierge_thread_get_unread (ConciergeThread *self) { return self->unread; }
gint64 concierge_thread_get_moved_to_id (ConciergeThread *self) { return self->moved_to_id; }

/**
 * concierge_thread_get_personal_data:
 *
 * Returns: the kinds of personal data in the customer's messages, one bit
 *   each as the privacy detector numbers them; 0 for none
 */
guint concierge_thread_get_personal_data (ConciergeThread *self) { return self->personal_data; }

/* A row the inbox shows while its page loads. */
gboolean concierge_thread_is_placeholder (ConciergeThread *self) { return self->placeholder; }

/**
 * concierge_thread_get_row_facts:
 *
 * Returns: (transfer none) (nullable): what the thread's inbox row shows,
 *   as the store's worker worked it out when it read the thread; %NULL
 *   for a thread read without a row in mind
 */
ConciergeRowFacts *concierge_thread_get_row_facts (ConciergeThread *self) { return self->row_facts; }

/**
 * concierge_thread_set_row_facts:
 * @facts: (nullable) (transfer none): what the thread's inbox row shows
 *
 * For the store's worker, before it hands the thread over.
 */
void
concierge_thread_set_row_facts (ConciergeThread   *self,
                                ConciergeRowFacts *facts)
{
  g_return_if_fail (CONCIERGE_IS_THREAD (self));

  if (facts != NULL)
    concierge_row_facts_ref (facts);
  g_clear_pointer (&self->row_facts, concierge_row_facts_unref);
  self->row_facts = facts;
}

/**
 * concierge_thread_dup_reference:
 *
 * Returns: (transfer full): the thread's short reference, as the agent
 *   and the customer can quote it, like "#42"
 */
char *
concierge_thread_dup_reference (ConciergeThread *self)
{
  g_return_val_if_fail (CONCIERGE_IS_THREAD (self), NULL);

  return g_strdup_printf ("#%" G_GINT64_FORMAT, self->id);
}

/* Message */

G_DEFINE_FINAL_TYPE (ConciergeMessage, concierge_message, G_TYPE_OBJECT)

static void
concierge_message_finalize (GObject *object)
{
  ConciergeMessage *self = CONCIERGE_MESSAGE (object);

  g_free (self->remote_id);
  g_free (self->body);
  g_free (self->send_error);
  g_free (self->content_warning);
  g_free (self->personal_data);
  g_free (self->hidden_reason);
  g_free (self->moderation_error);
  g_free (self->thread_remote_id);
  g_clear_object (&self->author);
  g_clear_pointer (&self->images, g_ptr_array_unref);
  g_clear_pointer (&self->attachments, g_ptr_array_unref);

  G_OBJECT_CLASS (concierge_message_parent_class)->finalize (object);
}

static void
concierge_message_class_init (ConciergeMessageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_message_finalize;
}

static void
concierge_message_init (ConciergeMessage *self)
{
  self->send_state = CONCIERGE_SEND_SENT;
}

ConciergeMessage *
concierge_message_new_empty (void)
{
  return g_object_new (CONCIERGE_TYPE_MESSAGE, NULL);
}

ConciergeMessage *
concierge_message_new (const char        *remote_id,
                       ConciergeDirection direction,
                       const char        *body,
                       gint64             created_at)
{
  ConciergeMessage *self;

  g_return_val_if_fail (body != NULL, NULL);

  self = concierge_message_new_empty ();
  self->remote_id = g_strdup (remote_id);
  self->direction = direction;
  self->body = g_strdup (body);
  self->created_at = created_at;

  return self;
}

void
concierge_message_set_edited_at (ConciergeMessage *self,
                                 gint64            edited_at)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  self->edited_at = edited_at;
}

/**
 * concierge_message_set_content_warning:
 * @content_warning: (nullable): what the author warns of; %NULL or empty
 *   for none
 */
void
concierge_message_set_content_warning (ConciergeMessage *self,
                                       const char       *content_warning)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  g_free (self->content_warning);
  self->content_warning = content_warning && content_warning[0] ? g_strdup (content_warning) : NULL;
}

void
concierge_message_set_author (ConciergeMessage  *self,
                              ConciergeIdentity *author)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));
  g_return_if_fail (!author || CONCIERGE_IS_IDENTITY (author));

  g_set_object (&self->author, author);
}

gint64 concierge_message_get_id (ConciergeMessage *self) { return self->id; }
gint64 concierge_message_get_thread_id (ConciergeMessage *self) { return self->thread_id; }
const char *concierge_message_get_remote_id (ConciergeMessage *self) { return self->remote_id; }
ConciergeDirection concierge_message_get_direction (ConciergeMessage *self) { return self->direction; }
ConciergeIdentity *concierge_message_get_author (ConciergeMessage *self) { return self->author; }
const char *concierge_message_get_body (ConciergeMessage *self) { return self->body; }
gint64 concierge_message_get_created_at (ConciergeMessage *self) { return self->created_at; }
gint64 concierge_message_get_edited_at (ConciergeMessage *self) { return self->edited_at; }
ConciergeSendState concierge_message_get_send_state (ConciergeMessage *self) { return self->send_state; }
ConciergeVisibility concierge_message_get_visibility (ConciergeMessage *self) { return self->visibility; }
/* Whom the message reached, as the store knows it; never unknown. */
ConciergeAudience concierge_message_get_audience (ConciergeMessage *self) { return concierge_audience_or_visibility (self->audience, self->visibility); }

/**
 * concierge_message_set_audience:
 * @audience: whom the post reached, as the platform said
 *
 * Where a channel leaves it unknown, the conversation's visibility says it.
 */
void
concierge_message_set_audience (ConciergeMessage  *self,
                                ConciergeAudience  audience)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  self->audience = audience;
}
/* Why the last attempt to send failed, in words for the agent. */
const char *concierge_message_get_send_error (ConciergeMessage *self) { return self->send_error; }
/* Empty for none. */
const char *concierge_message_get_content_warning (ConciergeMessage *self) { return self->content_warning ? self->content_warning : ""; }

/**
 * concierge_message_get_personal_data:
 *
 * Returns: where personal data stands in the body, as the privacy detector
 *   wrote it down; empty for none, or before the message was scanned
 */
const char *concierge_message_get_personal_data (ConciergeMessage *self) { return self->personal_data ? self->personal_data : ""; }

/**
 * concierge_message_set_taken_down:
 * @taken_down: hidden for a post the platform says is hidden already
 *
 * A platform that shows hidden posts to the page says so as they come.
 */
void
concierge_message_set_taken_down (ConciergeMessage  *self,
                                  ConciergeTakenDown taken_down)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  self->taken_down = taken_down;
}

/**
 * concierge_message_get_taken_down:
 *
 * Returns: whether the platform hid or removed the post, for personal data;
 *   the cache keeps it for the agent
 */
ConciergeTakenDown concierge_message_get_taken_down (ConciergeMessage *self) { return self->taken_down; }

/**
 * concierge_message_set_thread_remote_id:
 * @thread_remote_id: (nullable): where a sent message landed on the
 *   platform, as the channel names threads
 *
 * A private message to a customer who had no private thread yet starts
 * one; the channel says which, when the platform tells it at once.
 */
void
concierge_message_set_thread_remote_id (ConciergeMessage *self,
                                        const char       *thread_remote_id)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  g_free (self->thread_remote_id);
  self->thread_remote_id = g_strdup (thread_remote_id);
}

const char *concierge_message_get_thread_remote_id (ConciergeMessage *self) { return self->thread_remote_id; }

/**
 * concierge_message_set_deleted_at:
 * @deleted_at: when the cache learnt that the author deleted the message
 *   on the platform; 0 while it stands
 */
void
concierge_message_set_deleted_at (ConciergeMessage *self,
                                  gint64            deleted_at)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  self->deleted_at = deleted_at;
}

gint64 concierge_message_get_deleted_at (ConciergeMessage *self) { return self->deleted_at; }
/* An internal note stands among the messages and never leaves the app. */
gboolean concierge_message_is_note (ConciergeMessage *self) { return self->note; }

/**
 * concierge_message_is_sent_elsewhere:
 *
 * Returns: whether the message, as the cache holds it, is one of the
 *   agent's that did not go out through this Concierge: written on the
 *   web, on a phone or in another app, and brought by the platform
 */
gboolean concierge_message_is_sent_elsewhere (ConciergeMessage *self) { return self->sent_elsewhere; }

/**
 * concierge_message_get_hidden_reason:
 *
 * Returns: (nullable): why a hidden message was hidden, as the audit log
 *   names it ("personal data", "spam", "abuse")
 */
const char *concierge_message_get_hidden_reason (ConciergeMessage *self) { return self->hidden_reason; }

/**
 * concierge_message_set_moderation_error:
 * @moderation_error: (nullable): why the platform refused the last hiding
 *   or showing again, in the channel's words; %NULL once one succeeded
 */
void
concierge_message_set_moderation_error (ConciergeMessage *self,
                                        const char       *moderation_error)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));

  g_free (self->moderation_error);
  self->moderation_error = g_strdup (moderation_error);
}

/**
 * concierge_message_get_moderation_error:
 *
 * Returns: (nullable): why the platform refused to hide the post (or, for
 *   a hidden one, to show it again), for the agent to read and try again
 */
const char *concierge_message_get_moderation_error (ConciergeMessage *self) { return self->moderation_error; }

void
concierge_message_add_image (ConciergeMessage *self,
                             ConciergeImage   *image)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));
  g_return_if_fail (CONCIERGE_IS_IMAGE (image));

  if (self->images == NULL)
    self->images = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->images, g_object_ref (image));
}

/**
 * concierge_message_get_images:
 *
 * Returns: (transfer none) (element-type ConciergeImage) (nullable): the
 *   message's images in their order, or %NULL for none
 */
GPtrArray *concierge_message_get_images (ConciergeMessage *self) { return self->images; }

void
concierge_message_add_attachment (ConciergeMessage    *self,
                                  ConciergeAttachment *attachment)
{
  g_return_if_fail (CONCIERGE_IS_MESSAGE (self));
  g_return_if_fail (CONCIERGE_IS_ATTACHMENT (attachment));

  if (self->attachments == NULL)
    self->attachments = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (self->attachments, g_object_ref (attachment));
}

/**
 * concierge_message_get_attachments:
 *
 * Returns: (transfer none) (element-type ConciergeAttachment) (nullable):
 *   the files the message brings in their order, or %NULL for none
 */
GPtrArray *concierge_message_get_attachments (ConciergeMessage *self) { return self->attachments; }

/* Image */

G_DEFINE_FINAL_TYPE (ConciergeImage, concierge_image, G_TYPE_OBJECT)

static void
concierge_image_finalize (GObject *object)
{
  ConciergeImage *self = CONCIERGE_IMAGE (object);

  g_free (self->source);
  g_free (self->description);

  G_OBJECT_CLASS (concierge_image_parent_class)->finalize (object);
}

static void
concierge_image_class_init (ConciergeImageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_image_finalize;
}

static void
concierge_image_init (ConciergeImage *self)
{
}

ConciergeImage *
concierge_image_new_empty (void)
{
  return g_object_new (CONCIERGE_TYPE_IMAGE, NULL);
}

/**
 * concierge_image_new:
 * @source: where the platform keeps the image, in the channel's own terms:
 *   an address, or a file id
 * @description: (nullable): the author's description of it, for those who
 *   cannot see it
 * @width: in pixels as the platform said, or 0
 * @height: in pixels as the platform said, or 0
 */
ConciergeImage *
concierge_image_new (const char *source,
                     const char *description,
                     guint       width,
                     guint       height)
{
  ConciergeImage *self;

  g_return_val_if_fail (source != NULL, NULL);

  self = concierge_image_new_empty ();
  self->source = g_strdup (source);
  self->description = g_strdup (description ? description : "");
  self->width = width;
  self->height = height;

  return self;
}

/* The store's id, once it keeps the image. */
gint64 concierge_image_get_id (ConciergeImage *self) { return self->id; }
const char *concierge_image_get_source (ConciergeImage *self) { return self->source; }
/* Empty for none. */
const char *concierge_image_get_description (ConciergeImage *self) { return self->description; }
guint concierge_image_get_width (ConciergeImage *self) { return self->width; }
guint concierge_image_get_height (ConciergeImage *self) { return self->height; }
ConciergeImageState concierge_image_get_state (ConciergeImage *self) { return self->state; }

/* Saved reply */

G_DEFINE_FINAL_TYPE (ConciergeSavedReply, concierge_saved_reply, G_TYPE_OBJECT)

static void
concierge_saved_reply_finalize (GObject *object)
{
  ConciergeSavedReply *self = CONCIERGE_SAVED_REPLY (object);

  g_free (self->title);
  g_free (self->text);

  G_OBJECT_CLASS (concierge_saved_reply_parent_class)->finalize (object);
}

static void
concierge_saved_reply_class_init (ConciergeSavedReplyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = concierge_saved_reply_finalize;
}

static void
concierge_saved_reply_init (ConciergeSavedReply *self)
{
}

/**
 * concierge_saved_reply_new:
 * @text: what the agent sends, with variables such as
 *   {customer.first_name} that the composer fills in
 * @language: the language it is written in
 * @address: the form of address it uses
 *
 * Returns: (transfer full): a reply the store does not keep yet: its id
 *   is 0 until it is saved
 */
ConciergeSavedReply *
concierge_saved_reply_new (const char        *title,
                           const char        *text,
                           ConciergeLanguage  language,
                           ConciergeAddress   address)
{
  ConciergeSavedReply *self;

  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_SAVED_REPLY, NULL);
  self->title = g_strdup (title);
  self->text = g_strdup (text);
  self->language = language;
  self->address = address;

  return self;
}

/**
 * concierge_saved_reply_copy:
 *
 * Returns: (transfer full): a copy to change, which the store knows by the
 *   same id
 */
ConciergeSavedReply *
concierge_saved_reply_copy (ConciergeSavedReply *self)
{
  ConciergeSavedReply *copy;

  g_return_val_if_fail (CONCIERGE_IS_SAVED_REPLY (self), NULL);

  copy = concierge_saved_reply_new (self->title, self->text, self->language, self->address);
  copy->id = self->id;
  copy->updated_at = self->updated_at;
  return copy;
}

/* The store's id, or 0 for a reply it does not keep. */
gint64 concierge_saved_reply_get_id (ConciergeSavedReply *self) { return self->id; }
const char *concierge_saved_reply_get_title (ConciergeSavedReply *self) { return self->title; }
const char *concierge_saved_reply_get_text (ConciergeSavedReply *self) { return self->text; }
ConciergeLanguage concierge_saved_reply_get_language (ConciergeSavedReply *self) { return self->language; }
ConciergeAddress concierge_saved_reply_get_address (ConciergeSavedReply *self) { return self->address; }
/* When the store last saved it, or 0. */
gint64 concierge_saved_reply_get_updated_at (ConciergeSavedReply *self) { return self->updated_at; }

void
concierge_saved_reply_set_title (ConciergeSavedReply *self,
                                 const char          *title)
{
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY (self));
  g_return_if_fail (title != NULL);

  g_free (self->title);
  self->title = g_strdup (title);
}

void
concierge_saved_reply_set_text (ConciergeSavedReply *self,
                                const char          *text)
{
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY (self));
  g_return_if_fail (text != NULL);

  g_free (self->text);
  self->text = g_strdup (text);
}

void
concierge_saved_reply_set_language (ConciergeSavedReply *self,
                                    ConciergeLanguage    language)
{
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY (self));

  self->language = language;
}

void
concierge_saved_reply_set_address (ConciergeSavedReply *self,
                                   ConciergeAddress     address)
{
  g_return_if_fail (CONCIERGE_IS_SAVED_REPLY (self));

  self->address = address;
}

/* JSON from elsewhere */

/**
 * concierge_json_within_depth:
 * @data: JSON text, not necessarily valid
 *
 * json-glib parses recursively, so text nested deeply enough exhausts the
 * stack; what comes from a server or a shared file is measured first.
 *
 * Returns: whether arrays and objects nest at most @max_depth deep
 */
gboolean
concierge_json_within_depth (const char *data,
                             gsize       length,
                             guint       max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      if (in_string)
        {
          if (data[i] == '\\')
            i++;
          else if (data[i] == '"')
            in_string = FALSE;
        }
      else if (data[i] == '"')
        in_string = TRUE;
      else if (data[i] == '[' || data[i] == '{')
        {
          if (++depth > max_depth)
            return FALSE;
        }
      else if ((data[i] == ']' || data[i] == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* A phone number such as "+49 30 1234" stays as it is: a sign before a
 * digit makes no formula that could do harm. */
static gboolean
starts_like_formula (const char *cell)
{
  if (cell[0] == '=' || cell[0] == '@' || cell[0] == '\t' || cell[0] == '\r')
    return TRUE;
  if (cell[0] == '+' || cell[0] == '-')
    return !g_ascii_isdigit (cell[1]) && cell[1] != ' ' && cell[1] != '\0';
  return FALSE;
}

/**
 * concierge_csv_append_row:
 * @csv: the file so far
 * @cells: (array length=n_cells): the row's values; NULL for empty
 *
 * Appends a row as RFC 4180 has it, ending in CRLF. A spreadsheet would run a
 * value that starts like a formula, and a customer writes what they like, so
 * such a value gets a leading apostrophe, which keeps it text.
 */
void
concierge_csv_append_row (GString            *csv,
                          const char * const *cells,
                          gsize               n_cells)
{
  for (gsize i = 0; i < n_cells; i++)
    {
      const char *cell = cells[i] ? cells[i] : "";

      if (i > 0)
        g_string_append_c (csv, ',');
      g_string_append_c (csv, '"');
      if (starts_like_formula (cell))
        g_string_append_c (csv, '\'');
      for (const char *p = cell; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (csv, '"');
          g_string_append_c (csv, *p);
        }
      g_string_append_c (csv, '"');
    }
  g_string_append (csv, "\r\n");
}
