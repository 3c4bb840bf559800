using System;
using System.Linq;
using BqBackup.Health;
using Xunit;

namespace BqBackup.Tests.Health
{
    public class CopyHealthTests
    {
        private static readonly DateTime Now = new DateTime(2026, 6, 30, 12, 0, 0, DateTimeKind.Utc);
        private static readonly TimeSpan SixHours = TimeSpan.FromHours(6);

        private static BackupHealth Health(string destination, params double[] hoursAgo) =>
            HealthCheck.Evaluate(destination, hoursAgo.Select(h => new BackupInfo { Name = $"{destination}-{h}", Timestamp = Now.AddHours(-h), Size = 1000, Origin = BackupOrigin.BqBackup }).ToList(),
                null, SixHours, 2, Now);

        [Fact]
        public void A_copy_older_than_the_primary_by_more_than_the_interval_is_a_Warning_that_names_the_primary()
        {
            var primary = Health("/p", 1, 7);
            var copy = Health("s3://copy/", 8, 14);
            Assert.Equal(HealthStatus.Healthy, copy.Status); // 8 h old is within 2x the interval on its own
            HealthCheck.CompareWithPrimary(copy, primary);
            Assert.Equal(HealthStatus.Warning, copy.Status);
            Assert.Equal(1, copy.ExitCode);
            Assert.Equal("/p", copy.Primary);
            Assert.Equal(TimeSpan.FromHours(7), copy.LagBehindPrimary);
            Assert.Contains(copy.Reasons, r => r.Contains("lags behind the primary '/p'") && r.Contains("s3://copy/-8"));
        }

        [Fact]
        public void A_copy_within_the_interval_of_the_primary_stays_Healthy()
        {
            var primary = Health("/p", 1);
            var copy = Health("/c", 6.5);
            HealthCheck.CompareWithPrimary(copy, primary);
            Assert.Equal(HealthStatus.Healthy, copy.Status);
            Assert.Equal(TimeSpan.FromHours(5.5), copy.LagBehindPrimary);
            Assert.Empty(copy.Reasons);
        }

        [Fact]
        public void A_copy_newer_than_the_primary_has_no_lag_and_a_Critical_copy_stays_Critical()
        {
            var primary = Health("/p", 20);
            var newer = Health("/c", 1);
            HealthCheck.CompareWithPrimary(newer, primary);
            Assert.Equal(TimeSpan.Zero, newer.LagBehindPrimary);
            Assert.Equal(HealthStatus.Critical, primary.Status);

            var stale = Health("/s", 40);
            HealthCheck.CompareWithPrimary(stale, Health("/p", 1));
            Assert.Equal(HealthStatus.Critical, stale.Status);
            Assert.Contains(stale.Reasons, r => r.Contains("lags behind the primary"));
        }

        [Fact]
        public void Prometheus_for_several_destinations_gives_each_metric_once_with_one_sample_per_destination()
        {
            var primary = Health("/p", 1);
            var copy = Health("/c\"x", 9);
            HealthCheck.CompareWithPrimary(copy, primary);
            var text = HealthCheck.ToPrometheus(new[] { primary, copy });
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, l => l == "# TYPE bqbackup_status gauge");
            Assert.Contains("bqbackup_status{destination=\"/p\"} 0", lines);
            Assert.Contains("bqbackup_status{destination=\"/c\\\"x\"} 1", lines);
            Assert.Contains("bqbackup_copy_lag_seconds{destination=\"/c\\\"x\",primary=\"/p\"} 28800", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("bqbackup_copy_lag_seconds{destination=\"/p\"", StringComparison.Ordinal));
            // Samples of a family follow its TYPE line, never another family's.
            var family = lines.Select((l, i) => (l, i)).Where(x => x.l.StartsWith("bqbackup_backups{", StringComparison.Ordinal)).Select(x => x.i).ToList();
            Assert.Equal(2, family.Count);
            Assert.Equal(family[0] + 1, family[1]);
        }

        [Fact]
        public void Prometheus_for_one_destination_is_what_it_was()
        {
            var h = Health("/p", 1);
            Assert.Equal(HealthCheck.ToPrometheus(h), HealthCheck.ToPrometheus(new[] { h }));
            Assert.DoesNotContain("copy_lag", HealthCheck.ToPrometheus(h));
            Assert.StartsWith("# HELP bqbackup_status ", HealthCheck.ToPrometheus(h));
        }
    }
}
