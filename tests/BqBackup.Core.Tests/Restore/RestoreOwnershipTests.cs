using System;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Restore;
using Xunit;

namespace BqBackup.Tests.Restore
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
