using System;
using BqBackup.Locking;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    /// <summary>-LockMode/-LockDays of Register-BqBackupSchedule reach the job's New-BqBackup, and only it.</summary>
    public class ScheduleLockTests
    {
        [Fact]
        public void The_lock_goes_to_New_BqBackup_as_days_never_a_date()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s =>
            {
                s.Destination = "s3://bucket/prefix/";
                s.ObjectLock = new ObjectLockOptions { Mode = ObjectLockMode.Compliance, Days = 30 };
            }), windows: false);
            var newBackup = script.Substring(script.IndexOf("New-BqBackup", StringComparison.Ordinal));
            newBackup = newBackup.Substring(0, newBackup.IndexOf("; if ($?)", StringComparison.Ordinal));
            Assert.EndsWith(" -LockMode Compliance -LockDays 30", newBackup);
            var expire = script.Substring(script.IndexOf("Remove-BqBackupExpired", StringComparison.Ordinal));
            Assert.DoesNotContain("-Lock", expire);
        }

        [Fact]
        public void Without_a_lock_the_job_is_as_before()
        {
            Assert.DoesNotContain("-Lock", ScheduleJob.PowerShellScript(Settings(), windows: false));
        }

        [Fact]
        public void A_lock_on_a_folder_destination_is_refused_when_registering_not_at_every_run()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.ObjectLock = new ObjectLockOptions { Mode = ObjectLockMode.Governance, Days = 1 }));
            Assert.Equal(ErrorIds.InvalidLockSetting, e.ErrorId);
            Assert.Equal(BqErrorCategory.InvalidArgument, e.Category);
        }
    }
}
