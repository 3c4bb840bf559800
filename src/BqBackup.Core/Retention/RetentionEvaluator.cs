using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BqBackup.Catalog;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    public static class RetentionEvaluator
    {
        /// <summary>A decision for every backup given, in the order given.</summary>
        public static IReadOnlyList<RetentionDecision> Evaluate(IReadOnlyList<BackupInfo> backups, RetentionPolicy policy, DateTime nowUtc)
        {
            policy.Validate();
            var now = nowUtc.ToUniversalTime();
            // A backup stamped in the future (clock skew) is neither counted nor expired: it would
            // take the newest slot of every rule for as long as the clock has not caught up, and its
            // time says nothing about its age, so no rule can say it is old enough to go.
            var skewed = new HashSet<BackupInfo>(backups.Where(b => IsSkewed(b, now)));
            var candidates = backups.Where(b => (b.Origin == BackupOrigin.BqBackup || policy.IncludeBunqueueBackups) && !IsSkewed(b, now))
                .OrderByDescending(b => b.Timestamp).ThenByDescending(b => b.Name, StringComparer.Ordinal).ToList();
            var keptBy = candidates.ToDictionary(b => b, _ => new List<string>());

            // The safety floor: whatever the rules say, the newest backup always survives.
            if (candidates.Count > 0) keptBy[candidates[0]].Add("newest backup (always kept)");
            if (policy.RetentionDays.HasValue)
            {
                // -RetentionDays 3000000 reaches before year 1: it keeps everything, not an overflow.
                var cutoff = policy.RetentionDays.Value >= (now - DateTime.MinValue).TotalDays ? DateTime.MinValue : now.AddDays(-policy.RetentionDays.Value);
                foreach (var b in candidates.Where(b => b.Timestamp >= cutoff)) keptBy[b].Add($"within {policy.RetentionDays} day(s)");
            }
            if (policy.KeepLast.HasValue)
                foreach (var b in candidates.Take(policy.KeepLast.Value)) keptBy[b].Add($"one of the last {policy.KeepLast}");
            KeepPerPeriod(candidates, keptBy, policy.KeepHourly, "hourly", t => t.ToString("yyyy-MM-dd HH", CultureInfo.InvariantCulture));
            KeepPerPeriod(candidates, keptBy, policy.KeepDaily, "daily", t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            KeepPerPeriod(candidates, keptBy, policy.KeepWeekly, "weekly", IsoWeek);
            KeepPerPeriod(candidates, keptBy, policy.KeepMonthly, "monthly", t => t.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            KeepPerPeriod(candidates, keptBy, policy.KeepYearly, "yearly", t => t.ToString("yyyy", CultureInfo.InvariantCulture));
            RefuseWhenNoRuleKeepsAny(candidates, keptBy, policy, nowUtc);

            return backups.Select(b =>
            {
                if (skewed.Contains(b))
                    return new RetentionDecision
                    {
                        Backup = b, Keep = true,
                        Reason = $"stamped {ClockSkew.Describe(b.Timestamp, now)} in the future (clock skew): never expired and counted by no rule, " +
                                 "since its time says nothing about its age; once the clock passes its time it is judged like any other",
                    };
                if (!keptBy.TryGetValue(b, out var reasons))
                    return new RetentionDecision { Backup = b, Keep = true, Reason = "bunqueue's own backup (add -IncludeBunqueueBackups to expire these)" };
                if (reasons.Count > 0)
                    return new RetentionDecision
                    {
                        Backup = b, Keep = true, Reason = string.Join("; ", reasons),
                        LongTerm = reasons.Any(r => r.StartsWith("monthly ", StringComparison.Ordinal) || r.StartsWith("yearly ", StringComparison.Ordinal)),
                    };
                // The store would refuse to delete it (or only hide it): it stays, and says until when.
                if (b.LockMode.HasValue && b.LockedUntil.HasValue && b.LockedUntil.Value.ToUniversalTime() > now)
                    return new RetentionDecision
                    {
                        Backup = b, Keep = true, KeptByLock = true,
                        Reason = $"kept by no rule of {policy}, but locked ({b.LockMode}) until {b.LockedUntil.Value.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC: removed on the first run after",
                    };
                return new RetentionDecision { Backup = b, Keep = false, Reason = $"kept by no rule of {policy}" };
            }).ToList();
        }

        /// <summary>
        /// When the rules themselves keep none of several backups, only the floor stands between the
        /// destination and one lonely backup. That is what a stopped backup job looks like: the
        /// newest is older than the policy reaches. Expiring would erase the history an operator now
        /// needs, so nothing is removed unless a rule says so (-KeepLast 1 keeps only the newest).
        /// </summary>
        private static void RefuseWhenNoRuleKeepsAny(List<BackupInfo> newestFirst, Dictionary<BackupInfo, List<string>> keptBy, RetentionPolicy policy, DateTime nowUtc)
        {
            if (newestFirst.Count < 2) return;
            var newest = newestFirst[0];
            if (keptBy[newest].Count > 1 || newestFirst.Skip(1).Any(b => keptBy[b].Count > 0)) return;
            var age = nowUtc.ToUniversalTime() - newest.Timestamp.ToUniversalTime();
            throw new BqBackupException(ErrorIds.RetentionWouldRemoveAll, BqErrorCategory.InvalidOperation,
                $"{policy} keeps none of the {newestFirst.Count} backups in '{newest.Destination}': the newest, '{newest.Name}', is {age.TotalDays:F1} days old. " +
                "Backups may have stopped; nothing was removed.", policy.ToString(),
                "Check the backup job (Get-BqBackupStatus). To expire anyway, add a rule that keeps what you want, such as -KeepLast 1 for the newest only.");
        }

        private static bool IsSkewed(BackupInfo b, DateTime nowUtc) => b.TimestampInFuture || ClockSkew.IsAhead(b.Timestamp, nowUtc);

        /// <summary>The newest backup of each of the last n periods that have one (newest-first input).</summary>
        private static void KeepPerPeriod(List<BackupInfo> newestFirst, Dictionary<BackupInfo, List<string>> keptBy, int? count, string label, Func<DateTime, string> period)
        {
            if (!count.HasValue) return;
            var seen = new HashSet<string>();
            foreach (var b in newestFirst)
            {
                var key = period(b.Timestamp.ToUniversalTime());
                if (!seen.Add(key)) continue;
                if (seen.Count > count.Value) break;
                keptBy[b].Add($"{label} {key}");
            }
        }

        private static string IsoWeek(DateTime utc)
        {
            // ISO 8601: weeks start on Monday; week 1 holds the year's first Thursday.
            var day = (int)utc.DayOfWeek == 0 ? 7 : (int)utc.DayOfWeek;
            var thursday = utc.Date.AddDays(4 - day);
            var week = (thursday.DayOfYear - 1) / 7 + 1;
            return $"{thursday.Year}-W{week:D2}";
        }
    }
}
