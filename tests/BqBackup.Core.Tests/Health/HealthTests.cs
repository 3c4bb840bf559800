using System;
using System.IO;
using System.Linq;
using BqBackup.Backup;
using BqBackup.Health;
using BqBackup.Retention;
using Xunit;

namespace BqBackup.Tests.Health
{
    public class HealthTests
    {
        private static readonly DateTime Now = new DateTime(2026, 6, 30, 12, 0, 0, DateTimeKind.Utc);
        private static readonly TimeSpan SixHours = TimeSpan.FromHours(6);

        private static BackupInfo B(double hoursAgo, long size, string origin = BackupOrigin.BqBackup) =>
            new BackupInfo { Name = $"b{hoursAgo}", Timestamp = Now.AddHours(-hoursAgo), Size = size, Origin = origin };

        [Fact]
        public void Regular_backups_of_steady_size_are_Healthy()
        {
            var h = HealthCheck.Evaluate("d", new[] { B(1, 1000), B(7, 1010), B(13, 990), B(19, 1000) }, null, SixHours, 2, Now);
            Assert.Equal(HealthStatus.Healthy, h.Status);
            Assert.Empty(h.Reasons);
            Assert.Equal(0, h.ExitCode);
            Assert.Equal(4, h.BackupCount);
            Assert.Equal(4000, h.TotalSize);
            Assert.Equal(Now.AddHours(-19), h.OldestBackupTime);
            Assert.Equal(TimeSpan.FromHours(1), h.LastBackupAge);
        }

        [Fact]
        public void No_backup_at_all_is_Critical()
        {
            var h = HealthCheck.Evaluate("d", Array.Empty<BackupInfo>(), null, SixHours, 2, Now);
            Assert.Equal(HealthStatus.Critical, h.Status);
            Assert.Equal(2, h.ExitCode);
        }

        [Theory]
        [InlineData(11.9, "Healthy")]
        [InlineData(12.1, "Critical")]
        public void No_backup_within_twice_the_interval_is_Critical(double hoursAgo, string status)
        {
            var h = HealthCheck.Evaluate("d", new[] { B(hoursAgo, 1000) }, null, SixHours, 2, Now);
            Assert.Equal(status, h.Status);
            if (status == "Critical") Assert.Contains(h.Reasons, r => r.Contains("2x the interval"));
        }

        [Theory]
        [InlineData(100, "Warning")]
        [InlineData(2100, "Warning")]
        [InlineData(1500, "Healthy")]
        public void A_newest_backup_far_from_the_median_is_a_size_anomaly(long newestSize, string status)
        {
            var h = HealthCheck.Evaluate("d", new[] { B(1, newestSize), B(7, 1000), B(13, 1000), B(19, 1000) }, null, SixHours, 2, Now);
            Assert.Equal(status, h.Status);
            if (status == "Warning") Assert.Contains(h.Reasons, r => r.Contains("size anomaly"));
        }

        [Fact]
        public void A_failed_last_attempt_is_Critical_and_says_why()
        {
            var record = new StatusRecord { LastSuccess = Now.AddHours(-2), LastFailure = Now.AddHours(-1), LastFailureErrorId = "DestinationNotWritable", LastFailureMessage = "disk full", Host = "db1" };
            var h = HealthCheck.Evaluate("d", new[] { B(2, 1000) }, record, SixHours, 2, Now);
            Assert.Equal(HealthStatus.Critical, h.Status);
            Assert.True(h.LastAttemptFailed);
            Assert.Contains(h.Reasons, r => r.Contains("DestinationNotWritable") && r.Contains("db1"));
            record.LastSuccess = Now.AddMinutes(-30);
            Assert.Equal(HealthStatus.Healthy, HealthCheck.Evaluate("d", new[] { B(0.5, 1000) }, record, SixHours, 2, Now).Status);
        }

        [Theory]
        [InlineData(null, 6.0)]
        [InlineData("3600000", 1.0)]
        [InlineData("nonsense", 6.0)]
        public void The_interval_defaults_to_S3_BACKUP_INTERVAL_in_milliseconds(string value, double hours)
        {
            var env = new BqBackup.Storage.DictionaryEnvironment(new System.Collections.Generic.Dictionary<string, string> { ["S3_BACKUP_INTERVAL"] = value });
            Assert.Equal(TimeSpan.FromHours(hours), HealthCheck.IntervalFrom(env));
        }

        [Fact]
        public void Prometheus_output_is_the_text_exposition_format()
        {
            var h = HealthCheck.Evaluate("s3://b/p \"x\"", new[] { B(1, 1000) }, null, SixHours, 2, Now);
            var lines = HealthCheck.ToPrometheus(h).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("# TYPE bqbackup_status gauge", lines);
            Assert.Contains("bqbackup_status{destination=\"s3://b/p \\\"x\\\"\"} 0", lines);
            Assert.Contains(lines, l => l.StartsWith("bqbackup_last_backup_age_seconds{") && l.EndsWith(" 3600"));
            Assert.All(lines.Where(l => !l.StartsWith("#")), l => Assert.Matches(@"^bqbackup_[a-z_]+\{destination=""[^\n]*""\} -?[0-9.eE+]+$", l));
        }

        [Fact]
        public void Backups_leave_a_status_record_of_success_and_of_failure()
        {
            using (var w = new Workspace())
            {
                var info = BackupEngine.RunAndRecord(w.Database, w.Store, w.BackupsPath, w.Options(), w.Context);
                var record = StatusRecord.Read(w.Store, w.Context);
                Assert.Equal(info.Name, record.LastSuccessName);
                Assert.False(record.LastAttemptFailed);

                Assert.Throws<BqBackupException>(() => BackupEngine.RunAndRecord(w.File("missing.db"), w.Store, w.BackupsPath, w.Options(), w.Context));
                record = StatusRecord.Read(w.Store, w.Context);
                Assert.True(record.LastAttemptFailed);
                Assert.Equal(ErrorIds.DatabaseNotFound, record.LastFailureErrorId);
                Assert.Contains("missing.db", record.LastFailureMessage);
                Assert.Single(new BqBackup.Catalog.BackupCatalog(w.Store, w.BackupsPath).List(w.Context));
            }
        }

        [Fact]
        public void Orphaned_sidecars_older_than_a_backup_in_flight_are_removed()
        {
            using (var w = new Workspace())
            {
                var kept = w.Backup();
                File.WriteAllText(Path.Combine(w.BackupsPath, "backup-2026-01-01T00-00-00.db.gz.meta.json"), "{}");
                File.WriteAllText(Path.Combine(w.BackupsPath, "backup-2026-01-02T00-00-00.db.gz.meta.json"), "{}");
                File.SetLastWriteTimeUtc(Path.Combine(w.BackupsPath, "backup-2026-01-01T00-00-00.db.gz.meta.json"), DateTime.UtcNow.AddHours(-1));
                File.WriteAllText(Path.Combine(w.BackupsPath, "notes.meta.json"), "not ours");
                File.SetLastWriteTimeUtc(Path.Combine(w.BackupsPath, "notes.meta.json"), DateTime.UtcNow.AddHours(-1));

                var removed = ExpiryEngine.RemoveOrphanedSidecars(w.Store, DateTime.UtcNow, (_, _) => true, w.Context);

                Assert.Equal(new[] { "backup-2026-01-01T00-00-00.db.gz.meta.json" }, removed);
                Assert.True(File.Exists(Path.Combine(w.BackupsPath, "backup-2026-01-02T00-00-00.db.gz.meta.json")));
                Assert.True(File.Exists(Path.Combine(w.BackupsPath, kept.Name + ".meta.json")));
                Assert.True(File.Exists(Path.Combine(w.BackupsPath, "notes.meta.json")));
            }
        }
    }
}
