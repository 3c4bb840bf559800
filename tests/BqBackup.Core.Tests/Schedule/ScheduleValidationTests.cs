using System;
using BqBackup.Retention;
using BqBackup.Schedule;
using Xunit;
using static BqBackup.Tests.Schedule.ScheduleSamples;

namespace BqBackup.Tests.Schedule
{
    public class ScheduleValidationTests
    {
        [Fact]
        public void Without_Path_or_Destination_and_no_environment_file_it_is_refused()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.DatabasePath = null));
            Assert.Equal(ErrorIds.DatabasePathRequired, e.ErrorId);
            e = Assert.Throws<BqBackupException>(() => Settings(s => s.Destination = null));
            Assert.Equal(ErrorIds.DestinationRequired, e.ErrorId);
        }

        [Theory]
        [InlineData("EndpointUrl", "https://AKIAKEY:s3cr3tValue@minio.local:9000")]
        [InlineData("Destination", "s3://AKIAKEY:s3cr3tValue@bucket/prefix/")]
        [InlineData("EndpointUrl", "https://minio.local/?X-Amz-Credential=AKIAKEY&X-Amz-Signature=s3cr3tValue")]
        public void A_credential_in_a_URL_is_SecretOnCommandLine_without_echoing_it(string parameter, string url)
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s =>
            {
                if (parameter == "EndpointUrl") s.EndpointUrl = url; else s.Destination = url;
            }));
            Assert.Equal(ErrorIds.SecretOnCommandLine, e.ErrorId);
            Assert.Equal(BqErrorCategory.SecurityError, e.Category);
            Assert.Equal(parameter, e.TargetObject);
            Assert.DoesNotContain("s3cr3tValue", e.Message);
            Assert.Contains("EnvironmentFile", e.RecommendedAction);
        }

        [Fact]
        public void An_endpoint_without_credentials_is_fine()
        {
            Settings(s => s.EndpointUrl = "https://minio.local:9000/path?region=x");
        }

        [Theory]
        [InlineData(0L)]
        [InlineData(6L)]                                   // -Interval 6: six ticks
        [InlineData(30 * TimeSpan.TicksPerSecond)]
        [InlineData(61 * TimeSpan.TicksPerSecond)]
        [InlineData(32 * TimeSpan.TicksPerDay)]
        [InlineData(-TimeSpan.TicksPerHour)]
        public void Intervals_that_are_not_whole_minutes_from_1_minute_to_31_days_are_InvalidInterval(long ticks)
        {
            var e = Assert.Throws<BqBackupException>(() => ScheduleValidation.ValidateInterval(TimeSpan.FromTicks(ticks)));
            Assert.Equal(ErrorIds.InvalidInterval, e.ErrorId);
            foreach (var scheduler in new IScheduler[] { new SystemdScheduler(), new CronScheduler(), new WindowsTaskScheduler() })
            {
                var settings = new ScheduleSettings { DatabasePath = Database, Destination = Folder, ModulePath = "/m/BqBackup.psd1", Executable = Dotnet, Interval = TimeSpan.FromTicks(ticks) };
                e = Assert.Throws<BqBackupException>(() => ScheduleValidation.Validate(settings, scheduler));
                Assert.Equal(ErrorIds.InvalidInterval, e.ErrorId);
            }
        }

        [Theory]
        [InlineData("")]
        [InlineData(null)]
        [InlineData("a b")]
        [InlineData("../etc/x")]
        [InlineData("x.service")]
        [InlineData("bq%n")]
        [InlineData("bäckup")]
        public void A_name_outside_letters_digits_underscore_and_dash_is_InvalidScheduleName(string name)
        {
            var e = Assert.Throws<BqBackupException>(() => ScheduleValidation.ValidateName(name));
            Assert.Equal(ErrorIds.InvalidScheduleName, e.ErrorId);
            Assert.Equal(name, e.TargetObject);
        }

        [Theory]
        [InlineData("bqbackup")]
        [InlineData("Bq_Backup-2")]
        public void Good_names_pass(string name)
        {
            ScheduleValidation.ValidateName(name);
            Assert.Contains($"Description=Run {name}.service every 6 h", SystemdScheduler.TimerUnit(Settings(s => s.Name = name)));
        }

        [Theory]
        [InlineData("bad user")]
        [InlineData("x%i")]
        [InlineData("-root")]
        public void A_systemd_User_that_is_not_a_user_name_is_InvalidScheduleSetting(string user)
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.User = user));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
            Assert.Equal("User", e.TargetObject);
        }

        [Fact]
        public void A_Windows_account_is_fine_for_a_task()
        {
            Assert.Equal(@"CONTOSO\bunqueue & co", WindowsSettings(s => s.User = @"CONTOSO\bunqueue & co").User);
        }

        [Fact]
        public void A_control_character_in_a_value_is_InvalidScheduleSetting()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.DatabasePath = "/data/queue\n.db"));
            Assert.Equal(ErrorIds.InvalidScheduleSetting, e.ErrorId);
            Assert.Equal("Path", e.TargetObject);
        }

        [Fact]
        public void A_bad_retention_is_InvalidRetention()
        {
            var e = Assert.Throws<BqBackupException>(() => Settings(s => s.Retention = new RetentionPolicy { KeepLast = 0 }));
            Assert.Equal(ErrorIds.InvalidRetention, e.ErrorId);
        }
    }
}
