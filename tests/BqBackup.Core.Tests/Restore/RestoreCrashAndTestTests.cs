using System;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Restore;
using Xunit;

namespace BqBackup.Tests.Restore
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
