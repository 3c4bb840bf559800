using System;
using System.Linq;
using BqBackup.Codec;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.CommandLines;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    /// <summary>Register-BqBackupSchedule -Compression reaches the job's New-BqBackup, and only it; without it the job is as before.</summary>
    public class ScheduleCompressionTests
    {
        [Fact]
        public void Compression_goes_to_New_BqBackup_only()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s => s.Compression = BqCompression.Zstd), windows: false);
            var newBackup = script.Substring(script.IndexOf("New-BqBackup", StringComparison.Ordinal));
            newBackup = newBackup.Substring(0, newBackup.IndexOf("; if ($?)", StringComparison.Ordinal));
            Assert.EndsWith(" -Compression Zstd", newBackup);
            Assert.DoesNotContain("-Compression", script.Substring(script.IndexOf("Remove-BqBackupExpired", StringComparison.Ordinal)));

            var systemd = Settings(s => s.Compression = BqCompression.Zstd);
            Assert.Contains("-Compression Zstd", ParseExecStart(ExecStartLine(SystemdScheduler.ServiceUnit(systemd))).Last());
        }

        [Fact]
        public void Without_it_the_job_leaves_the_choice_to_its_environment() =>
            Assert.DoesNotContain("-Compression", ScheduleJob.PowerShellScript(Settings(), windows: false));
    }
}
