using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using BqBackup.Catalog;
using Xunit;

namespace BqBackup.Tests.Catalog
{
    public class CatalogTests
    {
        /// <summary>Writes a backup the way bunqueue 2.9.5's built-in S3 backup does: gzip body named .db, meta first.</summary>
        internal static string WriteBunqueueBackup(Workspace w, DateTime at, bool withMeta = true)
        {
            var raw = File.ReadAllBytes(w.Database);
            byte[] gz;
            using (var m = new MemoryStream())
            {
                using (var g = new GZipStream(m, CompressionLevel.Optimal, leaveOpen: true)) g.Write(raw, 0, raw.Length);
                gz = m.ToArray();
            }
            var name = $"bunqueue-{at:yyyy-MM-dd'T'HH-mm-ss-fff'Z'}-{Guid.NewGuid()}.db";
            if (withMeta)
                File.WriteAllText(Path.Combine(w.BackupsPath, name + ".meta.json"),
                    $"{{\"timestamp\":\"{at:yyyy-MM-dd'T'HH:mm:ss.fff'Z'}\",\"version\":\"2.9.5\",\"size\":{raw.Length},\"compressedSize\":{gz.Length}," +
                    $"\"checksum\":\"{Convert.ToHexString(SHA256.HashData(raw)).ToLowerInvariant()}\",\"compressed\":true}}");
            File.WriteAllBytes(Path.Combine(w.BackupsPath, name), gz);
            return name;
        }

        [Fact]
        public void Lists_ours_and_bunqueues_newest_first_and_ignores_everything_else()
        {
            using (var w = new Workspace())
            {
                var t0 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
                var oldest = w.Backup(() => t0);
                var bunqueue = WriteBunqueueBackup(w, t0.AddHours(6));
                var newest = w.Backup(() => t0.AddHours(12));
                File.WriteAllText(Path.Combine(w.BackupsPath, "README.txt"), "not a backup");
                File.WriteAllText(Path.Combine(w.BackupsPath, "backup-2026-01-01T00-00-00.db.gz.meta.json"), "{}"); // orphaned sidecar

                var list = new BackupCatalog(w.Store, w.BackupsPath).List(w.Context);
                Assert.Equal(new[] { newest.Name, bunqueue, oldest.Name }, list.Select(b => b.Name));
                var theirs = list[1];
                Assert.Equal(BackupOrigin.Bunqueue, theirs.Origin);
                Assert.Equal(BackupStatus.Ok, theirs.Status);
                Assert.Equal("2.9.5", theirs.WrittenBy);
                Assert.Equal(t0.AddHours(6), theirs.Timestamp);
                Assert.All(list, b => Assert.Equal(w.BackupsPath, b.Destination));
                Assert.Equal(BackupOrigin.BqBackup, list[0].Origin);
                Assert.Equal(w.Expected.Jobs, list[0].Counts.Jobs);
            }
        }

        [Fact]
        public void A_body_without_its_sidecar_lists_as_MissingMetadata_and_a_bad_sidecar_as_InvalidMetadata()
        {
            using (var w = new Workspace())
            {
                var a = w.Backup(() => new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc));
                var b = w.Backup(() => new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc));
                File.Delete(Path.Combine(w.BackupsPath, a.Name + ".meta.json"));
                File.WriteAllText(Path.Combine(w.BackupsPath, b.Name + ".meta.json"), "{ broken");
                var list = new BackupCatalog(w.Store, w.BackupsPath).List(w.Context);
                Assert.Equal(BackupStatus.InvalidMetadata, list.Single(x => x.Name == b.Name).Status);
                var missing = list.Single(x => x.Name == a.Name);
                Assert.Equal(BackupStatus.MissingMetadata, missing.Status);
                Assert.Null(missing.Sha256);
                Assert.Equal(new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), missing.Timestamp);
            }
        }

        [Fact]
        public void PickAt_takes_the_newest_at_or_before_the_time()
        {
            using (var w = new Workspace())
            {
                var t0 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
                foreach (var h in new[] { 0, 6, 12 }) w.Backup(() => t0.AddHours(h));
                var list = new BackupCatalog(w.Store, w.BackupsPath).List(w.Context);
                Assert.Equal(t0.AddHours(6), BackupCatalog.PickAt(list, t0.AddHours(11)).Timestamp);
                Assert.Equal(t0.AddHours(12), BackupCatalog.PickAt(list, t0.AddHours(12)).Timestamp);
                Assert.Null(BackupCatalog.PickAt(list, t0.AddSeconds(-1)));
            }
        }

        [Fact]
        public void Get_of_an_unknown_name_is_BackupNotFound()
        {
            using (var w = new Workspace())
            {
                var e = Assert.Throws<BqBackupException>(() => new BackupCatalog(w.Store, w.BackupsPath).Get("backup-1999-01-01T00-00-00.db.gz", w.Context));
                Assert.Equal(ErrorIds.BackupNotFound, e.ErrorId);
                Assert.Equal("backup-1999-01-01T00-00-00.db.gz", e.TargetObject);
            }
        }

        [Fact]
        public void PickAtOrFail_takes_the_newest_without_a_time_and_fails_clearly_when_nothing_matches()
        {
            var t0 = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
            var list = new[] { new BackupInfo { Name = "b", Timestamp = t0.AddHours(6) }, new BackupInfo { Name = "a", Timestamp = t0 } };
            Assert.Equal("b", BackupCatalog.PickAtOrFail(list, null, "/d").Name);
            Assert.Equal("a", BackupCatalog.PickAtOrFail(list, t0.AddHours(5), "/d").Name);

            var early = Assert.Throws<BqBackupException>(() => BackupCatalog.PickAtOrFail(list, t0.AddMinutes(-1), "/d"));
            Assert.Equal(ErrorIds.NoBackupFound, early.ErrorId);
            Assert.Equal(BqErrorCategory.ObjectNotFound, early.Category);
            Assert.Equal(t0.AddMinutes(-1), early.TargetObject);
            Assert.Equal("No backup in '/d' was taken at or before 2026-02-28 23:59:00 UTC.", early.Message);

            var none = Assert.Throws<BqBackupException>(() => BackupCatalog.PickAtOrFail(new BackupInfo[0], null, "/d"));
            Assert.Equal("/d", none.TargetObject);
            Assert.Equal("There are no backups in '/d'.", none.Message);
        }
    }
}
