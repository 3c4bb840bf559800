using System;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Restore;
using Xunit;

namespace BqBackup.Tests.Engine
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

namespace BqBackup.Tests.Engine
{
    public class RestoreOwnershipTests
    {
        [Fact]
        public void The_restored_database_keeps_the_replaced_files_mode()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = System.IO.Path.Combine(w.Dir("live"), "queue.db");
                System.IO.File.Copy(w.Database, target);
                var mode = System.IO.UnixFileMode.UserRead | System.IO.UnixFileMode.UserWrite | System.IO.UnixFileMode.GroupRead | System.IO.UnixFileMode.OtherRead;
                System.IO.File.SetUnixFileMode(target, mode);
                var owned = Environment.UserName == "root";
                if (owned) Run("chown", $"4321:4322 {target}");
                RestoreEngine.Run(new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context), w.Store, target, new RestoreOptions(), w.Context);
                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.Equal(mode, System.IO.File.GetUnixFileMode(target));
                // Restores run as root while bunqueue runs as its own user: the file must stay theirs.
                if (owned) Assert.Equal("4321:4322", Run("stat", $"-c %u:%g {target}"));
                Assert.Empty(w.Warnings);
            }
        }

        private static string Run(string file, string args)
        {
            using (var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, args) { RedirectStandardOutput = true }))
            {
                var output = p.StandardOutput.ReadToEnd().Trim();
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
                return output;
            }
        }

        [Fact]
        public void A_database_restored_into_an_empty_place_is_private()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = System.IO.Path.Combine(w.Dir("fresh"), "queue.db");
                RestoreEngine.Run(new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context), w.Store, target, new RestoreOptions(), w.Context);
                Assert.Equal(System.IO.UnixFileMode.UserRead | System.IO.UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(target));
            }
        }
    }
}

namespace BqBackup.Tests.Engine
{
    public class RestoreCrashAndTestTests
    {
        [Fact]
        public void A_temp_file_left_by_a_killed_restore_is_removed_by_the_next()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var folder = w.Dir("live");
                var target = System.IO.Path.Combine(folder, "queue.db");
                var stale = System.IO.Path.Combine(folder, ".queue.db" + RestoreEngine.TempMarker + "deadbeef");
                System.IO.File.WriteAllText(stale, "half a database");
                RestoreEngine.Run(new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context), w.Store, target, new RestoreOptions(), w.Context);
                Assert.Equal(new[] { "queue.db" }, System.IO.Directory.GetFiles(folder).Select(System.IO.Path.GetFileName));
            }
        }

        [Fact]
        public void A_second_restore_of_the_same_database_at_once_is_RestoreInProgress()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var folder = w.Dir("live");
                var target = System.IO.Path.Combine(folder, "queue.db");
                using (new System.IO.FileStream(System.IO.Path.Combine(folder, ".queue.db.bqrestore.lock"), System.IO.FileMode.Create, System.IO.FileAccess.ReadWrite, System.IO.FileShare.None))
                {
                    var e = Assert.Throws<BqBackupException>(() => RestoreEngine.Run(new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context), w.Store, target, new RestoreOptions(), w.Context));
                    Assert.Equal(ErrorIds.RestoreInProgress, e.ErrorId);
                }
                Assert.False(System.IO.File.Exists(target));
            }
        }

        [Fact]
        public void Test_passes_a_good_backup_and_leaves_no_temp_file()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var result = BackupVerifier.Test(new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context), w.Store, w.Context, w.TempRoot);
                Assert.True(result.Passed, string.Join("; ", result.Reasons));
                Assert.True(result.ChecksumVerified);
                Assert.Equal("ok", result.IntegrityCheck);
                Assert.Equal(37, result.SchemaVersion);
                Assert.Equal(w.Expected.Jobs, result.Counts.Jobs);
                Assert.Empty(System.IO.Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void Test_reports_every_reason_a_backup_fails()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var meta = System.IO.Path.Combine(w.BackupsPath, info.Name + ".meta.json");
                System.IO.File.WriteAllText(meta, System.IO.File.ReadAllText(meta).Replace(info.Sha256, new string('1', 64)).Replace("\"schemaVersion\": 37", "\"schemaVersion\": 36"));
                var result = BackupVerifier.Test(new BackupCatalog(w.Store, w.BackupsPath).Get(info.Name, w.Context), w.Store, w.Context, w.TempRoot);
                Assert.False(result.Passed);
                Assert.Equal("Failed", result.Result);
                Assert.Contains(result.Reasons, r => r.Contains("SHA-256"));
                Assert.Contains(result.Reasons, r => r.Contains("schema version"));
                Assert.Equal("ok", result.IntegrityCheck);
                Assert.Empty(System.IO.Directory.GetFileSystemEntries(w.TempRoot));
            }
        }

        [Fact]
        public void Test_fails_a_damaged_body_and_a_missing_sidecar()
        {
            using (var w = new Workspace())
            {
                var a = w.Backup(() => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                var b = w.Backup(() => new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));
                var body = System.IO.Path.Combine(w.BackupsPath, a.Name);
                var bytes = System.IO.File.ReadAllBytes(body);
                for (var i = 10; i < bytes.Length; i++) bytes[i] = 0x42;
                System.IO.File.WriteAllBytes(body, bytes);
                System.IO.File.Delete(System.IO.Path.Combine(w.BackupsPath, b.Name + ".meta.json"));
                var catalog = new BackupCatalog(w.Store, w.BackupsPath);
                var damaged = BackupVerifier.Test(catalog.Get(a.Name, w.Context), w.Store, w.Context, w.TempRoot);
                Assert.False(damaged.Passed);
                Assert.Contains(damaged.Reasons, r => r.Contains("damaged"));
                var noMeta = BackupVerifier.Test(catalog.Get(b.Name, w.Context), w.Store, w.Context, w.TempRoot);
                Assert.False(noMeta.Passed);
                Assert.False(noMeta.ChecksumVerified);
                Assert.Equal("ok", noMeta.IntegrityCheck);
                Assert.Contains(noMeta.Reasons, r => r.Contains("no sidecar"));
                Assert.Empty(System.IO.Directory.GetFileSystemEntries(w.TempRoot));
            }
        }
    }
}
