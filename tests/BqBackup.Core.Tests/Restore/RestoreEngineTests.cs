using System;
using System.IO;
using System.Linq;
using BqBackup.Backup;
using BqBackup.Catalog;
using BqBackup.Restore;
using BqBackup.Tests.Catalog;
using Xunit;

namespace BqBackup.Tests.Restore
{
    public class RestoreEngineTests
    {
        private static BackupInfo Listed(Workspace w, string name) =>
            new BackupCatalog(w.Store, w.BackupsPath).Get(name, w.Context);

        private static RestoreResult Restore(Workspace w, BackupInfo b, string target, bool force = false) =>
            RestoreEngine.Run(b, w.Store, target, new RestoreOptions { Force = force }, w.Context);

        /// <summary>Everything in the target's folder except the target and its asides: temp files that must not stay.</summary>
        private static string[] Leftovers(string target) =>
            Directory.GetFiles(Path.GetDirectoryName(target)).Where(f => Path.GetFileName(f).StartsWith(".")).ToArray();

        [Fact]
        public void Restores_into_an_empty_place_with_checksum_and_integrity_verified()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = Path.Combine(w.Dir("live"), "queue.db");
                var result = Restore(w, Listed(w, info.Name), target);
                Assert.True(result.ChecksumVerified);
                Assert.Equal("ok", result.IntegrityCheck);
                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.Equal(w.Expected.Jobs, result.Counts.Jobs);
                Assert.Equal(37, result.SchemaVersion);
                Assert.Empty(result.MovedAside);
                Assert.Empty(Leftovers(target));
            }
        }

        [Fact]
        public void The_old_database_and_its_wal_and_shm_move_aside_and_no_stale_wal_is_replayed()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = Path.Combine(w.Dir("live"), "queue.db");
                // A live database whose newest writes sit in its -wal: the stale-WAL trap.
                File.Copy(w.Database, target);
                using (var c = Db.Open(target))
                {
                    Db.Exec(c, "PRAGMA wal_autocheckpoint = 0");
                    Db.Exec(c, "CREATE TABLE only_in_old_wal(x); INSERT INTO only_in_old_wal VALUES (1)");
                    File.Copy(target + "-wal", w.File("saved-wal"));
                    File.Copy(target + "-shm", w.File("saved-shm"));
                }
                File.Copy(w.File("saved-wal"), target + "-wal", overwrite: true);
                File.Copy(w.File("saved-shm"), target + "-shm", overwrite: true);
                var oldSha = Db.Sha256(target);

                var result = Restore(w, Listed(w, info.Name), target);

                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.False(File.Exists(target + "-wal"));
                Assert.False(File.Exists(target + "-shm"));
                Assert.Equal(0, Db.Scalar(target, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'only_in_old_wal'"));
                Assert.Equal(w.Expected.Jobs, Db.Scalar(target, "SELECT COUNT(*) FROM jobs"));

                Assert.Equal(3, result.MovedAside.Count);
                var dbAside = result.MovedAside.Single(m => m.From == target).To;
                Assert.Matches(@"queue\.db\.corrupted-\d{8}T\d{6}Z$", dbAside);
                Assert.Equal(oldSha, Db.Sha256(dbAside));
                Assert.True(File.Exists(result.MovedAside.Single(m => m.From == target + "-wal").To));
                Assert.Empty(Leftovers(target));
            }
        }

        [Fact]
        public void A_checksum_mismatch_is_refused_and_the_live_database_is_untouched()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var metaPath = Path.Combine(w.BackupsPath, info.Name + ".meta.json");
                File.WriteAllText(metaPath, File.ReadAllText(metaPath).Replace(info.Sha256, new string('0', 64)));
                var target = LiveCopy(w);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target, force: true));
                Assert.Equal(ErrorIds.ChecksumMismatch, e.ErrorId);
                Assert.Equal(before, Db.Sha256(target));
                Assert.Empty(Leftovers(target));
                Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)));
            }
        }

        [Fact]
        public void A_damaged_body_is_refused_and_the_live_database_is_untouched()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var body = Path.Combine(w.BackupsPath, info.Name);
                var bytes = File.ReadAllBytes(body);
                for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0xff;
                File.WriteAllBytes(body, bytes);
                var target = LiveCopy(w);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Contains(e.ErrorId, new[] { ErrorIds.BackupCorrupt, ErrorIds.ChecksumMismatch });
                Assert.Equal(before, Db.Sha256(target));
                Assert.Empty(Leftovers(target));
            }
        }

        [Fact]
        public void A_truncated_body_is_refused()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var body = Path.Combine(w.BackupsPath, info.Name);
                var bytes = File.ReadAllBytes(body);
                File.WriteAllBytes(body, bytes.Take(bytes.Length / 2).ToArray());
                var target = LiveCopy(w);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Contains(e.ErrorId, new[] { ErrorIds.SizeMismatch, ErrorIds.BackupCorrupt });
                Assert.Empty(Leftovers(target));
            }
        }

        [Fact]
        public void A_truncated_body_without_metadata_is_still_caught_when_forced()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var body = Path.Combine(w.BackupsPath, info.Name);
                File.Delete(body + ".meta.json");
                var bytes = File.ReadAllBytes(body);
                File.WriteAllBytes(body, bytes.Take(bytes.Length - 100).ToArray());
                var target = LiveCopy(w);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target, force: true));
                Assert.Contains(e.ErrorId, new[] { ErrorIds.BackupCorrupt, ErrorIds.BackupIntegrityCheckFailed });
                Assert.Equal(before, Db.Sha256(target));
            }
        }

        [Fact]
        public void A_missing_sidecar_is_refused_unless_forced()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                File.Delete(Path.Combine(w.BackupsPath, info.Name + ".meta.json"));
                var target = LiveCopy(w);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Equal(ErrorIds.BackupMetadataMissing, e.ErrorId);
                Assert.Equal(info.Name, e.TargetObject);

                var result = Restore(w, Listed(w, info.Name), target, force: true);
                Assert.False(result.ChecksumVerified);
                Assert.Equal("ok", result.IntegrityCheck);
                Assert.Contains(w.Warnings, m => m.Contains("no usable metadata"));
            }
        }

        [Fact]
        public void A_backup_that_is_not_bunqueues_is_refused_unless_forced()
        {
            using (var w = new Workspace())
            {
                var other = w.File("other.db");
                using (var c = Db.Open(other)) Db.Exec(c, "CREATE TABLE t(x)");
                var info = BackupEngine.Run(other, w.Store, w.BackupsPath, w.Options(), w.Context);
                var target = LiveCopy(w);
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Equal(ErrorIds.NotABunqueueDatabase, e.ErrorId);
                Assert.Equal(before, Db.Sha256(target));
                Restore(w, Listed(w, info.Name), target, force: true);
                Assert.Equal(info.Sha256, Db.Sha256(target));
            }
        }

        [Fact]
        public void A_database_held_open_by_a_process_is_refused_naming_it_unless_forced()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = LiveCopy(w);
                using (File.Open(target, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                    Assert.Equal(ErrorIds.DatabaseInUse, e.ErrorId);
                    Assert.Contains($"pid {Environment.ProcessId}", e.Message);
                    Assert.Empty(Leftovers(target));
                    var result = Restore(w, Listed(w, info.Name), target, force: true);
                    Assert.Equal(info.Sha256, Db.Sha256(target));
                    Assert.Contains(w.Warnings, m => m.Contains("-Force"));
                }
            }
        }

        [Fact]
        public void A_target_whose_folder_is_missing_is_refused()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = w.File("no/such/folder/queue.db");
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Equal(ErrorIds.RestoreTargetFolderNotFound, e.ErrorId);
                Assert.Equal(target, e.TargetObject);
            }
        }

        [Fact]
        public void A_backup_written_by_bunqueue_restores_with_its_checksum_verified()
        {
            using (var w = new Workspace())
            {
                var name = CatalogTests.WriteBunqueueBackup(w, new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc));
                var target = Path.Combine(w.Dir("live"), "queue.db");
                var result = Restore(w, Listed(w, name), target);
                Assert.True(result.ChecksumVerified);
                Assert.Equal(Db.Sha256(w.Database), Db.Sha256(target));
            }
        }

        private static string LiveCopy(Workspace w)
        {
            var target = Path.Combine(w.Dir("live-" + Guid.NewGuid().ToString("N")), "queue.db");
            File.Copy(w.Database, target);
            using (var c = Db.Open(target)) Db.Exec(c, "INSERT INTO queue_state(name) VALUES ('only-in-live')");
            return target;
        }
    }
}
