using System;
using System.Collections.Generic;
using BqBackup.Storage;

namespace BqBackup.Locking
{
    /// <summary>
    /// How a backup's lock is asked for, checked and reported: before anything is written, a lock
    /// asked of a store that cannot lock is refused; after the body commits, its lock is read back
    /// (HEAD) and, where the server dropped the headers of a multipart upload, set on the version
    /// (PutObjectRetention); listings show each body's lock.
    /// </summary>
    public static class BackupLocks
    {
        /// <summary>A lock asked of a store that cannot lock anything (a folder) is InvalidLockSetting.</summary>
        public static void RequireLockable(IBackupStore store, ObjectLockOptions lockOptions)
        {
            if (lockOptions != null && !(store is ILockingStore))
                throw new BqBackupException(ErrorIds.InvalidLockSetting, BqErrorCategory.InvalidArgument,
                    $"-LockMode needs an S3 bucket with Object Lock; '{store.Location}' is a folder, which cannot lock files.", store.Location,
                    "Back up to an s3:// destination whose bucket has Object Lock, or leave out -LockMode.");
        }

        /// <summary>
        /// Refuses a lock that cannot be honoured before anything is written: a folder
        /// (InvalidLockSetting), a bucket that reports no Object Lock (ObjectLockNotEnabled). A bucket
        /// that will not say (no permission) is tried: its first locked write tells.
        /// </summary>
        public static void Prepare(IBackupStore store, ObjectLockOptions lockOptions, OperationContext ctx)
        {
            RequireLockable(store, lockOptions);
            if (lockOptions == null) return;
            var locking = (ILockingStore)store;
            var enabled = locking.ReadObjectLockEnabled(ctx.Cancellation, out var error);
            if (enabled == false) throw Storage.S3.S3ObjectLocks.NotEnabled((Storage.S3.S3Store)store, "");
            ctx.WriteVerbose(enabled == true
                ? $"Locking the backup {lockOptions.Describe()}."
                : $"Locking the backup {lockOptions.Describe()}; the bucket would not say whether it has Object Lock ({error}), so the first write tells.");
        }

        /// <summary>The retention the key's version carries (null: none, or the key is gone).</summary>
        internal static ObjectRetention Read(ILockingStore store, string key, string versionId, OperationContext ctx) =>
            ObjectRetention.From(store.ReadLock(key, versionId, ctx.Cancellation));

        /// <summary>
        /// After the commit: the lock the body and sidecar really carry. A lock weaker than
        /// <paramref name="wanted"/> is set on them (moto, and servers like it, ignore the lock
        /// headers of a multipart upload); one still missing after that is ObjectLockNotApplied.
        /// The body's lock goes into <paramref name="info"/>.
        /// </summary>
        public static void Confirm(IBackupStore store, BackupInfo info, ObjectRetention wanted, OperationContext ctx)
        {
            if (!(store is ILockingStore locking)) return;
            ObjectRetention body;
            try
            {
                body = Enforce(locking, info.Name, wanted, ctx);
                if (info.MetadataName != null) Enforce(locking, info.MetadataName, wanted, ctx);
            }
            catch (BqBackupException e) when (wanted == null)
            {
                ctx.WriteVerbose($"Could not read the lock of '{info.Name}' back: {e.Message}");
                return;
            }
            info.LockMode = body?.Mode;
            info.LockedUntil = body?.RetainUntilUtc;
            if (body != null) ctx.WriteVerbose($"'{info.Name}' is locked: {body}.");
        }

        private static ObjectRetention Enforce(ILockingStore store, string key, ObjectRetention wanted, OperationContext ctx)
        {
            var actual = Read(store, key, null, ctx);
            if (wanted == null || (actual != null && actual.Covers(wanted))) return actual;
            ctx.WriteVerbose($"'{key}' came back {(actual == null ? "unlocked" : "locked " + actual)}; setting {wanted} on it.");
            try { store.SetLock(key, null, wanted, ctx.Cancellation); }
            catch (BqBackupException e) when (e.ErrorId == ErrorIds.ObjectLockNotEnabled)
            {
                // The object is written by now: "nothing was written" would not be true.
                actual = null;
                ctx.WriteVerbose(e.Message);
            }
            actual = Read(store, key, null, ctx);
            if (actual != null && actual.Covers(wanted)) return actual;
            throw new BqBackupException(ErrorIds.ObjectLockNotApplied, BqErrorCategory.WriteError,
                $"'{key}' was stored in '{store.Location}' but is {(actual == null ? "not locked" : "locked only " + actual)}, not {wanted} as asked.", key,
                "The backup itself is complete. Check that the bucket has Object Lock and the credentials hold s3:PutObjectRetention; Get-BqBackup shows each backup's LockedUntil.");
        }

        /// <summary>Each listed body's lock (one HEAD each, of the version listed), on buckets that have Object Lock; others are left unlocked without asking.</summary>
        public static void Fill(IBackupStore store, IReadOnlyList<BackupInfo> backups, OperationContext ctx)
        {
            if (!(store is ILockingStore locking) || backups.Count == 0) return;
            if (locking.ReadObjectLockEnabled(ctx.Cancellation, out _) == false) return;
            foreach (var backup in backups)
            {
                ctx.ThrowIfCancelled();
                try
                {
                    var state = Read(locking, backup.Name, backup.VersionId, ctx);
                    backup.LockMode = state?.Mode;
                    backup.LockedUntil = state?.RetainUntilUtc;
                }
                catch (BqBackupException e)
                {
                    ctx.WriteVerbose($"Could not read the lock of '{backup.Name}': {e.Message}");
                }
            }
        }

        /// <summary>Whether deleting a key in this store leaves its old version (versioning on or suspended); null when the store would not say.</summary>
        public static bool? KeepsVersions(IBackupStore store, OperationContext ctx)
        {
            if (!(store is ILockingStore locking)) return false;
            try
            {
                var versioning = locking.ReadProtection(ctx.Cancellation).Versioning;
                return versioning == null ? (bool?)null : versioning == "Enabled" || versioning == "Suspended";
            }
            catch (BqBackupException e)
            {
                ctx.WriteVerbose($"Could not read whether '{store.Location}' keeps versions: {e.Message}");
                return null;
            }
        }
    }
}
