using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using BqBackup.Locking;

namespace BqBackup.Storage.S3
{
    /// <summary>
    /// Object Lock writes and version deletes on S3 (locks are read from HEAD by S3Protection):
    /// retention set on a version, the versions of one key, deletes of one version. Errors a lock
    /// causes get their own ErrorIds: ObjectLockNotEnabled, ObjectLocked, GovernanceBypassDenied.
    /// </summary>
    internal static class S3ObjectLocks
    {
        /// <summary>Content-MD5 of a body: Object Lock refuses writes without a content checksum.</summary>
        public static string Md5(byte[] content, int offset, int count)
        {
            using (var md5 = MD5.Create()) return Convert.ToBase64String(md5.ComputeHash(content, offset, count));
        }

        public static void SetLock(S3Store store, string key, string versionId, ObjectRetention lockState, CancellationToken cancellation) =>
            S3Errors.Call(store, "lock", key, () => store.Client.PutObjectRetentionAsync(new PutObjectRetentionRequest
            {
                BucketName = store.Bucket, Key = store.FullKey(key), VersionId = versionId,
                Retention = new ObjectLockRetention { Mode = ToS3(lockState.Mode), RetainUntilDate = lockState.RetainUntilUtc },
            }, cancellation), cancellation);

        internal static Amazon.S3.ObjectLockRetentionMode ToS3(Locking.ObjectLockMode mode) =>
            mode == Locking.ObjectLockMode.Compliance ? Amazon.S3.ObjectLockRetentionMode.Compliance : Amazon.S3.ObjectLockRetentionMode.Governance;

        internal static Amazon.S3.ObjectLockMode ToS3Header(Locking.ObjectLockMode mode) =>
            mode == Locking.ObjectLockMode.Compliance ? Amazon.S3.ObjectLockMode.Compliance : Amazon.S3.ObjectLockMode.Governance;

        public static KeyDeletion DeleteKey(S3Store store, string key, CancellationToken cancellation)
        {
            var response = S3Errors.Call(store, "delete", key, () => store.Client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = store.Bucket, Key = store.FullKey(key) }, cancellation), cancellation);
            return string.Equals(response.DeleteMarker, "true", StringComparison.OrdinalIgnoreCase) ? KeyDeletion.Hidden : KeyDeletion.Removed;
        }

        public static IReadOnlyList<StoreVersion> ListVersions(S3Store store, string key, CancellationToken cancellation)
        {
            var full = store.FullKey(key);
            var result = new List<StoreVersion>();
            string keyMarker = null, versionMarker = null;
            do
            {
                var request = new ListVersionsRequest { BucketName = store.Bucket, Prefix = full, KeyMarker = keyMarker, VersionIdMarker = versionMarker };
                var page = S3Errors.Call(store, "list the versions of", key, () => store.Client.ListVersionsAsync(request, cancellation), cancellation);
                foreach (var v in page.Versions ?? new List<S3ObjectVersion>())
                {
                    if (v.Key != full) continue; // the prefix also matches longer keys (a sidecar of a body)
                    result.Add(new StoreVersion
                    {
                        Key = key, VersionId = v.VersionId, IsDeleteMarker = v.IsDeleteMarker == true, IsLatest = v.IsLatest == true,
                        LastModified = new DateTimeOffset(DateTime.SpecifyKind(v.LastModified ?? DateTime.MinValue, DateTimeKind.Utc)),
                    });
                }
                var more = page.IsTruncated == true;
                keyMarker = more ? page.NextKeyMarker : null;
                versionMarker = more ? page.NextVersionIdMarker : null;
            } while (keyMarker != null);
            return result.OrderByDescending(v => v.IsLatest).ThenByDescending(v => v.LastModified).ToList();
        }

        public static void DeleteVersion(S3Store store, string key, string versionId, bool bypassGovernance, CancellationToken cancellation)
        {
            try
            {
                store.Client.DeleteObjectAsync(new DeleteObjectRequest
                {
                    BucketName = store.Bucket, Key = store.FullKey(key), VersionId = versionId, BypassGovernanceRetention = bypassGovernance ? true : (bool?)null,
                }, cancellation).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied" || e.StatusCode == System.Net.HttpStatusCode.Forbidden)
            {
                throw bypassGovernance
                    ? new BqBackupException(ErrorIds.GovernanceBypassDenied, BqErrorCategory.PermissionDenied,
                        $"The store refused to delete version {versionId} of '{key}' in '{store.Location}' with the governance bypass: these credentials lack s3:BypassGovernanceRetention (or the version is locked in Compliance mode).", key,
                        "Use credentials that hold s3:BypassGovernanceRetention on the bucket, or wait until the lock ends (Get-BqBackup shows LockedUntil).")
                    : Locked(store, key, versionId, null);
            }
            catch (Exception e)
            {
                throw S3Errors.Map(store, "delete a version of", key, e);
            }
        }

        public static BqBackupException Locked(IBackupStore store, string key, string versionId, ObjectLockState lockState) =>
            new BqBackupException(ErrorIds.ObjectLocked, BqErrorCategory.PermissionDenied,
                $"'{key}'{(versionId != null ? $" (version {versionId})" : "")} in '{store.Location}' is locked{(lockState != null ? $" ({lockState})" : "")}; it was not deleted.", key,
                lockState?.LegalHold == true
                    ? "A legal hold protects it until someone with s3:PutObjectLegalHold lifts it; expiry takes it on the first run after."
                    : lockState?.Mode == "GOVERNANCE"
                    ? "Wait until the lock ends (expiry removes it on the first run after), or remove it with -BypassGovernanceRetention using credentials that hold s3:BypassGovernanceRetention."
                    : "Wait until the lock ends: nobody can delete a Compliance-locked version earlier. Expiry removes it on the first run after.");

        /// <summary>Object Lock asked of a bucket that does not have it: nothing was written.</summary>
        public static BqBackupException NotEnabled(S3Store store, string why) =>
            new BqBackupException(ErrorIds.ObjectLockNotEnabled, BqErrorCategory.InvalidOperation,
                $"The bucket '{store.Bucket}' at {store.Endpoint} does not have Object Lock enabled{why}; nothing was written.", store.Bucket,
                "Create the bucket with Object Lock (aws s3api create-bucket --object-lock-enabled-for-bucket) or enable it on the bucket (versioning first), or leave out -LockMode.");

        /// <summary>A write with lock headers refused because the bucket lacks Object Lock (AWS and moto answer InvalidRequest).</summary>
        public static bool IsLockNotEnabled(Exception e) =>
            e is AmazonS3Exception s3 && s3.ErrorCode == "InvalidRequest" && (s3.Message ?? "").IndexOf("Object", StringComparison.OrdinalIgnoreCase) >= 0
            && (s3.Message ?? "").IndexOf("Lock", StringComparison.OrdinalIgnoreCase) >= 0;
    }
}
