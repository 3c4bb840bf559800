using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Restore;
using BqBackup.Sample;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Storage
{
    /// <summary>
    /// Several backups of one database into one store, all "in the same second" (a fixed clock), in
    /// parallel; optionally held at a barrier just before each writes its first sidecar, so all of
    /// them try to claim the same name at once.
    /// </summary>
    internal static class ConcurrentBackups
    {
        public static readonly DateTime Second = new DateTime(2026, 2, 3, 4, 5, 6, DateTimeKind.Utc);

        /// <param name="atomicWrites">
        /// False for a server that can leave an object overwritten by two writers at once with one's
        /// bytes and the other's checksum (s3rver): a claim that cannot be read back is given up, so
        /// names may skip a number and orphaned claims (sidecars without a body) may stay behind.
        /// </param>
        public static void RunAndCheck(IBackupStore store, int count, bool racing, bool atomicWrites = true)
        {
            using (var temp = new TempDir())
            {
                var database = temp.File("queue.db");
                SampleDatabase.Create(database, 300);
                var racer = new RacingStore(store, racing ? count : 0);
                var ctx = new OperationContext();
                var start = new ManualResetEventSlim();
                var runs = Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(() =>
                {
                    start.Wait();
                    var options = new BackupOptions { TempRoot = temp.Dir("tmp-" + i), UtcNow = () => Second.AddMilliseconds(i * 10) };
                    return BackupEngine.Run(database, racer, store.Location, options, ctx);
                }, TaskCreationOptions.LongRunning)).ToArray();
                start.Set();
                var results = Task.WhenAll(runs).GetAwaiter().GetResult();

                // All succeeded, under distinct names of that second.
                Assert.Equal(count, results.Select(r => r.Name).Distinct().Count());
                var ofThatSecond = Enumerable.Range(1, count + 20).Select(n => BackupNaming.NameFor(Second, n)).ToList();
                Assert.All(results, r => Assert.Contains(r.Name, ofThatSecond));
                if (atomicWrites) Assert.Equal(ofThatSecond.Take(count).OrderBy(n => n, StringComparer.Ordinal), results.Select(r => r.Name).OrderBy(n => n, StringComparer.Ordinal));

                // Every one lists as a sound backup whose sidecar matches its body, and passes the test a restore makes.
                var listed = new BackupCatalog(store, store.Location).List(ctx);
                Assert.Equal(count, listed.Count);
                foreach (var backup in listed)
                {
                    Assert.Equal(BackupStatus.Ok, backup.Status);
                    var returned = results.Single(r => r.Name == backup.Name);
                    Assert.Equal(returned.Sha256, backup.Sha256);
                    Assert.Equal(returned.Size, backup.Size);
                    Assert.Equal(backup.ExpectedSize, backup.Size);
                    Assert.Equal(backup.Sha256, Sha256OfBody(store, backup.Name));
                    var test = BackupVerifier.Test(backup, store, ctx, temp.Dir("verify-" + backup.Name));
                    Assert.True(test.Passed, string.Join("; ", test.Reasons));
                    Assert.True(test.ChecksumVerified);
                }
                // Nothing else: no claim or sidecar left without its body (but the orphaned claims a non-atomic server leaves).
                var keys = store.List(CancellationToken.None).Select(o => o.Key).ToList();
                var extra = keys.Except(listed.SelectMany(b => new[] { b.Name, b.MetadataName })).ToList();
                if (atomicWrites) Assert.Empty(extra);
                Assert.All(extra, k => Assert.True(BackupNaming.IsMetadataName(k) && !keys.Contains(k.Substring(0, k.Length - BackupNaming.MetadataSuffix.Length)), k));
                if (racing) Assert.True(racer.HeldAtBarrier >= 2, "the runs were meant to race for one name");
            }
        }

        private static string Sha256OfBody(IBackupStore store, string name)
        {
            using (var body = store.OpenRead(name, CancellationToken.None))
            using (var gunzip = new GZipStream(body, CompressionMode.Decompress))
            using (var sha = SHA256.Create())
            {
                var hash = sha.ComputeHash(gunzip);
                return Convert.ToHexString(hash).ToLowerInvariant();
            }
        }

        /// <summary>Holds the first <c>racers</c> exclusive sidecar writes until all of them are ready, then lets them go at once.</summary>
        private sealed class RacingStore : IBackupStore
        {
            private readonly IBackupStore inner;
            private readonly Barrier barrier;
            private readonly int racers;
            private int arrived;

            public RacingStore(IBackupStore inner, int racers)
            {
                this.inner = inner;
                this.racers = racers;
                barrier = racers > 1 ? new Barrier(racers) : null;
            }

            public int HeldAtBarrier;

            public string Location => inner.Location;
            public IReadOnlyList<StoreObject> List(CancellationToken c) => inner.List(c);
            public StoreObject Stat(string key, CancellationToken c) => inner.Stat(key, c);
            public Stream OpenRead(string key, CancellationToken c) => inner.OpenRead(key, c);
            public IStoreUpload BeginUpload(string key, string type, CancellationToken c) => inner.BeginUpload(key, type, c);
            public void Delete(string key, CancellationToken c) => inner.Delete(key, c);
            public void Dispose() { }

            public void Put(string key, byte[] content, string type, bool overwrite, CancellationToken c)
            {
                if (barrier != null && !overwrite && BackupNaming.IsMetadataName(key) && Interlocked.Increment(ref arrived) <= racers)
                {
                    Interlocked.Increment(ref HeldAtBarrier);
                    barrier.SignalAndWait(TimeSpan.FromSeconds(30));
                }
                inner.Put(key, content, type, overwrite, c);
            }
        }
    }
}
