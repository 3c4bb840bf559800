using System;
using System.Collections.Generic;
using System.Globalization;

namespace BqBackup.Schedule
{
    /// <summary>
    /// The interval arithmetic every scheduler shares: the limits, the one rule for which
    /// intervals run on the clock (OnCalendar=, cron's time fields), the random spread, and how a
    /// span is written for people and for systemd.
    /// </summary>
    public static class ScheduleInterval
    {
        /// <summary>bunqueue's own S3_BACKUP_INTERVAL default.</summary>
        public static readonly TimeSpan Default = TimeSpan.FromHours(6);
        public static readonly TimeSpan Minimum = TimeSpan.FromMinutes(1);
        /// <summary>Task Scheduler's limit for a repetition interval; the same everywhere, so a schedule moves between systems.</summary>
        public static readonly TimeSpan Maximum = TimeSpan.FromDays(31);

        /// <summary>Whole minutes from 1 minute to 31 days: what every scheduler can run.</summary>
        public static bool IsValid(TimeSpan interval) =>
            interval >= Minimum && interval <= Maximum && interval.Ticks % TimeSpan.TicksPerMinute == 0;

        /// <summary>
        /// The interval on the wall clock, for the intervals that divide an hour (1, 2, 3, 4, 5, 6,
        /// 10, 12, 15, 20, 30 minutes) or a day (1, 2, 3, 4, 6, 8, 12, 24 hours); null for the
        /// others. The scheduler gives its spelling of a field that matches any value
        /// (<paramref name="any"/>), of the field's zero (<paramref name="zero"/>), and of every n
        /// from zero (<paramref name="every"/>); <paramref name="compose"/> lays out the minute and
        /// hour fields. 6 h is minute zero, hour every 6: 00:00, 06:00, 12:00, 18:00.
        /// </summary>
        public static string OnTheClock(TimeSpan interval, string any, string zero, Func<int, string> every, Func<string, string, string> compose)
        {
            if (interval.Ticks % TimeSpan.TicksPerMinute != 0 || interval < Minimum) return null;
            var minutes = (long)interval.TotalMinutes;
            if (minutes < 60 && 60 % minutes == 0) return compose(minutes == 1 ? any : every((int)minutes), any);
            if (minutes % 60 != 0) return null;
            var hours = minutes / 60;
            if (hours > 24 || 24 % hours != 0) return null;
            return compose(zero, hours == 1 ? any : hours == 24 ? zero : every((int)hours));
        }

        /// <summary>Spreads machines that share a schedule: a tenth of the interval, at most 5 minutes.</summary>
        public static TimeSpan RandomizedDelay(TimeSpan interval) =>
            TimeSpan.FromSeconds(Math.Floor(Math.Min(interval.TotalSeconds / 10, 300)));

        /// <summary>"6 h", "30 min", "1 d 12 h": for messages and the format view.</summary>
        public static string Describe(TimeSpan span) =>
            span <= TimeSpan.Zero || span.Ticks % TimeSpan.TicksPerSecond != 0 ? span.ToString() : Units(span, " ");

        /// <summary>systemd's time span syntax: "6h", "1h 30min", "1d", "6s".</summary>
        public static string SystemdSpan(TimeSpan span) => Units(span, "");

        private static string Units(TimeSpan span, string gap)
        {
            var parts = new List<string>();
            void Add(int value, string unit) { if (value > 0) parts.Add(value.ToString(CultureInfo.InvariantCulture) + gap + unit); }
            Add(span.Days, "d");
            Add(span.Hours, "h");
            Add(span.Minutes, "min");
            Add(span.Seconds, "s");
            return parts.Count == 0 ? "0" : string.Join(" ", parts);
        }
    }
}
