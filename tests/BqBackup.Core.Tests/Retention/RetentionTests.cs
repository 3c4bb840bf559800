using System;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Retention;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Retention
{
    public class RetentionTests
    {
        private static readonly DateTime Now = new DateTime(2026, 6, 30, 12, 0, 0, DateTimeKind.Utc);

        private static BackupInfo B(string name, double daysAgo, string origin = BackupOrigin.BqBackup) =>
            new BackupInfo { Name = name, Timestamp = Now.AddDays(-daysAgo), Origin = origin };

        [Fact]
        public void Backups_older_than_the_days_expire_and_the_rest_stay()
        {
            var list = new[] { B("new", 0.1), B("six", 6.9), B("eight", 8), B("thirty", 30) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now);
            Assert.Equal(new[] { "eight", "thirty" }, d.Where(x => !x.Keep).Select(x => x.Backup.Name));
            Assert.Contains("kept by no rule of -RetentionDays 7", d.Single(x => x.Backup.Name == "thirty").Reason);
        }

        [Fact]
        public void A_policy_that_keeps_none_of_several_backups_is_refused()
        {
            var list = new[] { B("a", 40), B("b", 50), B("c", 60) };
            var e = Assert.Throws<BqBackupException>(() => RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now));
            Assert.Equal(ErrorIds.RetentionWouldRemoveAll, e.ErrorId);
            Assert.Equal(BqErrorCategory.InvalidOperation, e.Category);
            Assert.Equal("-RetentionDays 7", e.TargetObject);
            Assert.Contains("none of the 3 backups", e.Message);
            Assert.Contains("'a', is 40.0 days old", e.Message);
        }

        [Fact]
        public void A_lone_old_backup_is_simply_kept()
        {
            var d = RetentionEvaluator.Evaluate(new[] { B("a", 40) }, new RetentionPolicy { RetentionDays = 7 }, Now);
            Assert.True(d.Single().Keep);
            Assert.Contains("newest", d.Single().Reason);
        }

        [Fact]
        public void The_newest_backup_is_kept_however_old_when_a_rule_says_to_expire_the_rest()
        {
            var list = new[] { B("a", 40), B("b", 50) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7, KeepLast = 1 }, Now);
            Assert.True(d.Single(x => x.Backup.Name == "a").Keep);
            Assert.Contains("newest", d.Single(x => x.Backup.Name == "a").Reason);
            Assert.False(d.Single(x => x.Backup.Name == "b").Keep);
        }

        [Fact]
        public void Bunqueues_own_backups_do_not_count_as_kept_by_a_rule()
        {
            var list = new[] { B("ours-a", 40), B("ours-b", 50), B("theirs", 1, BackupOrigin.Bunqueue) };
            var e = Assert.Throws<BqBackupException>(() => RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now));
            Assert.Equal(ErrorIds.RetentionWouldRemoveAll, e.ErrorId);
        }

        [Fact]
        public void Bunqueues_own_backups_are_kept_unless_included()
        {
            var list = new[] { B("ours-new", 0), B("theirs-old", 30, BackupOrigin.Bunqueue), B("ours-old", 30) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now);
            Assert.True(d.Single(x => x.Backup.Name == "theirs-old").Keep);
            d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7, IncludeBunqueueBackups = true }, Now);
            Assert.False(d.Single(x => x.Backup.Name == "theirs-old").Keep);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-3)]
        public void Zero_or_negative_days_are_InvalidRetention(int days)
        {
            var e = Assert.Throws<BqBackupException>(() => RetentionEvaluator.Evaluate(new[] { B("a", 1) }, new RetentionPolicy { RetentionDays = days }, Now));
            Assert.Equal(ErrorIds.InvalidRetention, e.ErrorId);
            Assert.Equal(days, e.TargetObject);
            e = Assert.Throws<BqBackupException>(() => RetentionEvaluator.Evaluate(new[] { B("a", 1) }, new RetentionPolicy { KeepDaily = days }, Now));
            Assert.Equal(ErrorIds.InvalidRetention, e.ErrorId);
        }

        [Fact]
        public void A_policy_with_no_rule_is_InvalidRetention()
        {
            var e = Assert.Throws<BqBackupException>(() => RetentionEvaluator.Evaluate(new[] { B("a", 1) }, new RetentionPolicy(), Now));
            Assert.Equal(ErrorIds.InvalidRetention, e.ErrorId);
        }

        private static BackupInfo At(string utc) =>
            new BackupInfo { Name = "backup-" + utc, Timestamp = DateTime.Parse(utc, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), Origin = BackupOrigin.BqBackup };

        private static string[] Kept(RetentionPolicy policy, params BackupInfo[] list) =>
            RetentionEvaluator.Evaluate(list, policy, Now).Where(d => d.Keep).Select(d => d.Backup.Name.Substring(7)).ToArray();

        [Fact]
        public void KeepLast_keeps_the_newest_n()
        {
            Assert.Equal(new[] { "2026-06-30T10:00:00Z", "2026-06-29T10:00:00Z" },
                Kept(new RetentionPolicy { KeepLast = 2 }, At("2026-06-30T10:00:00Z"), At("2026-06-29T10:00:00Z"), At("2026-06-28T10:00:00Z")));
        }

        [Fact]
        public void KeepDaily_keeps_the_newest_of_each_UTC_day_across_midnight()
        {
            // 23:59 and 00:01 UTC are two days; two backups of one day keep only the later.
            var kept = Kept(new RetentionPolicy { KeepDaily = 2 },
                At("2026-06-30T00:01:00Z"), At("2026-06-29T23:59:00Z"), At("2026-06-29T12:00:00Z"), At("2026-06-28T23:00:00Z"));
            Assert.Equal(new[] { "2026-06-30T00:01:00Z", "2026-06-29T23:59:00Z" }, kept);
        }

        [Fact]
        public void KeepDaily_counts_days_that_have_a_backup_not_calendar_days()
        {
            var kept = Kept(new RetentionPolicy { KeepDaily = 2 }, At("2026-06-30T10:00:00Z"), At("2026-06-20T10:00:00Z"), At("2026-06-10T10:00:00Z"));
            Assert.Equal(new[] { "2026-06-30T10:00:00Z", "2026-06-20T10:00:00Z" }, kept);
        }

        [Fact]
        public void KeepWeekly_uses_ISO_weeks_that_start_on_Monday()
        {
            // Sunday 2026-06-28 and Monday 2026-06-29 are in different ISO weeks; 2021-01-03 (Sunday) belongs to 2020-W53.
            var kept = Kept(new RetentionPolicy { KeepWeekly = 2 },
                At("2026-06-29T01:00:00Z"), At("2026-06-28T23:00:00Z"), At("2026-06-27T23:00:00Z"), At("2026-06-21T23:00:00Z"));
            Assert.Equal(new[] { "2026-06-29T01:00:00Z", "2026-06-28T23:00:00Z" }, kept);
        }

        [Fact]
        public void KeepMonthly_and_KeepYearly_cross_their_boundaries_in_UTC()
        {
            var list = new[] { At("2026-01-01T00:30:00Z"), At("2025-12-31T23:30:00Z"), At("2025-12-01T00:00:00Z"), At("2025-11-30T23:00:00Z"), At("2024-06-01T00:00:00Z") };
            Assert.Equal(new[] { "2026-01-01T00:30:00Z", "2025-12-31T23:30:00Z", "2025-11-30T23:00:00Z" }, Kept(new RetentionPolicy { KeepMonthly = 3 }, list));
            Assert.Equal(new[] { "2026-01-01T00:30:00Z", "2025-12-31T23:30:00Z", "2024-06-01T00:00:00Z" }, Kept(new RetentionPolicy { KeepYearly = 3 }, list));
        }

        [Fact]
        public void KeepHourly_keeps_the_newest_of_each_hour()
        {
            var kept = Kept(new RetentionPolicy { KeepHourly = 2 }, At("2026-06-30T11:50:00Z"), At("2026-06-30T11:10:00Z"), At("2026-06-30T10:59:00Z"), At("2026-06-30T09:00:00Z"));
            Assert.Equal(new[] { "2026-06-30T11:50:00Z", "2026-06-30T10:59:00Z" }, kept);
        }

        [Fact]
        public void Rules_combine_as_a_union_and_each_decision_says_which_rules_keep_it()
        {
            var list = new[] { At("2026-06-30T10:00:00Z"), At("2026-06-29T10:00:00Z"), At("2026-05-15T10:00:00Z"), At("2026-04-15T10:00:00Z"), At("2026-03-15T10:00:00Z") };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { KeepLast = 2, KeepMonthly = 3 }, Now);
            Assert.Equal(new[] { true, true, true, true, false }, d.Select(x => x.Keep));
            Assert.Contains("one of the last 2", d[1].Reason);
            Assert.Contains("monthly 2026-05", d[2].Reason);
            Assert.Equal("Remove", d[4].Action);
        }

        [Theory]
        [InlineData(null, 7)]
        [InlineData("14", 14)]
        [InlineData("garbage", 7)]
        public void The_default_days_come_from_S3_BACKUP_RETENTION(string value, int expected)
        {
            var env = new DictionaryEnvironment(new System.Collections.Generic.Dictionary<string, string> { ["S3_BACKUP_RETENTION"] = value });
            Assert.Equal(expected, RetentionPolicy.DefaultDays(env));
        }

        [Fact]
        public void Removal_deletes_body_and_sidecar()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                ExpiryEngine.Remove(info, w.Store, w.Context);
                Assert.Empty(Directory.GetFileSystemEntries(w.BackupsPath));
            }
        }

        [Fact]
        public void A_delete_the_store_acknowledges_but_does_not_do_is_RemoveFailed()
        {
            using (var w = new Workspace())
            {
                var info = w.Backup();
                var liar = new FaultyStore(w.Store) { IgnoreDeletes = true };
                var e = Assert.Throws<BqBackupException>(() => ExpiryEngine.Remove(info, liar, w.Context));
                Assert.Equal(ErrorIds.RemoveFailed, e.ErrorId);
                Assert.Single(new BackupCatalog(w.Store, w.BackupsPath).List(w.Context));
            }
        }
    }
}
