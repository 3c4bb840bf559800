using System;
using System.IO;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Retention;
using BqBackup.Storage;
using Xunit;

namespace BqBackup.Tests.Engine
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
            Assert.Contains("older than 7", d.Single(x => x.Backup.Name == "thirty").Reason);
        }

        [Fact]
        public void The_newest_backup_is_kept_however_old()
        {
            var list = new[] { B("a", 40), B("b", 50) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now);
            Assert.True(d.Single(x => x.Backup.Name == "a").Keep);
            Assert.Contains("newest", d.Single(x => x.Backup.Name == "a").Reason);
            Assert.False(d.Single(x => x.Backup.Name == "b").Keep);
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
