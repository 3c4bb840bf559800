using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using Amazon.S3;
using Amazon.S3.Model;
using BqBackup.Storage;
using BqBackup.Storage.S3;
using BqBackup.Tests.Storage;
using Xunit;

namespace BqBackup.Tests.Storage.S3
{
    /// <summary>The store contract, against s3rver through the SigV4-checking proxy.</summary>
    public sealed class S3StoreTests : StoreContractTests, IClassFixture<S3rverFixture>
    {
        private readonly S3rverFixture server;

        public S3StoreTests(S3rverFixture server) { this.server = server; }

        internal static S3Store Open(string endpoint, string prefix, string secret = S3rverFixture.SecretKey, string accessKey = S3rverFixture.AccessKey, string bucket = S3rverFixture.Bucket) =>
            (S3Store)BackupStores.Open($"s3://{bucket}/{prefix}", new S3Options { EndpointUrl = endpoint, AccessKey = accessKey, SecretKey = secret, Timeout = TimeSpan.FromSeconds(10) },
                new DictionaryEnvironment(new System.Collections.Generic.Dictionary<string, string>()), createFolder: false);

        protected override IBackupStore CreateStore()
        {
            var store = Open(server.Proxy.Endpoint, "contract-" + Guid.NewGuid().ToString("N") + "/");
            store.MinimumPartSize = 5 * 1024 * 1024; // S3's smallest part: multipart from 5 MiB on
            return store;
        }

        protected override int LargeObjectSize => 12 * 1024 * 1024;   // three parts
        protected override int ManyObjectsCount => 1050;              // past one listing page of 1,000
        protected override bool StoreRefusesCommitOverExisting => true;
        protected override bool OverwritesAreAtomic => false;                 // s3rver writes body and metadata in two steps

        protected override void AssertNoLeftovers(IBackupStore store)
        {
            var s3 = (S3Store)store;
            var uploads = s3.Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = s3.Bucket }).GetAwaiter().GetResult();
            Assert.DoesNotContain(uploads.MultipartUploads ?? new System.Collections.Generic.List<MultipartUpload>(), u => u.Key.StartsWith(s3.Prefix));
        }

        [Fact]
        public void A_wrong_secret_is_refused_as_InvalidCredentials_without_showing_it()
        {
            using (var store = Open(server.Proxy.Endpoint, "x/", secret: "Wrong-Secret-42"))
            {
                var e = Assert.Throws<BqBackupException>(() => store.List(CancellationToken.None));
                Assert.Equal(ErrorIds.InvalidCredentials, e.ErrorId);
                Assert.Contains("SignatureDoesNotMatch", e.Message);
                Assert.DoesNotContain("Wrong-Secret-42", e.ToString());
                Assert.True(server.Proxy.RejectedSignatures > 0);
            }
        }

        [Fact]
        public void An_unknown_access_key_is_InvalidCredentials()
        {
            using (var store = Open(server.Endpoint, "x/", accessKey: "NOPE"))
                Assert.Equal(ErrorIds.InvalidCredentials, Assert.Throws<BqBackupException>(() => store.List(CancellationToken.None)).ErrorId);
        }

        [Fact]
        public void An_unknown_bucket_is_BucketNotFound()
        {
            using (var store = Open(server.Endpoint, "x/", bucket: "no-such-bucket"))
            {
                var e = Assert.Throws<BqBackupException>(() => store.List(CancellationToken.None));
                Assert.Equal(ErrorIds.BucketNotFound, e.ErrorId);
                Assert.Equal("no-such-bucket", e.TargetObject);
            }
        }

        [Fact]
        public void An_unreachable_endpoint_is_EndpointUnreachable_within_seconds()
        {
            using (var store = Open($"http://127.0.0.1:{S3rverFixture.FreePort()}", "x/"))
            using (var guard = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                var e = Assert.Throws<BqBackupException>(() => store.List(guard.Token));
                Assert.Equal(ErrorIds.EndpointUnreachable, e.ErrorId);
            }
        }

        [Fact]
        public void Every_object_written_reads_back_exactly_through_awscli()
        {
            Assert.True(File.Exists("/usr/bin/aws"), "Debian's awscli is missing: the README's test command installs it.");
            var data = new byte[11 * 1024 * 1024];
            new Random(7).NextBytes(data);
            var prefix = "awscli-" + Guid.NewGuid().ToString("N") + "/";
            using (var store = Open(server.Endpoint, prefix))
            {
                store.MinimumPartSize = 5 * 1024 * 1024;
                using (var upload = store.BeginUpload("body.db.gz", "application/gzip", CancellationToken.None))
                {
                    upload.Content.Write(data, 0, data.Length);
                    upload.Commit(CancellationToken.None);
                }
            }
            using (var temp = new TempDir())
            {
                var start = new ProcessStartInfo("/usr/bin/aws") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "--endpoint-url", server.Endpoint, "s3", "cp", $"s3://{S3rverFixture.Bucket}/{prefix}body.db.gz", temp.File("got") }) start.ArgumentList.Add(a);
                start.Environment["AWS_ACCESS_KEY_ID"] = S3rverFixture.AccessKey;
                start.Environment["AWS_SECRET_ACCESS_KEY"] = S3rverFixture.SecretKey;
                start.Environment["AWS_DEFAULT_REGION"] = "us-east-1";
                using (var p = Process.Start(start))
                {
                    var err = p.StandardError.ReadToEnd();
                    p.WaitForExit();
                    Assert.True(p.ExitCode == 0, err);
                }
                Assert.True(data.SequenceEqual(File.ReadAllBytes(temp.File("got"))), "awscli read different bytes than were written");
            }
        }

        [Fact]
        public void An_upload_cancelled_midway_leaves_no_object_and_no_multipart_upload()
        {
            using (var store = (S3Store)CreateStore())
            using (var cts = new CancellationTokenSource())
            {
                var chunk = new byte[1024 * 1024];
                Assert.ThrowsAny<OperationCanceledException>((Action)(() =>
                {
                    using (var upload = store.BeginUpload("cancelled.db.gz", "application/gzip", cts.Token))
                        for (var i = 0; i < 100; i++)
                        {
                            if (i == 12) cts.Cancel();
                            upload.Content.Write(chunk, 0, chunk.Length);
                        }
                }));
                Assert.Empty(store.List(CancellationToken.None));
                AssertNoLeftovers(store);
            }
        }

        [Fact]
        public void A_server_that_goes_away_mid_upload_leaves_no_listed_object_and_no_multipart_upload()
        {
            using (var store = (S3Store)CreateStore())
            {
                server.Proxy.FailAfterParts = server.Proxy.UploadedParts + 1;
                try
                {
                    var chunk = new byte[1024 * 1024];
                    var e = Assert.Throws<BqBackupException>(() =>
                    {
                        using (var upload = store.BeginUpload("broken.db.gz", "application/gzip", CancellationToken.None))
                        {
                            for (var i = 0; i < 20; i++) upload.Content.Write(chunk, 0, chunk.Length);
                            upload.Commit(CancellationToken.None);
                        }
                    });
                    Assert.Equal(ErrorIds.StoreError, e.ErrorId);
                }
                finally
                {
                    server.Proxy.FailAfterParts = null;
                }
                Assert.Empty(store.List(CancellationToken.None));
                AssertNoLeftovers(store);
            }
        }

        [Fact]
        public void Throttling_is_retried_with_backoff_and_a_clear_error_comes_once_retries_are_spent()
        {
            using (var store = (S3Store)CreateStore())
            {
                server.Proxy.ThrottleNext = 2;
                store.Put("after-throttling", new byte[] { 1 }, "application/octet-stream", false, CancellationToken.None);
                Assert.NotNull(store.Stat("after-throttling", CancellationToken.None));

                server.Proxy.ThrottleNext = 100;
                try
                {
                    var e = Assert.Throws<BqBackupException>(() => store.List(CancellationToken.None));
                    Assert.Equal(ErrorIds.StoreError, e.ErrorId);
                    Assert.Contains("503", e.Message);
                }
                finally
                {
                    server.Proxy.ThrottleNext = 0;
                }
            }
        }

        [Fact]
        public void A_delete_the_provider_acknowledges_but_does_not_do_is_RemoveFailed()
        {
            using (var store = (S3Store)CreateStore())
            {
                WriteBackupAt(store, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                var ctx = new OperationContext();
                var backup = new BqBackup.Catalog.BackupCatalog(store, store.Location).List(ctx).Single();
                server.Proxy.IgnoreDeletes = true;
                try
                {
                    var e = Assert.Throws<BqBackupException>(() => BqBackup.Retention.ExpiryEngine.Remove(backup, store, ctx));
                    Assert.Equal(ErrorIds.RemoveFailed, e.ErrorId);
                }
                finally
                {
                    server.Proxy.IgnoreDeletes = false;
                }
                Assert.Single(new BqBackup.Catalog.BackupCatalog(store, store.Location).List(ctx));
            }
        }

        [Fact]
        public void Keys_in_a_listing_that_would_escape_a_folder_are_not_returned()
        {
            var prefix = "hostile-" + Guid.NewGuid().ToString("N") + "/";
            using (var store = Open(server.Endpoint, prefix))
            {
                foreach (var evil in new[] { "..", "sub/backup-2026-01-01T00-00-00.db.gz", ".hidden" })
                    store.Client.PutObjectAsync(new PutObjectRequest { BucketName = S3rverFixture.Bucket, Key = prefix + evil, ContentBody = "x", UseChunkEncoding = false }).GetAwaiter().GetResult();
                store.Put("fine", new byte[] { 1 }, "application/octet-stream", false, CancellationToken.None);
                Assert.Equal(new[] { "fine" }, store.List(CancellationToken.None).Select(o => o.Key));
            }
        }
    }
}
