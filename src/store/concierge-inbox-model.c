/* concierge-inbox-model.c
 *
 * The inbox as a GListModel. It keeps every matching thread's id and sort
 * key, a few bytes each, and loads the thread objects a page at a time when
 * a view asks for them. A row whose page has not arrived yet is a
 * placeholder; when the page lands, the placeholder object itself is filled
 * in and emits ConciergeThread::changed, so views keep their row widgets.
 *
 * When the store changes, the model moves exactly the rows that changed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "model/concierge-model-private.h"
#include "concierge-inbox-model.h"

#define PAGE_SIZE 20
/* How many thread objects stay loaded before the oldest pages are dropped. */
#define MAX_CACHED_PAGES 100

struct _ConciergeInboxModel
{
  GObject              parent_instance;

  ConciergeStore      *store;
  ConciergeInboxQuery *query;
  GCancellable        *cancellable;

  GArray              *entries;      /* ConciergeInboxEntry, in order */
  GHashTable          *threads;      /* id → ConciergeThread, loaded or placeholder */
  GHashTable          *pages;        /* page → its ids (GArray), loaded or loading */
  GQueue               page_order;   /* pages, least recently requested first */
  GPtrArray           *pending;      /* changes that arrived while the index loaded */

  /* A search that lists only its first threads: it holds every match
   * down to @boundary, the last when it loaded, and nothing after it. */
  ConciergeInboxEntry  boundary;

  guint                generation;
  guint                loading : 1;
  guint                limited : 1;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ConciergeInboxModel, concierge_inbox_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_LOADING,
  PROP_LIMITED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Keeps one object per thread id: newer data goes into the cached object. */
static void
cache_thread (ConciergeInboxModel *self,
              ConciergeThread     *thread)
{
  ConciergeThread *cached = g_hash_table_lookup (self->threads, &thread->id);

  if (cached != NULL)
    concierge_thread_update_from (cached, thread);
  else
    g_hash_table_insert (self->threads, g_memdup2 (&thread->id, sizeof (gint64)), g_object_ref (thread));
}

/* Loading pages */

typedef struct
{
  ConciergeInboxModel *self;
  guint                generation;
  guint                page;
} PageRequest;

static void
forget_page (ConciergeInboxModel *self,
             guint                page)
{
  GArray *ids = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    g_hash_table_remove (self->threads, &g_array_index (ids, gint64, i));

  g_hash_table_remove (self->pages, GUINT_TO_POINTER (page));
  g_queue_remove (&self->page_order, GUINT_TO_POINTER (page));
}

static void
page_loaded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree PageRequest *request = user_data;
  g_autoptr(ConciergeInboxModel) self = request->self;
  g_autoptr(GPtrArray) threads = NULL;
  g_autoptr(GError) error = NULL;

  threads = concierge_store_load_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (request->generation != self->generation)
    return;
  if (threads == NULL)
    {
      g_warning ("Loading inbox rows failed: %s", error->message);
      forget_page (self, request->page);
      return;
    }

  for (guint i = 0; i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);

      ConciergeThread *cached = g_hash_table_lookup (self->threads, &thread->id);

      /* A newer snapshot may have arrived while the page loaded. */
      if (cached != NULL && !cached->placeholder)
        continue;
      cache_thread (self, thread);
    }
}

static void
request_page (ConciergeInboxModel *self,
              guint                page)
{
  PageRequest *request;
  GArray *ids, *known;
  guint start = page * PAGE_SIZE;
  guint end = MIN (start + PAGE_SIZE, self->entries->len);

  ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), end - start);
  for (guint i = start; i < end; i++)
    g_array_append_val (ids, g_array_index (self->entries, ConciergeInboxEntry, i).id);

  known = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (known != NULL)
    {
      g_queue_remove (&self->page_order, GUINT_TO_POINTER (page));
      g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));

      /* Loaded or on its way. If rows have moved since, the page now holds
       * other threads, and those are loaded. */
      if (known->len == ids->len && memcmp (known->data, ids->data, ids->len * sizeof (gint64)) == 0)
        {
          g_array_unref (ids);
          return;
        }
      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), ids);
    }
  else
    {
      while (self->page_order.length >= MAX_CACHED_PAGES)
        forget_page (self, GPOINTER_TO_UINT (g_queue_peek_head (&self->page_order)));

      g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), ids);
      g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));
    }

  request = g_new0 (PageRequest, 1);
  request->self = g_object_ref (self);
  request->generation = self->generation;
  request->page = page;
  /* The first page is what the first frame shows. Later pages land below
   * the frame clock's priority: a scrolled frame is drawn with placeholders
   * rather than wait for rows. */
  concierge_store_load_threads_async (self->store, (const gint64 *) (gpointer) ids->data, ids->len,
                                      page == 0 ? G_PRIORITY_DEFAULT : G_PRIORITY_DEFAULT_IDLE,
                                      self->cancellable, page_loaded_cb, request);
}

/* GListModel */

static GType
concierge_inbox_model_get_item_type (GListModel *model)
{
  return CONCIERGE_TYPE_THREAD;
}

static guint
concierge_inbox_model_get_n_items (GListModel *model)
{
  return CONCIERGE_INBOX_MODEL (model)->entries->len;
}

static gpointer
concierge_inbox_model_get_item (GListModel *model,
                                guint       position)
{
  ConciergeInboxModel *self = CONCIERGE_INBOX_MODEL (model);
  ConciergeThread *thread;
  gint64 id;

  if (position >= self->entries->len)
    return NULL;

  id = g_array_index (self->entries, ConciergeInboxEntry, position).id;
  thread = g_hash_table_lookup (self->threads, &id);
  if (thread == NULL || thread->placeholder)
    request_page (self, position / PAGE_SIZE);

  /* The page may have been cached already but dropped this row. */
  thread = g_hash_table_lookup (self->threads, &id);
  if (thread == NULL)
    {
      thread = concierge_thread_new_empty ();
      thread->id = id;
      thread->placeholder = TRUE;
      g_hash_table_insert (self->threads, g_memdup2 (&id, sizeof id), thread);
    }

  return g_object_ref (thread);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = concierge_inbox_model_get_item_type;
  iface->get_n_items = concierge_inbox_model_get_n_items;
  iface->get_item = concierge_inbox_model_get_item;
}

/* Following the store */

static gint
find_position (ConciergeInboxModel *self,
               gint64               id)
{
  const ConciergeInboxEntry *entries = (const ConciergeInboxEntry *) (gpointer) self->entries->data;

  for (guint i = 0; i < self->entries->len; i++)
    if (entries[i].id == id)
      return (int) i;

  return -1;
}

static guint
insertion_point (ConciergeInboxModel       *self,
                 const ConciergeInboxEntry *entry)
{
  guint low = 0, high = self->entries->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (concierge_inbox_entry_compare (&g_array_index (self->entries, ConciergeInboxEntry, mid), entry) < 0)
        low = mid + 1;
      else
        high = mid;
    }

  return low;
}

static void
apply_change (ConciergeInboxModel *self,
              ConciergeThread     *thread,
              gboolean             matches)
{
  int old_position = find_position (self, thread->id);
  ConciergeInboxEntry entry = concierge_inbox_query_entry (self->query, thread);
  guint new_position;

  /* Below the end of a limited list, the threads that match are not all
   * known: one more there would stand among them out of place. */
  if (self->limited && concierge_inbox_entry_compare (&entry, &self->boundary) > 0)
    matches = FALSE;

  /* Pages hold ids, not positions, so a changed thread keeps its cache
   * entry and its object; only the data is newer. */
  if (g_hash_table_contains (self->threads, &thread->id))
    cache_thread (self, thread);

  if (old_position >= 0)
    {
      g_array_remove_index (self->entries, old_position);
      if (!matches)
        {
          g_hash_table_remove (self->threads, &thread->id);
          g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
          return;
        }
    }
  else if (!matches)
    return;

  new_position = insertion_point (self, &entry);
  g_array_insert_val (self->entries, new_position, entry);

  if (!g_hash_table_contains (self->threads, &thread->id))
    cache_thread (self, thread);

  if (old_position < 0)
    g_list_model_items_changed (G_LIST_MODEL (self), new_position, 0, 1);
  else if ((guint) old_position == new_position)
    g_list_model_items_changed (G_LIST_MODEL (self), new_position, 1, 1);
  else
    {
      /* One signal for the whole span the row moved across: between two
       * signals the model would already be in its final state, and a list
       * view that reads it then sees one row too many. */
      guint first = MIN ((guint) old_position, new_position);
      guint span = MAX ((guint) old_position, new_position) - first + 1;

      g_list_model_items_changed (G_LIST_MODEL (self), first, span, span);
    }
}

typedef struct
{
  ConciergeInboxModel *self;
  guint                generation;
  GPtrArray           *threads;
} MatchRequest;

static void
match_request_free (MatchRequest *request)
{
  g_object_unref (request->self);
  g_ptr_array_unref (request->threads);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MatchRequest, match_request_free)

static void
threads_matched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(MatchRequest) request = user_data;
  ConciergeInboxModel *self = request->self;
  g_autoptr(GHashTable) matches = NULL;
  g_autoptr(GError) error = NULL;

  matches = concierge_store_match_threads_finish (CONCIERGE_STORE (object), result, &error);
  if (request->generation != self->generation)
    return;
  if (matches == NULL)
    {
      g_warning ("Searching changed threads failed: %s", error->message);
      return;
    }

  for (guint i = 0; i < request->threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (request->threads, i);

      apply_change (self, thread,
                    concierge_inbox_query_matches (self->query, thread) &&
                    g_hash_table_contains (matches, &thread->id));
    }
}

static void
threads_changed_cb (ConciergeInboxModel *self,
                    GPtrArray           *threads,
                    ConciergeStore      *store)
{
  /* The index still loading may have been read before or after this
   * change; it is applied again once the index is in, which is harmless if
   * the index has it already. Objects already shown take the newer
   * snapshot now. */
  if (self->loading)
    {
      for (guint i = 0; i < threads->len; i++)
        {
          ConciergeThread *thread = g_ptr_array_index (threads, i);

          if (g_hash_table_contains (self->threads, &thread->id))
            cache_thread (self, thread);
          g_ptr_array_add (self->pending, g_object_ref (thread));
        }
      return;
    }

  if (concierge_inbox_query_has_search (self->query))
    {
      g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
      MatchRequest *request;

      for (guint i = 0; i < threads->len; i++)
        g_array_append_val (ids, CONCIERGE_THREAD (g_ptr_array_index (threads, i))->id);

      /* The store answers in order, so changes still apply in order. */
      request = g_new0 (MatchRequest, 1);
      request->self = g_object_ref (self);
      request->generation = self->generation;
      request->threads = g_ptr_array_ref (threads);
      concierge_store_match_threads_async (self->store, self->query->search,
                                           (const gint64 *) (gpointer) ids->data, ids->len,
                                           self->cancellable, threads_matched_cb, request);
      return;
    }

  for (guint i = 0; i < threads->len; i++)
    {
      ConciergeThread *thread = g_ptr_array_index (threads, i);

      apply_change (self, thread, concierge_inbox_query_matches (self->query, thread));
    }
}

static void
set_limited (ConciergeInboxModel *self,
             gboolean             limited)
{
  ConciergeInboxEntry none = { 0, G_MININT64, G_MININT64 };

  self->boundary = self->entries->len > 0 ? g_array_index (self->entries, ConciergeInboxEntry, self->entries->len - 1)
                                          : none;
  if (self->limited == !!limited)
    return;
  self->limited = !!limited;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LIMITED]);
}

/* Loading the index */

/* The index loads in two steps: the first page's threads, so that the
 * first frame can show rows, then the order of every thread. */

typedef struct
{
  ConciergeInboxModel *self;
  guint                generation;
  gboolean             first_page;
} IndexRequest;

static void request_index (ConciergeInboxModel *self,
                           gboolean             first_page);

static void
index_loaded_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autofree IndexRequest *request = user_data;
  g_autoptr(ConciergeInboxModel) self = request->self;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  gboolean limited = FALSE;
  guint kept = 0, old_len;

  if (request->first_page)
    {
      g_autoptr(GPtrArray) threads = concierge_store_load_inbox_head_finish (CONCIERGE_STORE (object),
                                                                             result, &error);

      if (threads != NULL && request->generation == self->generation)
        {
          GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), threads->len);

          entries = g_array_sized_new (FALSE, FALSE, sizeof (ConciergeInboxEntry), threads->len);
          for (guint i = 0; i < threads->len; i++)
            {
              ConciergeThread *thread = g_ptr_array_index (threads, i);
              ConciergeInboxEntry entry = concierge_inbox_query_entry (self->query, thread);

              g_array_append_val (entries, entry);
              g_array_append_val (ids, thread->id);
              cache_thread (self, thread);
            }

          /* The first page arrived with its rows: it counts as loaded. */
          g_hash_table_insert (self->pages, GUINT_TO_POINTER (0), ids);
          g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (0));
        }
    }
  else
    entries = concierge_store_load_inbox_index_finish (CONCIERGE_STORE (object), result, &limited, &error);

  if (request->generation != self->generation)
    return;

  if (entries == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Loading the inbox failed: %s", error->message);
      entries = g_array_new (FALSE, FALSE, sizeof (ConciergeInboxEntry));
    }

  /* Rows the first step showed stay where they are if nothing moved them
   * in between. */
  old_len = self->entries->len;
  if (!request->first_page && old_len <= entries->len &&
      (old_len == 0 || memcmp (self->entries->data, entries->data, old_len * sizeof (ConciergeInboxEntry)) == 0))
    kept = old_len;

  g_array_unref (self->entries);
  self->entries = g_steal_pointer (&entries);

  if (request->first_page)
    request_index (self, FALSE);
  else
    {
      self->loading = FALSE;
    }

  g_list_model_items_changed (G_LIST_MODEL (self), kept, old_len - kept, self->entries->len - kept);

  if (!self->loading)
    {
      g_autoptr(GPtrArray) pending = g_steal_pointer (&self->pending);

      set_limited (self, limited);
      self->pending = g_ptr_array_new_with_free_func (g_object_unref);
      if (pending->len > 0)
        threads_changed_cb (self, pending, self->store);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
}

static void
request_index (ConciergeInboxModel *self,
               gboolean             first_page)
{
  IndexRequest *request = g_new0 (IndexRequest, 1);

  request->self = g_object_ref (self);
  request->generation = self->generation;
  request->first_page = first_page;
  if (first_page)
    concierge_store_load_inbox_head_async (self->store, self->query, PAGE_SIZE,
                                           self->cancellable, index_loaded_cb, request);
  else
    concierge_store_load_inbox_index_async (self->store, self->query, 0, G_PRIORITY_LOW,
                                            self->cancellable, index_loaded_cb, request);
}

static void
reload (ConciergeInboxModel *self)
{
  self->generation++;
  g_ptr_array_set_size (self->pending, 0);
  g_hash_table_remove_all (self->threads);
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);

  self->loading = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  set_limited (self, FALSE);

  request_index (self, TRUE);
}

static void
concierge_inbox_model_dispose (GObject *object)
{
  ConciergeInboxModel *self = CONCIERGE_INBOX_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (concierge_inbox_model_parent_class)->dispose (object);
}

static void
concierge_inbox_model_finalize (GObject *object)
{
  ConciergeInboxModel *self = CONCIERGE_INBOX_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->query, concierge_inbox_query_free);
  g_array_unref (self->entries);
  g_hash_table_unref (self->threads);
  g_hash_table_unref (self->pages);
  g_queue_clear (&self->page_order);
  g_ptr_array_unref (self->pending);

  G_OBJECT_CLASS (concierge_inbox_model_parent_class)->finalize (object);
}

static void
concierge_inbox_model_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ConciergeInboxModel *self = CONCIERGE_INBOX_MODEL (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;

    case PROP_LIMITED:
      g_value_set_boolean (value, self->limited);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
concierge_inbox_model_class_init (ConciergeInboxModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = concierge_inbox_model_dispose;
  object_class->finalize = concierge_inbox_model_finalize;
  object_class->get_property = concierge_inbox_model_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ConciergeInboxModel:limited:
   *
   * Whether a search shows only its first threads: more in the view
   * match, or may, after the last. The search's words narrow it.
   */
  properties[PROP_LIMITED] =
    g_param_spec_boolean ("limited", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
concierge_inbox_model_init (ConciergeInboxModel *self)
{
  self->cancellable = g_cancellable_new ();
  self->entries = g_array_new (FALSE, FALSE, sizeof (ConciergeInboxEntry));
  self->threads = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_array_unref);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  g_queue_init (&self->page_order);
}

ConciergeInboxModel *
concierge_inbox_model_new (ConciergeStore            *store,
                           const ConciergeInboxQuery *query)
{
  ConciergeInboxModel *self;

  g_return_val_if_fail (CONCIERGE_IS_STORE (store), NULL);
  g_return_val_if_fail (query != NULL, NULL);

  self = g_object_new (CONCIERGE_TYPE_INBOX_MODEL, NULL);
  self->store = g_object_ref (store);
  self->query = concierge_inbox_query_copy (query);
  g_signal_connect_object (store, "threads-changed", G_CALLBACK (threads_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (store, "invalidated", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  reload (self);

  return self;
}

const ConciergeInboxQuery *
concierge_inbox_model_get_query (ConciergeInboxModel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_MODEL (self), NULL);

  return self->query;
}

/**
 * concierge_inbox_model_set_query:
 *
 * Shows other threads: a new filter, sort or search loads a new index.
 */
void
concierge_inbox_model_set_query (ConciergeInboxModel       *self,
                                 const ConciergeInboxQuery *query)
{
  g_return_if_fail (CONCIERGE_IS_INBOX_MODEL (self));
  g_return_if_fail (query != NULL);

  g_clear_pointer (&self->query, concierge_inbox_query_free);
  self->query = concierge_inbox_query_copy (query);
  reload (self);
}

gboolean
concierge_inbox_model_get_loading (ConciergeInboxModel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_MODEL (self), FALSE);

  return self->loading;
}

gboolean
concierge_inbox_model_get_limited (ConciergeInboxModel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_MODEL (self), FALSE);

  return self->limited;
}

/**
 * concierge_inbox_model_get_cached:
 *
 * Returns: how many thread objects the model holds now, loaded or not; the
 *   tests check that it stays far below the number of rows
 */
guint
concierge_inbox_model_get_cached (ConciergeInboxModel *self)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_MODEL (self), 0);

  return g_hash_table_size (self->threads);
}

/**
 * concierge_inbox_model_find:
 *
 * Returns: the position of the thread, or -1; nothing is loaded to find it
 */
int
concierge_inbox_model_find (ConciergeInboxModel *self,
                            gint64               thread_id)
{
  g_return_val_if_fail (CONCIERGE_IS_INBOX_MODEL (self), -1);

  return find_position (self, thread_id);
}

/**
 * concierge_inbox_model_reload:
 *
 * Reads every thread anew, as when what a row shows of a thread changed
 * without a change of the thread (concierge_store_set_row_facts()).
 */
void
concierge_inbox_model_reload (ConciergeInboxModel *self)
{
  g_return_if_fail (CONCIERGE_IS_INBOX_MODEL (self));

  reload (self);
}
