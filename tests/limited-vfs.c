/* limited-vfs.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "limited-vfs.h"

typedef struct
{
  sqlite3_file  base;
  sqlite3_file *real;
} LimitedFile;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs limited_vfs;
static gint64 budget = -1;
static gsize bytes_read;

#define REAL(file) (((LimitedFile *) (file))->real)

static int
limited_write (sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
  /* Set between jobs; the store's queue orders that before this write. */
  gint64 left = budget;

  if (left >= 0)
    {
      if (amount > left)
        return SQLITE_FULL;
      budget = left - amount;
    }

  return REAL (file)->pMethods->xWrite (REAL (file), data, amount, offset);
}

static int limited_close (sqlite3_file *f) { return REAL (f)->pMethods->xClose (REAL (f)); }

/* Read on the store's worker, counted for the test's thread. */
static int
limited_read (sqlite3_file *file, void *data, int amount, sqlite3_int64 offset)
{
  g_atomic_pointer_add (&bytes_read, amount);
  return REAL (file)->pMethods->xRead (REAL (file), data, amount, offset);
}

static int limited_truncate (sqlite3_file *f, sqlite3_int64 s) { return REAL (f)->pMethods->xTruncate (REAL (f), s); }
static int limited_sync (sqlite3_file *f, int flags) { return REAL (f)->pMethods->xSync (REAL (f), flags); }
static int limited_file_size (sqlite3_file *f, sqlite3_int64 *s) { return REAL (f)->pMethods->xFileSize (REAL (f), s); }
static int limited_lock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xLock (REAL (f), l); }
static int limited_unlock (sqlite3_file *f, int l) { return REAL (f)->pMethods->xUnlock (REAL (f), l); }
static int limited_check_reserved_lock (sqlite3_file *f, int *r) { return REAL (f)->pMethods->xCheckReservedLock (REAL (f), r); }
static int limited_file_control (sqlite3_file *f, int op, void *arg) { return REAL (f)->pMethods->xFileControl (REAL (f), op, arg); }
static int limited_sector_size (sqlite3_file *f) { return REAL (f)->pMethods->xSectorSize (REAL (f)); }
static int limited_device_characteristics (sqlite3_file *f) { return REAL (f)->pMethods->xDeviceCharacteristics (REAL (f)); }
static int limited_shm_map (sqlite3_file *f, int i, int sz, int w, void volatile **p) { return REAL (f)->pMethods->xShmMap (REAL (f), i, sz, w, p); }
static int limited_shm_lock (sqlite3_file *f, int o, int n, int flags) { return REAL (f)->pMethods->xShmLock (REAL (f), o, n, flags); }
static void limited_shm_barrier (sqlite3_file *f) { REAL (f)->pMethods->xShmBarrier (REAL (f)); }
static int limited_shm_unmap (sqlite3_file *f, int d) { return REAL (f)->pMethods->xShmUnmap (REAL (f), d); }
static int limited_fetch (sqlite3_file *f, sqlite3_int64 o, int n, void **p) { g_atomic_pointer_add (&bytes_read, n); return REAL (f)->pMethods->xFetch (REAL (f), o, n, p); }
static int limited_unfetch (sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL (f)->pMethods->xUnfetch (REAL (f), o, p); }

static const sqlite3_io_methods limited_io = {
  3,
  limited_close, limited_read, limited_write, limited_truncate, limited_sync, limited_file_size,
  limited_lock, limited_unlock, limited_check_reserved_lock, limited_file_control,
  limited_sector_size, limited_device_characteristics,
  limited_shm_map, limited_shm_lock, limited_shm_barrier, limited_shm_unmap,
  limited_fetch, limited_unfetch,
};

static int
limited_open (sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *out_flags)
{
  LimitedFile *limited = (LimitedFile *) file;
  int rc;

  limited->real = (sqlite3_file *) (limited + 1);
  rc = real_vfs->xOpen (real_vfs, name, limited->real, flags, out_flags);
  limited->base.pMethods = rc == SQLITE_OK ? &limited_io : NULL;
  return rc;
}

static int limited_delete (sqlite3_vfs *v, const char *n, int s) { return real_vfs->xDelete (real_vfs, n, s); }
static int limited_access (sqlite3_vfs *v, const char *n, int f, int *r) { return real_vfs->xAccess (real_vfs, n, f, r); }
static int limited_full_pathname (sqlite3_vfs *v, const char *n, int sz, char *out) { return real_vfs->xFullPathname (real_vfs, n, sz, out); }
static void *limited_dl_open (sqlite3_vfs *v, const char *n) { return real_vfs->xDlOpen (real_vfs, n); }
static void limited_dl_error (sqlite3_vfs *v, int n, char *s) { real_vfs->xDlError (real_vfs, n, s); }
static void (*limited_dl_sym (sqlite3_vfs *v, void *h, const char *s)) (void) { return real_vfs->xDlSym (real_vfs, h, s); }
static void limited_dl_close (sqlite3_vfs *v, void *h) { real_vfs->xDlClose (real_vfs, h); }
static int limited_randomness (sqlite3_vfs *v, int n, char *out) { return real_vfs->xRandomness (real_vfs, n, out); }
static int limited_sleep (sqlite3_vfs *v, int us) { return real_vfs->xSleep (real_vfs, us); }
static int limited_current_time (sqlite3_vfs *v, double *t) { return real_vfs->xCurrentTime (real_vfs, t); }
static int limited_get_last_error (sqlite3_vfs *v, int n, char *s) { return real_vfs->xGetLastError (real_vfs, n, s); }
static int limited_current_time_int64 (sqlite3_vfs *v, sqlite3_int64 *t) { return real_vfs->xCurrentTimeInt64 (real_vfs, t); }

void
limited_vfs_install (void)
{
  real_vfs = sqlite3_vfs_find (NULL);
  g_assert_nonnull (real_vfs);

  limited_vfs.iVersion = 2;
  limited_vfs.szOsFile = sizeof (LimitedFile) + real_vfs->szOsFile;
  limited_vfs.mxPathname = real_vfs->mxPathname;
  limited_vfs.zName = "limited";
  limited_vfs.xOpen = limited_open;
  limited_vfs.xDelete = limited_delete;
  limited_vfs.xAccess = limited_access;
  limited_vfs.xFullPathname = limited_full_pathname;
  limited_vfs.xDlOpen = limited_dl_open;
  limited_vfs.xDlError = limited_dl_error;
  limited_vfs.xDlSym = limited_dl_sym;
  limited_vfs.xDlClose = limited_dl_close;
  limited_vfs.xRandomness = limited_randomness;
  limited_vfs.xSleep = limited_sleep;
  limited_vfs.xCurrentTime = limited_current_time;
  limited_vfs.xGetLastError = limited_get_last_error;
  limited_vfs.xCurrentTimeInt64 = limited_current_time_int64;

  g_assert_cmpint (sqlite3_vfs_register (&limited_vfs, 1), ==, SQLITE_OK);
}

void
limited_vfs_set_budget (gint64 bytes)
{
  budget = bytes;
}

gint64
limited_vfs_get_read (void)
{
  return (gint64) (gsize) g_atomic_pointer_get (&bytes_read);
}
