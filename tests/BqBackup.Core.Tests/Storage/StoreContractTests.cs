using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Storage
{
    /// <summary>
    /// What every IBackupStore must do, run once per store. A new store subclasses this and
    /// gets the whole suite; a store-specific test lives beside its own subclass.
    /// </summary>
    public abstract class StoreContractTests : IDisposable
    {
        protected static readonly CancellationToken None = CancellationToken.None;

        /// <summary>A fresh, empty store for one test.</summary>
        protected abstract IBackupStore CreateStore();

        public virtual void Dispose() { }

        private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

        private static string ReadAll(IBackupStore store, string key)
        {
            using (var s = store.OpenRead(key, None))
            using (var r = new StreamReader(s)) return r.ReadToEnd();
        }

        [Fact]
        public void A_new_store_lists_nothing()
        {
            using (var store = CreateStore()) Assert.Empty(store.List(None));
        }

        [Fact]
        public void Put_then_read_back_the_same_bytes()
        {
            using (var store = CreateStore())
            {
                store.Put("a.meta.json", Bytes("{\"x\":1}"), "application/json", overwrite: false, None);
                Assert.Equal("{\"x\":1}", ReadAll(store, "a.meta.json"));
                var listed = Assert.Single(store.List(None));
                Assert.Equal("a.meta.json", listed.Key);
                Assert.Equal(7, listed.Size);
            }
        }

        [Fact]
        public void Put_without_overwrite_refuses_an_existing_key_and_keeps_it()
        {
            using (var store = CreateStore())
            {
                store.Put("k", Bytes("first"), "text/plain", overwrite: false, None);
                var e = Assert.Throws<BqBackupException>(() => store.Put("k", Bytes("second"), "text/plain", overwrite: false, None));
                Assert.Equal(ErrorIds.BackupNameConflict, e.ErrorId);
                Assert.Equal("first", ReadAll(store, "k"));
            }
        }

        [Fact]
        public void Put_with_overwrite_replaces()
        {
            using (var store = CreateStore())
            {
                store.Put("k", Bytes("first"), "text/plain", overwrite: false, None);
                store.Put("k", Bytes("second"), "text/plain", overwrite: true, None);
                Assert.Equal("second", ReadAll(store, "k"));
            }
        }

        [Fact]
        public void An_upload_is_invisible_until_committed()
        {
            using (var store = CreateStore())
            {
                using (var upload = store.BeginUpload("body.db.gz", "application/gzip", None))
                {
                    upload.Content.Write(Bytes("hello"), 0, 5);
                    Assert.Empty(store.List(None));
                    Assert.Null(store.Stat("body.db.gz", None));
                    upload.Commit(None);
                }
                Assert.Equal("hello", ReadAll(store, "body.db.gz"));
                Assert.Equal(5, store.Stat("body.db.gz", None).Size);
            }
        }

        [Fact]
        public void An_upload_disposed_without_commit_leaves_nothing()
        {
            using (var store = CreateStore())
            {
                using (var upload = store.BeginUpload("body.db.gz", "application/gzip", None))
                    upload.Content.Write(new byte[100_000], 0, 100_000);
                Assert.Empty(store.List(None));
                Assert.Null(store.Stat("body.db.gz", None));
                AssertNoLeftovers(store);
            }
        }

        /// <summary>Store-specific: nothing of an aborted upload remains at the backend (temp files, multipart parts).</summary>
        protected virtual void AssertNoLeftovers(IBackupStore store) { }

        [Fact]
        public void A_large_upload_streams_and_round_trips_exactly()
        {
            var data = new byte[LargeObjectSize];
            new Random(42).NextBytes(data);
            using (var store = CreateStore())
            {
                using (var upload = store.BeginUpload("big.db.gz", "application/gzip", None))
                {
                    for (var offset = 0; offset < data.Length; offset += 65_536)
                        upload.Content.Write(data, offset, Math.Min(65_536, data.Length - offset));
                    upload.Commit(None);
                }
                using (var s = store.OpenRead("big.db.gz", None))
                using (var m = new MemoryStream())
                {
                    s.CopyTo(m);
                    Assert.Equal(data.Length, m.Length);
                    Assert.True(data.SequenceEqual(m.ToArray()));
                }
            }
        }

        /// <summary>Big enough to cross the store's multipart threshold where it has one.</summary>
        protected virtual int LargeObjectSize => 3 * 1024 * 1024;

        [Fact]
        public void Committing_over_an_existing_key_is_refused()
        {
            using (var store = CreateStore())
            {
                store.Put("same.db.gz", Bytes("old"), "application/gzip", overwrite: false, None);
                using (var upload = store.BeginUpload("same.db.gz", "application/gzip", None))
                {
                    upload.Content.Write(Bytes("new"), 0, 3);
                    if (!StoreRefusesCommitOverExisting) return;
                    var e = Assert.Throws<BqBackupException>(() => upload.Commit(None));
                    Assert.Equal(ErrorIds.BackupNameConflict, e.ErrorId);
                }
                Assert.Equal("old", ReadAll(store, "same.db.gz"));
            }
        }

        /// <summary>False for stores that cannot refuse atomically (S3 without conditional writes).</summary>
        protected virtual bool StoreRefusesCommitOverExisting => true;

        [Fact]
        public void Delete_removes_and_a_missing_key_is_not_an_error()
        {
            using (var store = CreateStore())
            {
                store.Put("k", Bytes("x"), "text/plain", overwrite: false, None);
                store.Delete("k", None);
                Assert.Empty(store.List(None));
                store.Delete("k", None);
            }
        }

        [Fact]
        public void Reading_a_missing_key_is_BackupNotFound()
        {
            using (var store = CreateStore())
            {
                var e = Assert.Throws<BqBackupException>(() => store.OpenRead("nope.db.gz", None).Dispose());
                Assert.Equal(ErrorIds.BackupNotFound, e.ErrorId);
            }
        }

        [Theory]
        [InlineData("../escape.db.gz")]
        [InlineData("sub/dir.db.gz")]
        [InlineData("..")]
        [InlineData(".hidden")]
        public void Keys_that_would_escape_the_root_are_refused(string key)
        {
            using (var store = CreateStore())
            {
                var e = Assert.Throws<BqBackupException>(() => store.Put(key, Bytes("x"), "text/plain", overwrite: false, None));
                Assert.Equal(ErrorIds.UnsafeKey, e.ErrorId);
            }
        }

        [Fact]
        public void Listing_reports_many_objects()
        {
            using (var store = CreateStore())
            {
                for (var i = 0; i < ManyObjectsCount; i++)
                    store.Put($"o{i:D5}", Bytes("x"), "text/plain", overwrite: false, None);
                Assert.Equal(ManyObjectsCount, store.List(None).Count);
            }
        }

        /// <summary>Writes a minimal backup (body and sidecar) taken at a chosen time, as the store contract lets tests do.</summary>
        protected static void WriteBackupAt(IBackupStore store, DateTime utc)
        {
            var name = BqBackup.Catalog.BackupNaming.NameFor(utc, 1);
            var meta = new BqBackup.Catalog.BackupMetadata { Timestamp = utc, Version = "test", Size = 1, CompressedSize = 1, Checksum = new string('0', 64), Compressed = true };
            store.Put(BqBackup.Catalog.BackupNaming.MetadataNameFor(name), meta.ToJson(), "application/json", overwrite: false, None);
            store.Put(name, new byte[] { 0 }, "application/gzip", overwrite: false, None);
        }

        [Fact]
        public void Retention_across_day_week_and_month_boundaries_removes_exactly_what_no_rule_keeps()
        {
            DateTime U(string s) => DateTime.Parse(s, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
            var times = new[] { "2026-03-31T23:30:00Z", "2026-04-01T00:30:00Z", "2026-04-01T12:00:00Z", "2026-04-02T08:00:00Z",
                                "2026-04-05T23:59:00Z", "2026-04-06T00:01:00Z", "2026-04-06T10:00:00Z" }.Select(U).ToList();
            using (var store = CreateStore())
            {
                foreach (var t in times) WriteBackupAt(store, t);
                var ctx = new OperationContext();
                var catalog = new BqBackup.Catalog.BackupCatalog(store, store.Location);
                var policy = new BqBackup.Retention.RetentionPolicy { KeepDaily = 3, KeepWeekly = 2, KeepMonthly = 2 };
                foreach (var d in BqBackup.Retention.RetentionEvaluator.Evaluate(catalog.List(ctx), policy, U("2026-04-06T12:00:00Z")).Where(d => !d.Keep))
                    BqBackup.Retention.ExpiryEngine.Remove(d.Backup, store, ctx);

                // Daily: 04-06 10:00, 04-05 23:59, 04-02; weekly (ISO, Monday first): W15 04-06 10:00, W14 04-05 23:59;
                // monthly: April 04-06 10:00, March 03-31 23:30.
                var expected = new[] { "2026-04-06T10:00:00Z", "2026-04-05T23:59:00Z", "2026-04-02T08:00:00Z", "2026-03-31T23:30:00Z" }
                    .Select(t => BqBackup.Catalog.BackupNaming.NameFor(U(t), 1));
                Assert.Equal(expected, catalog.List(ctx).Select(b => b.Name));
                Assert.Equal(8, store.List(None).Count); // each kept body with its sidecar, no orphan left
            }
        }

        [Fact]
        public void Retention_that_keeps_none_of_the_backups_is_refused_and_the_store_keeps_them_all()
        {
            var now = new DateTime(2026, 4, 30, 12, 0, 0, DateTimeKind.Utc);
            using (var store = CreateStore())
            {
                foreach (var days in new[] { 10, 20, 30 }) WriteBackupAt(store, now.AddDays(-days));
                var ctx = new OperationContext();
                var catalog = new BqBackup.Catalog.BackupCatalog(store, store.Location);
                var e = Assert.Throws<BqBackupException>(() =>
                    BqBackup.Retention.RetentionEvaluator.Evaluate(catalog.List(ctx), new BqBackup.Retention.RetentionPolicy { RetentionDays = 7 }, now));
                Assert.Equal(ErrorIds.RetentionWouldRemoveAll, e.ErrorId);
                Assert.Equal(3, catalog.List(ctx).Count);
                Assert.Equal(6, store.List(None).Count);
            }
        }

        [Fact]
        public void Concurrent_backups_in_the_same_second_all_succeed_with_distinct_names_and_sound_sidecars()
        {
            using (var store = CreateStore()) ConcurrentBackups.RunAndCheck(store, count: 4, racing: false, OverwritesAreAtomic);
        }

        [Fact]
        public void Backups_racing_for_one_name_each_take_their_own_and_none_deletes_another_ones_sidecar()
        {
            using (var store = CreateStore()) ConcurrentBackups.RunAndCheck(store, count: 4, racing: true, OverwritesAreAtomic);
        }

        /// <summary>False for a server that can keep one writer's bytes under another's checksum when two overwrite a key at once (s3rver).</summary>
        protected virtual bool OverwritesAreAtomic => true;

        /// <summary>S3 overrides this above 1,000 to cross a listing page.</summary>
        protected virtual int ManyObjectsCount => 25;
    }
}
