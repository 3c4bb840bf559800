using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Protection
{
    /// <summary>
    /// "An attacker had our keys for an hour: what is left?" — what a destination's own settings do
    /// against deletion, one ProtectionCheck per setting: versioning, Object Lock and its default
    /// retention, whether the newest backup is locked, cleanup of incomplete multipart uploads, and
    /// default encryption. A folder has none of these; its checks say what applies instead.
    /// </summary>
    public static class DestinationPosture
    {
        public const string Versioning = "Versioning";
        public const string ObjectLock = "ObjectLock";
        public const string DefaultRetention = "DefaultRetention";
        public const string NewestBackupLocked = "NewestBackupLocked";
        public const string IncompleteUploadCleanup = "IncompleteUploadCleanup";
        public const string DefaultEncryption = "DefaultEncryption";

        /// <summary>Reads the destination (its listing, its settings, the newest backup's lock) and judges it.</summary>
        public static IReadOnlyList<ProtectionCheck> Check(IBackupStore store, string destination, OperationContext ctx)
        {
            var newest = Newest(new BackupCatalog(store, destination).List(ctx));
            if (!(store is IStoreProtection protected_))
                return EvaluateFolder(destination, newest);
            var protection = protected_.ReadProtection(ctx.Cancellation);
            var lockState = newest == null ? null : protected_.ReadLock(newest.Name, newest.VersionId, ctx.Cancellation);
            return Evaluate(destination, protection, newest, lockState, ctx.UtcNow());
        }

        /// <summary>The backup a restore with -Latest would pick: the one whose protection matters most.</summary>
        internal static BackupInfo Newest(IEnumerable<BackupInfo> newestFirst) => newestFirst.FirstOrDefault(b => !b.TimestampInFuture);

        public static IReadOnlyList<ProtectionCheck> Evaluate(string destination, BucketProtection p, BackupInfo newest, ObjectLockState newestLock, DateTime nowUtc)
        {
            var checks = new List<ProtectionCheck>();
            void Add(string check, bool pass, string value, string reason) =>
                checks.Add(new ProtectionCheck { Destination = destination, Check = check, Verdict = pass ? ProtectionVerdict.Pass : ProtectionVerdict.Warn, Value = value, Reason = reason });
            string Unreadable(string setting, string error, string permission) =>
                $"the {setting} could not be read ({error}); grant s3:{permission} to these credentials, or check it from an administrator's host";

            if (p.VersioningError != null) Add(Versioning, false, "unknown", Unreadable("bucket's versioning", p.VersioningError, "GetBucketVersioning"));
            else if (p.Versioning == "Enabled") Add(Versioning, true, "Enabled", "a delete leaves a delete marker and the old version: Get-BqBackup -IncludeDeleted lists what was deleted");
            else if (p.Versioning == "Suspended") Add(Versioning, false, "Suspended", "versioning is suspended: a delete now removes a backup for good; turn it back on (aws s3api put-bucket-versioning --versioning-configuration Status=Enabled)");
            else Add(Versioning, false, "Off", "a delete removes a backup for good (anyone with the keys can delete them all); turn versioning on (aws s3api put-bucket-versioning --versioning-configuration Status=Enabled)");

            if (p.ObjectLockError != null) Add(ObjectLock, false, "unknown", Unreadable("Object Lock configuration", p.ObjectLockError, "GetBucketObjectLockConfiguration"));
            else if (p.ObjectLockEnabled) Add(ObjectLock, true, "Enabled", "locked versions cannot be deleted or overwritten until their retention ends");
            else Add(ObjectLock, false, "Off", "without Object Lock, credentials that may delete versions (s3:DeleteObjectVersion) can remove every backup and its old versions; enable it (aws s3api put-object-lock-configuration, versioning on first)");

            var locked = newestLock != null && newestLock.IsLockedAt(nowUtc);
            if (p.ObjectLockError != null) Add(DefaultRetention, false, "unknown", Unreadable("default retention", p.ObjectLockError, "GetBucketObjectLockConfiguration"));
            else if (p.DefaultRetentionMode != null)
            {
                var span = p.DefaultRetentionYears.HasValue ? $"{p.DefaultRetentionYears} year(s)" : $"{p.DefaultRetentionDays} day(s)";
                Add(DefaultRetention, true, $"{p.DefaultRetentionMode}, {span}",
                    p.DefaultRetentionMode == "COMPLIANCE"
                        ? $"every new object is locked for {span}; nobody, not even the account's root user, can delete it sooner"
                        : $"every new object is locked for {span}; credentials with s3:BypassGovernanceRetention can still delete it: deny that to the backup host");
            }
            else if (!p.ObjectLockEnabled) Add(DefaultRetention, false, "none", "the bucket has no Object Lock, so no default retention");
            else if (locked) Add(DefaultRetention, true, "none", "no default retention, but the backups are written locked (the newest is)");
            else Add(DefaultRetention, false, "none", "no default retention: objects are locked only when written with a lock; set one (aws s3api put-object-lock-configuration ... DefaultRetention)");

            if (newest == null) Add(NewestBackupLocked, false, "no backup", "there is no backup in the destination to check");
            else if (locked) Add(NewestBackupLocked, true, newestLock.ToString(), $"the newest backup '{newest.Name}' cannot be deleted or overwritten before then");
            else
            {
                var expired = newestLock?.Mode != null ? $" (its retention ended {newestLock.RetainUntil:yyyy-MM-dd HH:mm:ss} UTC)" : "";
                Add(NewestBackupLocked, false, "not locked",
                    $"the newest backup '{newest.Name}' is not locked{expired}" + (p.ObjectLockEnabled
                        ? " although the bucket has Object Lock enabled: set a default retention, or write backups with a lock (HEAD reports a lock only to credentials with s3:GetObjectRetention)"
                        : ": anyone with the keys can delete it"));
            }

            if (p.LifecycleError != null) Add(IncompleteUploadCleanup, false, "unknown", Unreadable("lifecycle rules", p.LifecycleError, "GetLifecycleConfiguration"));
            else if (p.AbortIncompleteUploadDays.HasValue)
                Add(IncompleteUploadCleanup, true, $"{p.AbortIncompleteUploadDays} day(s)", $"the lifecycle rule '{p.AbortIncompleteUploadRule}' aborts incomplete multipart uploads after {p.AbortIncompleteUploadDays} day(s)");
            else
                Add(IncompleteUploadCleanup, false, "none", "no enabled lifecycle rule covering this prefix aborts incomplete multipart uploads: parts of killed uploads stay billed (Remove-BqBackupExpired aborts those under its prefix older than a day); add one (AbortIncompleteMultipartUpload)");

            var ageEncrypted = newest != null && newest.Encrypted;
            if (p.EncryptionError != null && !ageEncrypted) Add(DefaultEncryption, false, "unknown", Unreadable("default encryption", p.EncryptionError, "GetEncryptionConfiguration"));
            else if (p.DefaultEncryption != null) Add(DefaultEncryption, true, p.DefaultEncryption, $"new objects are encrypted at rest ({p.DefaultEncryption})" + (ageEncrypted ? "; the backups are age-encrypted as well" : ""));
            else if (ageEncrypted) Add(DefaultEncryption, true, "age", "the bucket has no default encryption, but the backups are age-encrypted (the newest is)");
            else Add(DefaultEncryption, false, "none", "the bucket has no default encryption and the newest backup is not age-encrypted; set one (aws s3api put-bucket-encryption) or back up with -Recipient");
            return checks;
        }

        /// <summary>A folder protects nothing from whoever may write to it; what applies is said per check.</summary>
        public static IReadOnlyList<ProtectionCheck> EvaluateFolder(string destination, BackupInfo newest)
        {
            ProtectionCheck Make(string check, bool pass, string value, string reason) =>
                new ProtectionCheck { Destination = destination, Check = check, Verdict = pass ? ProtectionVerdict.Pass : ProtectionVerdict.Warn, Value = value, Reason = reason };
            const string copy = "keep a copy in a versioned S3 bucket with Object Lock (or on snapshotted storage)";
            var ageEncrypted = newest != null && newest.Encrypted;
            return new[]
            {
                Make(Versioning, false, "not applicable", $"a folder keeps no old versions: whoever can write to it can delete every backup; {copy}"),
                Make(ObjectLock, false, "not applicable", $"a folder cannot lock files against their owner or root; {copy}"),
                Make(DefaultRetention, false, "not applicable", "a folder has no retention that forbids deletion"),
                Make(NewestBackupLocked, false, newest == null ? "no backup" : "not locked", newest == null ? "there is no backup in the destination to check" : $"the newest backup '{newest.Name}' is a file anyone with write access to the folder can delete"),
                Make(IncompleteUploadCleanup, true, "not applicable", "a folder has no multipart uploads; the partial body a killed backup leaves is removed by the next backup or expiry"),
                ageEncrypted
                    ? Make(DefaultEncryption, true, "age", "the backups are age-encrypted (the newest is)")
                    : Make(DefaultEncryption, false, "none", "the newest backup is not age-encrypted and a folder has no encryption of its own that can be checked here; back up with -Recipient, or rely on disk encryption"),
            };
        }

        /// <summary>
        /// For Get-BqBackupStatus: why the newest backup is not locked where locking is expected (the
        /// bucket has Object Lock enabled), or null when it is locked, locking is not expected, or
        /// the store cannot say.
        /// </summary>
        public static string NewestNotLockedReason(IBackupStore store, IReadOnlyList<BackupInfo> newestFirst, OperationContext ctx)
        {
            var newest = Newest(newestFirst);
            if (newest == null || !(store is IStoreProtection protected_)) return null;
            try
            {
                var enabled = protected_.ReadObjectLockEnabled(ctx.Cancellation, out var error);
                if (enabled == null) ctx.WriteVerbose($"Could not tell whether '{store.Location}' locks objects ({error}); the newest backup's lock was not checked.");
                if (enabled != true) return null;
                var state = protected_.ReadLock(newest.Name, newest.VersionId, ctx.Cancellation);
                if (state.IsLockedAt(ctx.UtcNow())) return null;
                return $"the newest backup '{newest.Name}' is not locked although the bucket has Object Lock enabled" +
                       (state.Mode != null ? $" (its retention ended {state.RetainUntil:yyyy-MM-dd HH:mm:ss} UTC)" : "") +
                       ": set a default retention on the bucket, or write backups with a lock";
            }
            catch (BqBackupException e) when (e.ErrorId != ErrorIds.InvalidCredentials)
            {
                ctx.WriteVerbose($"Could not check the newest backup's lock in '{store.Location}': {e.Message}");
                return null;
            }
        }
    }
}
