using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Restore;
using Xunit;

namespace BqBackup.Tests.Restore
{
    /// <summary>
    /// A restore run as root in a folder someone else owns: links planted at the names it creates
    /// are never followed, a symlinked -Path is restored into the file it leads to (the link stays),
    /// and a body larger than its sidecar says is stopped at that size.
    /// </summary>
    public class RestoreHostileGroundTests
    {
        private static BackupInfo Listed(Workspace w, string name) => new BackupCatalog(w.Store, w.BackupsPath).Get(name, w.Context);

        private static RestoreResult Restore(Workspace w, BackupInfo b, string target, bool force = false, long maxSize = BackupFetch.DefaultMaxSize) =>
            RestoreEngine.Run(b, w.Store, target, new RestoreOptions { Force = force, MaxSize = maxSize }, w.Context);

        private static string LiveCopy(Workspace w, string folder)
        {
            var target = Path.Combine(w.Dir(folder), "queue.db");
            File.Copy(w.Database, target);
            using (var c = Db.Open(target)) Db.Exec(c, "INSERT INTO queue_state(name) VALUES ('only-in-live')");
            return target;
        }

        private static void Chown(string path, int uid)
        {
            using (var p = Process.Start(new ProcessStartInfo("chown", $"-h {uid} \"{path}\"") { UseShellExecute = false }))
            {
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
            }
        }

        [Fact]
        public void A_symlinked_target_is_restored_into_the_file_it_points_to_and_the_link_stays()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var real = LiveCopy(w, "volume");
                var oldSha = Db.Sha256(real);
                File.WriteAllText(real + "-wal", "stale frames");
                var link = Path.Combine(w.Dir("app"), "queue.db");
                File.CreateSymbolicLink(link, real);

                var result = Restore(w, Listed(w, info.Name), link);

                Assert.Equal(link, result.Path);
                Assert.Equal(real, result.ResolvedPath);
                Assert.Equal(real, new FileInfo(link).LinkTarget);
                Assert.Equal(info.Sha256, Db.Sha256(real));
                Assert.False(File.Exists(real + "-wal"));
                var aside = result.MovedAside.Single(m => m.From == real).To;
                Assert.StartsWith(Path.GetDirectoryName(real), aside);
                Assert.Null(new FileInfo(aside).LinkTarget);
                Assert.Equal(oldSha, Db.Sha256(aside));
                Assert.Equal(new[] { "queue.db" }, Directory.GetFileSystemEntries(Path.GetDirectoryName(link)).Select(Path.GetFileName));
            }
        }

        [Fact]
        public void A_target_link_owned_by_another_user_is_refused()
        {
            if (NativeFileEuid() != 0) return; // only root can give a link away
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var real = LiveCopy(w, "volume");
                var before = Db.Sha256(real);
                var link = Path.Combine(w.Dir("app"), "queue.db");
                File.CreateSymbolicLink(link, real);
                Chown(link, 4242);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), link));
                Assert.Equal(ErrorIds.RestoreTargetUnsafe, e.ErrorId);
                Assert.Equal(BqErrorCategory.SecurityError, e.Category);
                Assert.Equal(link, e.TargetObject);
                Assert.Contains("uid 4242", e.Message);
                Assert.Equal(before, Db.Sha256(real));
            }
        }

        [Fact]
        public void A_target_link_to_a_file_that_is_no_database_is_refused()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var passwd = w.File("passwd");
                File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/bash\n");
                var link = Path.Combine(w.Dir("app"), "queue.db");
                File.CreateSymbolicLink(link, passwd);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), link));
                Assert.Equal(ErrorIds.RestoreTargetUnsafe, e.ErrorId);
                Assert.Equal("root:x:0:0:root:/root:/bin/bash\n", File.ReadAllText(passwd));
            }
        }

        [Fact]
        public void A_link_planted_at_the_lock_name_is_refused_and_nothing_is_created_where_it_points()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = LiveCopy(w, "live");
                var before = Db.Sha256(target);
                var victim = w.File("etc-nologin");
                var lockPath = Path.Combine(Path.GetDirectoryName(target), ".queue.db.bqrestore.lock");
                File.CreateSymbolicLink(lockPath, victim);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Equal(ErrorIds.LinkRefused, e.ErrorId);
                Assert.Equal(lockPath, e.TargetObject);
                Assert.False(File.Exists(victim));
                Assert.Equal(before, Db.Sha256(target));
            }
        }

        [Fact]
        public void Links_planted_at_the_wal_shm_and_aside_names_are_moved_or_refused_never_followed()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = LiveCopy(w, "live");
                var victims = new[] { w.File("victim-wal"), w.File("victim-shm"), w.File("victim-journal") };
                File.CreateSymbolicLink(target + "-wal", victims[0]);
                File.CreateSymbolicLink(target + "-shm", victims[1]);
                File.CreateSymbolicLink(target + "-journal", victims[2]);
                var stamp = RestoreEngine.AsideStamp(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                var victimAside = w.File("victim-aside");
                File.CreateSymbolicLink(target + ".corrupted-" + stamp, victimAside);

                var result = RestoreEngine.Run(Listed(w, info.Name), w.Store, target,
                    new RestoreOptions { UtcNow = () => new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) }, w.Context);

                Assert.Equal(info.Sha256, Db.Sha256(target));
                Assert.All(victims.Append(victimAside), v => Assert.False(File.Exists(v), v));
                Assert.Equal(4, result.MovedAside.Count);
                Assert.EndsWith(".corrupted-" + stamp + "-2", result.MovedAside.Single(m => m.From == target).To);
                Assert.All(result.MovedAside.Where(m => m.From != target), m => Assert.NotNull(new FileInfo(m.To).LinkTarget));
            }
        }

        [Fact]
        public void A_target_inside_the_backup_folder_is_refused()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var target = Path.Combine(w.BackupsPath, "queue.db");
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Equal(ErrorIds.RestoreTargetInBackupFolder, e.ErrorId);
                Assert.Equal(BqErrorCategory.InvalidArgument, e.Category);
                Assert.Equal(target, e.TargetObject);
                Assert.False(File.Exists(target));
            }
        }

        [Fact]
        public void A_body_that_inflates_past_its_sidecar_size_is_stopped_there_and_leaves_nothing()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var body = Path.Combine(w.BackupsPath, info.Name);
                using (var f = File.Create(body))
                using (var gz = new System.IO.Compression.GZipStream(f, System.IO.Compression.CompressionLevel.Fastest))
                    for (var i = 0; i < 64; i++) gz.Write(new byte[1 << 20], 0, 1 << 20);
                var target = LiveCopy(w, "live");
                var before = Db.Sha256(target);
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target));
                Assert.Equal(ErrorIds.SizeMismatch, e.ErrorId);
                Assert.Contains("stopped", e.Message);
                Assert.Equal(before, Db.Sha256(target));
                Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)));
            }
        }

        [Fact]
        public void Without_a_sidecar_MaxSize_bounds_the_body()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                File.Delete(Path.Combine(w.BackupsPath, info.Name + ".meta.json"));
                var target = LiveCopy(w, "live");
                var e = Assert.Throws<BqBackupException>(() => Restore(w, Listed(w, info.Name), target, force: true, maxSize: 4096));
                Assert.Equal(ErrorIds.MaxSizeExceeded, e.ErrorId);
                Assert.Equal(BqErrorCategory.LimitsExceeded, e.Category);
                Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)));
            }
        }

        private static uint? NativeFileEuid() => BqBackup.IO.NativeFile.EffectiveUserId();
    }
}
