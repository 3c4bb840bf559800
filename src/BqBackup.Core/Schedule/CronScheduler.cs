using System;
using System.Linq;

namespace BqBackup.Schedule
{
    /// <summary>
    /// A crontab line (the user crontab format: five time fields, then an sh command line). It
    /// installs nothing: the line goes into the crontab of the user who should run it
    /// (crontab -e), and removing it is theirs too.
    /// </summary>
    public sealed class CronScheduler : IScheduler
    {
        public ScheduleKind Kind => ScheduleKind.Cron;

        public void Validate(ScheduleSettings s)
        {
            if (Time(s.Interval) == null)
                throw new BqBackupException(ErrorIds.InvalidInterval, BqErrorCategory.InvalidArgument,
                    $"cron cannot run a job every {ScheduleInterval.Describe(s.Interval)}: a crontab line can only repeat at an interval that divides an hour (1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30 minutes) or a day (1, 2, 3, 4, 6, 8, 12, 24 hours).",
                    s.Interval, "Pick such an interval, or use the systemd timer (without -AsCron), which can run at any interval.");
            ScheduleValidation.ValidateUnixUser(s.User);
        }

        /// <summary>Nothing: a crontab line is the user's, and we do not read crontabs.</summary>
        public string Find(string name) => null;

        /// <summary>Nothing, for the same reason: crontab -l shows the lines.</summary>
        public System.Collections.Generic.IReadOnlyList<ScheduleInfo> List() => new ScheduleInfo[0];

        public SchedulePlan PlanInstall(ScheduleSettings s, bool replace) => new SchedulePlan
        {
            Name = s.Name,
            Description = $"Print the crontab line for '{s.Name}' (every {ScheduleInterval.Describe(s.Interval)}), installing nothing.",
            Question = $"Print the crontab line for '{s.Name}'?",
            Text = Line(s),
            Result = new ScheduleInfo
            {
                Name = s.Name,
                Kind = ScheduleKind.Cron,
                Interval = s.Interval,
                Recipients = new ReadableList<string>(s.Recipients ?? new string[0]),
                RecipientFile = new ReadableList<string>(s.RecipientFiles ?? new string[0]),
                Trigger = Time(s.Interval),
                Files = new ReadableList<string>(),
                Command = ScheduleJob.ShellCommand(s, sourceEnvironmentFile: true),
                Enabled = false,
            },
        };

        public ScheduleInfo Install(SchedulePlan plan, OperationContext context) => plan.Result;

        public SchedulePlan PlanRemove(string name) =>
            throw ScheduleErrors.NotFound($"A crontab line for '{name}' is not ours to remove: delete it with crontab -e.", name);

        public void Remove(SchedulePlan plan, OperationContext context) { }

        /// <summary>The five time fields for an interval that divides an hour or a day; null otherwise.</summary>
        public static string Time(TimeSpan interval) =>
            ScheduleInterval.OnTheClock(interval, "*", "0", n => "*/" + n, (minute, hour) => $"{minute} {hour} * * *");

        /// <summary>One crontab line; the command sources the environment file, and cron's % is escaped.</summary>
        public static string Line(ScheduleSettings s) =>
            Time(s.Interval) + " " + Quoting.CronPercent(ScheduleJob.ShellCommand(s, sourceEnvironmentFile: true));
    }
}
