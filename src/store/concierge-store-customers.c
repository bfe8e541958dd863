/* concierge-store-customers.c
 *
 * Customers: their profiles, merging their identities, and tags.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "concierge-store-private.h"

/* A customer's language and form of address: NULL until the agent chose. */

static ConciergeLanguage
language_from_column (sqlite3_stmt *stmt,
                      int           column)
{
  ConciergeLanguage language = CONCIERGE_LANGUAGE_UNKNOWN;

  concierge_language_from_string ((const char *) sqlite3_column_text (stmt, column), &language);
  return language;
}

static ConciergeAddress
address_from_column (sqlite3_stmt *stmt,
                     int           column)
{
  ConciergeAddress address = CONCIERGE_ADDRESS_UNKNOWN;

  concierge_address_from_string ((const char *) sqlite3_column_text (stmt, column), &address);
  return address;
}

/* The profile's columns, in the order of ConciergeContactField. */
static const char * const contact_columns[] = {
  [CONCIERGE_CONTACT_NAME] = "name",
  [CONCIERGE_CONTACT_EMAIL] = "email",
  [CONCIERGE_CONTACT_PHONE] = "phone",
  [CONCIERGE_CONTACT_CUSTOMER_NUMBER] = "customer_number",
  [CONCIERGE_CONTACT_CONTRACTS] = "contracts",
  [CONCIERGE_CONTACT_ORDERS] = "orders",
  [CONCIERGE_CONTACT_TAGS] = "tags",
  [CONCIERGE_CONTACT_NOTE] = "note",
};
G_STATIC_ASSERT (G_N_ELEMENTS (contact_columns) == CONCIERGE_CONTACT_N_FIELDS);

#define CONTACT_COLUMNS \
  "c.id, c.language, c.address, c.created_at, c.name, c.email, c.phone, c.customer_number, " \
  "c.contracts, c.orders, c.tags, c.note FROM contacts c "

/* A contact with its identities, or NULL with @error set. */
static ConciergeContact *
store_load_contact (ConciergeStore  *self,
                    gint64           contact_id,
                    GError         **error)
{
  static const char contact_sql[] = "SELECT " CONTACT_COLUMNS "WHERE c.id = ?";
  static const char identities_sql[] =
    "SELECT " IDENTITY_COLUMNS " FROM identities i WHERE i.contact_id = ? ORDER BY i.id";
  g_autoptr(ConciergeContact) contact = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, contact_sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      contact = concierge_contact_new_empty ();
      contact->id = sqlite3_column_int64 (stmt, 0);
      contact->language = language_from_column (stmt, 1);
      contact->address = address_from_column (stmt, 2);
      contact->created_at = sqlite3_column_int64 (stmt, 3);
      for (guint i = 0; i < CONCIERGE_CONTACT_N_FIELDS; i++)
        concierge_contact_set_field (contact, i, (const char *) sqlite3_column_text (stmt, 4 + i));
    }
  sqlite3_reset (stmt);

  if (contact == NULL)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "No contact %" G_GINT64_FORMAT, contact_id);
      return NULL;
    }

  if (!(stmt = store_prepare (self, identities_sql, error)))
    return NULL;
  sqlite3_bind_int64 (stmt, 1, contact_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(ConciergeIdentity) identity = identity_from_row (stmt, 0);

      g_list_store_append (contact->identities, identity);
    }
  sqlite3_reset (stmt);

  return g_steal_pointer (&contact);
}

static void
load_contact_job (ConciergeStore *self,
                  GTask          *task,
                  gpointer        data)
{
  GError *error = NULL;
  ConciergeContact *contact = store_load_contact (self, *(gint64 *) data, &error);

  if (contact == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, contact, g_object_unref);
}

void
concierge_store_load_contact_async (ConciergeStore      *self,
                                    gint64               contact_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_contact_async, G_PRIORITY_DEFAULT,
             load_contact_job, g_memdup2 (&contact_id, sizeof contact_id), g_free,
             cancellable, callback, user_data);
}

ConciergeContact *
concierge_store_load_contact_finish (ConciergeStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_contact_async, error);
}

/* The language a customer is written to in, and the form of address. */
typedef struct
{
  gint64            contact_id;
  ConciergeLanguage language;
  ConciergeAddress  address;
} ContactLanguage;

static void
set_contact_language_job (ConciergeStore *self,
                          GTask          *task,
                          gpointer        data)
{
  static const char sql[] = "UPDATE contacts SET language = ?, address = ? WHERE id = ?";
  ContactLanguage *choice = data;
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bind_text (stmt, 1, concierge_language_to_string (choice->language));
  bind_text (stmt, 2, concierge_address_to_string (choice->address));
  sqlite3_bind_int64 (stmt, 3, choice->contact_id);
  store_notify_change (self, CONTACT_CHANGED, choice->contact_id);
  run_statement (self, task, stmt, 0);
}

/**
 * concierge_store_set_contact_language_async:
 *
 * Keeps the language a customer is written to in, and in German the form
 * of address, as the agent chose them.
 */
void
concierge_store_set_contact_language_async (ConciergeStore      *self,
                                            gint64               contact_id,
                                            ConciergeLanguage    language,
                                            ConciergeAddress     address,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  ContactLanguage *choice;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  choice = g_new0 (ContactLanguage, 1);
  choice->contact_id = contact_id;
  choice->language = language;
  choice->address = address;
  store_run (self, concierge_store_set_contact_language_async, G_PRIORITY_DEFAULT, set_contact_language_job,
             choice, g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_set_contact_language_finish (ConciergeStore  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_set_contact_language_async, error);
}

/* Customers */

void
concierge_merge_suggestion_free (ConciergeMergeSuggestion *suggestion)
{
  g_clear_object (&suggestion->contact);
  g_free (suggestion);
}

/* Runs each of @sql, whose parameters ?1 and ?2 are @a and @b. */
gboolean
store_run_each (ConciergeStore     *self,
                const char * const *sql,
                gsize               n_sql,
                gint64              a,
                gint64              b,
                GError            **error)
{
  for (gsize i = 0; i < n_sql; i++)
    {
      sqlite3_stmt *stmt;

      if (!(stmt = store_prepare (self, sql[i], error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, a);
      if (sqlite3_bind_parameter_count (stmt) > 1)
        sqlite3_bind_int64 (stmt, 2, b);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Adds the threads that @sql, whose parameter is @id, names to @touched. */
gboolean
store_collect_ids (ConciergeStore  *self,
                   const char      *sql,
                   gint64           id,
                   GHashTable      *touched,
                   GError         **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 value = sqlite3_column_int64 (stmt, 0);

      g_hash_table_add (touched, g_memdup2 (&value, sizeof value));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return FALSE;
    }
  return TRUE;
}

GHashTable *
id_set_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

/* A statement on one field of the profile, named by {} in @pattern. The
 * store keeps a statement by the address of its text, so the text is
 * interned. */
static const char *
field_sql (const char            *pattern,
           ConciergeContactField  field)
{
  g_auto(GStrv) parts = g_strsplit (pattern, "{}", -1);
  g_autofree char *sql = g_strjoinv (contact_columns[field], parts);

  return g_intern_string (sql);
}

/* One field of a customer's profile, as the agent edited it. */
typedef struct
{
  gint64                contact_id;
  ConciergeContactField field;
  char                 *value;
} ContactField;

static void
contact_field_free (gpointer data)
{
  ContactField *edit = data;

  g_free (edit->value);
  g_free (edit);
}

static gboolean
write_contact_field (ConciergeStore  *self,
                     gpointer         data,
                     StoreChanges    *changes,
                     GError         **error)
{
  ContactField *edit = data;
  const char *sql = field_sql ("UPDATE contacts SET {} = ? WHERE id = ?", edit->field);
  g_autoptr(ConciergeContact) normal = concierge_contact_new ("");
  sqlite3_stmt *stmt;

  /* The store keeps a field as the model writes it. */
  concierge_contact_set_field (normal, edit->field, edit->value);

  if (!(stmt = store_prepare (self, sql, error)))
    return FALSE;
  bind_text (stmt, 1, concierge_contact_get_field (normal, edit->field));
  sqlite3_bind_int64 (stmt, 2, edit->contact_id);
  if (!store_step_done (self, stmt, error) ||
      (edit->field == CONCIERGE_CONTACT_NAME &&
       !store_collect_ids (self, "SELECT id FROM threads WHERE contact_id = ?", edit->contact_id, changes->threads,
                           error)))
    return FALSE;

  store_changes_add_contact (changes, edit->contact_id);
  return TRUE;
}

static void
set_contact_field_job (ConciergeStore *self,
                       GTask          *task,
                       gpointer        data)
{
  store_write_task (self, task, write_contact_field, data);
}

/**
 * concierge_store_set_contact_field_async:
 *
 * Changes one field of a customer's profile, as the agent edited it.
 */
void
concierge_store_set_contact_field_async (ConciergeStore       *self,
                                         gint64                contact_id,
                                         ConciergeContactField field,
                                         const char           *value,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data)
{
  ContactField *edit;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (field < CONCIERGE_CONTACT_N_FIELDS);
  g_return_if_fail (field != CONCIERGE_CONTACT_NAME || (value != NULL && value[0] != '\0'));

  edit = g_new0 (ContactField, 1);
  edit->contact_id = contact_id;
  edit->field = field;
  edit->value = g_strdup (value);
  store_run (self, concierge_store_set_contact_field_async, G_PRIORITY_DEFAULT,
             set_contact_field_job, edit, contact_field_free, cancellable, callback, user_data);
}

gboolean
concierge_store_set_contact_field_finish (ConciergeStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_set_contact_field_async, error);
}

/* Fails unless @id is a contact that is not merged into another. */
static gboolean
check_contact_shown (ConciergeStore  *self,
                     gint64           id,
                     GError         **error)
{
  gint64 shown;

  if (!store_count (self, "SELECT count(*) FROM contacts WHERE id = ? AND merged_into IS NULL",
                    id, &shown, error))
    return FALSE;
  if (!shown)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "No contact %" G_GINT64_FORMAT " to merge", id);
      return FALSE;
    }
  return TRUE;
}

/* Two contacts that are one customer: the one that stays, and the one
 * merged into it. */
typedef struct
{
  gint64 keep_id;
  gint64 merge_id;
} Merge;

static gboolean
write_merge (ConciergeStore  *self,
             gpointer         data,
             StoreChanges    *changes,
             GError         **error)
{
  static const char * const moves[] = {
    "UPDATE identities SET merged_from = ?2, contact_id = ?1 WHERE contact_id = ?2",
    "UPDATE threads SET merged_from = ?2, contact_id = ?1 WHERE contact_id = ?2",
    "UPDATE notes SET contact_id = ?1 WHERE contact_id = ?2",
    /* Those merged into the one merged away now hide behind the one that stays. */
    "UPDATE contacts SET merged_into = ?1 WHERE merged_into = ?2",
    "UPDATE contacts SET merged_into = ?1 WHERE id = ?2",
  };
  Merge *pair = data;
  g_autoptr(ConciergeContact) keep = NULL;
  g_autoptr(ConciergeContact) merge = NULL;
  guint filled = 0;

  if (!check_contact_shown (self, pair->keep_id, error) ||
      !check_contact_shown (self, pair->merge_id, error) ||
      !(keep = store_load_contact (self, pair->keep_id, error)) ||
      !(merge = store_load_contact (self, pair->merge_id, error)) ||
      !store_collect_ids (self, "SELECT id FROM threads WHERE contact_id = ?", pair->merge_id, changes->threads,
                          error))
    return FALSE;

  /* What the agent knew only of the one merged away is not hidden with it.
   * Undoing the merge empties these fields again. */
  for (guint i = CONCIERGE_CONTACT_NAME + 1; i < CONCIERGE_CONTACT_N_FIELDS; i++)
    {
      sqlite3_stmt *stmt;

      if (concierge_contact_get_field (keep, i)[0] != '\0' || concierge_contact_get_field (merge, i)[0] == '\0')
        continue;
      if (!(stmt = store_prepare (self, field_sql ("UPDATE contacts SET {} = "
                                                   "(SELECT {} FROM contacts WHERE id = ?2) WHERE id = ?1", i),
                                  error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, pair->keep_id);
      sqlite3_bind_int64 (stmt, 2, pair->merge_id);
      if (!store_step_done (self, stmt, error))
        return FALSE;
      filled |= 1u << i;
    }

  if (!store_run_each (self, moves, G_N_ELEMENTS (moves), pair->keep_id, pair->merge_id, error) ||
      !store_run_each (self, (const char * const[]) { "UPDATE contacts SET merge_filled = ?2 WHERE id = ?1" }, 1,
                       pair->merge_id, filled, error))
    return FALSE;

  store_changes_add_contact (changes, pair->keep_id);
  store_changes_add_contact (changes, pair->merge_id);
  return TRUE;
}

static void
merge_contacts_job (ConciergeStore *self,
                    GTask          *task,
                    gpointer        data)
{
  Merge *pair = data;

  if (pair->keep_id == pair->merge_id)
    g_task_return_boolean (task, TRUE);
  else
    store_write_task (self, task, write_merge, pair);
}

/**
 * concierge_store_merge_contacts_async:
 * @keep_id: the contact that stays
 * @merge_id: the contact whose identities, threads and notes move to it
 *
 * Makes two contacts one customer, when the same person writes on several
 * platforms. concierge_store_undo_merge_async() with @merge_id undoes it.
 */
void
concierge_store_merge_contacts_async (ConciergeStore      *self,
                                      gint64               keep_id,
                                      gint64               merge_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Merge *pair;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  pair = g_new0 (Merge, 1);
  pair->keep_id = keep_id;
  pair->merge_id = merge_id;
  store_run (self, concierge_store_merge_contacts_async, G_PRIORITY_DEFAULT, merge_contacts_job,
             pair, g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_merge_contacts_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_merge_contacts_async, error);
}

/* Gives the contact merged away back its identities and their threads: a
 * thread goes with the identity whose messages it holds, and one without
 * customer messages back where it came from. */
static gboolean
undo_merge (ConciergeStore  *self,
            gint64           merged_id,
            GHashTable      *touched,
            gint64          *kept_id,
            GError         **error)
{
  static const char * const moves[] = {
    "UPDATE identities SET contact_id = ?1, merged_from = NULL WHERE contact_id = ?2 AND merged_from = ?1",
    "UPDATE threads SET contact_id = ?1, merged_from = NULL WHERE contact_id = ?2 AND ("
    "  EXISTS (SELECT 1 FROM messages m JOIN identities i ON i.id = m.author_identity_id "
    "          WHERE m.thread_id = threads.id AND i.contact_id = ?1) "
    "  OR (merged_from = ?1 AND NOT EXISTS (SELECT 1 FROM messages m JOIN identities i "
    "      ON i.id = m.author_identity_id WHERE m.thread_id = threads.id AND i.contact_id = ?2)))",
  };
  gint64 keep_id, filled;

  if (!store_count (self, "SELECT merged_into FROM contacts WHERE id = ?", merged_id, &keep_id, error) ||
      !store_count (self, "SELECT merge_filled FROM contacts WHERE id = ?", merged_id, &filled, error))
    return FALSE;
  if (keep_id == 0)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "Contact %" G_GINT64_FORMAT " is not merged", merged_id);
      return FALSE;
    }
  *kept_id = keep_id;

  if (!store_collect_ids (self, "SELECT id FROM threads WHERE contact_id = ?", keep_id, touched, error) ||
      !store_run_each (self, moves, G_N_ELEMENTS (moves), merged_id, keep_id, error))
    return FALSE;

  for (guint i = CONCIERGE_CONTACT_NAME + 1; i < CONCIERGE_CONTACT_N_FIELDS; i++)
    {
      const char *sql;

      if (!(filled & (1u << i)))
        continue;
      sql = field_sql ("UPDATE contacts SET {} = '' WHERE id = ?2 AND {} = "
                       "(SELECT {} FROM contacts WHERE id = ?1)", i);
      if (!store_run_each (self, (const char * const[]) { sql }, 1, merged_id, keep_id, error))
        return FALSE;
    }

  return store_run_each (self, (const char * const[]) {
                           "UPDATE contacts SET merged_into = NULL, merge_filled = 0 WHERE id = ?1" },
                         1, merged_id, 0, error);
}

static gboolean
write_undo_merge (ConciergeStore  *self,
                  gpointer         data,
                  StoreChanges    *changes,
                  GError         **error)
{
  gint64 merged_id = *(gint64 *) data;
  gint64 keep_id = 0;

  if (!undo_merge (self, merged_id, changes->threads, &keep_id, error))
    return FALSE;
  store_changes_add_contact (changes, merged_id);
  store_changes_add_contact (changes, keep_id);
  return TRUE;
}

static void
undo_merge_job (ConciergeStore *self,
                GTask          *task,
                gpointer        data)
{
  store_write_task (self, task, write_undo_merge, data);
}

/**
 * concierge_store_undo_merge_async:
 * @merged_id: the contact that was merged into another
 *
 * Separates the two contacts of a merge again, as they were, with what
 * each has received since.
 */
void
concierge_store_undo_merge_async (ConciergeStore      *self,
                                  gint64               merged_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_undo_merge_async, G_PRIORITY_DEFAULT, undo_merge_job,
             g_memdup2 (&merged_id, sizeof merged_id), g_free, cancellable, callback, user_data);
}

gboolean
concierge_store_undo_merge_finish (ConciergeStore  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_undo_merge_async, error);
}

/* An identity to take out of its customer's profile, the customer, and the
 * contact it then belongs to. */
typedef struct
{
  gint64 identity_id;
  gint64 contact_id;
  gint64 new_id;
} Separation;

static gboolean
write_separation (ConciergeStore  *self,
                  gpointer         data,
                  StoreChanges    *changes,
                  GError         **error)
{
  static const char identity_sql[] =
    "SELECT i.contact_id, i.merged_from, i.platform, i.display_name, i.handle, i.remote_id, "
    "  (SELECT count(*) FROM identities WHERE contact_id = i.contact_id), "
    "  (SELECT count(*) FROM identities WHERE contact_id = i.contact_id AND merged_from = i.merged_from), "
    "  (SELECT merged_into FROM contacts WHERE id = i.merged_from) "
    "FROM identities i WHERE i.id = ?";
  static const char contact_sql[] = "INSERT INTO contacts (name, created_at) VALUES (?, ?)";
  static const char identity_move_sql[] =
    "UPDATE identities SET contact_id = ?2, merged_from = NULL WHERE id = ?1";
  /* The threads with this identity's messages, and those without any
   * customer's message on its platform, unless another identity of the
   * customer is on that platform too. */
  static const char threads_move_sql[] =
    "UPDATE threads SET contact_id = ?2, merged_from = NULL WHERE contact_id = ?3 AND ("
    "  EXISTS (SELECT 1 FROM messages m WHERE m.thread_id = threads.id AND m.author_identity_id = ?1) "
    "  OR (NOT EXISTS (SELECT 1 FROM messages m JOIN identities i ON i.id = m.author_identity_id "
    "                  WHERE m.thread_id = threads.id AND i.contact_id = ?3) "
    "      AND (SELECT platform FROM accounts WHERE id = threads.account_id) = "
    "          (SELECT platform FROM identities WHERE id = ?1) "
    "      AND NOT EXISTS (SELECT 1 FROM identities o WHERE o.contact_id = ?3 "
    "                      AND o.platform = (SELECT platform FROM identities WHERE id = ?1))))";
  static const char distinct_sql[] =
    "INSERT OR IGNORE INTO distinct_contacts (contact_id, other_contact_id) VALUES (?1, ?2), (?2, ?1)";
  Separation *separation = data;
  gint64 merged_from = 0, merged_into = 0;
  gint64 n_identities = 0, n_from_merge = 0;
  g_autofree char *name = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, identity_sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, separation->identity_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      separation->contact_id = sqlite3_column_int64 (stmt, 0);
      merged_from = sqlite3_column_int64 (stmt, 1);
      for (int column = 3; column <= 5 && name == NULL; column++)
        if (sqlite3_column_bytes (stmt, column) > 0)
          name = column_dup (stmt, column);
      n_identities = sqlite3_column_int64 (stmt, 6);
      n_from_merge = sqlite3_column_int64 (stmt, 7);
      merged_into = sqlite3_column_int64 (stmt, 8);
    }
  sqlite3_reset (stmt);

  if (n_identities < 2)
    {
      g_set_error (error, CONCIERGE_STORE_ERROR, CONCIERGE_STORE_ERROR_NOT_FOUND,
                   "Identity %" G_GINT64_FORMAT " is its customer's only one", separation->identity_id);
      return FALSE;
    }

  /* The last identity that came with a merge takes the contact it came
   * from back out of hiding, with what the agent knew of it. */
  if (merged_from != 0 && merged_into == separation->contact_id && n_from_merge == 1)
    {
      separation->new_id = merged_from;
      if (!undo_merge (self, merged_from, changes->threads, &merged_into, error) ||
          !store_run_each (self, (const char * const[]) { distinct_sql }, 1, separation->contact_id,
                           separation->new_id, error))
        return FALSE;
    }
  else
    {
      if (!(stmt = store_prepare (self, contact_sql, error)))
        return FALSE;
      bind_text (stmt, 1, name);
      sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
      if (!store_step_done (self, stmt, error))
        return FALSE;
      separation->new_id = sqlite3_last_insert_rowid (store_db (self));

      if (!store_collect_ids (self, "SELECT id FROM threads WHERE contact_id = ?", separation->contact_id,
                              changes->threads, error) ||
          !store_run_each (self, (const char * const[]) { distinct_sql }, 1, separation->contact_id,
                           separation->new_id, error) ||
          !store_run_each (self, (const char * const[]) { identity_move_sql }, 1, separation->identity_id,
                           separation->new_id, error) ||
          !(stmt = store_prepare (self, threads_move_sql, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, separation->identity_id);
      sqlite3_bind_int64 (stmt, 2, separation->new_id);
      sqlite3_bind_int64 (stmt, 3, separation->contact_id);
      if (!store_step_done (self, stmt, error))
        return FALSE;
    }

  store_changes_add_contact (changes, separation->contact_id);
  store_changes_add_contact (changes, separation->new_id);
  return TRUE;
}

static void
separate_identity_job (ConciergeStore *self,
                       GTask          *task,
                       gpointer        data)
{
  Separation *separation = data;
  GError *error = NULL;

  if (!store_write (self, write_separation, separation, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, separation->new_id);
}

/**
 * concierge_store_separate_identity_async:
 *
 * Takes one of a customer's identities out of their profile, with its
 * threads, when it is somebody else after all. The two are not suggested
 * for a merge again.
 */
void
concierge_store_separate_identity_async (ConciergeStore      *self,
                                         gint64               identity_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  Separation *separation;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  separation = g_new0 (Separation, 1);
  separation->identity_id = identity_id;
  store_run (self, concierge_store_separate_identity_async, G_PRIORITY_DEFAULT, separate_identity_job,
             separation, g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_separate_identity_finish:
 *
 * Returns: the contact the identity now belongs to, or 0 with @error set
 */
gint64
concierge_store_separate_identity_finish (ConciergeStore  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  gssize id = store_finish_int (self, result, concierge_store_separate_identity_async, error);

  return MAX (id, 0);
}

/* A phone number as written in different ways: its digits, and only the
 * last nine of a long one, which leave out a country or trunk prefix
 * ("+49 170 1234567" and "0170 1234567"). */
static char *
phone_key (const char *phone)
{
  GString *digits = g_string_new ("");

  for (const char *p = phone; *p != '\0'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  if (digits->len > 9)
    g_string_erase (digits, 0, digits->len - 9);
  return g_string_free (digits, FALSE);
}

static void
add_suggestion (ConciergeStore       *self,
                GPtrArray            *suggestions,
                GHashTable           *seen,
                gint64                contact_id,
                ConciergeMergeReason  reason,
                GError              **error)
{
  ConciergeMergeSuggestion *suggestion;
  ConciergeContact *contact;

  if (g_hash_table_contains (seen, &contact_id))
    return;
  if (!(contact = store_load_contact (self, contact_id, error)))
    return;

  g_hash_table_add (seen, g_memdup2 (&contact_id, sizeof contact_id));
  suggestion = g_new0 (ConciergeMergeSuggestion, 1);
  suggestion->contact = contact;
  suggestion->reason = reason;
  g_ptr_array_add (suggestions, suggestion);
}

#define SUGGESTABLE \
  "d.merged_into IS NULL AND d.id != ?1 AND NOT EXISTS " \
  "(SELECT 1 FROM distinct_contacts WHERE contact_id = ?1 AND other_contact_id = d.id) "

static void
load_merge_suggestions_job (ConciergeStore *self,
                            GTask          *task,
                            gpointer        data)
{
  /* Strongest first: a shared address or number says more than a name. */
  static const struct {
    ConciergeMergeReason reason;
    const char *sql;
  } rules[] = {
    { CONCIERGE_MERGE_SAME_EMAIL,
      "SELECT d.id, '' FROM contacts d, contacts c WHERE c.id = ?1 AND c.email != '' "
      "AND d.email = c.email COLLATE NOCASE AND " SUGGESTABLE },
    { CONCIERGE_MERGE_SAME_CUSTOMER_NUMBER,
      "SELECT d.id, '' FROM contacts d, contacts c WHERE c.id = ?1 AND c.customer_number != '' "
      "AND d.customer_number = c.customer_number COLLATE NOCASE AND " SUGGESTABLE },
    { CONCIERGE_MERGE_SAME_PHONE,
      "SELECT d.id, d.phone FROM contacts d WHERE d.phone != '' AND " SUGGESTABLE },
    /* The same name on two platforms: on one platform, two accounts are
     * two people. */
    { CONCIERGE_MERGE_SAME_NAME,
      "SELECT DISTINCT d.id, '' FROM contacts d JOIN identities i ON i.contact_id = d.id "
      "JOIN identities j ON j.contact_id = ?1 AND j.platform != i.platform "
      "WHERE j.display_name != '' AND i.display_name = j.display_name COLLATE NOCASE AND " SUGGESTABLE
      "AND NOT EXISTS (SELECT 1 FROM identities a JOIN identities b ON a.platform = b.platform "
      "                WHERE a.contact_id = d.id AND b.contact_id = ?1)" },
    /* A customer known by name only, say from an address book. */
    { CONCIERGE_MERGE_SAME_CUSTOMER_NAME,
      "SELECT d.id, '' FROM contacts d, contacts c WHERE c.id = ?1 AND d.name = c.name COLLATE NOCASE "
      "AND " SUGGESTABLE
      "AND NOT EXISTS (SELECT 1 FROM identities a JOIN identities b ON a.platform = b.platform "
      "                WHERE a.contact_id = d.id AND b.contact_id = ?1)" },
  };
  gint64 contact_id = *(gint64 *) data;
  g_autoptr(GPtrArray) suggestions = g_ptr_array_new_with_free_func ((GDestroyNotify) concierge_merge_suggestion_free);
  g_autoptr(GHashTable) seen = id_set_new ();
  g_autoptr(ConciergeContact) contact = NULL;
  g_autofree char *phone = NULL;
  GError *error = NULL;

  if (!(contact = store_load_contact (self, contact_id, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  phone = phone_key (concierge_contact_get_field (contact, CONCIERGE_CONTACT_PHONE));

  for (guint r = 0; r < G_N_ELEMENTS (rules) && error == NULL; r++)
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      sqlite3_stmt *stmt;
      int rc;

      if (rules[r].reason == CONCIERGE_MERGE_SAME_PHONE && phone[0] == '\0')
        continue;
      if (!(stmt = store_prepare (self, rules[r].sql, &error)))
        break;
      sqlite3_bind_int64 (stmt, 1, contact_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          gint64 id = sqlite3_column_int64 (stmt, 0);
          g_autofree char *other_phone = phone_key ((const char *) sqlite3_column_text (stmt, 1));

          if (rules[r].reason != CONCIERGE_MERGE_SAME_PHONE || g_strcmp0 (phone, other_phone) == 0)
            g_array_append_val (ids, id);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        set_sqlite_error (&error, store_db (self), rc, "Reading the cache failed");

      for (guint i = 0; i < ids->len && error == NULL; i++)
        add_suggestion (self, suggestions, seen, g_array_index (ids, gint64, i), rules[r].reason, &error);
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&suggestions), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * concierge_store_load_merge_suggestions_async:
 *
 * Looks for other customers who may be this one: the same email address,
 * phone number or customer number, or the same name on another platform.
 * Customers the agent separated are left out.
 */
void
concierge_store_load_merge_suggestions_async (ConciergeStore      *self,
                                              gint64               contact_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_merge_suggestions_async, G_PRIORITY_DEFAULT,
             load_merge_suggestions_job, g_memdup2 (&contact_id, sizeof contact_id), g_free,
             cancellable, callback, user_data);
}

/**
 * concierge_store_load_merge_suggestions_finish:
 *
 * Returns: (transfer container) (element-type ConciergeMergeSuggestion):
 *   the suggestions, strongest first
 */
GPtrArray *
concierge_store_load_merge_suggestions_finish (ConciergeStore  *self,
                                               GAsyncResult    *result,
                                               GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_merge_suggestions_async, error);
}

/* Loads the contacts whose ids @stmt, already bound, reads. */
static GPtrArray *
load_contacts_of (ConciergeStore  *self,
                  sqlite3_stmt    *stmt,
                  GError         **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, store_db (self), rc, "Reading the cache failed");
      return NULL;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      ConciergeContact *contact = store_load_contact (self, g_array_index (ids, gint64, i), error);

      if (contact == NULL)
        return NULL;
      g_ptr_array_add (contacts, contact);
    }

  return g_steal_pointer (&contacts);
}

#define SEARCH_CONTACTS_LIMIT 20

/* What the agent typed to find a customer, and whom to leave out. */
typedef struct
{
  char   *text;
  gint64  except_id;
} ContactSearch;

static void
contact_search_free (gpointer data)
{
  ContactSearch *search = data;

  g_free (search->text);
  g_free (search);
}

static void
search_contacts_job (ConciergeStore *self,
                     GTask          *task,
                     gpointer        data)
{
  /* A name by its words; an address or a number by any part of it. */
  static const char sql[] =
    "SELECT c.id FROM contacts c WHERE c.merged_into IS NULL AND c.id != ?1 AND ("
    "  c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ?2) "
    "  OR instr (lower (c.email), lower (?3)) OR instr (c.phone, ?3) "
    "  OR instr (lower (c.customer_number), lower (?3)) "
    "  OR c.id IN (SELECT contact_id FROM identities WHERE instr (lower (handle), lower (?3)))) "
    "ORDER BY c.name COLLATE NOCASE LIMIT " G_STRINGIFY (SEARCH_CONTACTS_LIMIT);
  ContactSearch *search = data;
  g_autofree char *match = fts_query (search->text);
  g_autofree char *text = g_strstrip (g_strdup (search->text ? search->text : ""));
  GError *error = NULL;
  GPtrArray *contacts;
  sqlite3_stmt *stmt;

  if (match == NULL || text[0] == '\0')
    {
      g_task_return_pointer (task, g_ptr_array_new_with_free_func (g_object_unref),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  if (!(stmt = store_prepare (self, sql, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  sqlite3_bind_int64 (stmt, 1, search->except_id);
  bind_text (stmt, 2, match);
  bind_text (stmt, 3, text);
  contacts = load_contacts_of (self, stmt, &error);
  return_rows (task, contacts, error);
}

/**
 * concierge_store_search_contacts_async:
 * @except_id: a contact to leave out, or 0
 *
 * Finds customers by name, email address, phone or customer number, or
 * handle, to merge one with another by hand.
 */
void
concierge_store_search_contacts_async (ConciergeStore      *self,
                                       const char          *search,
                                       gint64               except_id,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ContactSearch *job;

  g_return_if_fail (CONCIERGE_IS_STORE (self));

  job = g_new0 (ContactSearch, 1);
  job->text = g_strdup (search);
  job->except_id = except_id;
  store_run (self, concierge_store_search_contacts_async, G_PRIORITY_DEFAULT, search_contacts_job,
             job, contact_search_free, cancellable, callback, user_data);
}

/**
 * concierge_store_search_contacts_finish:
 *
 * Returns: (transfer container) (element-type ConciergeContact): at most
 *   20 customers, with their identities, by name
 */
GPtrArray *
concierge_store_search_contacts_finish (ConciergeStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_search_contacts_async, error);
}

static void
load_contacts_job (ConciergeStore *self,
                   GTask          *task,
                   gpointer        data)
{
  static const char sql[] = "SELECT id FROM contacts WHERE merged_into IS NULL ORDER BY name COLLATE NOCASE, id";
  GError *error = NULL;
  sqlite3_stmt *stmt;

  if (!(stmt = store_prepare (self, sql, &error)))
    g_task_return_error (task, error);
  else
    {
      GPtrArray *contacts = load_contacts_of (self, stmt, &error);

      return_rows (task, contacts, error);
    }
}

/**
 * concierge_store_load_contacts_async:
 *
 * Reads every customer, with their identities, to export them.
 */
void
concierge_store_load_contacts_async (ConciergeStore      *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_contacts_async, G_PRIORITY_DEFAULT, load_contacts_job,
             NULL, NULL, cancellable, callback, user_data);
}

/**
 * concierge_store_load_contacts_finish:
 *
 * Returns: (transfer container) (element-type ConciergeContact): every
 *   customer, by name
 */
GPtrArray *
concierge_store_load_contacts_finish (ConciergeStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_contacts_async, error);
}

/* Customers from an address book, and how many of them were new. */
typedef struct
{
  GPtrArray *contacts;
  int        added;
} ContactImport;

static void
contact_import_free (gpointer data)
{
  ContactImport *import = data;

  g_ptr_array_unref (import->contacts);
  g_free (import);
}

static gboolean
write_contact_import (ConciergeStore  *self,
                      gpointer         data,
                      StoreChanges    *changes,
                      GError         **error)
{
  /* The same file imported twice adds nobody twice. */
  static const char sql[] =
    "INSERT INTO contacts (name, email, phone, customer_number, contracts, orders, tags, note, "
    "language, address, created_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11 "
    "WHERE NOT EXISTS (SELECT 1 FROM contacts WHERE merged_into IS NULL AND name = ?1 AND email = ?2 "
    "                  AND phone = ?3 AND customer_number = ?4)";
  ContactImport *import = data;
  sqlite3_stmt *stmt;

  for (guint i = 0; i < import->contacts->len; i++)
    {
      ConciergeContact *contact = g_ptr_array_index (import->contacts, i);

      if (!(stmt = store_prepare (self, sql, error)))
        return FALSE;
      for (guint f = 0; f < CONCIERGE_CONTACT_N_FIELDS; f++)
        bind_text (stmt, 1 + f, concierge_contact_get_field (contact, f));
      bind_text (stmt, 9, concierge_language_to_string (contact->language));
      bind_text (stmt, 10, concierge_address_to_string (contact->address));
      sqlite3_bind_int64 (stmt, 11, g_get_real_time () / G_USEC_PER_SEC);
      if (!store_step_done (self, stmt, error))
        return FALSE;
      import->added += sqlite3_changes (store_db (self));
    }

  /* Many customers: every profile reads itself anew. */
  store_changes_add_contact (changes, 0);
  return TRUE;
}

static void
import_contacts_job (ConciergeStore *self,
                     GTask          *task,
                     gpointer        data)
{
  ContactImport *import = data;
  GError *error = NULL;

  if (!store_write (self, write_contact_import, import, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, import->added);
}

/**
 * concierge_store_import_contacts_async:
 * @contacts: (element-type ConciergeContact): customers read from a file
 *
 * Adds customers from an address book, as contacts of their own: where one
 * is a customer the cache knows, the customer panel suggests merging them.
 * Their identities are not taken in, since only a platform can say who an
 * account is.
 */
void
concierge_store_import_contacts_async (ConciergeStore      *self,
                                       GPtrArray           *contacts,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  ContactImport *import;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (contacts != NULL);

  import = g_new0 (ContactImport, 1);
  import->contacts = g_ptr_array_ref (contacts);
  store_run (self, concierge_store_import_contacts_async, G_PRIORITY_DEFAULT, import_contacts_job,
             import, contact_import_free, cancellable, callback, user_data);
}

/**
 * concierge_store_import_contacts_finish:
 *
 * Returns: how many customers were added, or -1 with @error set
 */
int
concierge_store_import_contacts_finish (ConciergeStore  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return store_finish_int (self, result, concierge_store_import_contacts_async, error);
}

static void
load_contact_facts_job (ConciergeStore *self,
                        GTask          *task,
                        gpointer        data)
{
  static const char sql[] =
    "SELECT " MESSAGE_COLUMNS "WHERE m.thread_id IN (SELECT id FROM threads WHERE contact_id = ?) "
    "AND m.direction = 'in' AND m.visibility = 'private' AND m.personal_data_kinds != 0 "
    "AND m.personal_data != '' ORDER BY m.id DESC LIMIT 50";
  GError *error = NULL;
  GPtrArray *messages = collect_rows (self, sql, *(gint64 *) data, (gpointer) message_from_row, g_object_unref,
                                      &error);

  return_rows (task, messages, error);
}

/**
 * concierge_store_load_contact_facts_async:
 *
 * Reads the customer's latest private messages in which the detector
 * found personal data, for the agent to take into the profile. Public
 * messages are left out: what a customer posted in public is not to be
 * collected.
 */
void
concierge_store_load_contact_facts_async (ConciergeStore      *self,
                                          gint64               contact_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_return_if_fail (CONCIERGE_IS_STORE (self));

  store_run (self, concierge_store_load_contact_facts_async, G_PRIORITY_DEFAULT, load_contact_facts_job,
             g_memdup2 (&contact_id, sizeof contact_id), g_free, cancellable, callback, user_data);
}

/**
 * concierge_store_load_contact_facts_finish:
 *
 * Returns: (transfer container) (element-type ConciergeMessage): the
 *   messages, newest first, with where their personal data stands
 */
GPtrArray *
concierge_store_load_contact_facts_finish (ConciergeStore  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return store_finish_pointer (self, result, concierge_store_load_contact_facts_async, error);
}

/* A tag that a thread gets, or loses. */
typedef struct
{
  gint64    thread_id;
  char     *tag;
  gboolean  tagged;
} ThreadTag;

static void
thread_tag_free (gpointer data)
{
  ThreadTag *change = data;

  g_free (change->tag);
  g_free (change);
}

static void
set_thread_tag_job (ConciergeStore *self,
                    GTask          *task,
                    gpointer        data)
{
  static const char * const tag_sql[] = {
    "INSERT OR IGNORE INTO tags (name) VALUES (?2)",
    "INSERT OR IGNORE INTO thread_tags (thread_id, tag_id) SELECT ?1, id FROM tags WHERE name = ?2",
  };
  static const char untag_sql[] =
    "DELETE FROM thread_tags WHERE thread_id = ?1 AND tag_id = (SELECT id FROM tags WHERE name = ?2)";
  ThreadTag *change = data;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < (change->tagged ? G_N_ELEMENTS (tag_sql) : 1); i++)
    {
      sqlite3_stmt *stmt = store_prepare (self, change->tagged ? tag_sql[i] : untag_sql, &error);

      if (stmt == NULL)
        break;
      sqlite3_bind_int64 (stmt, 1, change->thread_id);
      bind_text (stmt, 2, change->tag);
      if (!store_step_done (self, stmt, &error))
        break;
    }

  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  store_notify_thread (self, change->thread_id);
  g_task_return_boolean (task, TRUE);
}

/**
 * concierge_store_set_thread_tag_async:
 *
 * Tags a conversation, or takes the tag off: "complaint" counts in the
 * customer's history.
 */
void
concierge_store_set_thread_tag_async (ConciergeStore      *self,
                                      gint64               thread_id,
                                      const char          *tag,
                                      gboolean             tagged,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  ThreadTag *change;

  g_return_if_fail (CONCIERGE_IS_STORE (self));
  g_return_if_fail (tag != NULL && tag[0] != '\0');

  change = g_new0 (ThreadTag, 1);
  change->thread_id = thread_id;
  change->tag = g_strdup (tag);
  change->tagged = tagged;
  store_run (self, concierge_store_set_thread_tag_async, G_PRIORITY_DEFAULT, set_thread_tag_job,
             change, thread_tag_free, cancellable, callback, user_data);
}

gboolean
concierge_store_set_thread_tag_finish (ConciergeStore  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return store_finish_boolean (self, result, concierge_store_set_thread_tag_async, error);
}
