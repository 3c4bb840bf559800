using System;
using System.Collections.Generic;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Locking;
using BqBackup.Retention;
using Xunit;

namespace BqBackup.Tests.Retention
{
    /// <summary>Retention on a locked bucket: what no rule keeps stays while its lock lasts, and goes on the first run after.</summary>
    public class LockedRetentionTests
    {
        private static readonly DateTime Now = new DateTime(2026, 6, 30, 12, 0, 0, DateTimeKind.Utc);

        private static BackupInfo B(string name, double daysAgo, DateTime? lockedUntil = null, ObjectLockMode mode = ObjectLockMode.Compliance) =>
            new BackupInfo
            {
                Name = name, Timestamp = Now.AddDays(-daysAgo), Origin = BackupOrigin.BqBackup,
                LockMode = lockedUntil.HasValue ? mode : (ObjectLockMode?)null, LockedUntil = lockedUntil,
            };

        [Fact]
        public void A_locked_backup_no_rule_keeps_is_kept_until_its_lock_ends_and_says_so()
        {
            var until = Now.AddDays(3);
            var list = new[] { B("new", 0.1), B("old-locked", 20, until), B("old", 21) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now);
            var locked = d.Single(x => x.Name == "old-locked");
            Assert.True(locked.Keep);
            Assert.True(locked.KeptByLock);
            Assert.Equal(until, locked.LockedUntil);
            Assert.Equal(ObjectLockMode.Compliance, locked.LockMode);
            Assert.Contains("locked (Compliance) until 2026-07-03 12:00:00 UTC", locked.Reason);
            Assert.Contains("removed on the first run after", locked.Reason);
            var unlocked = d.Single(x => x.Name == "old");
            Assert.False(unlocked.Keep);
            Assert.False(unlocked.KeptByLock);
        }

        [Fact]
        public void Once_the_clock_passes_the_lock_the_same_backup_goes()
        {
            var until = Now.AddDays(3);
            var list = new[] { B("new", 0.1), B("old-locked", 20, until, ObjectLockMode.Governance) };
            var policy = new RetentionPolicy { RetentionDays = 7 };
            Assert.True(RetentionEvaluator.Evaluate(list, policy, until.AddSeconds(-1)).Single(x => x.Name == "old-locked").Keep);
            var after = RetentionEvaluator.Evaluate(list, policy, until).Single(x => x.Name == "old-locked");
            Assert.False(after.Keep);
            Assert.False(after.KeptByLock);
            Assert.Equal("kept by no rule of -RetentionDays 7", after.Reason);
        }

        [Fact]
        public void A_lock_does_not_change_what_the_rules_keep_or_their_reasons()
        {
            var list = new[] { B("new", 0.1, Now.AddDays(30)), B("mid", 2, Now.AddDays(30)) };
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { RetentionDays = 7 }, Now);
            Assert.All(d, x => Assert.True(x.Keep));
            Assert.All(d, x => Assert.False(x.KeptByLock));
            Assert.DoesNotContain(d, x => x.Reason.Contains("locked"));
        }

        [Fact]
        public void Monthly_and_yearly_picks_are_the_long_term_keepers_daily_ones_are_not()
        {
            var list = Enumerable.Range(0, 70).Select(i => B($"b{i:D2}", i + 0.5)).ToList();
            var d = RetentionEvaluator.Evaluate(list, new RetentionPolicy { KeepDaily = 3, KeepMonthly = 2, KeepYearly = 1 }, Now);
            var longTerm = d.Where(x => x.LongTerm).Select(x => x.Name).ToList();
            // b00 is the newest of June (and of 2026), b30 of May.
            Assert.Equal(new[] { "b00", "b30" }, longTerm);
            Assert.True(d.Single(x => x.Name == "b01").Keep);
            Assert.False(d.Single(x => x.Name == "b01").LongTerm);
        }

        [Fact]
        public void Lock_dates_are_whole_seconds_rounded_up_and_count_from_when_the_backup_is_taken()
        {
            var options = new ObjectLockOptions { Mode = ObjectLockMode.Governance, Days = 2 };
            var state = options.For(new DateTime(2026, 6, 30, 12, 0, 0, 250, DateTimeKind.Utc));
            Assert.Equal(new DateTime(2026, 7, 2, 12, 0, 1, DateTimeKind.Utc), state.RetainUntilUtc);
            Assert.Equal(ObjectLockMode.Governance, state.Mode);
            Assert.Equal(DateTimeKind.Utc, state.RetainUntilUtc.Kind);
        }

        [Fact]
        public void A_lock_read_back_covers_what_was_asked_only_if_as_late_and_as_strict()
        {
            var asked = new ObjectRetention(ObjectLockMode.Compliance, Now);
            Assert.True(new ObjectRetention(ObjectLockMode.Compliance, Now).Covers(asked));
            Assert.True(new ObjectRetention(ObjectLockMode.Compliance, Now.AddDays(1)).Covers(asked));
            Assert.False(new ObjectRetention(ObjectLockMode.Governance, Now.AddDays(1)).Covers(asked));
            Assert.False(new ObjectRetention(ObjectLockMode.Compliance, Now.AddSeconds(-2)).Covers(asked));
            Assert.True(new ObjectRetention(ObjectLockMode.Compliance, Now).Covers(new ObjectRetention(ObjectLockMode.Governance, Now)));
        }

        private static BqBackup.Storage.IEnvironment Env(params (string, string)[] pairs) =>
            new BqBackup.Storage.DictionaryEnvironment(pairs.ToDictionary(p => p.Item1, p => p.Item2));

        [Fact]
        public void Lock_options_come_from_the_parameters_else_from_BQBACKUP_LOCK_variables_else_none()
        {
            Assert.Null(ObjectLockOptions.Resolve(null, null, null, Env(), Now));
            var fromEnv = ObjectLockOptions.Resolve(null, null, null, Env(("BQBACKUP_LOCK_MODE", "compliance"), ("BQBACKUP_LOCK_DAYS", "30")), Now);
            Assert.Equal(ObjectLockMode.Compliance, fromEnv.Mode);
            Assert.Equal(30, fromEnv.Days);
            var given = ObjectLockOptions.Resolve(ObjectLockMode.Governance, 5, null, Env(("BQBACKUP_LOCK_MODE", "compliance"), ("BQBACKUP_LOCK_DAYS", "30")), Now);
            Assert.Equal(ObjectLockMode.Governance, given.Mode);
            Assert.Equal(5, given.Days);
            Assert.Null(ObjectLockOptions.Resolve(null, null, null, null, Now));
        }

        [Theory]
        [InlineData("Governance", null, null, "needs how long")]
        [InlineData(null, 5, null, "need -LockMode")]
        [InlineData("Compliance", 0, null, "out of range")]
        [InlineData("Compliance", 36501, null, "out of range")]
        [InlineData("Compliance", 5, -1.0, "both given")]
        [InlineData("Compliance", null, -1.0, "not in the future")]
        public void Half_given_or_impossible_lock_settings_are_InvalidLockSetting(string mode, int? days, double? untilDaysFromNow, string message)
        {
            ObjectLockMode? parsed = mode == null ? (ObjectLockMode?)null : (ObjectLockMode)Enum.Parse(typeof(ObjectLockMode), mode);
            var until = untilDaysFromNow.HasValue ? Now.AddDays(untilDaysFromNow.Value) : (DateTime?)null;
            var e = Assert.Throws<BqBackupException>(() => ObjectLockOptions.Resolve(parsed, days, until, Env(), Now));
            Assert.Equal(ErrorIds.InvalidLockSetting, e.ErrorId);
            Assert.Equal(BqErrorCategory.InvalidArgument, e.Category);
            Assert.Contains(message, e.Message);
            Assert.False(string.IsNullOrEmpty(e.RecommendedAction));
        }

        [Theory]
        [InlineData("forever", "30")]
        [InlineData("Governance", "thirty")]
        [InlineData(null, "30")]
        public void Bad_BQBACKUP_LOCK_variables_are_InvalidLockSetting_naming_the_variable(string mode, string days)
        {
            var pairs = new List<(string, string)> { ("BQBACKUP_LOCK_DAYS", days) };
            if (mode != null) pairs.Add(("BQBACKUP_LOCK_MODE", mode));
            var e = Assert.Throws<BqBackupException>(() => ObjectLockOptions.Resolve(null, null, null, Env(pairs.ToArray()), Now));
            Assert.Equal(ErrorIds.InvalidLockSetting, e.ErrorId);
            Assert.Contains("BQBACKUP_LOCK_", e.Message);
        }
    }
}
