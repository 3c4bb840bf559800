using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class ScheduleCopyTests
    {
        [Fact]
        public void CopyTo_mirrors_after_the_backup_and_the_expiry_with_the_primarys_settings_as_the_source()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s =>
            {
                s.Destination = "s3://primary/backups/";
                s.EndpointUrl = "http://minio.local:9000";
                s.ProfileName = "primary";
                s.CopyTo = "s3://offsite/backups/";
                s.CopyToEndpointUrl = "https://s3.eu-central-003.backblazeb2.example";
                s.CopyToProfileName = "offsite";
            }), windows: false);
            var expiry = script.IndexOf("Remove-BqBackupExpired");
            var copy = script.IndexOf("Copy-BqBackup");
            Assert.True(expiry > 0 && copy > expiry, script);
            Assert.Contains("Copy-BqBackup -From 's3://primary/backups/' -To 's3://offsite/backups/' -Missing -EndpointUrl 'https://s3.eu-central-003.backblazeb2.example' " +
                "-ProfileName 'offsite' -FromEndpointUrl 'http://minio.local:9000' -FromProfileName 'primary' }", script);
            // Inside the if ($?): no copy after a failed backup.
            Assert.Contains("if ($?) { Remove-BqBackupExpired", script);
        }

        [Fact]
        public void A_primary_whose_endpoint_only_S3_ENDPOINT_names_is_passed_to_the_copy_as_the_source_endpoint_not_the_targets()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s =>
            {
                s.Destination = "s3://primary/backups/";
                s.CopyTo = "s3://offsite/backups/";
                s.CopyToEndpointUrl = "https://s3.eu-central-003.backblazeb2.example";
            }), windows: false);
            Assert.Contains("$copyFrom = @{}; if ($env:S3_ENDPOINT) { $copyFrom['FromEndpointUrl'] = $env:S3_ENDPOINT }; Copy-BqBackup -From 's3://primary/backups/'", script);
            Assert.EndsWith("-EndpointUrl 'https://s3.eu-central-003.backblazeb2.example' @copyFrom }", script);
            // A folder primary has no endpoint, and without -CopyToEndpointUrl both sides read S3_ENDPOINT anyway.
            Assert.DoesNotContain("copyFrom", ScheduleJob.PowerShellScript(Settings(s => { s.Destination = "/var/backups/bq"; s.CopyTo = "s3://offsite/"; s.CopyToEndpointUrl = "https://b2.example"; }), windows: false));
            Assert.DoesNotContain("copyFrom", ScheduleJob.PowerShellScript(Settings(s => { s.Destination = "s3://primary/"; s.CopyTo = "s3://offsite/"; }), windows: false));
        }

        [Fact]
        public void CopyToLock_locks_the_copies_in_the_copy_step_only_and_needs_an_s3_CopyTo()
        {
            var script = ScheduleJob.PowerShellScript(Settings(s =>
            {
                s.Destination = "/var/backups/bq";
                s.CopyTo = "s3://offsite/backups/";
                s.CopyToObjectLock = new BqBackup.Locking.ObjectLockOptions { Mode = BqBackup.Locking.ObjectLockMode.Compliance, Days = 30 };
            }), windows: false);
            Assert.Contains("Copy-BqBackup -From '/var/backups/bq' -To 's3://offsite/backups/' -Missing -LockMode Compliance -LockDays 30 }", script);
            Assert.Equal(1, System.Text.RegularExpressions.Regex.Matches(script, "-LockMode").Count);
            var folder = Assert.Throws<BqBackupException>(() => Settings(s =>
            {
                s.CopyTo = "/mnt/nas/bq";
                s.CopyToObjectLock = new BqBackup.Locking.ObjectLockOptions { Mode = BqBackup.Locking.ObjectLockMode.Governance, Days = 1 };
            }));
            Assert.Equal(ErrorIds.InvalidLockSetting, folder.ErrorId);
        }

        [Fact]
        public void Without_CopyTo_there_is_no_copy_step()
        {
            Assert.DoesNotContain("Copy-BqBackup", ScheduleJob.PowerShellScript(Settings(), windows: false));
        }

        [Fact]
        public void A_CopyTo_with_credentials_or_a_relative_folder_is_refused()
        {
            var secret = Assert.Throws<BqBackupException>(() => Settings(s => s.CopyTo = "s3://AKIA:secret@bucket/prefix/"));
            Assert.Equal(ErrorIds.SecretOnCommandLine, secret.ErrorId);
            var relative = Assert.Throws<BqBackupException>(() => Settings(s => s.CopyTo = "offsite/backups"));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, relative.ErrorId);
        }
    }
}
