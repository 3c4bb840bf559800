using System;
using System.Runtime.InteropServices;

namespace BqBackup.Schedule
{
    /// <summary>Picks the scheduler: the one place that knows every <see cref="IScheduler"/>.</summary>
    public static class Schedulers
    {
        private static readonly bool OnWindows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        /// <summary>This machine's: systemd, or Windows' Task Scheduler; with <paramref name="asCron"/> a crontab line, which Windows has not.</summary>
        public static IScheduler ForThisMachine(bool asCron, SchedulerOptions options)
        {
            if (asCron && OnWindows)
                throw new BqBackupException(ErrorIds.InvalidScheduleSetting, BqErrorCategory.InvalidArgument,
                    "-AsCron makes a crontab line for Linux and macOS; Windows has no cron.", "AsCron",
                    "Leave out -AsCron: on Windows the schedule is a Scheduled Task.");
            return For(asCron ? ScheduleKind.Cron : OnWindows ? ScheduleKind.WindowsTask : ScheduleKind.Systemd, options);
        }

        public static IScheduler For(ScheduleKind kind, SchedulerOptions options)
        {
            switch (kind)
            {
                case ScheduleKind.Systemd: return new SystemdScheduler(options);
                case ScheduleKind.Cron: return new CronScheduler();
                case ScheduleKind.WindowsTask: return new WindowsTaskScheduler(options);
                default: throw new ArgumentOutOfRangeException(nameof(kind), kind, "No such scheduler.");
            }
        }
    }
}
