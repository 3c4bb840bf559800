using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BqBackup.Catalog;
using BqBackup.Sample;
using Xunit;

namespace BqBackup.Tests.Backup
{
    public class KilledRunTests
    {
        [Fact]
        public void The_scratch_folder_of_a_killed_backup_is_removed_by_the_next_and_a_live_ones_is_not()
        {
            using (var w = new Workspace())
            {
                // A pid no process has (above pid_max on Linux) and this process's own.
                var orphan = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(w.TempRoot, "bqbackup-snapshot-99999999-abc")).FullName;
                System.IO.File.WriteAllText(System.IO.Path.Combine(orphan, "snapshot.db"), "left by kill -9");
                var live = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(w.TempRoot, $"bqbackup-snapshot-{Environment.ProcessId}-def")).FullName;
                var other = System.IO.Directory.CreateDirectory(System.IO.Path.Combine(w.TempRoot, "unrelated")).FullName;
                w.Backup();
                Assert.False(System.IO.Directory.Exists(orphan));
                Assert.True(System.IO.Directory.Exists(live));
                Assert.True(System.IO.Directory.Exists(other));
            }
        }
    }
}
