using System;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Health;
using BqBackup.Restore;
using BqBackup.Retention;
using Xunit;

namespace BqBackup.Tests.Catalog
{
    /// <summary>
    /// A backup stamped in the future (taken while a clock ran ahead) is flagged, never picked by
    /// time, neither counted nor expired by retention, and makes the health Warning. "Now" comes
    /// from the operation's clock (OperationContext.Clock), fixed here.
    /// </summary>
    public class ClockSkewTests
    {
        private static readonly DateTime Now = new DateTime(2026, 6, 30, 12, 0, 0, DateTimeKind.Utc);
        private static readonly OperationContext AtNow = new OperationContext { Clock = () => Now };

        /// <summary>Real backups an hour and a day old, of 300 jobs; one of another database of 800 jobs, taken with the clock a week ahead.</summary>
        private static (BackupInfo future, BackupInfo newest) TakeBackups(Workspace w)
        {
            w.Backup(() => Now.AddDays(-1));
            var newest = w.Backup(() => Now.AddHours(-1));
            var bigger = w.File("bigger.db");
            BqBackup.Sample.SampleDatabase.Create(bigger, 800);
            var future = BqBackup.Backup.BackupEngine.Run(bigger, w.Store, w.BackupsPath, w.Options(() => Now.AddDays(7)), w.Context);
            return (future, newest);
        }

        [Fact]
        public void A_backup_stamped_beyond_the_tolerance_lists_as_FutureTimestamp_and_one_within_it_as_Ok()
        {
            using (var w = new Workspace())
            {
                var ahead = w.Backup(() => Now + ClockSkew.Tolerance + TimeSpan.FromSeconds(2));
                var within = w.Backup(() => Now + ClockSkew.Tolerance - TimeSpan.FromSeconds(2));
                var list = new BackupCatalog(w.Store, w.BackupsPath).List(AtNow);
                var a = list.Single(b => b.Name == ahead.Name);
                Assert.Equal(BackupStatus.FutureTimestamp, a.Status);
                Assert.True(a.TimestampInFuture);
                var ok = list.Single(b => b.Name == within.Name);
                Assert.Equal(BackupStatus.Ok, ok.Status);
                Assert.False(ok.TimestampInFuture);
            }
        }

        [Fact]
        public void Latest_and_At_pass_over_a_future_backup_and_pick_the_newest_real_one()
        {
            using (var w = new Workspace())
            {
                var (future, newest) = TakeBackups(w);
                var list = new BackupCatalog(w.Store, w.BackupsPath).List(AtNow);
                Assert.Equal(future.Name, list[0].Name); // still listed, newest first by its stamp
                Assert.Equal(newest.Name, BackupCatalog.PickAtOrFail(list, null, w.BackupsPath).Name);
                Assert.Equal(newest.Name, BackupCatalog.PickAtOrFail(list, Now.AddDays(30), w.BackupsPath).Name);
                Assert.Equal(300, BackupCatalog.PickAtOrFail(list, null, w.BackupsPath).Counts.Jobs);
            }
        }

        [Fact]
        public void Only_future_backups_is_NoBackupFound_naming_the_clock_skew_and_one_restores_by_name()
        {
            using (var w = new Workspace())
            {
                w.Backup(() => Now.AddDays(2));
                var list = new BackupCatalog(w.Store, w.BackupsPath).List(AtNow);
                var e = Assert.Throws<BqBackupException>(() => BackupCatalog.PickAtOrFail(list, null, w.BackupsPath));
                Assert.Equal(ErrorIds.NoBackupFound, e.ErrorId);
                Assert.Contains("clock skew", e.Message);
                Assert.Contains("-Name", e.RecommendedAction);

                // Named explicitly, it is a sound backup: its checksum is verified like any other.
                var test = BackupVerifier.Test(list[0], w.Store, AtNow, w.TempRoot);
                Assert.True(test.Passed, string.Join("; ", test.Reasons));
                Assert.True(test.ChecksumVerified);
            }
        }

        [Fact]
        public void Retention_keeps_a_future_backup_without_giving_it_a_slot_and_says_why()
        {
            BackupInfo B(string name, double daysAgo) => new BackupInfo { Name = name, Timestamp = Now.AddDays(-daysAgo), Origin = BackupOrigin.BqBackup };
            var list = new[] { B("future", -3), B("today", 0.1), B("yesterday", 1), B("old", 10) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { KeepDaily = 2 }, Now);
            var future = d.Single(x => x.Name == "future");
            Assert.True(future.Keep);
            Assert.Contains("in the future (clock skew)", future.Reason);
            Assert.Contains("newest backup (always kept)", d.Single(x => x.Name == "today").Reason);
            Assert.Contains("daily", d.Single(x => x.Name == "yesterday").Reason); // the second daily slot, not taken by the future one
            Assert.False(d.Single(x => x.Name == "old").Keep);

            // No rule reaches it either: still kept, and it does not count as a kept backup for the "would remove all" guard.
            var stale = new[] { B("future", -3), B("a", 40), B("b", 50) };
            var e = Assert.Throws<BqBackupException>(() => RetentionEvaluator.Evaluate(stale, new RetentionPolicy { RetentionDays = 7 }, Now));
            Assert.Equal(ErrorIds.RetentionWouldRemoveAll, e.ErrorId);
            Assert.True(RetentionEvaluator.Evaluate(stale, new RetentionPolicy { KeepLast = 1 }, Now).Single(x => x.Name == "future").Keep);
        }

        private static BackupInfo H(string name, double hoursAgo, long size = 1000) =>
            new BackupInfo { Name = name, Timestamp = Now.AddHours(-hoursAgo), Size = size, Origin = BackupOrigin.BqBackup };

        [Fact]
        public void A_future_backup_never_stands_for_the_newest_stopped_backups_stay_Critical()
        {
            var h = HealthCheck.Evaluate("d", new[] { H("future", -48), H("real", 30) }, null, TimeSpan.FromHours(6), 2, Now);
            Assert.Equal(HealthStatus.Critical, h.Status);
            Assert.Equal("real", h.LastBackupName);
            Assert.Equal(TimeSpan.FromHours(30), h.LastBackupAge);
            Assert.Equal(1, h.FutureBackupCount);
            Assert.True(h.ClockSkew);
            Assert.Contains(h.Reasons, r => r.StartsWith("no backup within 2x the interval"));
            Assert.Contains(h.Reasons, r => r.StartsWith("clock skew: 1 backup(s) stamped in the future") && r.Contains("'future'"));
            Assert.Contains("bqbackup_future_backups{destination=\"d\"} 1", HealthCheck.ToPrometheus(h));
        }

        [Fact]
        public void A_future_backup_beside_fresh_ones_is_a_Warning()
        {
            var h = HealthCheck.Evaluate("d", new[] { H("future", -2), H("real", 1) }, null, TimeSpan.FromHours(6), 2, Now);
            Assert.Equal(HealthStatus.Warning, h.Status);
            Assert.Equal(1, h.ExitCode);
            Assert.Equal("real", h.LastBackupName);
            Assert.Single(h.Reasons);
        }

        [Fact]
        public void A_last_failure_stamped_in_the_future_is_a_Warning_not_a_failure_for_good()
        {
            var record = new StatusRecord { LastSuccess = Now.AddHours(-1), LastFailure = Now.AddDays(3), LastFailureErrorId = "StoreError", LastFailureMessage = "boom" };
            var h = HealthCheck.Evaluate("d", new[] { H("real", 1) }, record, TimeSpan.FromHours(6), 2, Now);
            Assert.Equal(HealthStatus.Warning, h.Status);
            Assert.False(h.LastAttemptFailed);
            Assert.True(h.ClockSkew);
            Assert.Contains(h.Reasons, r => r.StartsWith("clock skew: the status record's last failure") && r.Contains("StoreError"));
        }

        [Fact]
        public void A_last_success_stamped_in_the_future_hides_no_real_failure()
        {
            var record = new StatusRecord { LastSuccess = Now.AddDays(3), LastFailure = Now.AddMinutes(-10), LastFailureErrorId = "StoreError", LastFailureMessage = "boom" };
            var h = HealthCheck.Evaluate("d", new[] { H("real", 1) }, record, TimeSpan.FromHours(6), 2, Now);
            Assert.Equal(HealthStatus.Critical, h.Status);
            Assert.True(h.LastAttemptFailed);
            Assert.Contains(h.Reasons, r => r.StartsWith("clock skew: the status record's last success"));
        }

        [Fact]
        public void The_clock_of_the_operation_is_the_one_a_backup_is_stamped_with_when_none_is_given()
        {
            using (var w = new Workspace())
            {
                var ctx = new OperationContext { Clock = () => Now.AddYears(-3) };
                var info = BqBackup.Backup.BackupEngine.Run(w.Database, w.Store, w.BackupsPath, new BqBackup.Backup.BackupOptions { TempRoot = w.TempRoot }, ctx);
                Assert.Equal(Now.AddYears(-3), info.Timestamp);
                Assert.Equal(BackupNaming.NameFor(Now.AddYears(-3), 1), info.Name);
            }
        }
    }
}
