using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Amazon.S3.Model;
using BqBackup.IO;
using BqBackup.Retention;
using BqBackup.State;
using BqBackup.Storage;
using BqBackup.Storage.S3;
using BqBackup.Tests.State;
using BqBackup.Tests.Storage.S3;
using Xunit;

namespace BqBackup.Tests.Storage
{
    /// <summary>What killed runs left, cleaned through their in-flight records; and stale uploads of anyone, by expiry.</summary>
    public sealed class LeftoverCleanupTests : IClassFixture<S3rverFixture>
    {
        private readonly S3rverFixture server;
        public LeftoverCleanupTests(S3rverFixture server) { this.server = server; }

        private static OperationContext Context(List<string> verbose, List<string> warnings = null) =>
            new OperationContext { Verbose = verbose.Add, Warning = (warnings ?? verbose).Add };

        [Fact]
        public void A_dead_runs_partial_body_is_removed_and_a_live_runs_and_anything_not_ours_are_left()
        {
            using (var t = new TempDir())
            {
                var registry = new InFlightRegistry(t.Dir("state"));
                var folder = t.Dir("backups");
                var dead = InFlightRegistryTests.DeadPid();
                string Partial(string name) { var p = Path.Combine(folder, "." + name + FolderStore.PartialMarker + "1"); File.WriteAllText(p, "half"); return p; }

                var killed = Partial("killed");
                registry.Register(InFlightRegistryTests.Partial(folder, killed, dead));
                var alive = Partial("alive");
                registry.Register(InFlightRegistryTests.Partial(folder, alive, Environment.ProcessId, ProcessIdentity.Current.StartTime));
                var reused = Partial("reused");
                registry.Register(InFlightRegistryTests.Partial(folder, reused, Environment.ProcessId, "1"));
                // A record may only ever name a hidden partial body in its own folder.
                var backup = Path.Combine(folder, "backup-2026-01-01T00-00-00.db.gz");
                File.WriteAllText(backup, "a real backup");
                registry.Register(InFlightRegistryTests.Partial(folder, backup, dead));
                var outside = t.File("outside.txt");
                File.WriteAllText(outside, "not in the folder");
                registry.Register(InFlightRegistryTests.Partial(folder, outside, dead));
                // A link planted at a partial's name is not ours: left as it is.
                var victim = t.File("victim");
                File.WriteAllText(victim, "keep");
                var planted = Path.Combine(folder, ".planted" + FolderStore.PartialMarker + "1");
                File.CreateSymbolicLink(planted, victim);
                registry.Register(InFlightRegistryTests.Partial(folder, planted, dead));
                // Another folder's record waits for a run on that folder.
                var otherFolder = t.Dir("other");
                var other = Path.Combine(otherFolder, ".o" + FolderStore.PartialMarker + "1");
                File.WriteAllText(other, "half");
                registry.Register(InFlightRegistryTests.Partial(otherFolder, other, dead));
                // Committed before the kill: only the record is left.
                registry.Register(InFlightRegistryTests.Partial(folder, Path.Combine(folder, ".gone" + FolderStore.PartialMarker + "1"), dead));

                var verbose = new List<string>();
                using (var store = new FolderStore(folder, create: false))
                    LeftoverCleanup.Clean(store, null, Context(verbose), registry);

                Assert.False(File.Exists(killed));
                Assert.False(File.Exists(reused));
                Assert.True(File.Exists(alive));
                Assert.True(File.Exists(backup));
                Assert.True(File.Exists(outside));
                Assert.True(NativeFile.IsLinkOrReparsePoint(planted));
                Assert.Equal("keep", File.ReadAllText(victim));
                Assert.True(File.Exists(other));
                Assert.Contains(verbose, v => v.Contains(killed) && v.Contains($"process {dead}"));
                var left = registry.ReadAll(null).Select(r => r.Partial).OrderBy(p => p).ToList();
                Assert.Equal(new[] { alive, other }.OrderBy(p => p), left);
            }
        }

        [Fact]
        public void Under_WhatIf_a_partial_body_is_only_named()
        {
            using (var t = new TempDir())
            {
                var registry = new InFlightRegistry(t.Dir("state"));
                var folder = t.Dir("backups");
                var partial = Path.Combine(folder, ".b" + FolderStore.PartialMarker + "1");
                File.WriteAllText(partial, "half");
                registry.Register(InFlightRegistryTests.Partial(folder, partial, InFlightRegistryTests.DeadPid()));
                var asked = new List<string>();
                using (var store = new FolderStore(folder, create: false))
                    LeftoverCleanup.Clean(store, (target, action) => { asked.Add(target + ": " + action); return false; }, Context(new List<string>()), registry);
                Assert.True(File.Exists(partial));
                Assert.Contains(asked, a => a.Contains(Path.GetFileName(partial)) && a.Contains("partial body"));
                Assert.Single(registry.ReadAll(null));
            }
        }

        [Fact]
        public void A_killed_runs_multipart_upload_is_aborted_when_the_same_bucket_is_opened_again()
        {
            using (var t = new TempDir())
            using (var store = S3StoreTests.Open(server.Proxy.Endpoint, "leftover-" + Guid.NewGuid().ToString("N") + "/"))
            {
                var registry = new InFlightRegistry(t.Dir("state"));
                var key = store.Prefix + "backup-2026-01-01T00-00-00.db.gz";
                var id = store.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store.Bucket, Key = key }).GetAwaiter().GetResult().UploadId;
                var record = InFlightRecord.ForUpload(server.Proxy.Endpoint + "/", store.Bucket, key, id);
                record.Pid = InFlightRegistryTests.DeadPid();
                registry.Register(record);
                // One for another endpoint stays for a run against that one.
                var elsewhere = InFlightRecord.ForUpload("http://127.0.0.1:1", store.Bucket, key, "other-id");
                elsewhere.Pid = record.Pid;
                registry.Register(elsewhere);

                var verbose = new List<string>();
                LeftoverCleanup.Clean(store, null, Context(verbose), registry);
                Assert.False(server.Proxy.OpenUploads.ContainsKey(id));
                Assert.Contains(verbose, v => v.Contains("Aborted") && v.Contains(id));
                Assert.Equal("other-id", Assert.Single(registry.ReadAll(null)).UploadId);
            }
        }

        [Fact]
        public void A_server_gone_mid_upload_leaves_an_abandoned_record_that_the_next_run_aborts()
        {
            using (var t = new TempDir())
            using (var store = S3StoreTests.Open(server.Proxy.Endpoint, "gone-" + Guid.NewGuid().ToString("N") + "/"))
            {
                store.MinimumPartSize = 5 * 1024 * 1024;
                var before = new HashSet<string>(server.Proxy.OpenUploads.Keys);
                var previous = Environment.GetEnvironmentVariable(InFlightRegistry.StateFolderVariable);
                // The store finds its registry by the environment, as in a real run.
                lock (StateFolderEnvironment.Lock)
                {
                    Environment.SetEnvironmentVariable(InFlightRegistry.StateFolderVariable, t.Path);
                    try
                    {
                        server.Proxy.MultipartListingNotImplemented = true; // the abort on failure cannot get through either
                        server.Proxy.FailAfterParts = server.Proxy.UploadedParts + 1;
                        Assert.Throws<BqBackupException>(() =>
                        {
                            using (var upload = store.BeginUpload("broken.db.gz", "application/gzip", CancellationToken.None))
                            {
                                var chunk = new byte[1024 * 1024];
                                for (var i = 0; i < 20; i++) upload.Content.Write(chunk, 0, chunk.Length);
                                upload.Commit(CancellationToken.None);
                            }
                        });
                    }
                    finally
                    {
                        server.Proxy.FailAfterParts = null;
                        server.Proxy.MultipartListingNotImplemented = false;
                        Environment.SetEnvironmentVariable(InFlightRegistry.StateFolderVariable, previous);
                    }
                }
                var id = Assert.Single(server.Proxy.OpenUploads.Keys.Where(k => !before.Contains(k)));
                var registry = new InFlightRegistry(t.Path);
                // Other tests' folder stores may have written records here meanwhile: only this upload's counts.
                var record = Assert.Single(registry.ReadAll(null), r => r.UploadId == id);
                Assert.True(record.Abandoned);

                LeftoverCleanup.Clean(store, null, Context(new List<string>()), registry);
                Assert.False(server.Proxy.OpenUploads.ContainsKey(id));
                Assert.DoesNotContain(registry.ReadAll(null), r => r.UploadId == id);
            }
        }

        [Fact]
        public void Expiry_aborts_uploads_under_its_prefix_older_than_a_day_whoever_started_them()
        {
            using (var store = S3StoreTests.Open(server.Proxy.Endpoint, "stale-" + Guid.NewGuid().ToString("N") + "/"))
            {
                string Start(string key) => store.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = store.Bucket, Key = key }).GetAwaiter().GetResult().UploadId;
                var old = Start(store.Prefix + "backup-2026-01-01T00-00-00.db.gz");
                var fresh = Start(store.Prefix + "backup-2026-01-02T00-00-00.db.gz");
                var otherPrefix = Start("not-" + store.Prefix + "backup-2026-01-01T00-00-00.db.gz");
                server.Proxy.Initiated[old] = DateTime.UtcNow.AddDays(-2);
                server.Proxy.Initiated[otherPrefix] = DateTime.UtcNow.AddDays(-2);

                var asked = new List<string>();
                var verbose = new List<string>();
                // -WhatIf: named, not aborted.
                StaleUploads.Abort(store, DateTime.UtcNow, StaleUploads.DefaultAge, (target, action) => { asked.Add(target + " " + action); return false; }, Context(verbose));
                Assert.Contains(asked, a => a.Contains(old) && a.Contains("Abort incomplete multipart upload"));
                Assert.Single(asked);
                Assert.True(server.Proxy.OpenUploads.ContainsKey(old));

                var aborted = StaleUploads.Abort(store, DateTime.UtcNow, StaleUploads.DefaultAge, (_, __) => true, Context(verbose));
                Assert.Equal(new[] { store.Prefix + "backup-2026-01-01T00-00-00.db.gz" }, aborted);
                Assert.False(server.Proxy.OpenUploads.ContainsKey(old));
                Assert.True(server.Proxy.OpenUploads.ContainsKey(fresh));
                Assert.True(server.Proxy.OpenUploads.ContainsKey(otherPrefix));
                Assert.Contains(verbose, v => v.Contains("Aborted the incomplete multipart upload") && v.Contains(old) && v.Contains("2.0 days ago"));
                foreach (var id in new[] { fresh, otherPrefix }) server.Proxy.OpenUploads.TryRemove(id, out _);
            }
        }

        [Fact]
        public void A_server_without_multipart_listing_is_a_verbose_note_not_an_error()
        {
            using (var store = S3StoreTests.Open(server.Proxy.Endpoint, "nolist-" + Guid.NewGuid().ToString("N") + "/"))
            {
                var verbose = new List<string>();
                var warnings = new List<string>();
                server.Proxy.MultipartListingNotImplemented = true;
                try { Assert.Empty(StaleUploads.Abort(store, DateTime.UtcNow, TimeSpan.Zero, (_, __) => true, Context(verbose, warnings))); }
                finally { server.Proxy.MultipartListingNotImplemented = false; }
                Assert.Empty(warnings);
                Assert.Contains(verbose, v => v.Contains("does not implement") && v.Contains("lifecycle rule"));
            }
            // s3rver itself, without the proxy: whatever it answers, never an exception.
            using (var store = S3StoreTests.Open(server.Endpoint, "raw-" + Guid.NewGuid().ToString("N") + "/"))
                StaleUploads.Abort(store, DateTime.UtcNow, TimeSpan.Zero, (_, __) => true, Context(new List<string>()));
        }
    }

    /// <summary>Tests that set BQBACKUP_STATE_DIR for the whole process take this lock.</summary>
    internal static class StateFolderEnvironment
    {
        public static readonly object Lock = new object();
    }
}
