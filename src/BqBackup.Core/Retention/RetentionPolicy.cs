using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BqBackup.Storage;

namespace BqBackup.Retention
{
    /// <summary>
    /// Which backups to keep. Each rule names the backups it keeps and a backup goes only when no
    /// rule keeps it, so rules combine as a union (restic's forget works the same way). Periods
    /// are UTC calendar periods; a -Keep{Period} n rule keeps the newest backup of each of the last
    /// n periods that have a backup.
    /// </summary>
    public sealed class RetentionPolicy
    {
        public const int DefaultRetentionDays = 7;

        /// <summary>Keep backups taken within this many days.</summary>
        public int? RetentionDays { get; set; }
        /// <summary>Keep the newest n backups, as bunqueue's built-in retention does.</summary>
        public int? KeepLast { get; set; }
        public int? KeepHourly { get; set; }
        public int? KeepDaily { get; set; }
        public int? KeepWeekly { get; set; }
        public int? KeepMonthly { get; set; }
        public int? KeepYearly { get; set; }

        /// <summary>bunqueue's own backups are left to bunqueue's retention unless this is set.</summary>
        public bool IncludeBunqueueBackups { get; set; }

        public bool HasRule => RetentionDays.HasValue || KeepLast.HasValue || KeepHourly.HasValue || KeepDaily.HasValue
                               || KeepWeekly.HasValue || KeepMonthly.HasValue || KeepYearly.HasValue;

        /// <summary>S3_BACKUP_RETENTION, as bunqueue's operators already set it, read as days; else 7.</summary>
        public static int DefaultDays(IEnvironment env)
        {
            var text = env.First("S3_BACKUP_RETENTION");
            return int.TryParse(text, out var days) && days > 0 ? days : DefaultRetentionDays;
        }

        /// <summary>With no rule at all, the seed's age rule as bunqueue's operators configured it (<see cref="DefaultDays"/>).</summary>
        public RetentionPolicy WithDefaultRule(IEnvironment env)
        {
            if (!HasRule) RetentionDays = DefaultDays(env);
            return this;
        }

        public void Validate()
        {
            if (!HasRule)
                throw new BqBackupException(ErrorIds.InvalidRetention, BqErrorCategory.InvalidArgument,
                    "No retention rule was given.", null, "Give -RetentionDays, -KeepLast or a -Keep{Hourly,Daily,Weekly,Monthly,Yearly} count.");
            Check(nameof(RetentionDays), RetentionDays, "days of backups to keep, e.g. -RetentionDays 7");
            Check(nameof(KeepLast), KeepLast, "number of newest backups to keep, e.g. -KeepLast 7");
            Check(nameof(KeepHourly), KeepHourly, "number of hours to keep a backup of");
            Check(nameof(KeepDaily), KeepDaily, "number of days to keep a backup of");
            Check(nameof(KeepWeekly), KeepWeekly, "number of weeks to keep a backup of");
            Check(nameof(KeepMonthly), KeepMonthly, "number of months to keep a backup of");
            Check(nameof(KeepYearly), KeepYearly, "number of years to keep a backup of");
        }

        private static void Check(string name, int? value, string what)
        {
            if (value.HasValue && value.Value <= 0)
                throw new BqBackupException(ErrorIds.InvalidRetention, BqErrorCategory.InvalidArgument,
                    $"-{name} must be 1 or more; {value.Value} would keep nothing.", value.Value, $"Give the {what}.");
        }

        public override string ToString()
        {
            var parts = new List<string>();
            if (RetentionDays.HasValue) parts.Add($"-RetentionDays {RetentionDays}");
            if (KeepLast.HasValue) parts.Add($"-KeepLast {KeepLast}");
            if (KeepHourly.HasValue) parts.Add($"-KeepHourly {KeepHourly}");
            if (KeepDaily.HasValue) parts.Add($"-KeepDaily {KeepDaily}");
            if (KeepWeekly.HasValue) parts.Add($"-KeepWeekly {KeepWeekly}");
            if (KeepMonthly.HasValue) parts.Add($"-KeepMonthly {KeepMonthly}");
            if (KeepYearly.HasValue) parts.Add($"-KeepYearly {KeepYearly}");
            return string.Join(" ", parts);
        }
    }
}
