using System;
using System.IO;
using System.Linq;
using System.Threading;
using AmazonS3Exception = Amazon.S3.AmazonS3Exception;
using Amazon.S3.Model;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Codec;
using BqBackup.Locking;
using ObjectLockMode = BqBackup.Locking.ObjectLockMode;
using BqBackup.Retention;
using BqBackup.Storage.S3;
using BqBackup.Tests.Storage.S3;
using Xunit;

namespace BqBackup.Tests.Locking
{
    /// <summary>
    /// Object Lock on moto, which enforces it (and checks every signature): the locks the engine
    /// writes, the deletes it refuses, and what the server refuses when the engine's clock lies.
    /// </summary>
    public sealed class ObjectLockMotoTests : IClassFixture<MotoFixture>, IDisposable
    {
        private readonly MotoFixture server;
        private readonly Fixtures.Workspace w = new Fixtures.Workspace(jobs: 200);
        private readonly string lockBucket = "lock-" + Guid.NewGuid().ToString("N").Substring(0, 12);

        public ObjectLockMotoTests(MotoFixture server)
        {
            this.server = server;
            using (var store = Open(MotoFixture.Bucket, "setup/"))
                store.Client.PutBucketAsync(new PutBucketRequest { BucketName = lockBucket, ObjectLockEnabledForBucket = true }).GetAwaiter().GetResult();
        }

        public void Dispose() => w.Dispose();

        private S3Store Open(string bucket, string prefix) => S3StoreTests.Open(server.Endpoint, prefix, server.SecretKey, server.AccessKey, bucket);

        private BackupInfo Backup(S3Store store, ObjectLockOptions lockOptions, OperationContext ctx = null, string database = null) =>
            BackupEngine.Run(database ?? w.Database, store, store.Location, new BackupOptions { TempRoot = w.TempRoot, ObjectLock = lockOptions, CompressionLevel = BqCompressionLevel.Fastest }, ctx ?? w.Context);

        private static GetObjectMetadataResponse Head(S3Store store, string key) =>
            store.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = store.Bucket, Key = store.Prefix + key }).GetAwaiter().GetResult();

        private static AmazonS3Exception DeleteVersionRaw(S3Store store, string key, string versionId, bool bypass = false) =>
            Assert.ThrowsAny<AmazonS3Exception>(() => store.Client.DeleteObjectAsync(new DeleteObjectRequest
            {
                BucketName = store.Bucket, Key = store.Prefix + key, VersionId = versionId, BypassGovernanceRetention = bypass ? true : (bool?)null,
            }).GetAwaiter().GetResult());

        [Fact]
        public void A_compliance_backup_locks_body_and_sidecar_and_the_same_credentials_cannot_delete_either_version()
        {
            using (var store = Open(lockBucket, "single/"))
            {
                var info = Backup(store, new ObjectLockOptions { Mode = ObjectLockMode.Compliance, Days = 1 });
                Assert.Equal(ObjectLockMode.Compliance, info.LockMode);
                Assert.InRange(info.LockedUntil.Value, DateTime.UtcNow.AddDays(1).AddMinutes(-5), DateTime.UtcNow.AddDays(1).AddMinutes(1));
                foreach (var key in new[] { info.Name, info.MetadataName })
                {
                    var head = Head(store, key);
                    Assert.Equal("COMPLIANCE", head.ObjectLockMode?.Value);
                    Assert.Equal(info.LockedUntil.Value, head.ObjectLockRetainUntilDate.Value.ToUniversalTime());
                    Assert.Equal("AccessDenied", DeleteVersionRaw(store, key, head.VersionId).ErrorCode);
                    Assert.Equal("AccessDenied", DeleteVersionRaw(store, key, head.VersionId, bypass: true).ErrorCode);
                }
                // What a listing reports is what HEAD says.
                var listed = new BackupCatalog(store, store.Location).List(w.Context).Single();
                Assert.Equal(info.LockedUntil, listed.LockedUntil);
                Assert.Equal(ObjectLockMode.Compliance, listed.LockMode);
            }
        }

        [Fact]
        public void A_multipart_body_is_locked_too_even_where_the_server_drops_the_headers_of_CreateMultipartUpload()
        {
            var big = w.File("big.db");
            BqBackup.Sample.SampleDatabase.CreateOfSize(big, 14L * 1024 * 1024);
            using (var store = Open(lockBucket, "multipart/"))
            {
                store.MinimumPartSize = 5 * 1024 * 1024;
                var verbose = new System.Collections.Generic.List<string>();
                var info = Backup(store, new ObjectLockOptions { Mode = ObjectLockMode.Governance, Days = 2 }, new OperationContext { Verbose = verbose.Add }, big);
                Assert.True(info.Size > 2L * store.MinimumPartSize, $"the body ({info.Size} bytes) must take the multipart path");
                var head = Head(store, info.Name);
                Assert.Equal("GOVERNANCE", head.ObjectLockMode?.Value);
                Assert.Equal(info.LockedUntil.Value, head.ObjectLockRetainUntilDate.Value.ToUniversalTime());
                Assert.Equal("AccessDenied", DeleteVersionRaw(store, info.Name, head.VersionId).ErrorCode);
            }
        }

        [Fact]
        public void A_lock_asked_of_a_bucket_without_Object_Lock_is_refused_before_anything_is_written()
        {
            using (var store = Open(MotoFixture.VersionedBucket, "nolock-" + Guid.NewGuid().ToString("N") + "/"))
            {
                var e = Assert.Throws<BqBackupException>(() => Backup(store, new ObjectLockOptions { Mode = ObjectLockMode.Compliance, Days = 1 }));
                Assert.Equal(ErrorIds.ObjectLockNotEnabled, e.ErrorId);
                Assert.Equal(BqErrorCategory.InvalidOperation, e.Category);
                Assert.Contains("object-lock-enabled-for-bucket", e.RecommendedAction);
                Assert.Empty(store.List(CancellationToken.None));
                var versions = store.Client.ListVersionsAsync(new ListVersionsRequest { BucketName = store.Bucket, Prefix = store.Prefix }).GetAwaiter().GetResult();
                Assert.Empty(versions.Versions ?? new System.Collections.Generic.List<S3ObjectVersion>());
            }
        }

        [Fact]
        public void A_locked_write_the_bucket_refuses_for_want_of_Object_Lock_is_ObjectLockNotEnabled_and_leaves_nothing()
        {
            using (var store = Open(MotoFixture.VersionedBucket, "nolock-put-" + Guid.NewGuid().ToString("N") + "/"))
            {
                // What a bucket that would not say whether it has Object Lock answers the first locked write.
                var e = Assert.Throws<BqBackupException>(() => store.Put("backup-2026-01-01T00-00-00.db.gz", new byte[] { 1, 2, 3 }, "application/gzip", false,
                    new ObjectRetention(ObjectLockMode.Governance, DateTime.UtcNow.AddDays(1)), CancellationToken.None));
                Assert.Equal(ErrorIds.ObjectLockNotEnabled, e.ErrorId);
                Assert.Empty(store.List(CancellationToken.None));
            }
        }

        [Fact]
        public void A_clock_that_runs_ahead_does_not_get_a_locked_version_deleted_the_store_refuses_and_nothing_changes()
        {
            using (var store = Open(lockBucket, "clock/"))
            {
                var info = Backup(store, new ObjectLockOptions { Mode = ObjectLockMode.Governance, Days = 1 });
                var ahead = new OperationContext { Clock = () => DateTime.UtcNow.AddDays(2) };
                // By the engine's clock the lock is over; moto's clock says otherwise.
                var e = Assert.Throws<BqBackupException>(() => ExpiryEngine.Remove(info, store, ahead, new RemovalOptions { PurgeVersions = true }));
                Assert.Equal(ErrorIds.ObjectLocked, e.ErrorId);
                Assert.Equal(BqErrorCategory.PermissionDenied, e.Category);
                Assert.NotNull(store.Stat(info.Name, CancellationToken.None));
                Assert.NotNull(store.Stat(info.MetadataName, CancellationToken.None));
                // With the true clock the engine refuses before sending any delete.
                var refused = Assert.Throws<BqBackupException>(() => ExpiryEngine.Remove(info, store, w.Context));
                Assert.Equal(ErrorIds.ObjectLocked, refused.ErrorId);
                Assert.Contains("GOVERNANCE until", refused.Message);
                Assert.Single(store.ListVersions(info.Name, CancellationToken.None));
            }
        }

        [Fact]
        public void Expiry_keeps_a_locked_backup_no_rule_keeps_and_removes_it_every_version_on_the_first_run_after_its_lock()
        {
            using (var store = Open(lockBucket, "expiry/"))
            {
                var old = Backup(store, new ObjectLockOptions { Mode = ObjectLockMode.Governance, Until = DateTime.UtcNow.AddSeconds(3) });
                Thread.Sleep(1100);
                var newest = Backup(store, null);
                var policy = new RetentionPolicy { KeepLast = 1 };
                var removal = new RemovalOptions { PurgeVersions = true };

                var first = ExpiryEngine.Apply(store, RetentionEvaluator.Evaluate(new BackupCatalog(store, store.Location).List(w.Context), policy, DateTime.UtcNow),
                    (_, __) => true, w.Context, removal: removal);
                var kept = first.Single(o => o.Decision.Name == old.Name);
                Assert.True(kept.Decision.KeptByLock);
                Assert.False(kept.Removed);
                Assert.NotNull(store.Stat(old.Name, CancellationToken.None));

                Thread.Sleep(TimeSpan.FromSeconds(4));
                var second = ExpiryEngine.Apply(store, RetentionEvaluator.Evaluate(new BackupCatalog(store, store.Location).List(w.Context), policy, DateTime.UtcNow),
                    (_, __) => true, w.Context, removal: removal);
                var gone = second.Single(o => o.Decision.Name == old.Name);
                Assert.Null(gone.Error);
                Assert.True(gone.Removed);
                Assert.False(gone.Hidden);
                Assert.True(gone.PurgedVersions >= 3, $"body, sidecar and the sidecar's claim: {gone.PurgedVersions}");
                Assert.Empty(store.ListVersions(old.Name, CancellationToken.None));
                Assert.Empty(store.ListVersions(old.MetadataName, CancellationToken.None));
                Assert.NotNull(store.Stat(newest.Name, CancellationToken.None));
            }
        }
    }
}
